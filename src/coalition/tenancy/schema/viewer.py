"""Who is calling: a person or a partner app, with what it may do."""

from __future__ import annotations

import strawberry

from coalition.api.context import Info
from coalition.auth.principal import PrincipalKind
from coalition.tenancy import models, reads
from coalition.tenancy.schema.enums import Role
from coalition.tenancy.schema.loaders import TenancyLoaders
from coalition.tenancy.schema.membership import MembershipType
from coalition.tenancy.schema.tenant import TenantType
from coalition.tenancy.schema.user import UserType


@strawberry.type(description="Who is calling.")
class Viewer:
    kind: PrincipalKind = strawberry.field(description="A person (user) or a partner app (client).")
    label: str = strawberry.field(description="The person's email or the client's name.")
    user: UserType | None = strawberry.field(description="The person, for a person's token.")
    client_id: str | None = strawberry.field(description="The client_id, for a partner app.")
    scopes: list[str] = strawberry.field(description="What the token allows.")
    roles: list[Role] = strawberry.field(description="The person's roles across memberships.")
    memberships: list[MembershipType] = strawberry.field(description="The person's memberships.")
    tenant: TenantType = strawberry.field(description="The partnership.")


@strawberry.type
class ViewerQuery:
    @strawberry.field(description="The caller: a person or a partner app.")
    async def viewer(self, info: Info) -> Viewer:
        principal = info.context.require_principal()
        async with info.context.session() as session:
            tenant = await reads.get_tenant(session, principal)
            memberships = (
                await reads.memberships_of_user(session, principal, principal.id)
                if principal.is_user
                else []
            )
        loaders = info.context.loaders.of(TenancyLoaders)
        user = await loaders.user.load(principal.id) if principal.is_user else None
        return Viewer(
            kind=principal.kind,
            label=principal.label,
            user=UserType.from_model(user, principal) if user else None,
            client_id=None
            if principal.is_user
            else models.format_client_id(principal.tenant_id, principal.id),
            scopes=sorted(principal.scopes),
            roles=sorted(principal.roles),
            memberships=[MembershipType.from_model(m) for m in memberships],
            tenant=TenantType.from_model(tenant),
        )
