"""What funders and conveners see of matching funds: a pool's summary and breakdowns,
an initiative's funding across pools, and the investment-recognition ranking.

Money figures mean what ``ledger.balances_of`` says: committed = -COMMITMENTS,
matched = MATCHED + APPROVED + PAID, disbursed = APPROVED + PAID, paid = PAID.
"Contributed" is the sum of VERIFIED contributions (a reversed contribution is
REVERSED, so it no longer counts). A summary reads the pool's running totals
(its row) and one aggregate over its contributions, in one statement for any number
of pools (``pool_summaries``); breakdowns and initiative funding sum the ledger
entries themselves, so they add up to the summary.

Every function takes a session bound to the caller's tenant and filters every
query by ``principal.tenant_id``; another tenant's pool reads as missing.

Who sees what (``funds.permissions``): summaries, initiative funding and the
recognition ranking are aggregates, open to every funds reader. Breakdowns (any
kind: a slice can single out one employer) and ``summarize_pool`` (the head of the
funder report) are the pool's overseers' only: for anyone else the pool reads as
missing here (no rows, None), and the GraphQL fields refuse them with FORBIDDEN.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Numeric, Select, and_, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from coalition.auth.principal import Principal
from coalition.errors import UserError
from coalition.funds import permissions
from coalition.funds.models import (
    Contribution,
    ContributionStatus,
    FundPool,
    FundPurpose,
    Initiative,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
)
from coalition.pagination import MAX_PAGE_SIZE
from coalition.tenancy.models import Organization, OrganizationKind
from coalition.validation import Checker

Column = ColumnElement[Any] | QueryableAttribute[Any]
# The recipient accounts: a recipient's matched money, by stage.
MATCHED_ACCOUNTS = (LedgerAccount.MATCHED, LedgerAccount.APPROVED, LedgerAccount.PAID)
DISBURSED_ACCOUNTS = (LedgerAccount.APPROVED, LedgerAccount.PAID)
SMALL_EMPLOYERS = (50, 500)
PURPOSE_LABELS = {
    FundPurpose.TRAINING_COSTS: "Training costs",
    FundPurpose.WORK_BASED_LEARNING_WAGES: "Wages during work-based learning",
    FundPurpose.SUPPORT_SERVICES: "Support services",
    FundPurpose.TRAINING_EQUIPMENT: "Training equipment",
}
# English names, not the process locale's: labels must not change with LC_TIME.
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True)
class PoolSummary:
    """A pool's money in minor units of ``currency``; ratios to 4 places (half-even).

    ``leverage`` is contributed per matched pool unit; the small-employer shares are
    the fractions of matched money whose recipient had fewer than 50 (500) employees
    when its contribution was verified. All three are None while nothing is matched.
    """

    currency: str
    committed: int
    matched: int
    disbursed: int
    paid: int
    remaining: int
    contributed: int
    leverage: Decimal | None
    small_employer_share_under_50: Decimal | None
    small_employer_share_under_500: Decimal | None


class BreakdownBy(enum.StrEnum):
    RECIPIENT = "RECIPIENT"
    INITIATIVE = "INITIATIVE"
    PURPOSE = "PURPOSE"
    MONTH = "MONTH"


@dataclass(frozen=True)
class BreakdownRow:
    key: str
    label: str
    contributed: int
    matched: int
    disbursed: int
    paid: int


@dataclass(frozen=True)
class InitiativeFunding:
    pool_id: uuid.UUID
    currency: str
    contributed: int
    matched: int
    disbursed: int
    paid: int


@dataclass(frozen=True)
class RecognitionRow:
    rank: int
    organization_id: uuid.UUID
    name: str
    employee_count: int | None
    contributed_minor: int
    per_employee_minor: int
    currency: str


def ratio(numerator: int, denominator: int) -> Decimal | None:
    """``numerator / denominator`` to 4 decimal places, rounded half to even, computed
    exactly in integers (no intermediate rounding); None when the denominator is 0."""
    if denominator == 0:
        return None
    quotient, remainder = divmod(numerator * 10_000, denominator)
    if 2 * remainder > denominator or (2 * remainder == denominator and quotient % 2 == 1):
        quotient += 1
    return (Decimal(quotient) / 10_000).quantize(Decimal("0.0001"))


# -- the summary --------------------------------------------------------------------------


async def _summaries(
    session: AsyncSession,
    principal: Principal,
    pool_ids: Sequence[uuid.UUID],
    *,
    overseen_only: bool = False,
) -> dict[uuid.UUID, tuple[str, PoolSummary]]:
    """Name and summary of each of the tenant's pools among ``pool_ids``, read in ONE
    statement (so from one snapshot) for any number of pools: each pool row's running
    totals, left-joined to one aggregate per pool over its verified contributions.
    With ``overseen_only``, pools the caller does not oversee are left out."""
    permissions.require_funds_read(principal)
    wanted = list(dict.fromkeys(pool_ids))
    if not wanted:
        return {}
    small = (
        select(
            Contribution.pool_id,
            *(
                func.sum(Contribution.matched_minor)
                .filter(Contribution.recipient_employee_count < size)
                .label(f"under_{size}")
                for size in SMALL_EMPLOYERS
            ),
        )
        .where(
            Contribution.tenant_id == principal.tenant_id,
            Contribution.pool_id.in_(wanted),
            Contribution.status == ContributionStatus.VERIFIED,
        )
        .group_by(Contribution.pool_id)
        .subquery("small")
    )
    rows = await session.execute(
        select(
            FundPool.id,
            FundPool.name,
            FundPool.currency,
            FundPool.committed_minor,
            FundPool.matched_minor,
            FundPool.disbursed_minor,
            FundPool.paid_minor,
            FundPool.contributed_minor,
            *(func.coalesce(column, 0) for column in small.c if column.key != "pool_id"),
        )
        .select_from(FundPool)
        .outerjoin(small, small.c.pool_id == FundPool.id)
        .where(
            FundPool.tenant_id == principal.tenant_id,
            FundPool.id.in_(wanted),
            permissions.overseen_pool_clause(principal, FundPool.id) if overseen_only else true(),
        )
    )
    found: dict[uuid.UUID, tuple[str, PoolSummary]] = {}
    for row in rows:
        pool_id, name, currency, committed, matched, disbursed, paid, contributed, *small_sums = row
        under_50, under_500 = (int(value) for value in small_sums)
        summary = PoolSummary(
            currency=currency,
            committed=committed,
            matched=matched,
            disbursed=disbursed,
            paid=paid,
            remaining=committed - matched,
            contributed=contributed,
            leverage=ratio(contributed, matched),
            small_employer_share_under_50=ratio(under_50, matched),
            small_employer_share_under_500=ratio(under_500, matched),
        )
        found[pool_id] = (name, summary)
    return found


async def summarize_pool(
    session: AsyncSession, principal: Principal, pool_id: uuid.UUID
) -> tuple[str, PoolSummary] | None:
    """The pool's name and summary, read in one statement (so from one snapshot), for
    the funder report: None unless the tenant has such a pool and the caller oversees it."""
    found = await _summaries(session, principal, [pool_id], overseen_only=True)
    return found.get(pool_id)


async def pool_summaries(
    session: AsyncSession, principal: Principal, pool_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, PoolSummary]:
    """``pool_summary`` of each pool in ``pool_ids``, in ONE statement whatever their
    number (for a DataLoader). Unknown pools (and another tenant's) are left out."""
    found = await _summaries(session, principal, pool_ids)
    return {pool_id: summary for pool_id, (_name, summary) in found.items()}


async def pool_summary(
    session: AsyncSession, principal: Principal, pool_id: uuid.UUID
) -> PoolSummary | None:
    """Committed, matched, disbursed, paid, remaining and contributed, leverage and the
    small-employer shares of one pool; None when the tenant has no such pool."""
    return (await pool_summaries(session, principal, [pool_id])).get(pool_id)


# -- breakdowns ---------------------------------------------------------------------------


def _stage_sums() -> tuple[ColumnElement[Any], ...]:
    """matched, disbursed, paid of entries already limited to the recipient accounts."""
    amount = LedgerEntry.amount_minor
    return (
        func.sum(amount),
        func.coalesce(func.sum(amount).filter(LedgerEntry.account.in_(DISBURSED_ACCOUNTS)), 0),
        func.coalesce(func.sum(amount).filter(LedgerEntry.account == LedgerAccount.PAID), 0),
    )


def _with_transaction(query: Select[Any]) -> Select[Any]:
    return query.join(
        LedgerTransaction,
        and_(
            LedgerTransaction.tenant_id == LedgerEntry.tenant_id,
            LedgerTransaction.id == LedgerEntry.transaction_id,
        ),
    )


def _recipient_entries(principal: Principal) -> Select[Any]:
    """The tenant's recipient-account entries (what matched, disbursed and paid sum)."""
    return (
        select()
        .select_from(LedgerEntry)
        .where(
            LedgerEntry.tenant_id == principal.tenant_id,
            LedgerEntry.account.in_(MATCHED_ACCOUNTS),
        )
    )


def _with_contribution(query: Select[Any]) -> Select[Any]:
    """Join each entry's transaction and its contribution: every recipient-account entry
    belongs to a transaction about one contribution (its match, an approval, a payment,
    a cancellation, or the reversal of its match)."""
    return _with_transaction(query).join(
        Contribution,
        and_(
            Contribution.tenant_id == LedgerTransaction.tenant_id,
            Contribution.id == LedgerTransaction.contribution_id,
        ),
    )


def _breakdown_statements(
    principal: Principal, pool_id: uuid.UUID, by: BreakdownBy
) -> tuple[Select[Any], Select[Any]]:
    """(key, [label,] matched, disbursed, paid) from the ledger and (key, [label,]
    contributed) from verified contributions, both grouped by ``by``."""
    ledger = _recipient_entries(principal).where(
        LedgerEntry.pool_id == pool_id,
        permissions.overseen_pool_clause(principal, LedgerEntry.pool_id),
    )
    contributions = select().where(
        Contribution.tenant_id == principal.tenant_id,
        Contribution.pool_id == pool_id,
        Contribution.status == ContributionStatus.VERIFIED,
        permissions.overseen_pool_clause(principal, Contribution.pool_id),
    )
    ledger_key: Column
    contribution_key: Column
    labels: list[Column] = []
    if by is BreakdownBy.RECIPIENT:
        # A recipient entry names the contributing organization itself: no join needed.
        ledger_key, contribution_key = LedgerEntry.organization_id, Contribution.organization_id
        labels = [Organization.name]
        ledger = ledger.join(
            Organization,
            and_(
                Organization.tenant_id == LedgerEntry.tenant_id,
                Organization.id == LedgerEntry.organization_id,
            ),
        )
        contributions = contributions.join(
            Organization,
            and_(
                Organization.tenant_id == Contribution.tenant_id,
                Organization.id == Contribution.organization_id,
            ),
        )
    elif by is BreakdownBy.INITIATIVE:
        ledger_key = contribution_key = Contribution.initiative_id
        labels = [Initiative.name]
        named = and_(
            Initiative.tenant_id == Contribution.tenant_id,
            Initiative.id == Contribution.initiative_id,
        )
        ledger = _with_contribution(ledger).join(Initiative, named)
        contributions = contributions.join(Initiative, named)
    elif by is BreakdownBy.PURPOSE:
        ledger_key = contribution_key = Contribution.purpose
        ledger = _with_contribution(ledger)
    else:
        ledger_key = func.to_char(LedgerTransaction.occurred_on, "YYYY-MM")
        contribution_key = func.to_char(Contribution.contributed_on, "YYYY-MM")
        ledger = _with_transaction(ledger)
    return (
        ledger.add_columns(ledger_key, *labels, *_stage_sums()).group_by(ledger_key, *labels),
        contributions.add_columns(
            contribution_key, *labels, func.sum(Contribution.amount_minor)
        ).group_by(contribution_key, *labels),
    )


def _key_and_label(by: BreakdownBy, key: Any, label: str | None) -> tuple[str, str]:
    if by is BreakdownBy.PURPOSE:
        purpose = FundPurpose(key)
        return purpose.value, PURPOSE_LABELS[purpose]
    if by is BreakdownBy.MONTH:
        year, month = str(key).split("-")
        return str(key), f"{MONTHS[int(month) - 1]} {year}"
    return str(key), label or ""


async def pool_breakdown(
    session: AsyncSession, principal: Principal, pool_id: uuid.UUID, by: BreakdownBy
) -> list[BreakdownRow]:
    """A pool's money split by recipient (the contributing organization), initiative,
    purpose or month; the rows add up to the pool's summary.

    Matched, disbursed and paid are sums of the ledger's recipient-account entries.
    By MONTH, they fall in the month of their transaction's ``occurred_on`` and are
    net of what was undone that month: a match reversed in May counts +x in the month
    of the match and -x in May, an approval cancelled in May moves disbursed back in
    May. Contributed falls in the month of ``contributed_on`` of VERIFIED contributions
    (reversed ones are not counted in any month). By the other dimensions a reversal
    nets out within its contribution's row.

    Rows whose four figures are all zero are left out. Months come in calendar order;
    the other rows by matched descending, then contributed descending, then label.
    Two statements; an unknown pool (or another tenant's), and a pool the caller does
    not oversee, has no rows.
    """
    permissions.require_funds_read(principal)
    ledger, contributions = _breakdown_statements(principal, pool_id, by)
    figures: dict[str, list[Any]] = {}
    for *head, matched, disbursed, paid in await session.execute(ledger):
        key, label = _key_and_label(by, head[0], head[1] if len(head) > 1 else None)
        figures[key] = [label, 0, int(matched), int(disbursed), int(paid)]
    for *head, contributed in await session.execute(contributions):
        key, label = _key_and_label(by, head[0], head[1] if len(head) > 1 else None)
        figures.setdefault(key, [label, 0, 0, 0, 0])[1] = int(contributed)
    rows = [BreakdownRow(key, *values) for key, values in figures.items() if any(values[1:])]
    if by is BreakdownBy.MONTH:
        return sorted(rows, key=lambda row: row.key)
    return sorted(rows, key=lambda row: (-row.matched, -row.contributed, row.label, row.key))


# -- initiatives --------------------------------------------------------------------------


async def initiative_funding(
    session: AsyncSession, principal: Principal, initiative_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[InitiativeFunding]]:
    """For each initiative, per pool: its verified contributions and the ledger's
    matched, disbursed and paid for them (two statements for any number of
    initiatives, for a DataLoader). Pools where all four are zero are left out; an
    initiative without funding (or of another tenant) maps to an empty list. Each
    list is ordered by pool name."""
    permissions.require_funds_read(principal)
    wanted = list(dict.fromkeys(initiative_ids))
    funding: dict[uuid.UUID, list[InitiativeFunding]] = {key: [] for key in wanted}
    if not wanted:
        return funding
    tenant_id = principal.tenant_id
    contributed = await session.execute(
        select(
            Contribution.initiative_id,
            Contribution.pool_id,
            FundPool.name,
            FundPool.currency,
            func.coalesce(
                func.sum(Contribution.amount_minor).filter(
                    Contribution.status == ContributionStatus.VERIFIED
                ),
                0,
            ),
        )
        .join(
            FundPool,
            and_(FundPool.tenant_id == Contribution.tenant_id, FundPool.id == Contribution.pool_id),
        )
        .where(Contribution.tenant_id == tenant_id, Contribution.initiative_id.in_(wanted))
        .group_by(
            Contribution.initiative_id, Contribution.pool_id, FundPool.name, FundPool.currency
        )
        .order_by(FundPool.name, Contribution.pool_id)
    )
    # Every ledger figure belongs to a contribution, so the first statement saw its pool.
    staged = {
        (initiative_id, pool_id): (int(matched), int(disbursed), int(paid))
        for initiative_id, pool_id, matched, disbursed, paid in await session.execute(
            _with_contribution(_recipient_entries(principal))
            .add_columns(Contribution.initiative_id, Contribution.pool_id, *_stage_sums())
            .where(Contribution.initiative_id.in_(wanted))
            .group_by(Contribution.initiative_id, Contribution.pool_id)
        )
    }
    for initiative_id, pool_id, _name, currency, amount in contributed.all():
        matched, disbursed, paid = staged.get((initiative_id, pool_id), (0, 0, 0))
        if amount or matched or disbursed or paid:
            funding[initiative_id].append(
                InitiativeFunding(pool_id, currency, int(amount), matched, disbursed, paid)
            )
    return funding


# -- investment recognition ---------------------------------------------------------------


async def investment_recognition(
    session: AsyncSession, principal: Principal, *, currency: str = "USD", limit: int = 20
) -> list[RecognitionRow]:
    """Employers ranked by verified contributions in ``currency`` per employee.

    Counts organizations of kind EMPLOYER with a positive ``employee_count`` (today's,
    not the snapshot taken at verification) that have not opted out of recognition
    and are not archived, and their VERIFIED contributions to pools in ``currency``.
    ``per_employee_minor`` is rounded down; the rank orders by it (as shown),
    descending, then by name. Raises InvalidInput for an unknown currency or a limit
    outside 1..100.
    """
    permissions.require_funds_read(principal)
    check = Checker()
    code = check.currency(("currency",), currency)
    if not 1 <= limit <= MAX_PAGE_SIZE:
        check.errors.append(
            UserError(("first",), f"first must be between 1 and {MAX_PAGE_SIZE}.", "OUT_OF_RANGE")
        )
    check.done()
    contributed = func.sum(Contribution.amount_minor)
    per_employee = func.div(contributed, Organization.employee_count, type_=Numeric)
    rows = await session.execute(
        select(
            Organization.id,
            Organization.name,
            Organization.employee_count,
            contributed,
            per_employee,
        )
        .select_from(Contribution)
        .join(
            Organization,
            and_(
                Organization.tenant_id == Contribution.tenant_id,
                Organization.id == Contribution.organization_id,
            ),
        )
        .where(
            Contribution.tenant_id == principal.tenant_id,
            Contribution.status == ContributionStatus.VERIFIED,
            Contribution.currency == code,
            Organization.kind == OrganizationKind.EMPLOYER,
            Organization.recognition_opt_out.is_(False),
            Organization.archived_at.is_(None),
            Organization.employee_count > 0,
        )
        .group_by(Organization.id, Organization.name, Organization.employee_count)
        .order_by(per_employee.desc(), Organization.name, Organization.id)
        .limit(limit)
    )
    assert code is not None
    return [
        RecognitionRow(rank, organization_id, name, employees, int(total), int(each), code)
        for rank, (organization_id, name, employees, total, each) in enumerate(rows, start=1)
    ]


__all__ = [
    "BreakdownBy",
    "BreakdownRow",
    "InitiativeFunding",
    "PoolSummary",
    "RecognitionRow",
    "initiative_funding",
    "investment_recognition",
    "pool_breakdown",
    "pool_summaries",
    "pool_summary",
    "summarize_pool",
]
