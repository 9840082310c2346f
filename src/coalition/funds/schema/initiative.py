# mypy: disable-error-code="untyped-decorator"
"""Initiatives in GraphQL: the type, its inputs, its payload, its queries and
mutations."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.api.context import Info
from coalition.api.mutations import UserError, decode_id, run_mutation
from coalition.api.relay import After, Connection, First, Node, NodeId, from_global_id, to_global_id
from coalition.auth.principal import Principal
from coalition.funds import permissions, reads
from coalition.funds.models.initiatives import Initiative
from coalition.funds.schema.contribution import ContributionType
from coalition.funds.schema.loaders import FundsLoaders
from coalition.funds.schema.report import InitiativePoolFunding
from coalition.funds.schema.shared import (
    TENANCY,
    node_of,
    organization_ids,
)
from coalition.funds.service.initiatives import add_initiative_participant, create_initiative
from coalition.pagination import DEFAULT_PAGE_SIZE, PageRequest

if TYPE_CHECKING:
    from coalition.tenancy.schema import OrganizationType


@strawberry.type(
    name="Initiative",
    description="A partnership's initiative (an apprenticeship pathway, a cohort) that "
    "members contribute to.",
)
class InitiativeType(Node):
    name: str = strawberry.field(description="The initiative's name, unique in the partnership.")
    description: str = strawberry.field(description="What it is, in plain words.")
    starts_on: date = strawberry.field(description="When it starts.")
    ends_on: date | None = strawberry.field(description="When it ends; null if open-ended.")
    created_at: datetime = strawberry.field(description="When it was created.")
    model: strawberry.Private[Initiative]

    @classmethod
    async def resolve_node(cls, info: Info, object_id: uuid.UUID) -> InitiativeType | None:
        found = await info.context.loaders.of(FundsLoaders).initiative.load(object_id)
        return cls.from_model(found) if found else None

    @classmethod
    def from_model(cls, initiative: Initiative) -> InitiativeType:
        return cls(
            id=to_global_id("Initiative", initiative.id),
            name=initiative.name,
            description=initiative.description,
            starts_on=initiative.starts_on,
            ends_on=initiative.ends_on,
            created_at=initiative.created_at,
            model=initiative,
        )

    @strawberry.field(description="Participating organizations, by name.")
    async def participants(
        self, info: Info
    ) -> list[Annotated[OrganizationType, strawberry.lazy(TENANCY)]]:
        found = await info.context.loaders.of(FundsLoaders).participants.load(self.model.id)
        return [node_of(info, "Organization", organization) for organization in found]

    @strawberry.field(
        description="Contributions to this initiative you may see, newest first: all of those "
        "to pools you oversee, and your own organizations' (the others are left out, and "
        "not counted)."
    )
    async def contributions(
        self, info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None
    ) -> Connection[ContributionType]:
        page = await info.context.loaders.of(FundsLoaders).initiative_contributions.load(
            (self.model.id, PageRequest(first=first, after=after))
        )
        return Connection.of(page, ContributionType.from_model)

    @strawberry.field(
        description="Per pool: contributions to this initiative, and what was matched, "
        "disbursed and paid for them; pools with no money for it are left out."
    )
    async def funding(self, info: Info) -> list[InitiativePoolFunding]:
        found = await info.context.loaders.of(FundsLoaders).funding.load(self.model.id)
        return [InitiativePoolFunding.from_report(row) for row in found]


@strawberry.input(description="A new initiative (partnership admins).")
class CreateInitiativeInput:
    name: str = strawberry.field(description="Name, unique in the partnership (max 200).")
    description: str | None = strawberry.field(default=None, description="What it is.")
    starts_on: date = strawberry.field(description="When it starts.")
    ends_on: date | None = strawberry.field(default=None, description="When it ends, if known.")
    participant_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Participating organizations."
    )


@strawberry.input(description="An organization joining an initiative.")
class AddInitiativeParticipantInput:
    initiative_id: strawberry.ID = strawberry.field(description="The initiative.")
    organization_id: strawberry.ID = strawberry.field(description="The organization.")


@strawberry.type(description="Result of a change to an initiative.")
class InitiativePayload:
    initiative: InitiativeType | None = strawberry.field(description="The initiative.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


def _initiative(result: tuple[Initiative | None, list[UserError]]) -> InitiativePayload:
    initiative, errors = result
    return InitiativePayload(
        initiative=InitiativeType.from_model(initiative) if initiative else None,
        user_errors=errors,
    )


@strawberry.type
class InitiativeQuery:
    @strawberry.field(description="One initiative; null if there is none with this ID.")
    async def initiative(self, info: Info, id: NodeId) -> InitiativeType | None:
        permissions.require_funds_read(info.context.require_principal())
        decoded = from_global_id(id, "Initiative")
        if decoded is None:
            return None
        initiative = await info.context.loaders.of(FundsLoaders).initiative.load(decoded[1])
        return InitiativeType.from_model(initiative) if initiative else None

    @strawberry.field(description="Initiatives, newest first.")
    async def initiatives(
        self, info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None
    ) -> Connection[InitiativeType]:
        principal = info.context.require_principal()
        async with info.context.session() as session:
            page = await reads.list_initiatives(
                session, principal, page=PageRequest(first=first, after=after)
            )
        return Connection.of(page, InitiativeType.from_model)


@strawberry.type
class InitiativeMutation:
    @strawberry.mutation(description="Create an initiative (partnership admins).")
    async def create_initiative(
        self,
        info: Info,
        input: Annotated[CreateInitiativeInput, strawberry.argument(description="The initiative.")],
    ) -> InitiativePayload:
        async def action(session: AsyncSession, principal: Principal) -> Initiative:
            participant_ids = organization_ids(input.participant_ids or [])
            return await create_initiative(
                session,
                principal,
                name=input.name,
                description=input.description,
                starts_on=input.starts_on,
                ends_on=input.ends_on,
                participant_ids=participant_ids,
            )

        return _initiative(await run_mutation(info, action))

    @strawberry.mutation(description="Add a participating organization (partnership admins).")
    async def add_initiative_participant(
        self,
        info: Info,
        input: Annotated[
            AddInitiativeParticipantInput,
            strawberry.argument(description="The initiative and organization."),
        ],
    ) -> InitiativePayload:
        async def action(session: AsyncSession, principal: Principal) -> Initiative:
            initiative_id = decode_id(input.initiative_id, "Initiative", "initiativeId")
            organization_id = decode_id(input.organization_id, "Organization", "organizationId")
            return await add_initiative_participant(
                session, principal, initiative_id, organization_id
            )

        return _initiative(await run_mutation(info, action))
