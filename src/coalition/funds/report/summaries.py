"""A pool's summary: its running totals and one aggregate over its verified
contributions, in one statement for any number of pools."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant
from coalition.funds import permissions
from coalition.funds.models.contributions import Contribution, ContributionStatus
from coalition.funds.models.pools import FundPool

SMALL_EMPLOYERS = (50, 500)


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


def ratio(numerator: int, denominator: int) -> Decimal | None:
    """``numerator / denominator`` to 4 decimal places, rounded half to even, computed
    exactly in integers (no intermediate rounding); None when the denominator is 0."""
    if denominator == 0:
        return None
    quotient, remainder = divmod(numerator * 10_000, denominator)
    if 2 * remainder > denominator or (2 * remainder == denominator and quotient % 2 == 1):
        quotient += 1
    return (Decimal(quotient) / 10_000).quantize(Decimal("0.0001"))


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
            in_tenant(Contribution, principal),
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
            in_tenant(FundPool, principal),
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
