"""The schema root: Node lookups, the viewer, and every domain's queries and mutations."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Annotated

import strawberry
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.extensions.base_extension import SchemaExtension
from strawberry.extensions.disable_introspection import DisableIntrospection

from coalition.api.context import Info
from coalition.api.enums import expose_enum
from coalition.api.limits import OperationLimits
from coalition.api.relay import Node, NodeId, from_global_id
from coalition.audit.schema import AuditQuery
from coalition.auth.principal import PrincipalKind
from coalition.config import Settings
from coalition.demand.schema import DemandMutation, DemandQuery, DemandSignalType
from coalition.demand.summary_schema import DemandSummaryQuery
from coalition.funds.schema import FUNDS_NODE_TYPES, FundsMutation, FundsQuery, funds_node
from coalition.skills.schema import SkillsMutation, SkillsQuery
from coalition.tenancy import service as tenancy
from coalition.tenancy.models import Role, format_client_id
from coalition.tenancy.schema import (
    ApiClientType,
    MembershipType,
    OrganizationType,
    TenancyMutation,
    TenancyQuery,
    TenantType,
    UserType,
)

expose_enum(
    PrincipalKind,
    name="ViewerKind",
    description="Who is calling.",
    values={
        PrincipalKind.USER: "A person, with a token from the identity provider or the CLI.",
        PrincipalKind.CLIENT: "A partner application, with an OAuth2 client-credentials token.",
        PrincipalKind.SYSTEM: "The operator at the command line (never seen through the API).",
    },
)


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


async def _node(info: Info, global_id: str) -> Node | None:
    principal = info.context.require_principal()
    decoded = from_global_id(global_id)
    if decoded is None:
        return None
    type_name, object_id = decoded
    loaders = info.context.loaders
    if type_name == "Organization":
        organization = await loaders.organization.load(object_id)
        return OrganizationType.from_model(organization) if organization else None
    if type_name == "Membership":
        membership = await loaders.membership.load(object_id)
        return MembershipType.from_model(membership) if membership else None
    if type_name == "User":
        user = await loaders.user.load(object_id)
        return UserType.from_model(user, principal) if user else None
    if type_name == "ApiClient" and principal.is_partnership_admin:
        client = await loaders.api_client.load(object_id)
        return ApiClientType.from_model(client) if client else None
    if type_name == "DemandSignal":
        signal = await loaders.demand.signal.load(object_id)
        return DemandSignalType.from_model(signal) if signal else None
    if type_name in FUNDS_NODE_TYPES:
        return await funds_node(info, type_name, object_id)
    if type_name == "Tenant" and object_id == principal.tenant_id:
        async with info.context.session() as session:
            return TenantType.from_model(await tenancy.get_tenant(session, principal))
    return None


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any object by its global ID; null if not found.")
    async def node(self, info: Info, id: NodeId) -> Node | None:
        return await _node(info, id)

    @strawberry.field(description="Objects by global ID, in order; null for each not found.")
    async def nodes(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID],
            strawberry.argument(description="Global IDs, at most 100."),
        ],
    ) -> list[Node | None]:
        # gather, so the DataLoaders see every ID at once and batch them.
        return list(await asyncio.gather(*(_node(info, global_id) for global_id in ids)))

    @strawberry.field(description="The caller: a person or a partner app.")
    async def viewer(self, info: Info) -> Viewer:
        principal = info.context.require_principal()
        async with info.context.session() as session:
            tenant = await tenancy.get_tenant(session, principal)
            memberships = (
                await tenancy.memberships_of_user(session, principal, principal.id)
                if principal.is_user
                else []
            )
        user = await info.context.loaders.user.load(principal.id) if principal.is_user else None
        return Viewer(
            kind=principal.kind,
            label=principal.label,
            user=UserType.from_model(user, principal) if user else None,
            client_id=None
            if principal.is_user
            else format_client_id(principal.tenant_id, principal.id),
            scopes=sorted(principal.scopes),
            roles=sorted(principal.roles),
            memberships=[MembershipType.from_model(m) for m in memberships],
            tenant=TenantType.from_model(tenant),
        )


@strawberry.type(description="Everything a caller can read.")
class Query(
    NodeQuery,
    TenancyQuery,
    AuditQuery,
    SkillsQuery,
    DemandQuery,
    DemandSummaryQuery,
    FundsQuery,
):
    pass


@strawberry.type(description="Everything a caller can change.")
class Mutation(TenancyMutation, SkillsMutation, DemandMutation, FundsMutation):
    pass


def build_schema(settings: Settings) -> strawberry.Schema:
    # Factories, not instances: each request gets fresh extensions (they hold its state).
    extensions: list[Callable[[], SchemaExtension] | type[SchemaExtension]] = [
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: QueryDepthLimiter(max_depth=settings.max_query_depth),
        lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),
        lambda: OperationLimits(
            max_page_size=settings.max_page_size, max_cost=settings.max_query_cost
        ),
    ]
    if settings.is_production:
        extensions.append(DisableIntrospection)
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        types=[OrganizationType, MembershipType, UserType, ApiClientType, TenantType],
        extensions=extensions,
    )
