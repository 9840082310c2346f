# mypy: disable-error-code="untyped-decorator"
"""Fund pools in GraphQL: the pool and its match tiers, their inputs, the payload,
the pool queries and the mutations that open and move a pool."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from fractions import Fraction
from typing import TYPE_CHECKING, Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.api.context import Info
from coalition.api.money import Money, MoneyInput
from coalition.api.mutations import UserError, decode_id, run_mutation
from coalition.api.relay import After, Connection, First, Node, NodeId, from_global_id, to_global_id
from coalition.auth.principal import Principal
from coalition.funds import permissions, reads
from coalition.funds.export import pool_report_csv
from coalition.funds.models.contributions import (
    ContributionStatus,
)
from coalition.funds.models.pools import (
    FundPool,
    FundPoolStatus,
    FundPurpose,
)
from coalition.funds.models.pools import MatchTier as MatchTierRow
from coalition.funds.report.breakdowns import BreakdownBy, pool_breakdown
from coalition.funds.schema.commitment import FundCommitmentType
from coalition.funds.schema.contribution import ContributionType
from coalition.funds.schema.disbursement import DisbursementType
from coalition.funds.schema.ledger import LedgerEntryType
from coalition.funds.schema.loaders import FundsLoaders
from coalition.funds.schema.report import FundBreakdownRow, FundPoolSummary
from coalition.funds.schema.shared import (
    TENANCY,
    exists,
    key_field,
    money_parts,
    organization_type,
)
from coalition.funds.service.pools import PoolInput, create_pool, set_pool_status
from coalition.money import format_ratio
from coalition.pagination import DEFAULT_PAGE_SIZE, PageRequest
from coalition.tenancy import models as tenancy_models

if TYPE_CHECKING:
    from coalition.tenancy.models import OrganizationKind
    from coalition.tenancy.schema import OrganizationType


# The tenancy domain's enum, which its schema registers: named lazily, so that a funds
# module imported first does not register it a second time (a Node type's fields are
# resolved when its class is made).
OrganizationKindType = Annotated["OrganizationKind", strawberry.lazy("coalition.tenancy.models")]


@strawberry.type(description="A pool's match rule for recipients up to a size.")
class MatchTier:
    max_employees: int | None = strawberry.field(
        description="Recipients with at most this many employees; null: any size."
    )
    ratio: str = strawberry.field(
        description='Pool dollars per contributed dollar, as an exact decimal ("2", "1.5") '
        'or a fraction ("1/3").'
    )

    @classmethod
    def from_model(cls, tier: MatchTierRow) -> MatchTier:
        return cls(
            max_employees=tier.max_employees,
            ratio=format_ratio(Fraction(tier.ratio_numerator, tier.ratio_denominator)),
        )


@strawberry.type(
    name="FundPool",
    description="A matching fund: funders' commitments, match rules, and the money it moved.",
)
class FundPoolType(Node):
    name: str = strawberry.field(description="The pool's name, unique in the partnership.")
    purpose: str = strawberry.field(description="What the pool is for, in plain words.")
    currency: str = strawberry.field(description="ISO 4217 currency of all its money.")
    starts_on: date = strawberry.field(description="First day of the term.")
    ends_on: date = strawberry.field(description="Last day of the term.")
    status: FundPoolStatus = strawberry.field(description="DRAFT, OPEN or CLOSED.")
    cap_per_recipient: Money | None = strawberry.field(
        description="Most one recipient may be matched over the term; null: no cap."
    )
    annual_cap_per_recipient: Money | None = strawberry.field(
        description="Most one recipient may be matched per calendar year of contribution; "
        "null: no cap."
    )
    eligible_recipient_kinds: list[OrganizationKindType] = strawberry.field(
        description="Kinds of organizations whose contributions it matches."
    )
    eligible_purposes: list[FundPurpose] = strawberry.field(description="Purposes it matches.")
    created_at: datetime = strawberry.field(description="When the pool was opened.")
    model: strawberry.Private[FundPool]

    @classmethod
    async def resolve_node(cls, info: Info, object_id: uuid.UUID) -> FundPoolType | None:
        found = await info.context.loaders.of(FundsLoaders).pool.load(object_id)
        return cls.from_model(found) if found else None

    @classmethod
    def from_model(cls, pool: FundPool) -> FundPoolType:
        return cls(
            id=to_global_id("FundPool", pool.id),
            name=pool.name,
            purpose=pool.purpose,
            currency=pool.currency,
            starts_on=pool.starts_on,
            ends_on=pool.ends_on,
            status=pool.status,
            cap_per_recipient=Money.of(pool.cap_per_recipient_minor, pool.currency),
            annual_cap_per_recipient=Money.of(pool.annual_cap_per_recipient_minor, pool.currency),
            eligible_recipient_kinds=[
                tenancy_models.OrganizationKind(kind) for kind in pool.eligible_recipient_kinds
            ],
            eligible_purposes=[FundPurpose(p) for p in pool.eligible_purposes],
            created_at=pool.created_at,
            model=pool,
        )

    def _require_oversight(self, info: Info) -> Principal:
        """The caller, if they oversee this pool; FORBIDDEN otherwise."""
        principal = info.context.require_principal()
        permissions.require_pool_oversight(principal, self.model.funder_organization_id)
        return principal

    @strawberry.field(description="The funder organization that manages the pool.")
    async def funder(self, info: Info) -> Annotated[OrganizationType, strawberry.lazy(TENANCY)]:
        loaded = await info.context.loaders.of(FundsLoaders).organization.load(
            self.model.funder_organization_id
        )
        return organization_type(info, loaded, self.model.funder_organization_id)

    @strawberry.field(
        description="Match rules, smallest size bound first; a recipient no "
        "tier covers gets no match."
    )
    async def match_tiers(self, info: Info) -> list[MatchTier]:
        tiers = await info.context.loaders.of(FundsLoaders).tiers.load(self.model.id)
        return [MatchTier.from_model(tier) for tier in tiers]

    @strawberry.field(description="Funders' commitments, oldest first (reversed ones too).")
    async def commitments(self, info: Info) -> list[FundCommitmentType]:
        found = await info.context.loaders.of(FundsLoaders).commitments.load(self.model.id)
        return [FundCommitmentType.from_model(commitment) for commitment in found]

    @strawberry.field(
        description="Contributions that ask this pool for a match, newest first: all of them "
        "for the pool's overseers, otherwise only your own organizations' (the others are "
        "left out, and not counted)."
    )
    async def contributions(
        self,
        info: Info,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
        status: Annotated[
            ContributionStatus | None,
            strawberry.argument(description="Only contributions in this status."),
        ] = None,
    ) -> Connection[ContributionType]:
        page = await info.context.loaders.of(FundsLoaders).pool_contributions.load(
            (self.model.id, (PageRequest(first=first, after=after), status))
        )
        return Connection.of(page, ContributionType.from_model)

    @strawberry.field(
        description="Tranches paid out of this pool, by scheduled date: all of them for the "
        "pool's overseers, otherwise only those of your own organizations' contributions or "
        "paid to your organizations (the others are left out, and not counted)."
    )
    async def disbursements(
        self, info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None
    ) -> Connection[DisbursementType]:
        page = await info.context.loaders.of(FundsLoaders).pool_disbursements.load(
            (self.model.id, PageRequest(first=first, after=after))
        )
        return Connection.of(page, DisbursementType.from_model)

    @strawberry.field(
        description="Every entry of the pool's ledger, oldest first. The entries name "
        "recipients: only the pool's overseers (partnership admins, analysts, members of "
        "its funder, funds:read apps) may ask; anyone else gets FORBIDDEN."
    )
    async def ledger_entries(
        self, info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None
    ) -> Connection[LedgerEntryType]:
        self._require_oversight(info)
        page = await info.context.loaders.of(FundsLoaders).pool_entries.load(
            (self.model.id, PageRequest(first=first, after=after))
        )
        return Connection.of(page, LedgerEntryType.from_model)

    @strawberry.field(
        description="Committed, matched, disbursed, paid, remaining, contributed, leverage and "
        "the small-employer shares."
    )
    async def summary(self, info: Info) -> FundPoolSummary:
        found = await info.context.loaders.of(FundsLoaders).summary.load(self.model.id)
        return FundPoolSummary.from_summary(exists(found, self.model.id), self.model.id)

    @strawberry.field(
        description="The pool's money split by recipient, initiative, purpose or month; the "
        "rows add up to the summary. Any split can single out one employer: only the pool's "
        "overseers (partnership admins, analysts, members of its funder, funds:read apps) "
        "may ask; anyone else gets FORBIDDEN."
    )
    async def breakdown(
        self,
        info: Info,
        by: Annotated[BreakdownBy, strawberry.argument(description="How to split the money.")],
    ) -> list[FundBreakdownRow]:
        principal = self._require_oversight(info)
        async with info.context.session() as session:
            rows = await pool_breakdown(session, principal, self.model.id, by)
        return [FundBreakdownRow.from_row(row, self.model.currency, by) for row in rows]

    @strawberry.field(
        description="The funder report as CSV: the summary, then one row per ledger entry "
        "(the same text as `coalition export funds`). Only the pool's overseers "
        "(partnership admins, analysts, members of its funder, funds:read apps) may ask; "
        "anyone else gets FORBIDDEN."
    )
    async def report_csv(self, info: Info) -> str:
        principal = self._require_oversight(info)
        async with info.context.session() as session:
            text = await pool_report_csv(session, principal, self.model.id)
        return exists(text, self.model.id)


@strawberry.input(description="A match rule for recipients up to a size.")
class MatchTierInput:
    max_employees: int | None = strawberry.field(
        default=None, description="Recipients with at most this many employees; null: any size."
    )
    ratio: str = strawberry.field(
        description='Pool dollars per contributed dollar, a positive decimal ("2", "1.5"): '
        "2 means the pool adds $2 for each $1."
    )


@strawberry.input(description="A new fund pool, opened as DRAFT.")
class CreateFundPoolInput:
    idempotency_key: str = key_field()
    funder_organization_id: strawberry.ID = strawberry.field(
        description="The funder organization that manages it."
    )
    name: str = strawberry.field(description="Name, unique in the partnership (max 200).")
    purpose: str | None = strawberry.field(default=None, description="What it is for.")
    currency: str = strawberry.field(description="ISO 4217 currency of all its money.")
    starts_on: date = strawberry.field(description="First day of the term.")
    ends_on: date = strawberry.field(description="Last day of the term.")
    match_tiers: list[MatchTierInput] = strawberry.field(
        description="Match rules by recipient size; a recipient no tier covers gets no match."
    )
    cap_per_recipient: MoneyInput | None = strawberry.field(
        default=None, description="Most one recipient may be matched over the term."
    )
    annual_cap_per_recipient: MoneyInput | None = strawberry.field(
        default=None, description="Most one recipient may be matched per calendar year."
    )
    eligible_recipient_kinds: list[OrganizationKindType] = strawberry.field(
        description="Kinds of organizations whose contributions it matches."
    )
    eligible_purposes: list[FundPurpose] = strawberry.field(description="Purposes it matches.")


@strawberry.input(description="A pool's next status: DRAFT to OPEN or CLOSED, OPEN to CLOSED.")
class SetFundPoolStatusInput:
    pool_id: strawberry.ID = strawberry.field(description="The pool.")
    status: FundPoolStatus = strawberry.field(description="The new status.")


@strawberry.type(description="Result of a change to a fund pool.")
class FundPoolPayload:
    fund_pool: FundPoolType | None = strawberry.field(description="The pool.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


def _pool(result: tuple[FundPool | None, list[UserError]]) -> FundPoolPayload:
    pool, errors = result
    return FundPoolPayload(
        fund_pool=FundPoolType.from_model(pool) if pool else None, user_errors=errors
    )


def _pool_input(given: CreateFundPoolInput) -> PoolInput:
    cap, cap_currency = money_parts(given.cap_per_recipient)
    annual_cap, annual_currency = money_parts(given.annual_cap_per_recipient)
    return PoolInput(
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


@strawberry.type
class PoolQuery:
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
            FundPoolStatus | None,
            strawberry.argument(description="Only pools in this status."),
        ] = None,
    ) -> Connection[FundPoolType]:
        principal = info.context.require_principal()
        async with info.context.session() as session:
            page = await reads.list_pools(
                session, principal, page=PageRequest(first=first, after=after), status=status
            )
        return Connection.of(page, FundPoolType.from_model)


@strawberry.type
class PoolMutation:
    @strawberry.mutation(
        description="Open a DRAFT fund pool with its match rules (partnership admins, or the "
        "funder's admins)."
    )
    async def create_fund_pool(
        self,
        info: Info,
        input: Annotated[CreateFundPoolInput, strawberry.argument(description="The pool.")],
    ) -> FundPoolPayload:
        async def action(session: AsyncSession, principal: Principal) -> FundPool:
            return await create_pool(
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
        async def action(session: AsyncSession, principal: Principal) -> FundPool:
            pool_id = decode_id(input.pool_id, "FundPool", "poolId")
            return await set_pool_status(session, principal, pool_id, input.status)

        return _pool(await run_mutation(info, action))
