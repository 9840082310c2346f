# mypy: disable-error-code="untyped-decorator"
"""Disbursements (tranches of a match) in GraphQL: the type, its inputs, its payload,
and the mutations that schedule, approve, pay and cancel tranches."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.api.context import Info
from coalition.api.money import Money, MoneyInput
from coalition.api.mutations import UserError, decode_id, run_mutation
from coalition.api.relay import Node, to_global_id
from coalition.auth.principal import Principal
from coalition.funds.models.disbursements import Disbursement, TrancheStatus
from coalition.funds.schema.loaders import FundsLoaders
from coalition.funds.schema.shared import (
    TENANCY,
    key_field,
    node_of,
    organization_type,
    pool_currency,
    pool_of,
)
from coalition.funds.service.cancellations import cancel_disbursement
from coalition.funds.service.disbursements import (
    DisbursementInput,
    approve_disbursement,
    mark_requirement_met,
    pay_disbursement,
    schedule_disbursement,
)

if TYPE_CHECKING:
    from coalition.tenancy.schema import OrganizationType

if TYPE_CHECKING:
    from coalition.funds.schema.contribution import ContributionType
    from coalition.funds.schema.pool import FundPoolType


@strawberry.type(
    name="Disbursement",
    description="A tranche of a contribution's match, paid to the contributor or to a "
    "training provider on its behalf. Seen by the pool's overseers, the contributor's "
    "people and the payee's people: for anyone else it reads as missing.",
)
class DisbursementType(Node):
    scheduled_on: date = strawberry.field(description="When it is to be paid.")
    status: TrancheStatus = strawberry.field(description="Scheduled, approved, paid or cancelled.")
    requirement: str | None = strawberry.field(
        description="What must happen before it is paid (e.g. an outcome report); null: none."
    )
    requirement_met_at: datetime | None = strawberry.field(
        description="When the requirement was recorded as met."
    )
    approved_at: datetime | None = strawberry.field(description="When it was approved.")
    paid_at: datetime | None = strawberry.field(description="When it was paid.")
    cancelled_at: datetime | None = strawberry.field(description="When it was cancelled.")
    cancel_reason: str | None = strawberry.field(description="Why it was cancelled.")
    created_at: datetime = strawberry.field(description="When it was scheduled.")
    model: strawberry.Private[Disbursement]

    @classmethod
    async def resolve_node(cls, info: Info, object_id: uuid.UUID) -> DisbursementType | None:
        found = await info.context.loaders.of(FundsLoaders).disbursement.load(object_id)
        return cls.from_model(found) if found else None

    @classmethod
    def from_model(cls, disbursement: Disbursement) -> DisbursementType:
        return cls(
            id=to_global_id("Disbursement", disbursement.id),
            scheduled_on=disbursement.scheduled_on,
            status=disbursement.status,
            requirement=disbursement.requirement,
            requirement_met_at=disbursement.requirement_met_at,
            approved_at=disbursement.approved_at,
            paid_at=disbursement.paid_at,
            cancelled_at=disbursement.cancelled_at,
            cancel_reason=disbursement.cancel_reason,
            created_at=disbursement.created_at,
            model=disbursement,
        )

    @strawberry.field(description="The amount, in the pool's currency.")
    async def amount(self, info: Info) -> Money:
        return Money.amount(self.model.amount_minor, await pool_currency(info, self.model.pool_id))

    @strawberry.field(
        description="The contribution whose match it pays; null for a payee who may not see "
        "it (another organization's contribution, in a pool the caller does not oversee)."
    )
    async def contribution(
        self, info: Info
    ) -> Annotated[ContributionType, strawberry.lazy("coalition.funds.schema.contribution")] | None:
        found = await info.context.loaders.of(FundsLoaders).contribution.load(
            self.model.contribution_id
        )
        return node_of(info, "Contribution", found) if found else None

    @strawberry.field(description="The pool it is paid from.")
    async def pool(
        self, info: Info
    ) -> Annotated[FundPoolType, strawberry.lazy("coalition.funds.schema.pool")]:
        pool: FundPoolType = node_of(info, "FundPool", await pool_of(info, self.model.pool_id))
        return pool

    @strawberry.field(description="Who is paid: the contributor or a training provider.")
    async def payee(self, info: Info) -> Annotated[OrganizationType, strawberry.lazy(TENANCY)]:
        loaded = await info.context.loaders.of(FundsLoaders).organization.load(
            self.model.payee_organization_id
        )
        return organization_type(info, loaded, self.model.payee_organization_id)


@strawberry.input(description="A tranche of a verified contribution's match.")
class ScheduleDisbursementInput:
    idempotency_key: str = key_field()
    contribution_id: strawberry.ID = strawberry.field(description="The contribution.")
    payee_organization_id: strawberry.ID = strawberry.field(
        description="Who is paid: the contributor, or a training provider on its behalf."
    )
    amount: MoneyInput = strawberry.field(
        description="The amount, at most what is left of the match."
    )
    scheduled_on: date = strawberry.field(description="When it is to be paid.")
    requirement: str | None = strawberry.field(
        default=None, description="What must happen before it is paid, if anything."
    )


@strawberry.input(description="The scheduled tranche to approve.")
class ApproveDisbursementInput:
    idempotency_key: str = key_field()
    disbursement_id: strawberry.ID = strawberry.field(description="The tranche.")


@strawberry.input(description="The tranche whose requirement is met.")
class MarkDisbursementRequirementMetInput:
    disbursement_id: strawberry.ID = strawberry.field(description="The tranche.")


@strawberry.input(description="The approved tranche that was paid.")
class PayDisbursementInput:
    idempotency_key: str = key_field()
    disbursement_id: strawberry.ID = strawberry.field(description="The tranche.")


@strawberry.input(description="The scheduled or approved tranche to cancel, and why.")
class CancelDisbursementInput:
    idempotency_key: str = key_field()
    disbursement_id: strawberry.ID = strawberry.field(description="The tranche.")
    reason: str = strawberry.field(description="Why it is cancelled.")


@strawberry.type(description="Result of a change to a disbursement.")
class DisbursementPayload:
    disbursement: DisbursementType | None = strawberry.field(description="The tranche.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


def _disbursement(
    result: tuple[Disbursement | None, list[UserError]],
) -> DisbursementPayload:
    disbursement, errors = result
    return DisbursementPayload(
        disbursement=DisbursementType.from_model(disbursement) if disbursement else None,
        user_errors=errors,
    )


@strawberry.type
class DisbursementMutation:
    @strawberry.mutation(
        description="Schedule a tranche of a verified contribution's match (the pool's managers)."
    )
    async def schedule_disbursement(
        self,
        info: Info,
        input: Annotated[
            ScheduleDisbursementInput, strawberry.argument(description="The tranche.")
        ],
    ) -> DisbursementPayload:
        async def action(session: AsyncSession, principal: Principal) -> Disbursement:
            given = DisbursementInput(
                contribution_id=decode_id(input.contribution_id, "Contribution", "contributionId"),
                payee_organization_id=decode_id(
                    input.payee_organization_id, "Organization", "payeeOrganizationId"
                ),
                amount_minor=input.amount.amount_minor,
                currency=input.amount.currency,
                scheduled_on=input.scheduled_on,
                requirement=input.requirement,
            )
            return await schedule_disbursement(
                session, principal, given, idempotency_key=input.idempotency_key
            )

        return _disbursement(await run_mutation(info, action))

    @strawberry.mutation(description="Approve a scheduled tranche (the pool's managers).")
    async def approve_disbursement(
        self,
        info: Info,
        input: Annotated[ApproveDisbursementInput, strawberry.argument(description="The tranche.")],
    ) -> DisbursementPayload:
        async def action(session: AsyncSession, principal: Principal) -> Disbursement:
            disbursement_id = decode_id(input.disbursement_id, "Disbursement", "disbursementId")
            return await approve_disbursement(
                session, principal, disbursement_id, idempotency_key=input.idempotency_key
            )

        return _disbursement(await run_mutation(info, action))

    @strawberry.mutation(
        description="Record that a tranche's requirement is met (the pool's managers)."
    )
    async def mark_disbursement_requirement_met(
        self,
        info: Info,
        input: Annotated[
            MarkDisbursementRequirementMetInput, strawberry.argument(description="The tranche.")
        ],
    ) -> DisbursementPayload:
        async def action(session: AsyncSession, principal: Principal) -> Disbursement:
            disbursement_id = decode_id(input.disbursement_id, "Disbursement", "disbursementId")
            return await mark_requirement_met(session, principal, disbursement_id)

        return _disbursement(await run_mutation(info, action))

    @strawberry.mutation(
        description="Record the payment of an approved tranche whose requirement, if any, is "
        "met (the pool's managers)."
    )
    async def pay_disbursement(
        self,
        info: Info,
        input: Annotated[PayDisbursementInput, strawberry.argument(description="The tranche.")],
    ) -> DisbursementPayload:
        async def action(session: AsyncSession, principal: Principal) -> Disbursement:
            disbursement_id = decode_id(input.disbursement_id, "Disbursement", "disbursementId")
            return await pay_disbursement(
                session, principal, disbursement_id, idempotency_key=input.idempotency_key
            )

        return _disbursement(await run_mutation(info, action))

    @strawberry.mutation(
        description="Cancel a scheduled or approved tranche; its amount goes back to the "
        "match (the pool's managers)."
    )
    async def cancel_disbursement(
        self,
        info: Info,
        input: Annotated[
            CancelDisbursementInput, strawberry.argument(description="The tranche and why.")
        ],
    ) -> DisbursementPayload:
        async def action(session: AsyncSession, principal: Principal) -> Disbursement:
            disbursement_id = decode_id(input.disbursement_id, "Disbursement", "disbursementId")
            return await cancel_disbursement(
                session,
                principal,
                disbursement_id,
                input.reason,
                idempotency_key=input.idempotency_key,
            )

        return _disbursement(await run_mutation(info, action))
