"""A person's role in one organization: the type, and giving or ending one."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, cast

import strawberry

from coalition.api.context import Info
from coalition.api.mutations import UserError, decode_id, run_mutation
from coalition.api.relay import Node, to_global_id
from coalition.api.schema import node_types_of
from coalition.auth.principal import Principal
from coalition.tenancy import memberships, models
from coalition.tenancy.schema.enums import Role
from coalition.tenancy.schema.loaders import TenancyLoaders
from coalition.tenancy.schema.user import UserType

if TYPE_CHECKING:
    # Only the annotation: organization.py imports this module (an organization lists
    # its memberships), so the organization is resolved through the Node registry.
    from coalition.tenancy.schema.organization import OrganizationType

ORGANIZATION = "coalition.tenancy.schema.organization"


@strawberry.type(name="Membership", description="A person's role in one organization.")
class MembershipType(Node):
    role: Role = strawberry.field(description="What the person may do.")
    created_at: datetime = strawberry.field(description="When the membership began.")
    organization_id: strawberry.Private[Any]
    user_id: strawberry.Private[Any]

    @classmethod
    def from_model(cls, membership: models.Membership) -> MembershipType:
        return cls(
            id=to_global_id("Membership", membership.id),
            role=membership.role,
            created_at=membership.created_at,
            organization_id=membership.organization_id,
            user_id=membership.user_id,
        )

    @strawberry.field(description="The organization.")
    async def organization(
        self, info: Info
    ) -> Annotated[OrganizationType, strawberry.lazy(ORGANIZATION)] | None:
        found = await node_types_of(info)["Organization"].resolve_node(info, self.organization_id)
        return cast("OrganizationType | None", found)

    @strawberry.field(description="The person.")
    async def user(self, info: Info) -> UserType | None:
        user = await info.context.loaders.of(TenancyLoaders).user.load(self.user_id)
        return UserType.from_model(user, info.context.require_principal()) if user else None

    @classmethod
    async def resolve_node(cls, info: Info, object_id: uuid.UUID) -> MembershipType | None:
        membership = await info.context.loaders.of(TenancyLoaders).membership.load(object_id)
        return cls.from_model(membership) if membership else None


@strawberry.input(description="Give a person a role in an organization.")
class AddMembershipInput:
    organization_id: strawberry.ID = strawberry.field(description="The organization.")
    email: str = strawberry.field(description="The person's email; a new person is created.")
    role: Role = strawberry.field(description="The role to give.")
    display_name: str | None = strawberry.field(default=None, description="Name for a new person.")


@strawberry.input(description="The membership to end.")
class RemoveMembershipInput:
    id: strawberry.ID = strawberry.field(description="The membership.")


@strawberry.type(description="Result of a change to a membership.")
class MembershipPayload:
    membership: MembershipType | None = strawberry.field(description="The membership.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")

    @classmethod
    def of(cls, membership: models.Membership | None, errors: list[UserError]) -> MembershipPayload:
        return cls(
            membership=MembershipType.from_model(membership) if membership else None,
            user_errors=errors,
        )


@strawberry.type
class MembershipMutation:
    @strawberry.mutation(description="Give a person a role in an organization.")
    async def add_membership(
        self,
        info: Info,
        input: Annotated[
            AddMembershipInput,
            strawberry.argument(description="The person, organization and role."),
        ],
    ) -> MembershipPayload:
        async def action(session: Any, principal: Principal) -> models.Membership:
            organization_id = decode_id(input.organization_id, "Organization", "organizationId")
            return await memberships.add_membership(
                session,
                principal,
                organization_id=organization_id,
                email=input.email,
                display_name=input.display_name,
                role=input.role,
            )

        return MembershipPayload.of(*await run_mutation(info, action))

    @strawberry.mutation(description="End a membership.")
    async def remove_membership(
        self,
        info: Info,
        input: Annotated[
            RemoveMembershipInput, strawberry.argument(description="The membership to end.")
        ],
    ) -> MembershipPayload:
        async def action(session: Any, principal: Principal) -> models.Membership:
            membership_id = decode_id(input.id, "Membership", "id")
            return await memberships.remove_membership(
                session, principal, membership_id=membership_id
            )

        return MembershipPayload.of(*await run_mutation(info, action))
