"""Verifying contributions, which matches each at most once by its pool's rules (the
package's docstring has the locking and idempotency conventions)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from fractions import Fraction

from sqlalchemy import extract, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.service import record_event
from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant
from coalition.funds import idempotency, ledger, permissions
from coalition.funds.ledger import Leg
from coalition.funds.lookups import load_contribution, load_pool, pool_tiers, refuse
from coalition.funds.models.contributions import Contribution, ContributionStatus
from coalition.funds.models.ledger import LedgerAccount, LedgerTransactionKind
from coalition.funds.models.pools import FundPool, FundPoolStatus
from coalition.funds.validation import Tier, tier_for
from coalition.money import apply_ratio
from coalition.tenancy.models import Organization
from coalition.validation import Checker


@dataclass(frozen=True)
class Match:
    """How much of a contribution a pool matches, and why not more."""

    ratio: Fraction | None
    requested: int
    matched: int

    @property
    def unmatched(self) -> int:
        return self.requested - self.matched


def compute_match(
    amount_minor: int,
    tier: Tier | None,
    *,
    recipient_term_matched: int,
    recipient_year_matched: int,
    cap: int | None,
    annual_cap: int | None,
    pool_remaining: int,
) -> Match:
    """The match: the amount times the recipient's ratio (rounded down), limited by what
    is left of the recipient's caps and of the pool's uncommitted balance."""
    if tier is None:
        return Match(None, 0, 0)
    requested = apply_ratio(amount_minor, tier.ratio)
    limits = [requested, pool_remaining]
    if cap is not None:
        limits.append(cap - recipient_term_matched)
    if annual_cap is not None:
        limits.append(annual_cap - recipient_year_matched)
    return Match(tier.ratio, requested, max(0, min(limits)))


async def verify_contribution(
    session: AsyncSession,
    principal: Principal,
    contribution_id: uuid.UUID,
    *,
    idempotency_key: str | None,
) -> Contribution:
    """Verify a recorded contribution and match it once, by the pool's rules."""
    check = Checker()
    key = idempotency.check_key(check, idempotency_key)
    contribution = await load_contribution(session, principal, contribution_id, "contributionId")
    pool_funder = await session.scalar(
        select(FundPool.funder_organization_id).where(
            in_tenant(FundPool, principal), FundPool.id == contribution.pool_id
        )
    )
    assert pool_funder is not None
    permissions.require_verifier(principal, pool_funder, contribution.organization_id)
    return await idempotency.once(
        session,
        principal,
        check,
        key,
        "verifyContribution",
        {"contribution_id": contribution_id},
        Contribution,
        lambda: _verify(session, principal, contribution),
    )


async def _recipient_matched(
    session: AsyncSession, principal: Principal, contribution: Contribution
) -> tuple[int, int]:
    """What the pool matched the contributor so far: over the term, and in the calendar
    year of this contribution (what the caps limit)."""
    term_matched, year_matched = (
        await session.execute(
            select(
                func.coalesce(func.sum(Contribution.matched_minor), 0),
                func.coalesce(
                    func.sum(Contribution.matched_minor).filter(
                        extract("year", Contribution.contributed_on)
                        == contribution.contributed_on.year
                    ),
                    0,
                ),
            ).where(
                in_tenant(Contribution, principal),
                Contribution.pool_id == contribution.pool_id,
                Contribution.organization_id == contribution.organization_id,
                Contribution.status == ContributionStatus.VERIFIED,
            )
        )
    ).one()
    return int(term_matched), int(year_matched)


async def _verify(
    session: AsyncSession, principal: Principal, contribution: Contribution
) -> Contribution:
    contribution_id = contribution.id
    now = datetime.now(UTC)
    # The conditional UPDATE is the guard: of any number of verifications of one
    # contribution, exactly one finds it RECORDED.
    taken = await session.scalar(
        update(Contribution)
        .where(
            in_tenant(Contribution, principal),
            Contribution.id == contribution_id,
            Contribution.status == ContributionStatus.RECORDED,
        )
        .values(
            status=ContributionStatus.VERIFIED, verified_at=now, verified_by=principal.label[:200]
        )
        .returning(Contribution.id)
        .execution_options(synchronize_session=False)
    )
    if taken is None:
        # Read the status now: another verification may have won since it was loaded.
        current = await session.scalar(
            select(Contribution.status).where(
                in_tenant(Contribution, principal), Contribution.id == contribution_id
            )
        )
        raise refuse(
            "contributionId",
            f"This contribution is already {current or contribution.status}.",
            "INVALID_TRANSITION",
        )
    pool = await load_pool(session, principal, contribution.pool_id, lock=True)
    if pool.status is not FundPoolStatus.OPEN:
        raise refuse(
            "contributionId", f"The pool is {pool.status}: it matches nothing now.", "POOL_NOT_OPEN"
        )
    recipient = await session.scalar(
        select(Organization.employee_count).where(
            in_tenant(Organization, principal), Organization.id == contribution.organization_id
        )
    )
    term_matched, year_matched = await _recipient_matched(session, principal, contribution)
    match = compute_match(
        contribution.amount_minor,
        tier_for(await pool_tiers(session, principal, pool.id), recipient),
        recipient_term_matched=term_matched,
        recipient_year_matched=year_matched,
        cap=pool.cap_per_recipient_minor,
        annual_cap=pool.annual_cap_per_recipient_minor,
        pool_remaining=pool.committed_minor - pool.matched_minor,
    )
    contribution = (
        await session.scalars(
            update(Contribution)
            .where(in_tenant(Contribution, principal), Contribution.id == contribution_id)
            .values(
                recipient_employee_count=recipient,
                match_ratio_numerator=match.ratio.numerator if match.ratio else None,
                match_ratio_denominator=match.ratio.denominator if match.ratio else None,
                match_requested_minor=match.requested,
                matched_minor=match.matched,
                unmatched_minor=match.unmatched,
            )
            .returning(Contribution)
            .execution_options(populate_existing=True)
        )
    ).one()
    if match.matched > 0:
        await ledger.post(
            session,
            principal,
            pool,
            LedgerTransactionKind.MATCH,
            [
                Leg(LedgerAccount.AVAILABLE, -match.matched),
                Leg(LedgerAccount.MATCHED, match.matched, contribution.organization_id),
            ],
            occurred_on=now.date(),
            contributed_delta=contribution.amount_minor,
            contribution_id=contribution.id,
        )
    else:
        await session.execute(
            update(FundPool)
            .where(in_tenant(FundPool, principal), FundPool.id == pool.id)
            .values(contributed_minor=FundPool.contributed_minor + contribution.amount_minor)
            .execution_options(synchronize_session=False)
        )
    await record_event(
        session,
        principal,
        action="contribution.verify",
        object_type="Contribution",
        object_id=contribution.id,
        changes={"matched_minor": match.matched, "unmatched_minor": match.unmatched},
    )
    return contribution
