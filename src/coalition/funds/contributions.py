"""Business rules for contributions: recording them, and verifying them, which
matches each at most once by its pool's rules (see ``service`` for the locking
and idempotency conventions every funds service follows).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from fractions import Fraction

from sqlalchemy import extract, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.service import record_event
from coalition.auth.principal import Principal
from coalition.funds import idempotency, ledger, permissions
from coalition.funds.ledger import Leg
from coalition.funds.lookups import (
    is_participant,
    load_contribution,
    load_organization,
    load_pool,
    missing,
    payload_of,
    pool_tiers,
    refuse,
    replayed,
    today,
)
from coalition.funds.models import (
    Contribution,
    ContributionKind,
    ContributionStatus,
    FundPool,
    FundPoolStatus,
    FundPurpose,
    Initiative,
    LedgerAccount,
    LedgerTransactionKind,
    ValuationMethod,
)
from coalition.funds.validation import Tier, tier_for
from coalition.money import apply_ratio
from coalition.tenancy.models import Organization
from coalition.validation import Checker

# -- contributions and matching ----------------------------------------------------------


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
    idempotency.check_key(idempotency_key)
    permissions.require_contributor(principal, given.organization_id)
    organization = await load_organization(
        session, principal, given.organization_id, "organizationId"
    )
    pool = await load_pool(session, principal, given.pool_id)
    initiative = await session.scalar(
        select(Initiative).where(
            Initiative.tenant_id == principal.tenant_id, Initiative.id == given.initiative_id
        )
    )
    if initiative is None:
        raise missing("initiativeId", "initiative")
    replay = await idempotency.claim(
        session, principal, idempotency_key, "recordContribution", payload_of(given)
    )
    if replay is not None:
        return await replayed(session, principal, replay, Contribution)
    check = Checker()
    kind = check.choice(("kind",), given.kind, ContributionKind)
    purpose = check.choice(("purpose",), given.purpose, FundPurpose)
    amount = check.amount(("amount", "amountMinor"), given.amount_minor)
    currency = check.currency(("amount", "currency"), given.currency, expected=pool.currency)
    note = check.text(("evidenceNote",), given.evidence_note, required=False) or ""
    valuation: ValuationMethod | None = None
    if kind is ContributionKind.IN_KIND:
        if given.valuation_method is None:
            check.add(
                ("valuationMethod",), "Say how the in-kind contribution was valued.", "REQUIRED"
            )
        else:
            valuation = check.choice(("valuationMethod",), given.valuation_method, ValuationMethod)
        if not note:
            check.add(("evidenceNote",), "Describe the evidence for the in-kind value.", "REQUIRED")
    elif kind is ContributionKind.CASH and given.valuation_method is not None:
        check.add(
            ("valuationMethod",), "Only in-kind contributions have a valuation method.", "INVALID"
        )
    if pool.status is not FundPoolStatus.OPEN:
        check.add(("poolId",), f"This pool is {pool.status}, not OPEN.", "POOL_NOT_OPEN")
    if purpose is not None and purpose.value not in pool.eligible_purposes:
        check.add(("purpose",), "This pool does not match this purpose.", "NOT_ELIGIBLE")
    if organization.kind.value not in pool.eligible_recipient_kinds:
        check.add(
            ("organizationId",),
            f"This pool does not match {organization.kind} members.",
            "NOT_ELIGIBLE",
        )
    if not pool.starts_on <= given.contributed_on <= pool.ends_on:
        check.add(
            ("contributedOn",),
            f"The date must be within the pool's term, {pool.starts_on} to {pool.ends_on}.",
            "OUT_OF_RANGE",
        )
    elif given.contributed_on > today():
        check.add(("contributedOn",), "Record a contribution once it is made.", "OUT_OF_RANGE")
    if (initiative.ends_on is not None and given.contributed_on > initiative.ends_on) or (
        given.contributed_on < initiative.starts_on
    ):
        check.add(
            ("contributedOn",), "The date must be within the initiative's dates.", "OUT_OF_RANGE"
        )
    if not await is_participant(session, principal, initiative.id, organization.id):
        check.add(
            ("organizationId",),
            "This organization does not take part in the initiative.",
            "NOT_PARTICIPANT",
        )
    check.done()
    assert kind is not None and purpose is not None and amount is not None
    assert currency is not None
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
    await idempotency.remember(
        session, principal, idempotency_key or "", "Contribution", contribution.id
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
    idempotency.check_key(idempotency_key)
    contribution = await load_contribution(session, principal, contribution_id, "contributionId")
    pool_funder = await session.scalar(
        select(FundPool.funder_organization_id).where(
            FundPool.tenant_id == principal.tenant_id, FundPool.id == contribution.pool_id
        )
    )
    assert pool_funder is not None
    permissions.require_verifier(principal, pool_funder, contribution.organization_id)
    replay = await idempotency.claim(
        session,
        principal,
        idempotency_key,
        "verifyContribution",
        {"contribution_id": contribution_id},
    )
    if replay is not None:
        return await replayed(session, principal, replay, Contribution)
    now = datetime.now(UTC)
    # The conditional UPDATE is the guard: of any number of verifications of one
    # contribution, exactly one finds it RECORDED.
    taken = await session.scalar(
        update(Contribution)
        .where(
            Contribution.tenant_id == principal.tenant_id,
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
                Contribution.tenant_id == principal.tenant_id, Contribution.id == contribution_id
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
            Organization.tenant_id == principal.tenant_id,
            Organization.id == contribution.organization_id,
        )
    )
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
                Contribution.tenant_id == principal.tenant_id,
                Contribution.pool_id == pool.id,
                Contribution.organization_id == contribution.organization_id,
                Contribution.status == ContributionStatus.VERIFIED,
            )
        )
    ).one()
    match = compute_match(
        contribution.amount_minor,
        tier_for(await pool_tiers(session, principal, pool.id), recipient),
        recipient_term_matched=int(term_matched),
        recipient_year_matched=int(year_matched),
        cap=pool.cap_per_recipient_minor,
        annual_cap=pool.annual_cap_per_recipient_minor,
        pool_remaining=pool.committed_minor - pool.matched_minor,
    )
    contribution = (
        await session.scalars(
            update(Contribution)
            .where(
                Contribution.tenant_id == principal.tenant_id, Contribution.id == contribution_id
            )
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
            .where(FundPool.tenant_id == principal.tenant_id, FundPool.id == pool.id)
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
    await idempotency.remember(
        session, principal, idempotency_key or "", "Contribution", contribution.id
    )
    return contribution
