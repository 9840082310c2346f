# mypy: disable-error-code="untyped-decorator"
"""GraphQL queries and mutations of matching funds (translation only).

The business rules (permissions, validation, matching, the ledger, idempotency)
live in ``funds.service`` and ``funds.disbursements``; reading lives in
``funds.reads`` and the reports in ``funds.report`` and ``funds.export``. This
module decodes IDs and money, calls them, and shapes their results.
"""

from __future__ import annotations

import uuid
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.api.context import Info
from coalition.api.money import MoneyInput
from coalition.api.mutations import UserError, decode_id, run_mutation
from coalition.api.relay import After, Connection, First, NodeId, from_global_id
from coalition.auth.principal import Principal
from coalition.errors import InvalidInput
from coalition.errors import UserError as DomainUserError
from coalition.funds import disbursements, export, models, permissions, reads, report, service
from coalition.funds.inputs import (
    AddFundCommitmentInput,
    AddInitiativeParticipantInput,
    ApproveDisbursementInput,
    CancelDisbursementInput,
    ContributionFilter,
    CreateFundPoolInput,
    CreateInitiativeInput,
    MarkDisbursementRequirementMetInput,
    PayDisbursementInput,
    RecordContributionInput,
    ReverseContributionInput,
    ReverseLedgerTransactionInput,
    ScheduleDisbursementInput,
    SetFundPoolStatusInput,
    VerifyContributionInput,
)
from coalition.funds.loaders import FundsLoaders
from coalition.funds.types import (
    ContributionType,
    DisbursementType,
    FundCommitmentType,
    FundPoolType,
    InitiativeType,
    InvestmentRecognitionRow,
    LedgerEntryType,
    LedgerTransactionType,
)
from coalition.pagination import DEFAULT_PAGE_SIZE, PageRequest

# -- payloads ------------------------------------------------------------------------------


@strawberry.type(description="Result of a change to an initiative.")
class InitiativePayload:
    initiative: InitiativeType | None = strawberry.field(description="The initiative.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.type(description="Result of a change to a fund pool.")
class FundPoolPayload:
    fund_pool: FundPoolType | None = strawberry.field(description="The pool.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.type(description="Result of adding a commitment.")
class FundCommitmentPayload:
    commitment: FundCommitmentType | None = strawberry.field(description="The commitment.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.type(description="Result of a change to a contribution.")
class ContributionPayload:
    contribution: ContributionType | None = strawberry.field(description="The contribution.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.type(description="Result of a change to a disbursement.")
class DisbursementPayload:
    disbursement: DisbursementType | None = strawberry.field(description="The tranche.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.type(description="Result of reversing a ledger transaction.")
class ReverseLedgerTransactionPayload:
    reversal: LedgerTransactionType | None = strawberry.field(
        description="The compensating REVERSAL transaction."
    )
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


# -- translation helpers -------------------------------------------------------------------


def _money(given: MoneyInput | None) -> tuple[str | None, str | None]:
    if given is None:
        return None, None
    return given.amount_minor, given.currency


def _optional_id(global_id: str | None, type_name: str, field: str) -> uuid.UUID | None:
    """A filter's ID: a malformed or wrong-type one is bad input."""
    if global_id is None:
        return None
    decoded = from_global_id(global_id, type_name)
    if decoded is None:
        raise InvalidInput(
            [DomainUserError(("filter", field), f"Not a {type_name} ID.", "INVALID")]
        )
    return decoded[1]


def _organization_ids(global_ids: list[strawberry.ID], field: str) -> list[uuid.UUID]:
    """Every bad ID in a list, each at its index, like the service reports them."""
    decoded = [from_global_id(global_id, "Organization") for global_id in global_ids]
    errors = [
        DomainUserError((field, str(index)), "No organization with this ID.", "NOT_FOUND")
        for index, found in enumerate(decoded)
        if found is None
    ]
    if errors:
        raise InvalidInput(errors)
    return [found[1] for found in decoded if found is not None]


def _pool_input(given: CreateFundPoolInput) -> service.PoolInput:
    cap, cap_currency = _money(given.cap_per_recipient)
    annual_cap, annual_currency = _money(given.annual_cap_per_recipient)
    return service.PoolInput(
        funder_organization_id=decode_id(
            given.funder_organization_id, "Organization", "funderOrganizationId"
        ),
        name=given.name,
        purpose=given.purpose,
        currency=given.currency,
        starts_on=given.starts_on,
        ends_on=given.ends_on,
        match_tiers=[(tier.max_employees, tier.ratio) for tier in given.match_tiers],
        cap_per_recipient_minor=cap,
        annual_cap_per_recipient_minor=annual_cap,
        eligible_recipient_kinds=[kind.value for kind in given.eligible_recipient_kinds],
        eligible_purposes=[purpose.value for purpose in given.eligible_purposes],
        cap_currency=cap_currency,
        annual_cap_currency=annual_currency,
    )


# -- node lookups --------------------------------------------------------------------------


# -- queries -------------------------------------------------------------------------------


@strawberry.type
class FundsQuery:
    @strawberry.field(description="One fund pool; null if there is none with this ID.")
    async def fund_pool(self, info: Info, id: NodeId) -> FundPoolType | None:
        permissions.require_funds_read(info.context.require_principal())
        decoded = from_global_id(id, "FundPool")
        if decoded is None:
            return None
        pool = await info.context.loaders.of(FundsLoaders).pool.load(decoded[1])
        return FundPoolType.from_model(pool) if pool else None

    @strawberry.field(description="Fund pools, newest first.")
    async def fund_pools(
        self,
        info: Info,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
        status: Annotated[
            models.FundPoolStatus | None,
            strawberry.argument(description="Only pools in this status."),
        ] = None,
    ) -> Connection[FundPoolType]:
        principal = info.context.require_principal()
        async with info.context.session() as session:
            page = await reads.list_pools(
                session, principal, page=PageRequest(first=first, after=after), status=status
            )
        return Connection.of(page, FundPoolType.from_model)

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
        pool_id = _optional_id(chosen.pool_id, "FundPool", "poolId")
        initiative_id = _optional_id(chosen.initiative_id, "Initiative", "initiativeId")
        organization_id = _optional_id(chosen.organization_id, "Organization", "organizationId")
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

    @strawberry.field(
        description="Employers ranked by verified contributions per employee, leaving out "
        "those who opted out of recognition."
    )
    async def investment_recognition(
        self,
        info: Info,
        first: Annotated[
            int, strawberry.argument(description="How many employers, from 1 to 100.")
        ] = 20,
        currency: Annotated[
            str, strawberry.argument(description="Count contributions in this currency.")
        ] = "USD",
    ) -> list[InvestmentRecognitionRow]:
        principal = info.context.require_principal()
        async with info.context.session() as session:
            rows = await report.investment_recognition(
                session, principal, currency=currency, limit=first
            )
        return [InvestmentRecognitionRow.from_report(row) for row in rows]

    @strawberry.field(
        description="A pool's funder report as CSV (the same text as `coalition export "
        "funds`); null if there is no pool with this ID. Only the pool's overseers "
        "(partnership admins, analysts, members of its funder, funds:read apps) may ask; "
        "anyone else gets FORBIDDEN."
    )
    async def fund_report_csv(
        self,
        info: Info,
        pool_id: Annotated[strawberry.ID, strawberry.argument(description="The pool.")],
    ) -> str | None:
        principal = info.context.require_principal()
        permissions.require_funds_read(principal)
        decoded = from_global_id(pool_id, "FundPool")
        if decoded is None:
            return None
        pool = await info.context.loaders.of(FundsLoaders).pool.load(decoded[1])
        if pool is None:
            return None
        permissions.require_pool_oversight(principal, pool.funder_organization_id)
        async with info.context.session() as session:
            return await export.pool_report_csv(session, principal, decoded[1])


# -- mutations -----------------------------------------------------------------------------


def _initiative(result: tuple[models.Initiative | None, list[UserError]]) -> InitiativePayload:
    initiative, errors = result
    return InitiativePayload(
        initiative=InitiativeType.from_model(initiative) if initiative else None,
        user_errors=errors,
    )


def _pool(result: tuple[models.FundPool | None, list[UserError]]) -> FundPoolPayload:
    pool, errors = result
    return FundPoolPayload(
        fund_pool=FundPoolType.from_model(pool) if pool else None, user_errors=errors
    )


def _contribution(
    result: tuple[models.Contribution | None, list[UserError]],
) -> ContributionPayload:
    contribution, errors = result
    return ContributionPayload(
        contribution=ContributionType.from_model(contribution) if contribution else None,
        user_errors=errors,
    )


def _disbursement(
    result: tuple[models.Disbursement | None, list[UserError]],
) -> DisbursementPayload:
    disbursement, errors = result
    return DisbursementPayload(
        disbursement=DisbursementType.from_model(disbursement) if disbursement else None,
        user_errors=errors,
    )


@strawberry.type
class FundsMutation:
    @strawberry.mutation(description="Create an initiative (partnership admins).")
    async def create_initiative(
        self,
        info: Info,
        input: Annotated[CreateInitiativeInput, strawberry.argument(description="The initiative.")],
    ) -> InitiativePayload:
        async def action(session: AsyncSession, principal: Principal) -> models.Initiative:
            participant_ids = _organization_ids(input.participant_ids or [], "participantIds")
            return await service.create_initiative(
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
        async def action(session: AsyncSession, principal: Principal) -> models.Initiative:
            initiative_id = decode_id(input.initiative_id, "Initiative", "initiativeId")
            organization_id = decode_id(input.organization_id, "Organization", "organizationId")
            return await service.add_initiative_participant(
                session, principal, initiative_id, organization_id
            )

        return _initiative(await run_mutation(info, action))

    @strawberry.mutation(
        description="Open a DRAFT fund pool with its match rules (partnership admins, or the "
        "funder's admins)."
    )
    async def create_fund_pool(
        self,
        info: Info,
        input: Annotated[CreateFundPoolInput, strawberry.argument(description="The pool.")],
    ) -> FundPoolPayload:
        async def action(session: AsyncSession, principal: Principal) -> models.FundPool:
            return await service.create_pool(
                session, principal, _pool_input(input), idempotency_key=input.idempotency_key
            )

        return _pool(await run_mutation(info, action))

    @strawberry.mutation(description="Open or close a pool (its managers).")
    async def set_fund_pool_status(
        self,
        info: Info,
        input: Annotated[
            SetFundPoolStatusInput, strawberry.argument(description="The pool and its status.")
        ],
    ) -> FundPoolPayload:
        async def action(session: AsyncSession, principal: Principal) -> models.FundPool:
            pool_id = decode_id(input.pool_id, "FundPool", "poolId")
            return await service.set_pool_status(session, principal, pool_id, input.status)

        return _pool(await run_mutation(info, action))

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
        async def action(session: AsyncSession, principal: Principal) -> models.FundCommitment:
            given = service.CommitmentInput(
                pool_id=decode_id(input.pool_id, "FundPool", "poolId"),
                funder_organization_id=decode_id(
                    input.funder_organization_id, "Organization", "funderOrganizationId"
                ),
                source=input.source.value,
                amount_minor=input.amount.amount_minor,
                currency=input.amount.currency,
                committed_on=input.committed_on,
            )
            return await service.add_commitment(
                session, principal, given, idempotency_key=input.idempotency_key
            )

        commitment, errors = await run_mutation(info, action)
        return FundCommitmentPayload(
            commitment=FundCommitmentType.from_model(commitment) if commitment else None,
            user_errors=errors,
        )

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
        async def action(session: AsyncSession, principal: Principal) -> models.Contribution:
            given = service.ContributionInput(
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
            return await service.record_contribution(
                session, principal, given, idempotency_key=input.idempotency_key
            )

        return _contribution(await run_mutation(info, action))

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
        async def action(session: AsyncSession, principal: Principal) -> models.Contribution:
            contribution_id = decode_id(input.contribution_id, "Contribution", "contributionId")
            return await service.verify_contribution(
                session, principal, contribution_id, idempotency_key=input.idempotency_key
            )

        return _contribution(await run_mutation(info, action))

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
        async def action(session: AsyncSession, principal: Principal) -> models.Disbursement:
            given = disbursements.DisbursementInput(
                contribution_id=decode_id(input.contribution_id, "Contribution", "contributionId"),
                payee_organization_id=decode_id(
                    input.payee_organization_id, "Organization", "payeeOrganizationId"
                ),
                amount_minor=input.amount.amount_minor,
                currency=input.amount.currency,
                scheduled_on=input.scheduled_on,
                requirement=input.requirement,
            )
            return await disbursements.schedule_disbursement(
                session, principal, given, idempotency_key=input.idempotency_key
            )

        return _disbursement(await run_mutation(info, action))

    @strawberry.mutation(description="Approve a scheduled tranche (the pool's managers).")
    async def approve_disbursement(
        self,
        info: Info,
        input: Annotated[ApproveDisbursementInput, strawberry.argument(description="The tranche.")],
    ) -> DisbursementPayload:
        async def action(session: AsyncSession, principal: Principal) -> models.Disbursement:
            disbursement_id = decode_id(input.disbursement_id, "Disbursement", "disbursementId")
            return await disbursements.approve_disbursement(
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
        async def action(session: AsyncSession, principal: Principal) -> models.Disbursement:
            disbursement_id = decode_id(input.disbursement_id, "Disbursement", "disbursementId")
            return await disbursements.mark_requirement_met(session, principal, disbursement_id)

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
        async def action(session: AsyncSession, principal: Principal) -> models.Disbursement:
            disbursement_id = decode_id(input.disbursement_id, "Disbursement", "disbursementId")
            return await disbursements.pay_disbursement(
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
        async def action(session: AsyncSession, principal: Principal) -> models.Disbursement:
            disbursement_id = decode_id(input.disbursement_id, "Disbursement", "disbursementId")
            return await disbursements.cancel_disbursement(
                session,
                principal,
                disbursement_id,
                input.reason,
                idempotency_key=input.idempotency_key,
            )

        return _disbursement(await run_mutation(info, action))

    @strawberry.mutation(
        description="Undo a commitment or a match with a compensating REVERSAL transaction "
        "(the pool's managers); nothing is edited or deleted."
    )
    async def reverse_ledger_transaction(
        self,
        info: Info,
        input: Annotated[
            ReverseLedgerTransactionInput,
            strawberry.argument(description="The transaction and why."),
        ],
    ) -> ReverseLedgerTransactionPayload:
        async def action(session: AsyncSession, principal: Principal) -> models.LedgerTransaction:
            transaction_id = decode_id(input.transaction_id, "LedgerTransaction", "transactionId")
            return await disbursements.reverse_transaction(
                session,
                principal,
                transaction_id,
                input.reason,
                idempotency_key=input.idempotency_key,
            )

        reversal, errors = await run_mutation(info, action)
        return ReverseLedgerTransactionPayload(
            reversal=LedgerTransactionType.from_model(reversal) if reversal else None,
            user_errors=errors,
        )

    @strawberry.mutation(
        description="Withdraw a contribution with a reason (the pool's managers): a matched one "
        "by reversing its match (cancel its tranches first); one that moved no pool money "
        "(never verified, or matched with nothing) simply stops counting."
    )
    async def reverse_contribution(
        self,
        info: Info,
        input: Annotated[
            ReverseContributionInput,
            strawberry.argument(description="The contribution and why."),
        ],
    ) -> ContributionPayload:
        async def action(session: AsyncSession, principal: Principal) -> models.Contribution:
            contribution_id = decode_id(input.contribution_id, "Contribution", "contributionId")
            return await disbursements.reverse_contribution(
                session,
                principal,
                contribution_id,
                input.reason,
                idempotency_key=input.idempotency_key,
            )

        return _contribution(await run_mutation(info, action))


Query = FundsQuery
Mutation = FundsMutation
NODE_TYPES = (
    FundPoolType,
    FundCommitmentType,
    InitiativeType,
    ContributionType,
    DisbursementType,
    LedgerTransactionType,
    LedgerEntryType,
)
TYPES = ()
