"""A world: one freshly made partnership with an organization of each kind, a person in
every role and partner apps, with their tokens."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from joserfc.jwk import ECKey

from coalition.auth.scopes import USER_SCOPES
from coalition.auth.secrets import hash_client_secret
from coalition.auth.tokens import USER_TOKEN_CLIENT_ID, issue_access_token
from coalition.config import Settings
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.tenancy.models import (
    ApiClient,
    Membership,
    Organization,
    OrganizationKind,
    Role,
    Tenant,
    User,
    format_client_id,
)

# Which role each person of a test tenant has, and in which organization.
PEOPLE: dict[str, tuple[str, Role]] = {
    "admin": ("convener", Role.PARTNERSHIP_ADMIN),
    "analyst": ("convener", Role.ANALYST),
    "org_admin": ("employer", Role.ORGANIZATION_ADMIN),
    "member": ("employer", Role.MEMBER),
    "other_org_admin": ("other_employer", Role.ORGANIZATION_ADMIN),
    "college_admin": ("college", Role.ORGANIZATION_ADMIN),
    "college_member": ("college", Role.MEMBER),
}
CLIENTS: dict[str, list[str]] = {"reader": ["read"], "writer": ["read", "write"]}
CLIENT_SECRET = "test-client-secret-0123456789abcdef"


@dataclass
class World:
    """One freshly created partnership with an organization of each kind and every role."""

    id: uuid.UUID
    slug: str
    organizations: dict[str, uuid.UUID]
    users: dict[str, uuid.UUID]
    memberships: dict[str, uuid.UUID]
    clients: dict[str, uuid.UUID]
    tokens: dict[str, str] = field(default_factory=dict)

    def client_id(self, name: str) -> str:
        return format_client_id(self.id, self.clients[name])


def global_id(type_name: str, object_id: uuid.UUID) -> str:
    from coalition.api.relay import to_global_id

    return str(to_global_id(type_name, object_id))


async def create_world(
    sessions: SessionFactory, key: ECKey, settings: Settings, *, label: str
) -> World:
    tenant_id = uuid.uuid4()
    slug = f"{label}-{tenant_id.hex[:8]}"
    async with sessions() as session, session.begin():
        session.add(
            Tenant(
                id=tenant_id,
                slug=slug,
                name=f"Partnership {label}",
                region="Test Region",
                settings={"time_zone": "America/Chicago"},
            )
        )
    kinds = {
        "convener": OrganizationKind.PUBLIC_AGENCY,
        "employer": OrganizationKind.EMPLOYER,
        "other_employer": OrganizationKind.EMPLOYER,
        "college": OrganizationKind.EDUCATION_INSTITUTION,
    }
    world = World(id=tenant_id, slug=slug, organizations={}, users={}, memberships={}, clients={})
    async with tenant_transaction(sessions, tenant_id) as session:
        for name, kind in kinds.items():
            organization = Organization(
                tenant_id=tenant_id,
                id=uuid.uuid4(),
                name=f"{label} {name}",
                kind=kind,
                employee_count=40,
            )
            session.add(organization)
            world.organizations[name] = organization.id
        await session.flush()
        for person, (organization_name, role) in PEOPLE.items():
            user = User(
                tenant_id=tenant_id,
                id=uuid.uuid4(),
                email=f"{person}@{slug}.example",
                display_name=person,
            )
            session.add(user)
            await session.flush()
            membership = Membership(
                tenant_id=tenant_id,
                id=uuid.uuid4(),
                user_id=user.id,
                organization_id=world.organizations[organization_name],
                role=role,
            )
            session.add(membership)
            world.users[person] = user.id
            world.memberships[person] = membership.id
        for name, scopes in CLIENTS.items():
            client = ApiClient(
                tenant_id=tenant_id,
                id=uuid.uuid4(),
                name=f"{label} {name}",
                secret_hash=hash_client_secret(CLIENT_SECRET),
                scopes=scopes,
            )
            session.add(client)
            world.clients[name] = client.id
    for person, user_id in world.users.items():
        world.tokens[person] = issue_access_token(
            key,
            settings,
            tenant_id=tenant_id,
            subject=str(user_id),
            client_id=USER_TOKEN_CLIENT_ID,
            scopes=USER_SCOPES,
        )
    for name, scopes in CLIENTS.items():
        client_id = world.client_id(name)
        world.tokens[name] = issue_access_token(
            key,
            settings,
            tenant_id=tenant_id,
            subject=client_id,
            client_id=client_id,
            scopes=set(scopes),
        )
    return world
