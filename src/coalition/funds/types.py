# mypy: disable-error-code="untyped-decorator"
"""GraphQL object types of matching funds (translation only), and the enums they use.

Organizations are the tenancy domain's own type, referenced lazily
(``strawberry.lazy``); they are loaded through the funds loaders, so a partner
app with ``funds:read`` sees who gave and who got the money it reads about.
Related objects always come from the per-request DataLoaders (no N+1).

Who sees what is ``funds.permissions``'s rule: a contribution, tranche or ledger
record the caller may not see is absent from the loaders, so it reads as null or is
left out of a list, exactly like a missing one; a pool's per-recipient fields
(``ledgerEntries``, ``breakdown``, ``reportCsv``) refuse non-overseers with FORBIDDEN.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Annotated, TypeVar

import strawberry

from coalition.api.context import Info
from coalition.api.enums import expose_enum
from coalition.api.money import Money
from coalition.api.relay import After, Connection, First, Node, to_global_id
from coalition.auth.principal import Principal
from coalition.funds import export, models, permissions, report
from coalition.funds.loaders import FundsLoaders
from coalition.money import format_ratio
from coalition.pagination import DEFAULT_PAGE_SIZE, PageRequest
from coalition.tenancy import schema as _tenancy_schema  # noqa: F401  (describes OrganizationKind)
from coalition.tenancy.models import OrganizationKind

if TYPE_CHECKING:
    from coalition.tenancy.models import Organization
    from coalition.tenancy.schema import OrganizationType

TENANCY_SCHEMA = "coalition.tenancy.schema"
T = TypeVar("T")

expose_enum(
    models.FundPoolStatus,
    name="FundPoolStatus",
    description="Where a fund pool stands: DRAFT, then OPEN, then CLOSED.",
    values={
        models.FundPoolStatus.DRAFT: "Being set up: takes commitments, matches nothing yet.",
        models.FundPoolStatus.OPEN: "Takes contributions and matches them as they are verified.",
        models.FundPoolStatus.CLOSED: "Matches nothing more; matched funds can still be "
        "disbursed (final).",
    },
)
expose_enum(
    models.FundingSource,
    name="FundingSource",
    description="Where a commitment's money comes from.",
    values={
        models.FundingSource.FEDERAL: "A federal grant or program.",
        models.FundingSource.STATE: "A state grant or program.",
        models.FundingSource.LOCAL: "A city or county.",
        models.FundingSource.PHILANTHROPIC: "A foundation or other philanthropy.",
        models.FundingSource.EMPLOYER: "An employer or industry association.",
    },
)
expose_enum(
    models.FundPurpose,
    name="FundPurpose",
    description="What a contribution pays for (and what a pool may match).",
    values={
        models.FundPurpose.TRAINING_COSTS: "Tuition, instructors, curriculum.",
        models.FundPurpose.WORK_BASED_LEARNING_WAGES: "Wages paid during work-based learning "
        "(apprentices, interns).",
        models.FundPurpose.SUPPORT_SERVICES: "Support for learners: childcare, transport, tools.",
        models.FundPurpose.TRAINING_EQUIPMENT: "Equipment used for training.",
    },
)
expose_enum(
    models.ContributionKind,
    name="ContributionKind",
    description="Whether a contribution is money or goods and services.",
    values={
        models.ContributionKind.CASH: "Money.",
        models.ContributionKind.IN_KIND: "Goods or services, valued by a stated method and "
        "documented by evidence.",
    },
)
expose_enum(
    models.ValuationMethod,
    name="ValuationMethod",
    description="How an in-kind contribution was valued (after 2 CFR 200.306).",
    values={
        models.ValuationMethod.WAGE_RATE: "Hours of staff time at their usual wage rate.",
        models.ValuationMethod.FAIR_MARKET_VALUE: "What the goods or services would cost on "
        "the market.",
        models.ValuationMethod.DEPRECIATION: "Use of equipment or space, at its depreciation.",
        models.ValuationMethod.ACTUAL_COST: "What the contributor actually paid.",
    },
)
expose_enum(
    models.ContributionStatus,
    name="ContributionStatus",
    description="Where a contribution stands.",
    values={
        models.ContributionStatus.RECORDED: "Recorded by the contributor; not verified or "
        "matched yet.",
        models.ContributionStatus.VERIFIED: "Verified, and matched by its pool once.",
        models.ContributionStatus.REVERSED: "Its match was reversed by a correction (final).",
    },
)
expose_enum(
    models.CommitmentStatus,
    name="FundCommitmentStatus",
    description="Whether a commitment counts.",
    values={
        models.CommitmentStatus.ACTIVE: "Counts toward the pool.",
        models.CommitmentStatus.REVERSED: "Reversed by a correction; no longer counts (final).",
    },
)
expose_enum(
    models.TrancheStatus,
    name="DisbursementStatus",
    description="Where a tranche of a match stands: SCHEDULED, APPROVED, then PAID or CANCELLED.",
    values={
        models.TrancheStatus.SCHEDULED: "Planned; no money moved yet.",
        models.TrancheStatus.APPROVED: "Approved for payment.",
        models.TrancheStatus.PAID: "Paid (final).",
        models.TrancheStatus.CANCELLED: "Cancelled; the amount went back to the match (final).",
    },
)
expose_enum(
    models.LedgerTransactionKind,
    name="LedgerTransactionKind",
    description="What a ledger transaction records.",
    values={
        models.LedgerTransactionKind.COMMITMENT: "A funder committed money to the pool.",
        models.LedgerTransactionKind.MATCH: "The pool matched a verified contribution.",
        models.LedgerTransactionKind.DISBURSEMENT_APPROVAL: "A tranche was approved for payment.",
        models.LedgerTransactionKind.PAYMENT: "A tranche was paid.",
        models.LedgerTransactionKind.CANCELLATION: "An approved tranche was cancelled.",
        models.LedgerTransactionKind.REVERSAL: "A correction that undoes an earlier transaction.",
    },
)
expose_enum(
    models.LedgerAccount,
    name="LedgerAccount",
    description="A pool's ledger accounts. Debits are positive, credits negative.",
    values={
        models.LedgerAccount.COMMITMENTS: "Credited with what funders commit.",
        models.LedgerAccount.AVAILABLE: "Committed money not matched yet.",
        models.LedgerAccount.MATCHED: "A recipient's matched money, not approved for payment.",
        models.LedgerAccount.APPROVED: "A recipient's money approved, not paid yet.",
        models.LedgerAccount.PAID: "A recipient's money paid out.",
    },
)

expose_enum(
    report.BreakdownBy,
    name="FundBreakdownBy",
    description="How to split a pool's money.",
    values={
        report.BreakdownBy.RECIPIENT: "By contributing organization.",
        report.BreakdownBy.INITIATIVE: "By initiative.",
        report.BreakdownBy.PURPOSE: "By purpose of the contribution.",
        report.BreakdownBy.MONTH: "By month (YYYY-MM): contributions by their date, ledger "
        "movements by the month they took effect, net of what was undone that month.",
    },
)


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


def _ratio(numerator: int | None, denominator: int | None) -> str | None:
    if numerator is None or denominator is None:
        return None
    return format_ratio(Fraction(numerator, denominator))


def _exists(found: T | None, object_id: uuid.UUID) -> T:
    """A row a foreign key guarantees (same tenant): its absence is a bug, not a 404."""
    if found is None:
        raise RuntimeError(f"missing funds record {object_id}")
    return found


def _organization(organization: Organization | None, object_id: uuid.UUID) -> OrganizationType:
    from coalition.tenancy.schema import OrganizationType

    return OrganizationType.from_model(_exists(organization, object_id))


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
    def from_model(cls, tier: models.MatchTier) -> MatchTier:
        return cls(
            max_employees=tier.max_employees,
            ratio=format_ratio(Fraction(tier.ratio_numerator, tier.ratio_denominator)),
        )


@strawberry.type(description="A pool's money by stage, and what it leveraged.")
class FundPoolSummary:
    committed: Money = strawberry.field(description="Committed by funders (not reversed).")
    matched: Money = strawberry.field(description="Matched to verified contributions.")
    disbursed: Money = strawberry.field(description="Approved for payment (paid included).")
    paid: Money = strawberry.field(description="Paid out.")
    remaining: Money = strawberry.field(description="Committed and not matched yet.")
    contributed: Money = strawberry.field(
        description="Verified contributions asking this pool for a match (not reversed)."
    )
    leverage: str | None = strawberry.field(
        description='Contributed per matched pool dollar, to 4 places ("0.5000"); null while '
        "nothing is matched."
    )
    small_employer_share_under_50: str | None = strawberry.field(
        description="Share of matched dollars that went to recipients with fewer than 50 "
        'employees when verified, 0 to 1 to 4 places ("0.2500"); null while nothing is matched.'
    )
    small_employer_share_under_500: str | None = strawberry.field(
        description="Share of matched dollars that went to recipients with fewer than 500 "
        "employees when verified, 0 to 1 to 4 places; null while nothing is matched."
    )

    @classmethod
    def from_summary(cls, summary: report.PoolSummary) -> FundPoolSummary:
        currency = summary.currency
        return cls(
            committed=Money.amount(summary.committed, currency),
            matched=Money.amount(summary.matched, currency),
            disbursed=Money.amount(summary.disbursed, currency),
            paid=Money.amount(summary.paid, currency),
            remaining=Money.amount(summary.remaining, currency),
            contributed=Money.amount(summary.contributed, currency),
            leverage=_decimal(summary.leverage),
            small_employer_share_under_50=_decimal(summary.small_employer_share_under_50),
            small_employer_share_under_500=_decimal(summary.small_employer_share_under_500),
        )


@strawberry.type(
    description="One slice of a pool's money (a recipient, initiative, purpose or month)."
)
class FundBreakdownRow:
    key: str = strawberry.field(
        description="What the row is about: a global ID (recipient, initiative), a purpose, "
        "or a month (YYYY-MM)."
    )
    label: str = strawberry.field(description="The same for people: a name, a purpose, a month.")
    contributed: Money = strawberry.field(description="Verified contributions.")
    matched: Money = strawberry.field(description="Matched.")
    disbursed: Money = strawberry.field(description="Approved for payment (paid included).")
    paid: Money = strawberry.field(description="Paid out.")

    @classmethod
    def from_row(
        cls, row: report.BreakdownRow, currency: str, by: report.BreakdownBy
    ) -> FundBreakdownRow:
        node_type = _BREAKDOWN_NODES.get(by)
        return cls(
            key=str(to_global_id(node_type, uuid.UUID(row.key))) if node_type else row.key,
            label=row.label,
            contributed=Money.amount(row.contributed, currency),
            matched=Money.amount(row.matched, currency),
            disbursed=Money.amount(row.disbursed, currency),
            paid=Money.amount(row.paid, currency),
        )


# Breakdowns whose key is an object: the key goes out as that object's global ID.
_BREAKDOWN_NODES = {
    report.BreakdownBy.RECIPIENT: "Organization",
    report.BreakdownBy.INITIATIVE: "Initiative",
}


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
    status: models.FundPoolStatus = strawberry.field(description="DRAFT, OPEN or CLOSED.")
    cap_per_recipient: Money | None = strawberry.field(
        description="Most one recipient may be matched over the term; null: no cap."
    )
    annual_cap_per_recipient: Money | None = strawberry.field(
        description="Most one recipient may be matched per calendar year of contribution; "
        "null: no cap."
    )
    eligible_recipient_kinds: list[OrganizationKind] = strawberry.field(
        description="Kinds of organizations whose contributions it matches."
    )
    eligible_purposes: list[models.FundPurpose] = strawberry.field(
        description="Purposes it matches."
    )
    created_at: datetime = strawberry.field(description="When the pool was opened.")
    model: strawberry.Private[models.FundPool]

    @classmethod
    async def resolve_node(cls, info: Info, object_id: uuid.UUID) -> FundPoolType | None:
        found = await info.context.loaders.of(FundsLoaders).pool.load(object_id)
        return cls.from_model(found) if found else None

    @classmethod
    def from_model(cls, pool: models.FundPool) -> FundPoolType:
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
            eligible_recipient_kinds=[OrganizationKind(k) for k in pool.eligible_recipient_kinds],
            eligible_purposes=[models.FundPurpose(p) for p in pool.eligible_purposes],
            created_at=pool.created_at,
            model=pool,
        )

    def _require_oversight(self, info: Info) -> Principal:
        """The caller, if they oversee this pool; FORBIDDEN otherwise."""
        principal = info.context.require_principal()
        permissions.require_pool_oversight(principal, self.model.funder_organization_id)
        return principal

    @strawberry.field(description="The funder organization that manages the pool.")
    async def funder(
        self, info: Info
    ) -> Annotated[OrganizationType, strawberry.lazy(TENANCY_SCHEMA)]:
        loaded = await info.context.loaders.of(FundsLoaders).organization.load(
            self.model.funder_organization_id
        )
        return _organization(loaded, self.model.funder_organization_id)

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
            models.ContributionStatus | None,
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
        return FundPoolSummary.from_summary(_exists(found, self.model.id))

    @strawberry.field(
        description="The pool's money split by recipient, initiative, purpose or month; the "
        "rows add up to the summary. Any split can single out one employer: only the pool's "
        "overseers (partnership admins, analysts, members of its funder, funds:read apps) "
        "may ask; anyone else gets FORBIDDEN."
    )
    async def breakdown(
        self,
        info: Info,
        by: Annotated[
            report.BreakdownBy, strawberry.argument(description="How to split the money.")
        ],
    ) -> list[FundBreakdownRow]:
        principal = self._require_oversight(info)
        async with info.context.session() as session:
            rows = await report.pool_breakdown(session, principal, self.model.id, by)
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
            text = await export.pool_report_csv(session, principal, self.model.id)
        return _exists(text, self.model.id)


async def _pool(info: Info, pool_id: uuid.UUID) -> models.FundPool:
    """A record's pool (in the same tenant, bound by a foreign key: always there)."""
    return _exists(await info.context.loaders.of(FundsLoaders).pool.load(pool_id), pool_id)


async def _pool_currency(info: Info, pool_id: uuid.UUID) -> str:
    return (await _pool(info, pool_id)).currency


@strawberry.type(name="FundCommitment", description="One funder's commitment of money to a pool.")
class FundCommitmentType(Node):
    source: models.FundingSource = strawberry.field(description="Where the money comes from.")
    committed_on: date = strawberry.field(description="When it was committed.")
    status: models.CommitmentStatus = strawberry.field(description="Active or reversed.")
    model: strawberry.Private[models.FundCommitment]

    @classmethod
    async def resolve_node(cls, info: Info, object_id: uuid.UUID) -> FundCommitmentType | None:
        found = await info.context.loaders.of(FundsLoaders).commitment.load(object_id)
        return cls.from_model(found) if found else None

    @classmethod
    def from_model(cls, commitment: models.FundCommitment) -> FundCommitmentType:
        return cls(
            id=to_global_id("FundCommitment", commitment.id),
            source=commitment.source,
            committed_on=commitment.committed_on,
            status=commitment.status,
            model=commitment,
        )

    @strawberry.field(description="The amount committed, in the pool's currency.")
    async def amount(self, info: Info) -> Money:
        return Money.amount(self.model.amount_minor, await _pool_currency(info, self.model.pool_id))

    @strawberry.field(description="The pool.")
    async def pool(self, info: Info) -> FundPoolType:
        return FundPoolType.from_model(await _pool(info, self.model.pool_id))

    @strawberry.field(description="The funder organization whose money it is.")
    async def funder(
        self, info: Info
    ) -> Annotated[OrganizationType, strawberry.lazy(TENANCY_SCHEMA)]:
        loaded = await info.context.loaders.of(FundsLoaders).organization.load(
            self.model.funder_organization_id
        )
        return _organization(loaded, self.model.funder_organization_id)


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
    model: strawberry.Private[models.Initiative]

    @classmethod
    async def resolve_node(cls, info: Info, object_id: uuid.UUID) -> InitiativeType | None:
        found = await info.context.loaders.of(FundsLoaders).initiative.load(object_id)
        return cls.from_model(found) if found else None

    @classmethod
    def from_model(cls, initiative: models.Initiative) -> InitiativeType:
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
    ) -> list[Annotated[OrganizationType, strawberry.lazy(TENANCY_SCHEMA)]]:
        from coalition.tenancy.schema import OrganizationType

        found = await info.context.loaders.of(FundsLoaders).participants.load(self.model.id)
        return [OrganizationType.from_model(organization) for organization in found]

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


@strawberry.type(description="What one pool did for one initiative.")
class InitiativePoolFunding:
    contributed: Money = strawberry.field(description="Verified contributions.")
    matched: Money = strawberry.field(description="Matched.")
    disbursed: Money = strawberry.field(description="Approved for payment (paid included).")
    paid: Money = strawberry.field(description="Paid out.")
    pool_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_report(cls, row: report.InitiativeFunding) -> InitiativePoolFunding:
        return cls(
            contributed=Money.amount(row.contributed, row.currency),
            matched=Money.amount(row.matched, row.currency),
            disbursed=Money.amount(row.disbursed, row.currency),
            paid=Money.amount(row.paid, row.currency),
            pool_id=row.pool_id,
        )

    @strawberry.field(description="The pool.")
    async def pool(self, info: Info) -> FundPoolType:
        pool = await info.context.loaders.of(FundsLoaders).pool.load(self.pool_id)
        return FundPoolType.from_model(_exists(pool, self.pool_id))


@strawberry.type(
    name="Contribution",
    description="A member's cash or in-kind contribution to an initiative, and its match. "
    "Seen by the pool's overseers (partnership admins, analysts, members of its funder, "
    "funds:read apps) and the contributing organization's people: for anyone else it reads "
    "as missing.",
)
class ContributionType(Node):
    kind: models.ContributionKind = strawberry.field(description="Cash or in-kind.")
    purpose: models.FundPurpose = strawberry.field(description="What it pays for.")
    amount: Money = strawberry.field(description="Its value, in the pool's currency.")
    contributed_on: date = strawberry.field(description="When it was made.")
    valuation_method: models.ValuationMethod | None = strawberry.field(
        description="How an in-kind contribution was valued; null for cash."
    )
    evidence_note: str = strawberry.field(
        description="The evidence for an in-kind value (empty for cash unless given)."
    )
    status: models.ContributionStatus = strawberry.field(
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
    model: strawberry.Private[models.Contribution]

    @classmethod
    async def resolve_node(cls, info: Info, object_id: uuid.UUID) -> ContributionType | None:
        found = await info.context.loaders.of(FundsLoaders).contribution.load(object_id)
        return cls.from_model(found) if found else None

    @classmethod
    def from_model(cls, contribution: models.Contribution) -> ContributionType:
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
            match_ratio=_ratio(
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
    async def initiative(self, info: Info) -> InitiativeType:
        initiative = await info.context.loaders.of(FundsLoaders).initiative.load(
            self.model.initiative_id
        )
        return InitiativeType.from_model(_exists(initiative, self.model.initiative_id))

    @strawberry.field(description="The contributing organization.")
    async def organization(
        self, info: Info
    ) -> Annotated[OrganizationType, strawberry.lazy(TENANCY_SCHEMA)]:
        loaded = await info.context.loaders.of(FundsLoaders).organization.load(
            self.model.organization_id
        )
        return _organization(loaded, self.model.organization_id)

    @strawberry.field(description="The pool asked to match it.")
    async def pool(self, info: Info) -> FundPoolType:
        return FundPoolType.from_model(await _pool(info, self.model.pool_id))

    @strawberry.field(
        description="Tranches of its match you may see, by scheduled date (all of them for "
        "the pool's overseers and the contributor)."
    )
    async def disbursements(self, info: Info) -> list[DisbursementType]:
        found = await info.context.loaders.of(FundsLoaders).disbursements_of_contribution.load(
            self.model.id
        )
        return [DisbursementType.from_model(disbursement) for disbursement in found]


@strawberry.type(
    name="Disbursement",
    description="A tranche of a contribution's match, paid to the contributor or to a "
    "training provider on its behalf. Seen by the pool's overseers, the contributor's "
    "people and the payee's people: for anyone else it reads as missing.",
)
class DisbursementType(Node):
    scheduled_on: date = strawberry.field(description="When it is to be paid.")
    status: models.TrancheStatus = strawberry.field(
        description="Scheduled, approved, paid or cancelled."
    )
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
    model: strawberry.Private[models.Disbursement]

    @classmethod
    async def resolve_node(cls, info: Info, object_id: uuid.UUID) -> DisbursementType | None:
        found = await info.context.loaders.of(FundsLoaders).disbursement.load(object_id)
        return cls.from_model(found) if found else None

    @classmethod
    def from_model(cls, disbursement: models.Disbursement) -> DisbursementType:
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
        return Money.amount(self.model.amount_minor, await _pool_currency(info, self.model.pool_id))

    @strawberry.field(
        description="The contribution whose match it pays; null for a payee who may not see "
        "it (another organization's contribution, in a pool the caller does not oversee)."
    )
    async def contribution(self, info: Info) -> ContributionType | None:
        found = await info.context.loaders.of(FundsLoaders).contribution.load(
            self.model.contribution_id
        )
        return ContributionType.from_model(found) if found else None

    @strawberry.field(description="The pool it is paid from.")
    async def pool(self, info: Info) -> FundPoolType:
        return FundPoolType.from_model(await _pool(info, self.model.pool_id))

    @strawberry.field(description="Who is paid: the contributor or a training provider.")
    async def payee(
        self, info: Info
    ) -> Annotated[OrganizationType, strawberry.lazy(TENANCY_SCHEMA)]:
        loaded = await info.context.loaders.of(FundsLoaders).organization.load(
            self.model.payee_organization_id
        )
        return _organization(loaded, self.model.payee_organization_id)


@strawberry.type(
    name="LedgerTransaction",
    description="One balanced movement of a pool's money; never changed or deleted. Seen "
    "only by the pool's overseers (partnership admins, analysts, members of its funder, "
    "funds:read apps): for anyone else it reads as missing.",
)
class LedgerTransactionType(Node):
    kind: models.LedgerTransactionKind = strawberry.field(description="What it records.")
    occurred_on: date = strawberry.field(description="When the movement took effect.")
    recorded_at: datetime = strawberry.field(description="When it was written.")
    actor: str = strawberry.field(description="Who posted it.")
    reason: str | None = strawberry.field(
        description="Why, for reversals and cancellations; null otherwise."
    )
    model: strawberry.Private[models.LedgerTransaction]

    @classmethod
    async def resolve_node(cls, info: Info, object_id: uuid.UUID) -> LedgerTransactionType | None:
        found = await info.context.loaders.of(FundsLoaders).transaction.load(object_id)
        return cls.from_model(found) if found else None

    @classmethod
    def from_model(cls, transaction: models.LedgerTransaction) -> LedgerTransactionType:
        return cls(
            id=to_global_id("LedgerTransaction", transaction.id),
            kind=transaction.kind,
            occurred_on=transaction.occurred_on,
            recorded_at=transaction.recorded_at,
            actor=transaction.actor,
            reason=transaction.reason,
            model=transaction,
        )

    @strawberry.field(description="The pool whose money moved.")
    async def pool(self, info: Info) -> FundPoolType:
        return FundPoolType.from_model(await _pool(info, self.model.pool_id))

    @strawberry.field(description="The transaction this one reverses; null unless a reversal.")
    async def reverses(self, info: Info) -> LedgerTransactionType | None:
        if self.model.reverses_id is None:
            return None
        found = await info.context.loaders.of(FundsLoaders).transaction.load(self.model.reverses_id)
        return LedgerTransactionType.from_model(found) if found else None

    @strawberry.field(description="Its entries, in posting order; they sum to zero.")
    async def entries(self, info: Info) -> list[LedgerEntryType]:
        found = await info.context.loaders.of(FundsLoaders).entries_of_transaction.load(
            self.model.id
        )
        return [LedgerEntryType.from_model(entry) for entry in found]


@strawberry.type(
    name="LedgerEntry",
    description="One leg of a ledger transaction: a signed amount on one account. Seen only "
    "by the pool's overseers (partnership admins, analysts, members of its funder, "
    "funds:read apps): for anyone else it reads as missing.",
)
class LedgerEntryType(Node):
    sequence: str = strawberry.field(
        description="The entry's number in its pool's ledger: 1, 2, 3... in the order "
        "posted, without gaps (a decimal integer string)."
    )
    account: models.LedgerAccount = strawberry.field(description="The account.")
    amount: Money = strawberry.field(description="Signed: a debit is positive, a credit negative.")
    model: strawberry.Private[models.LedgerEntry]

    @classmethod
    async def resolve_node(cls, info: Info, object_id: uuid.UUID) -> LedgerEntryType | None:
        found = await info.context.loaders.of(FundsLoaders).entry.load(object_id)
        return cls.from_model(found) if found else None

    @classmethod
    def from_model(cls, entry: models.LedgerEntry) -> LedgerEntryType:
        return cls(
            id=to_global_id("LedgerEntry", entry.id),
            sequence=str(entry.seq),
            account=entry.account,
            amount=Money.amount(entry.amount_minor, entry.currency),
            model=entry,
        )

    @strawberry.field(description="The transaction it belongs to.")
    async def transaction(self, info: Info) -> LedgerTransactionType:
        found = await info.context.loaders.of(FundsLoaders).transaction.load(
            self.model.transaction_id
        )
        return LedgerTransactionType.from_model(_exists(found, self.model.transaction_id))

    @strawberry.field(
        description="The recipient, for MATCHED, APPROVED and PAID; null for COMMITMENTS and "
        "AVAILABLE."
    )
    async def organization(
        self, info: Info
    ) -> Annotated[OrganizationType, strawberry.lazy(TENANCY_SCHEMA)] | None:
        if self.model.organization_id is None:
            return None
        loaded = await info.context.loaders.of(FundsLoaders).organization.load(
            self.model.organization_id
        )
        return _organization(loaded, self.model.organization_id)


@strawberry.type(description="An employer in the investment-recognition ranking.")
class InvestmentRecognitionRow:
    employee_count: int | None = strawberry.field(description="Its employees today.")
    contributed: Money = strawberry.field(description="Its verified contributions.")
    per_employee: Money = strawberry.field(
        description="Verified contributions per employee (rounded down to a minor unit)."
    )
    rank: int = strawberry.field(description="1 for the most per employee; ties by name.")
    organization_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_report(cls, row: report.RecognitionRow) -> InvestmentRecognitionRow:
        return cls(
            employee_count=row.employee_count,
            contributed=Money.amount(row.contributed_minor, row.currency),
            per_employee=Money.amount(row.per_employee_minor, row.currency),
            rank=row.rank,
            organization_id=row.organization_id,
        )

    @strawberry.field(description="The employer.")
    async def organization(
        self, info: Info
    ) -> Annotated[OrganizationType, strawberry.lazy(TENANCY_SCHEMA)]:
        loaded = await info.context.loaders.of(FundsLoaders).organization.load(self.organization_id)
        return _organization(loaded, self.organization_id)


__all__ = [
    "ContributionType",
    "DisbursementType",
    "FundBreakdownRow",
    "FundCommitmentType",
    "FundPoolSummary",
    "FundPoolType",
    "InitiativePoolFunding",
    "InitiativeType",
    "InvestmentRecognitionRow",
    "LedgerEntryType",
    "LedgerTransactionType",
    "MatchTier",
]
