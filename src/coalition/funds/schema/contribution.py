# mypy: disable-error-code="untyped-decorator"
"""Contributions in GraphQL: the type, its inputs and filter, its payload, the
contribution queries, and recording and verifying."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.api.context import Info
from coalition.api.money import Money, MoneyInput
from coalition.api.mutations import UserError, decode_id, run_mutation
from coalition.api.relay import After, Connection, First, Node, NodeId, from_global_id, to_global_id
from coalition.auth.principal import Principal
from coalition.funds import permissions, reads
from coalition.funds.models.contributions import (
    Contribution,
    ContributionKind,
    ContributionStatus,
    ValuationMethod,
)
from coalition.funds.models.pools import (
    FundPurpose,
)
from coalition.funds.schema.disbursement import DisbursementType
from coalition.funds.schema.loaders import FundsLoaders
from coalition.funds.schema.shared import (
    TENANCY,
    exists,
    key_field,
    node_of,
    optional_id,
    organization_type,
    pool_of,
    ratio_text,
)
from coalition.funds.service.contributions import ContributionInput, record_contribution
from coalition.funds.service.verifications import verify_contribution
from coalition.pagination import DEFAULT_PAGE_SIZE, PageRequest

if TYPE_CHECKING:
    from coalition.tenancy.schema import OrganizationType

if TYPE_CHECKING:
    from coalition.funds.schema.initiative import InitiativeType
    from coalition.funds.schema.pool import FundPoolType


@strawberry.type(
    name="Contribution",
    description="A member's cash or in-kind contribution to an initiative, and its match. "
    "Seen by the pool's overseers (partnership admins, analysts, members of its funder, "
    "funds:read apps) and the contributing organization's people: for anyone else it reads "
    "as missing.",
)
class ContributionType(Node):
    kind: ContributionKind = strawberry.field(description="Cash or in-kind.")
    purpose: FundPurpose = strawberry.field(description="What it pays for.")
    amount: Money = strawberry.field(description="Its value, in the pool's currency.")
    contributed_on: date = strawberry.field(description="When it was made.")
    valuation_method: ValuationMethod | None = strawberry.field(
        description="How an in-kind contribution was valued; null for cash."
    )
    evidence_note: str = strawberry.field(
        description="The evidence for an in-kind value (empty for cash unless given)."
    )
    status: ContributionStatus = strawberry.field(
        description="Recorded, verified (and matched) or reversed."
    )
    match_ratio: str | None = strawberry.field(
        description="The ratio it was matched at (pool dollars per dollar), set on "
        "verification; null before, or when no tier covered the recipient."
    )
    match_requested: Money = strawberry.field(
        description="What the ratio gives, before caps and the pool's balance (0 before "
        "verification)."
    )
    matched: Money = strawberry.field(description="What the pool matched (0 before verification).")
    unmatched: Money = strawberry.field(
        description="What the ratio gave but caps or the pool's balance did not allow."
    )
    scheduled: Money = strawberry.field(
        description="The part of the match scheduled for disbursement (not cancelled)."
    )
    verified_at: datetime | None = strawberry.field(description="When it was verified.")
    verified_by: str | None = strawberry.field(description="Who verified it.")
    created_at: datetime = strawberry.field(description="When it was recorded.")
    model: strawberry.Private[Contribution]

    @classmethod
    async def resolve_node(cls, info: Info, object_id: uuid.UUID) -> ContributionType | None:
        found = await info.context.loaders.of(FundsLoaders).contribution.load(object_id)
        return cls.from_model(found) if found else None

    @classmethod
    def from_model(cls, contribution: Contribution) -> ContributionType:
        currency = contribution.currency
        return cls(
            id=to_global_id("Contribution", contribution.id),
            kind=contribution.kind,
            purpose=contribution.purpose,
            amount=Money.amount(contribution.amount_minor, currency),
            contributed_on=contribution.contributed_on,
            valuation_method=contribution.valuation_method,
            evidence_note=contribution.evidence_note,
            status=contribution.status,
            match_ratio=ratio_text(
                contribution.match_ratio_numerator, contribution.match_ratio_denominator
            ),
            match_requested=Money.amount(contribution.match_requested_minor, currency),
            matched=Money.amount(contribution.matched_minor, currency),
            unmatched=Money.amount(contribution.unmatched_minor, currency),
            scheduled=Money.amount(contribution.scheduled_minor, currency),
            verified_at=contribution.verified_at,
            verified_by=contribution.verified_by,
            created_at=contribution.created_at,
            model=contribution,
        )

    @strawberry.field(description="The initiative it was made to.")
    async def initiative(
        self, info: Info
    ) -> Annotated[InitiativeType, strawberry.lazy("coalition.funds.schema.initiative")]:
        initiative = await info.context.loaders.of(FundsLoaders).initiative.load(
            self.model.initiative_id
        )
        found: InitiativeType = node_of(
            info, "Initiative", exists(initiative, self.model.initiative_id)
        )
        return found

    @strawberry.field(description="The contributing organization.")
    async def organization(
        self, info: Info
    ) -> Annotated[OrganizationType, strawberry.lazy(TENANCY)]:
        loaded = await info.context.loaders.of(FundsLoaders).organization.load(
            self.model.organization_id
        )
        return organization_type(info, loaded, self.model.organization_id)

    @strawberry.field(description="The pool asked to match it.")
    async def pool(
        self, info: Info
    ) -> Annotated[FundPoolType, strawberry.lazy("coalition.funds.schema.pool")]:
        pool: FundPoolType = node_of(info, "FundPool", await pool_of(info, self.model.pool_id))
        return pool

    @strawberry.field(
        description="Tranches of its match you may see, by scheduled date (all of them for "
        "the pool's overseers and the contributor)."
    )
    async def disbursements(self, info: Info) -> list[DisbursementType]:
        found = await info.context.loaders.of(FundsLoaders).disbursements_of_contribution.load(
            self.model.id
        )
        return [DisbursementType.from_model(disbursement) for disbursement in found]


@strawberry.input(
    description="A member's contribution to an initiative, asking a pool to match it."
)
class RecordContributionInput:
    idempotency_key: str = key_field()
    initiative_id: strawberry.ID = strawberry.field(description="The initiative.")
    organization_id: strawberry.ID = strawberry.field(description="The contributing organization.")
    pool_id: strawberry.ID = strawberry.field(description="The pool asked to match it.")
    kind: ContributionKind = strawberry.field(description="Cash or in-kind.")
    purpose: FundPurpose = strawberry.field(description="What it pays for.")
    amount: MoneyInput = strawberry.field(description="Its value, in the pool's currency.")
    contributed_on: date = strawberry.field(
        description="When it was made: within the pool's term and the initiative's dates."
    )
    valuation_method: ValuationMethod | None = strawberry.field(
        default=None, description="How an in-kind contribution was valued (required for it)."
    )
    evidence_note: str | None = strawberry.field(
        default=None, description="The evidence for an in-kind value (required for it)."
    )


@strawberry.input(description="The contribution to verify and match.")
class VerifyContributionInput:
    idempotency_key: str = key_field()
    contribution_id: strawberry.ID = strawberry.field(description="The contribution.")


@strawberry.input(description="Which contributions to list.")
class ContributionFilter:
    pool_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only those asking this pool for a match."
    )
    initiative_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only those to this initiative."
    )
    organization_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this organization's."
    )
    status: ContributionStatus | None = strawberry.field(
        default=None, description="Only those in this status."
    )


@strawberry.type(description="Result of a change to a contribution.")
class ContributionPayload:
    contribution: ContributionType | None = strawberry.field(description="The contribution.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


def contribution_payload(
    result: tuple[Contribution | None, list[UserError]],
) -> ContributionPayload:
    contribution, errors = result
    return ContributionPayload(
        contribution=ContributionType.from_model(contribution) if contribution else None,
        user_errors=errors,
    )


@strawberry.type
class ContributionQuery:
    @strawberry.field(
        description="One contribution; null if there is none with this ID or you may not "
        "see it (only the pool's overseers see every organization's contributions)."
    )
    async def contribution(self, info: Info, id: NodeId) -> ContributionType | None:
        permissions.require_funds_read(info.context.require_principal())
        decoded = from_global_id(id, "Contribution")
        if decoded is None:
            return None
        contribution = await info.context.loaders.of(FundsLoaders).contribution.load(decoded[1])
        return ContributionType.from_model(contribution) if contribution else None

    @strawberry.field(
        description="Contributions you may see, newest first: all of the pools you oversee "
        "(partnership admins, analysts, members of the pool's funder, funds:read apps), and "
        "your own organizations' anywhere. Others are left out, and not counted."
    )
    async def contributions(
        self,
        info: Info,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
        filter: Annotated[
            ContributionFilter | None,
            strawberry.argument(
                description="Which contributions: pool, initiative, organization, status."
            ),
        ] = None,
    ) -> Connection[ContributionType]:
        principal = info.context.require_principal()
        permissions.require_funds_read(principal)
        chosen = filter or ContributionFilter()
        pool_id = optional_id(chosen.pool_id, "FundPool", "poolId")
        initiative_id = optional_id(chosen.initiative_id, "Initiative", "initiativeId")
        organization_id = optional_id(chosen.organization_id, "Organization", "organizationId")
        async with info.context.session() as session:
            page = await reads.list_contributions(
                session,
                principal,
                page=PageRequest(first=first, after=after),
                pool_id=pool_id,
                initiative_id=initiative_id,
                organization_id=organization_id,
                status=chosen.status,
            )
        return Connection.of(page, ContributionType.from_model)


@strawberry.type
class ContributionMutation:
    @strawberry.mutation(
        description="Record a contribution to an initiative (the organization's admins, or "
        "partnership admins)."
    )
    async def record_contribution(
        self,
        info: Info,
        input: Annotated[
            RecordContributionInput, strawberry.argument(description="The contribution.")
        ],
    ) -> ContributionPayload:
        async def action(session: AsyncSession, principal: Principal) -> Contribution:
            given = ContributionInput(
                initiative_id=decode_id(input.initiative_id, "Initiative", "initiativeId"),
                organization_id=decode_id(input.organization_id, "Organization", "organizationId"),
                pool_id=decode_id(input.pool_id, "FundPool", "poolId"),
                kind=input.kind.value,
                purpose=input.purpose.value,
                amount_minor=input.amount.amount_minor,
                currency=input.amount.currency,
                contributed_on=input.contributed_on,
                valuation_method=input.valuation_method.value if input.valuation_method else None,
                evidence_note=input.evidence_note,
            )
            return await record_contribution(
                session, principal, given, idempotency_key=input.idempotency_key
            )

        return contribution_payload(await run_mutation(info, action))

    @strawberry.mutation(
        description="Verify a recorded contribution; its pool matches it once, by its rules "
        "(the pool's managers, never for their own organization)."
    )
    async def verify_contribution(
        self,
        info: Info,
        input: Annotated[
            VerifyContributionInput, strawberry.argument(description="The contribution.")
        ],
    ) -> ContributionPayload:
        async def action(session: AsyncSession, principal: Principal) -> Contribution:
            contribution_id = decode_id(input.contribution_id, "Contribution", "contributionId")
            return await verify_contribution(
                session, principal, contribution_id, idempotency_key=input.idempotency_key
            )

        return contribution_payload(await run_mutation(info, action))
