# mypy: disable-error-code="untyped-decorator"
"""Funders' commitments in GraphQL: the type, its input, its payload and mutation."""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.api.context import Info
from coalition.api.money import Money, MoneyInput
from coalition.api.mutations import UserError, decode_id, run_mutation
from coalition.api.relay import Node, to_global_id
from coalition.auth.principal import Principal
from coalition.funds.models.pools import (
    CommitmentStatus,
    FundCommitment,
    FundingSource,
)
from coalition.funds.schema.loaders import FundsLoaders
from coalition.funds.schema.shared import (
    TENANCY,
    key_field,
    node_of,
    organization_type,
    pool_currency,
    pool_of,
)
from coalition.funds.service.commitments import CommitmentInput, add_commitment

if TYPE_CHECKING:
    from coalition.tenancy.schema import OrganizationType

if TYPE_CHECKING:
    from coalition.funds.schema.pool import FundPoolType


@strawberry.type(name="FundCommitment", description="One funder's commitment of money to a pool.")
class FundCommitmentType(Node):
    source: FundingSource = strawberry.field(description="Where the money comes from.")
    committed_on: date = strawberry.field(description="When it was committed.")
    status: CommitmentStatus = strawberry.field(description="Active or reversed.")
    model: strawberry.Private[FundCommitment]

    @classmethod
    async def resolve_node(cls, info: Info, object_id: uuid.UUID) -> FundCommitmentType | None:
        found = await info.context.loaders.of(FundsLoaders).commitment.load(object_id)
        return cls.from_model(found) if found else None

    @classmethod
    def from_model(cls, commitment: FundCommitment) -> FundCommitmentType:
        return cls(
            id=to_global_id("FundCommitment", commitment.id),
            source=commitment.source,
            committed_on=commitment.committed_on,
            status=commitment.status,
            model=commitment,
        )

    @strawberry.field(description="The amount committed, in the pool's currency.")
    async def amount(self, info: Info) -> Money:
        return Money.amount(self.model.amount_minor, await pool_currency(info, self.model.pool_id))

    @strawberry.field(description="The pool.")
    async def pool(
        self, info: Info
    ) -> Annotated[FundPoolType, strawberry.lazy("coalition.funds.schema.pool")]:
        pool: FundPoolType = node_of(info, "FundPool", await pool_of(info, self.model.pool_id))
        return pool

    @strawberry.field(description="The funder organization whose money it is.")
    async def funder(self, info: Info) -> Annotated[OrganizationType, strawberry.lazy(TENANCY)]:
        loaded = await info.context.loaders.of(FundsLoaders).organization.load(
            self.model.funder_organization_id
        )
        return organization_type(info, loaded, self.model.funder_organization_id)


@strawberry.input(description="A funder's commitment of money to a DRAFT or OPEN pool.")
class AddFundCommitmentInput:
    idempotency_key: str = key_field()
    pool_id: strawberry.ID = strawberry.field(description="The pool.")
    funder_organization_id: strawberry.ID = strawberry.field(
        description="The funder organization whose money it is."
    )
    source: FundingSource = strawberry.field(description="Where the money comes from.")
    amount: MoneyInput = strawberry.field(description="The amount, in the pool's currency.")
    committed_on: date = strawberry.field(description="When it was committed.")


@strawberry.type(description="Result of adding a commitment.")
class FundCommitmentPayload:
    commitment: FundCommitmentType | None = strawberry.field(description="The commitment.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.type
class CommitmentMutation:
    @strawberry.mutation(
        description="Commit a funder's money to a pool (partnership admins, or the funder's "
        "admins for their own money)."
    )
    async def add_fund_commitment(
        self,
        info: Info,
        input: Annotated[
            AddFundCommitmentInput, strawberry.argument(description="The commitment.")
        ],
    ) -> FundCommitmentPayload:
        async def action(session: AsyncSession, principal: Principal) -> FundCommitment:
            given = CommitmentInput(
                pool_id=decode_id(input.pool_id, "FundPool", "poolId"),
                funder_organization_id=decode_id(
                    input.funder_organization_id, "Organization", "funderOrganizationId"
                ),
                source=input.source.value,
                amount_minor=input.amount.amount_minor,
                currency=input.amount.currency,
                committed_on=input.committed_on,
            )
            return await add_commitment(
                session, principal, given, idempotency_key=input.idempotency_key
            )

        commitment, errors = await run_mutation(info, action)
        return FundCommitmentPayload(
            commitment=FundCommitmentType.from_model(commitment) if commitment else None,
            user_errors=errors,
        )
