"""The funds tests' partnership: a funder, a training provider, an initiative and an OPEN
pool (2:1 up to 49 employees, 1:1 up to 499, none above), built through the services;
and the inputs the tests vary."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from starlette.applications import Starlette

from coalition.auth.principal import Grant, Principal, PrincipalKind
from coalition.auth.scopes import FUNDS_READ, USER_SCOPES
from coalition.auth.secrets import hash_client_secret
from coalition.auth.tokens import USER_TOKEN_CLIENT_ID, issue_access_token
from coalition.config import Settings
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.funds.models.pools import FundPoolStatus
from coalition.funds.service.commitments import CommitmentInput, add_commitment
from coalition.funds.service.contributions import ContributionInput
from coalition.funds.service.initiatives import create_initiative
from coalition.funds.service.pools import PoolInput, create_pool, set_pool_status
from coalition.tenancy.models import (
    ApiClient,
    Membership,
    Organization,
    OrganizationKind,
    Role,
    User,
    format_client_id,
)
from tests.support.world import CLIENT_SECRET, PEOPLE, World

TERM = (date(2024, 1, 1), date(2030, 12, 31))
CONTRIBUTED_ON = date(2025, 3, 14)


@dataclass
class FundsWorld:
    """A test partnership plus what the funds tests need; ``people`` maps a name to
    (user id, organization id, role, membership id)."""

    world: World
    funder: uuid.UUID
    provider: uuid.UUID
    initiative: uuid.UUID
    pool: uuid.UUID
    people: dict[str, tuple[uuid.UUID, uuid.UUID, Role, uuid.UUID]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def tenant_id(self) -> uuid.UUID:
        return self.world.id

    def principal(self, person: str) -> Principal:
        """The principal the API builds for a person (world people or funder_admin)."""
        if person in self.people:
            user_id, organization_id, role, membership_id = self.people[person]
        else:
            organization_name, role = PEOPLE[person]
            user_id = self.world.users[person]
            organization_id = self.world.organizations[organization_name]
            membership_id = self.world.memberships[person]
        return Principal(
            kind=PrincipalKind.USER,
            id=user_id,
            tenant_id=self.world.id,
            label=f"{person}@{self.world.slug}.example",
            scopes=USER_SCOPES,
            grants=(Grant(membership_id, organization_id, role),),
        )

    def token(self, name: str) -> str:
        return self.tokens.get(name) or self.world.tokens[name]


def pool_input(funder: uuid.UUID, **overrides: object) -> PoolInput:
    values: dict[str, object] = {
        "funder_organization_id": funder,
        "name": f"Pool {uuid.uuid4().hex[:6]}",
        "purpose": "Match employer training investment.",
        "currency": "USD",
        "starts_on": TERM[0],
        "ends_on": TERM[1],
        "match_tiers": [(49, "2"), (499, "1")],
        "cap_per_recipient_minor": 5_000_000,
        "annual_cap_per_recipient_minor": None,
        "eligible_recipient_kinds": ["EMPLOYER", "TRAINING_PROVIDER"],
        "eligible_purposes": [
            "TRAINING_COSTS",
            "WORK_BASED_LEARNING_WAGES",
            "SUPPORT_SERVICES",
            "TRAINING_EQUIPMENT",
        ],
    }
    values.update(overrides)
    return PoolInput(**values)  # type: ignore[arg-type]


def contribution_input(fw: FundsWorld, **overrides: object) -> ContributionInput:
    values: dict[str, object] = {
        "initiative_id": fw.initiative,
        "organization_id": fw.world.organizations["employer"],
        "pool_id": fw.pool,
        "kind": "CASH",
        "purpose": "TRAINING_COSTS",
        "amount_minor": 100_000,
        "currency": "USD",
        "contributed_on": CONTRIBUTED_ON,
    }
    values.update(overrides)
    return ContributionInput(**values)  # type: ignore[arg-type]


def key() -> str:
    return f"test-{uuid.uuid4()}"


async def create_funds_world(
    sessions: SessionFactory,
    app: Starlette,
    settings: Settings,
    world: World,
    *,
    commitment_minor: int = 10_000_000,
) -> FundsWorld:
    tenant_id = world.id
    funder, provider = uuid.uuid4(), uuid.uuid4()
    funder_admin, membership = uuid.uuid4(), uuid.uuid4()
    funds_reader = uuid.uuid4()
    async with tenant_transaction(sessions, tenant_id) as session:
        session.add_all(
            [
                Organization(
                    tenant_id=tenant_id,
                    id=funder,
                    name=f"{world.slug} foundation",
                    kind=OrganizationKind.FUNDER,
                    employee_count=12,
                ),
                Organization(
                    tenant_id=tenant_id,
                    id=provider,
                    name=f"{world.slug} tech college",
                    kind=OrganizationKind.TRAINING_PROVIDER,
                    employee_count=300,
                ),
                User(
                    tenant_id=tenant_id,
                    id=funder_admin,
                    email=f"funder@{world.slug}.example",
                    display_name="funder admin",
                ),
                ApiClient(
                    tenant_id=tenant_id,
                    id=funds_reader,
                    name=f"{world.slug} funds app",
                    secret_hash=hash_client_secret(CLIENT_SECRET),
                    scopes=[FUNDS_READ],
                ),
            ]
        )
        await session.flush()
        session.add(
            Membership(
                tenant_id=tenant_id,
                id=membership,
                user_id=funder_admin,
                organization_id=funder,
                role=Role.ORGANIZATION_ADMIN,
            )
        )
    fw = FundsWorld(
        world=world, funder=funder, provider=provider, initiative=uuid.uuid4(), pool=uuid.uuid4()
    )
    fw.people["funder_admin"] = (funder_admin, funder, Role.ORGANIZATION_ADMIN, membership)
    key_pair = await app.state.keys.signer()
    fw.tokens["funder_admin"] = issue_access_token(
        key_pair,
        settings,
        tenant_id=tenant_id,
        subject=str(funder_admin),
        client_id=USER_TOKEN_CLIENT_ID,
        scopes=USER_SCOPES,
    )
    funds_client = format_client_id(tenant_id, funds_reader)
    fw.tokens["funds_reader"] = issue_access_token(
        key_pair,
        settings,
        tenant_id=tenant_id,
        subject=funds_client,
        client_id=funds_client,
        scopes={FUNDS_READ},
    )
    admin = fw.principal("admin")
    async with tenant_transaction(sessions, tenant_id) as session:
        initiative = await create_initiative(
            session,
            admin,
            name="Machinist apprenticeship",
            description="A pathway.",
            starts_on=TERM[0],
            ends_on=None,
            participant_ids=[
                world.organizations["employer"],
                world.organizations["other_employer"],
                provider,
            ],
        )
        pool = await create_pool(session, admin, pool_input(funder), idempotency_key=key())
        if commitment_minor:
            await add_commitment(
                session,
                admin,
                CommitmentInput(pool.id, funder, "PHILANTHROPIC", commitment_minor, "USD", TERM[0]),
                idempotency_key=key(),
            )
        await set_pool_status(session, admin, pool.id, FundPoolStatus.OPEN)
        fw.initiative, fw.pool = initiative.id, pool.id
    return fw
