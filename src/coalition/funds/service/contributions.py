"""Contributions: recording them, and verifying them, which matches each at most once by
its pool's rules (the package's docstring has the locking and idempotency conventions)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from fractions import Fraction

from sqlalchemy import extract, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.service import record_event
from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant, scoped
from coalition.funds import idempotency, ledger, permissions
from coalition.funds.ledger import Leg
from coalition.funds.lookups import (
    find_organization,
    is_participant,
    load_contribution,
    load_pool,
    pool_tiers,
    refuse,
    today,
)
from coalition.funds.models.contributions import (
    Contribution,
    ContributionKind,
    ContributionStatus,
    ValuationMethod,
)
from coalition.funds.models.initiatives import Initiative
from coalition.funds.models.ledger import LedgerAccount, LedgerTransactionKind
from coalition.funds.models.pools import FundPool, FundPoolStatus, FundPurpose
from coalition.funds.validation import Tier, tier_for
from coalition.money import apply_ratio
from coalition.tenancy.models import Organization
from coalition.validation import Checker


@dataclass(frozen=True)
class ContributionInput:
    initiative_id: uuid.UUID
    organization_id: uuid.UUID
    pool_id: uuid.UUID
    kind: str
    purpose: str
    amount_minor: int | str
    currency: str
    contributed_on: date
    valuation_method: str | None = None
    evidence_note: str | None = None


async def record_contribution(
    session: AsyncSession,
    principal: Principal,
    given: ContributionInput,
    *,
    idempotency_key: str | None,
) -> Contribution:
    """A member records its cash or in-kind contribution and names the pool to match it."""
    check = Checker()
    key = idempotency.check_key(check, idempotency_key)
    permissions.require_contributor(principal, given.organization_id)
    organization = await find_organization(
        session, principal, check, given.organization_id, "organizationId"
    )
    pool = await session.scalar(
        scoped(FundPool, principal)
        .where(FundPool.id == given.pool_id)
        .execution_options(populate_existing=True)
    )
    if pool is None:
        check.add(("poolId",), "No fund pool with this ID.", "NOT_FOUND")
    initiative = await session.scalar(
        scoped(Initiative, principal).where(Initiative.id == given.initiative_id)
    )
    if initiative is None:
        check.add(("initiativeId",), "No initiative with this ID.", "NOT_FOUND")
    return await idempotency.once(
        session,
        principal,
        check,
        key,
        "recordContribution",
        idempotency.payload_of(given),
        Contribution,
        lambda: _record(session, principal, check, given, organization, pool, initiative),
    )


def _check_kind(
    check: Checker, kind: ContributionKind | None, given: ContributionInput, note: str
) -> ValuationMethod | None:
    """An in-kind contribution says how it was valued and what the evidence is; cash
    has no valuation method."""
    if kind is ContributionKind.IN_KIND:
        valuation: ValuationMethod | None = None
        if given.valuation_method is None:
            check.add(
                ("valuationMethod",), "Say how the in-kind contribution was valued.", "REQUIRED"
            )
        else:
            valuation = check.choice(("valuationMethod",), given.valuation_method, ValuationMethod)
        if not note:
            check.add(("evidenceNote",), "Describe the evidence for the in-kind value.", "REQUIRED")
        return valuation
    if kind is ContributionKind.CASH and given.valuation_method is not None:
        check.add(
            ("valuationMethod",), "Only in-kind contributions have a valuation method.", "INVALID"
        )
    return None


def _check_dates(
    check: Checker, pool: FundPool | None, initiative: Initiative | None, contributed_on: date
) -> None:
    if pool is not None and not pool.starts_on <= contributed_on <= pool.ends_on:
        check.add(
            ("contributedOn",),
            f"The date must be within the pool's term, {pool.starts_on} to {pool.ends_on}.",
            "OUT_OF_RANGE",
        )
    elif contributed_on > today():
        check.add(("contributedOn",), "Record a contribution once it is made.", "OUT_OF_RANGE")
    if initiative is not None and (
        (initiative.ends_on is not None and contributed_on > initiative.ends_on)
        or contributed_on < initiative.starts_on
    ):
        check.add(
            ("contributedOn",), "The date must be within the initiative's dates.", "OUT_OF_RANGE"
        )


async def _record(
    session: AsyncSession,
    principal: Principal,
    check: Checker,
    given: ContributionInput,
    organization: Organization | None,
    pool: FundPool | None,
    initiative: Initiative | None,
) -> Contribution:
    kind = check.choice(("kind",), given.kind, ContributionKind)
    purpose = check.choice(("purpose",), given.purpose, FundPurpose)
    pool_currency = pool.currency if pool is not None else None
    amount = check.amount(("amount", "amountMinor"), given.amount_minor, currency=pool_currency)
    currency = check.currency(("amount", "currency"), given.currency, expected=pool_currency)
    note = check.text(("evidenceNote",), given.evidence_note, required=False) or ""
    valuation = _check_kind(check, kind, given, note)
    if pool is not None:
        if pool.status is not FundPoolStatus.OPEN:
            check.add(("poolId",), f"This pool is {pool.status}, not OPEN.", "POOL_NOT_OPEN")
        if purpose is not None and purpose.value not in pool.eligible_purposes:
            check.add(("purpose",), "This pool does not match this purpose.", "NOT_ELIGIBLE")
        if (
            organization is not None
            and organization.kind.value not in pool.eligible_recipient_kinds
        ):
            check.add(
                ("organizationId",),
                f"This pool does not match {organization.kind} members.",
                "NOT_ELIGIBLE",
            )
    _check_dates(check, pool, initiative, given.contributed_on)
    if (
        initiative is not None
        and organization is not None
        and not await is_participant(session, principal, initiative.id, organization.id)
    ):
        check.add(
            ("organizationId",),
            "This organization does not take part in the initiative.",
            "NOT_PARTICIPANT",
        )
    check.done()
    assert kind is not None and purpose is not None and amount is not None
    assert currency is not None and pool is not None and initiative is not None
    assert organization is not None
    contribution = Contribution(
        tenant_id=principal.tenant_id,
        id=uuid.uuid4(),
        initiative_id=initiative.id,
        organization_id=organization.id,
        pool_id=pool.id,
        kind=kind,
        purpose=purpose,
        amount_minor=amount,
        currency=currency,
        contributed_on=given.contributed_on,
        valuation_method=valuation,
        evidence_note=note,
        status=ContributionStatus.RECORDED,
        match_requested_minor=0,
        matched_minor=0,
        unmatched_minor=0,
        scheduled_minor=0,
    )
    session.add(contribution)
    await session.flush()
    await record_event(
        session,
        principal,
        action="contribution.create",
        object_type="Contribution",
        object_id=contribution.id,
        changes={"pool_id": str(pool.id), "amount_minor": amount, "kind": kind.value},
    )
    return contribution


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
