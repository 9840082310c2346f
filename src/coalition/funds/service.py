"""Business rules of matching funds: initiatives, pools, commitments, contributions,
verification (matching), disbursements and reversals.

Every function takes a session bound to the caller's tenant (the caller owns the
transaction) and the principal, checks permissions and validates input, raising
``InvalidInput`` for anything the caller can fix. Some checks can only be made
after a guarded write (verification takes the contribution before it can read
the locked pool; a money mutation claims its idempotency key first): the caller
must roll back on ``InvalidInput``, as the API's savepoint and the CLI do, and
then nothing is kept. Money mutations take an idempotency key
(see ``idempotency``); on a replay they return the first result and write
nothing. Money moves only through ``ledger.post``.

Concurrency: verification locks the pool row (``SELECT ... FOR UPDATE``), so
matches on one pool are serialized and the caps and the pool's balance are read
and spent atomically. Status changes are conditional UPDATEs (``WHERE status =
...``), so two requests can never both verify, approve, pay or cancel the same
thing. Locks are always taken contribution or disbursement first, pool second.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from fractions import Fraction
from typing import TypeVar

from sqlalchemy import extract, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.service import record_event
from coalition.auth.principal import Principal
from coalition.errors import InvalidInput, UserError
from coalition.funds import idempotency, ledger, permissions
from coalition.funds.ledger import Leg
from coalition.funds.models import (
    CommitmentStatus,
    Contribution,
    ContributionKind,
    ContributionStatus,
    Disbursement,
    FundCommitment,
    FundingSource,
    FundPool,
    FundPoolStatus,
    FundPurpose,
    Initiative,
    InitiativeParticipant,
    LedgerAccount,
    LedgerTransactionKind,
    MatchTier,
    ValuationMethod,
)
from coalition.funds.money import apply_ratio
from coalition.funds.validation import MAX_NAME, Checker, Tier, tier_for, tiers
from coalition.tenancy.models import Organization, OrganizationKind

T = TypeVar("T")

POOL_TRANSITIONS: dict[FundPoolStatus, frozenset[FundPoolStatus]] = {
    FundPoolStatus.DRAFT: frozenset({FundPoolStatus.OPEN, FundPoolStatus.CLOSED}),
    FundPoolStatus.OPEN: frozenset({FundPoolStatus.CLOSED}),
    FundPoolStatus.CLOSED: frozenset(),
}


def _missing(field: str, what: str) -> InvalidInput:
    return InvalidInput([UserError((field,), f"No {what} with this ID.", "NOT_FOUND")])


def _refuse(field: str, message: str, code: str) -> InvalidInput:
    return InvalidInput([UserError((field,), message, code)])


def today() -> date:
    return datetime.now(UTC).date()


# -- lookups (another tenant's ID is handled exactly like a random one) ------------------


async def _organization(
    session: AsyncSession, principal: Principal, organization_id: uuid.UUID, field: str
) -> Organization:
    organization = await session.scalar(
        select(Organization).where(
            Organization.tenant_id == principal.tenant_id, Organization.id == organization_id
        )
    )
    if organization is None:
        raise _missing(field, "organization")
    if organization.archived_at is not None:
        raise _refuse(field, "This organization is archived.", "ARCHIVED")
    return organization


async def _pool(
    session: AsyncSession,
    principal: Principal,
    pool_id: uuid.UUID,
    field: str = "poolId",
    *,
    lock: bool = False,
) -> FundPool:
    query = select(FundPool).where(
        FundPool.tenant_id == principal.tenant_id, FundPool.id == pool_id
    )
    if lock:
        # FOR NO KEY UPDATE: serializes changes of the pool's totals without blocking
        # inserts that merely reference the pool (foreign-key checks take KEY SHARE).
        query = query.with_for_update(key_share=True)
    pool = await session.scalar(query.execution_options(populate_existing=True))
    if pool is None:
        raise _missing(field, "fund pool")
    return pool


async def _contribution(
    session: AsyncSession, principal: Principal, contribution_id: uuid.UUID, field: str
) -> Contribution:
    contribution = await session.scalar(
        select(Contribution)
        .where(Contribution.tenant_id == principal.tenant_id, Contribution.id == contribution_id)
        .execution_options(populate_existing=True)
    )
    if contribution is None:
        raise _missing(field, "contribution")
    return contribution


async def _disbursement(
    session: AsyncSession, principal: Principal, disbursement_id: uuid.UUID, field: str
) -> Disbursement:
    disbursement = await session.scalar(
        select(Disbursement)
        .where(Disbursement.tenant_id == principal.tenant_id, Disbursement.id == disbursement_id)
        .execution_options(populate_existing=True)
    )
    if disbursement is None:
        raise _missing(field, "disbursement")
    return disbursement


async def pool_tiers(session: AsyncSession, principal: Principal, pool_id: uuid.UUID) -> list[Tier]:
    rows = await session.execute(
        select(
            MatchTier.max_employees, MatchTier.ratio_numerator, MatchTier.ratio_denominator
        ).where(MatchTier.tenant_id == principal.tenant_id, MatchTier.pool_id == pool_id)
    )
    found = [Tier(row[0], Fraction(row[1], row[2])) for row in rows]
    return sorted(found, key=lambda t: (t.max_employees is None, t.max_employees or 0))


async def _replayed(
    session: AsyncSession, principal: Principal, replay: idempotency.Replay, model: type[T]
) -> T:
    """The object the first request with this idempotency key produced, as it is now."""
    found = await session.get(
        model, (principal.tenant_id, replay.object_id), populate_existing=True
    )
    if found is None or model.__name__ != replay.object_type:
        raise RuntimeError(f"idempotency key points at a missing {replay.object_type}")
    return found


# -- initiatives ------------------------------------------------------------------------


async def create_initiative(
    session: AsyncSession,
    principal: Principal,
    *,
    name: str,
    description: str | None,
    starts_on: date,
    ends_on: date | None,
    participant_ids: Sequence[uuid.UUID],
) -> Initiative:
    permissions.require_initiative_manager(principal)
    check = Checker()
    clean_name = check.text(("name",), name, required=True, limit=MAX_NAME)
    clean_description = check.text(("description",), description, required=False) or ""
    check.date_range(("startsOn",), starts_on, ("endsOn",), ends_on)
    if clean_name is not None and await session.scalar(
        select(Initiative.id).where(
            Initiative.tenant_id == principal.tenant_id, Initiative.name == clean_name
        )
    ):
        check.add(("name",), "An initiative with this name exists.", "TAKEN")
    participants = list(dict.fromkeys(participant_ids))
    found = (
        set(
            await session.scalars(
                select(Organization.id).where(
                    Organization.tenant_id == principal.tenant_id,
                    Organization.id.in_(participants),
                    Organization.archived_at.is_(None),
                )
            )
        )
        if participants
        else set()
    )
    for index, organization_id in enumerate(participants):
        if organization_id not in found:
            check.add(("participantIds", str(index)), "No organization with this ID.", "NOT_FOUND")
    check.done()
    assert clean_name is not None
    initiative = Initiative(
        tenant_id=principal.tenant_id,
        id=uuid.uuid4(),
        name=clean_name,
        description=clean_description,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    session.add(initiative)
    await session.flush()
    if participants:
        await session.execute(
            insert(InitiativeParticipant),
            [
                {
                    "tenant_id": principal.tenant_id,
                    "id": uuid.uuid4(),
                    "initiative_id": initiative.id,
                    "organization_id": organization_id,
                }
                for organization_id in participants
            ],
        )
    await record_event(
        session,
        principal,
        action="initiative.create",
        object_type="Initiative",
        object_id=initiative.id,
        changes={"name": clean_name, "participants": len(participants)},
    )
    return initiative


async def add_initiative_participant(
    session: AsyncSession,
    principal: Principal,
    initiative_id: uuid.UUID,
    organization_id: uuid.UUID,
) -> Initiative:
    permissions.require_initiative_manager(principal)
    initiative = await session.scalar(
        select(Initiative).where(
            Initiative.tenant_id == principal.tenant_id, Initiative.id == initiative_id
        )
    )
    if initiative is None:
        raise _missing("initiativeId", "initiative")
    await _organization(session, principal, organization_id, "organizationId")
    if await _is_participant(session, principal, initiative_id, organization_id):
        raise _refuse("organizationId", "This organization already takes part.", "DUPLICATE")
    await session.execute(
        insert(InitiativeParticipant).values(
            tenant_id=principal.tenant_id,
            id=uuid.uuid4(),
            initiative_id=initiative_id,
            organization_id=organization_id,
        )
    )
    await record_event(
        session,
        principal,
        action="initiative.add_participant",
        object_type="Initiative",
        object_id=initiative_id,
        changes={"organization_id": str(organization_id)},
    )
    return initiative


async def _is_participant(
    session: AsyncSession,
    principal: Principal,
    initiative_id: uuid.UUID,
    organization_id: uuid.UUID,
) -> bool:
    found = await session.scalar(
        select(InitiativeParticipant.id).where(
            InitiativeParticipant.tenant_id == principal.tenant_id,
            InitiativeParticipant.initiative_id == initiative_id,
            InitiativeParticipant.organization_id == organization_id,
        )
    )
    return found is not None


# -- pools and commitments ---------------------------------------------------------------


@dataclass(frozen=True)
class PoolInput:
    funder_organization_id: uuid.UUID
    name: str
    purpose: str | None
    currency: str
    starts_on: date
    ends_on: date
    match_tiers: Sequence[tuple[int | None, str]]
    cap_per_recipient_minor: int | str | None
    annual_cap_per_recipient_minor: int | str | None
    eligible_recipient_kinds: Sequence[str]
    eligible_purposes: Sequence[str]
    # The currencies the caps were given in (when given): they must be the pool's.
    cap_currency: str | None = None
    annual_cap_currency: str | None = None


async def create_pool(
    session: AsyncSession, principal: Principal, given: PoolInput, *, idempotency_key: str | None
) -> FundPool:
    """Open a DRAFT pool with its match rules (commitments are added separately)."""
    idempotency.check_key(idempotency_key)
    permissions.require_pool_creator(principal, given.funder_organization_id)
    await _organization(session, principal, given.funder_organization_id, "funderOrganizationId")
    replay = await idempotency.claim(
        session, principal, idempotency_key, "createFundPool", _payload(given)
    )
    if replay is not None:
        return await _replayed(session, principal, replay, FundPool)
    check = Checker()
    name = check.text(("name",), given.name, required=True, limit=MAX_NAME)
    purpose = check.text(("purpose",), given.purpose, required=False) or ""
    currency = check.currency(("currency",), given.currency)
    check.date_range(("startsOn",), given.starts_on, ("endsOn",), given.ends_on)
    checked_tiers = tiers(check, ("matchTiers",), given.match_tiers)
    cap = check.cap(("capPerRecipient", "amountMinor"), given.cap_per_recipient_minor)
    annual_cap = check.cap(
        ("annualCapPerRecipient", "amountMinor"), given.annual_cap_per_recipient_minor
    )
    if currency is not None:
        for path, given_currency in (
            (("capPerRecipient", "currency"), given.cap_currency),
            (("annualCapPerRecipient", "currency"), given.annual_cap_currency),
        ):
            if given_currency is not None:
                check.currency(path, given_currency, expected=currency)
    kinds = check.choices(
        ("eligibleRecipientKinds",), given.eligible_recipient_kinds, OrganizationKind
    )
    purposes = check.choices(("eligiblePurposes",), given.eligible_purposes, FundPurpose)
    if name is not None and await session.scalar(
        select(FundPool.id).where(FundPool.tenant_id == principal.tenant_id, FundPool.name == name)
    ):
        check.add(("name",), "A pool with this name exists.", "TAKEN")
    check.done()
    assert name is not None and currency is not None
    pool = FundPool(
        tenant_id=principal.tenant_id,
        id=uuid.uuid4(),
        funder_organization_id=given.funder_organization_id,
        name=name,
        purpose=purpose,
        currency=currency,
        starts_on=given.starts_on,
        ends_on=given.ends_on,
        status=FundPoolStatus.DRAFT,
        cap_per_recipient_minor=cap,
        annual_cap_per_recipient_minor=annual_cap,
        eligible_recipient_kinds=[kind.value for kind in kinds],
        eligible_purposes=[purpose.value for purpose in purposes],
        committed_minor=0,
        matched_minor=0,
        disbursed_minor=0,
        paid_minor=0,
        contributed_minor=0,
    )
    session.add(pool)
    await session.flush()
    await session.execute(
        insert(MatchTier),
        [
            {
                "tenant_id": principal.tenant_id,
                "id": uuid.uuid4(),
                "pool_id": pool.id,
                "max_employees": tier.max_employees,
                "ratio_numerator": tier.ratio.numerator,
                "ratio_denominator": tier.ratio.denominator,
            }
            for tier in checked_tiers
        ],
    )
    await record_event(
        session,
        principal,
        action="fund_pool.create",
        object_type="FundPool",
        object_id=pool.id,
        changes={"name": name, "currency": currency},
    )
    await idempotency.remember(session, principal, idempotency_key or "", "FundPool", pool.id)
    return pool


def _payload(given: object) -> dict[str, object]:
    return {key: value for key, value in vars(given).items()}


async def set_pool_status(
    session: AsyncSession, principal: Principal, pool_id: uuid.UUID, status: FundPoolStatus
) -> FundPool:
    """DRAFT -> OPEN -> CLOSED (or DRAFT -> CLOSED). Closing stops new matches; matched
    funds can still be disbursed."""
    pool = await _pool(session, principal, pool_id, lock=True)
    permissions.require_pool_manager(principal, pool.funder_organization_id)
    if status not in POOL_TRANSITIONS[pool.status]:
        raise _refuse(
            "status", f"A {pool.status} pool cannot become {status}.", "INVALID_TRANSITION"
        )
    before = pool.status
    pool.status = status
    pool.updated_at = datetime.now(UTC)
    await session.flush()
    await record_event(
        session,
        principal,
        action="fund_pool.set_status",
        object_type="FundPool",
        object_id=pool.id,
        changes={"status": [before, status]},
    )
    return pool


@dataclass(frozen=True)
class CommitmentInput:
    pool_id: uuid.UUID
    funder_organization_id: uuid.UUID
    source: str
    amount_minor: int | str
    currency: str
    committed_on: date


async def add_commitment(
    session: AsyncSession,
    principal: Principal,
    given: CommitmentInput,
    *,
    idempotency_key: str | None,
) -> FundCommitment:
    """A funder commits money to a DRAFT or OPEN pool: COMMITMENTS -x, AVAILABLE +x."""
    idempotency.check_key(idempotency_key)
    pool = await _pool(session, principal, given.pool_id)
    permissions.require_committer(
        principal, pool.funder_organization_id, given.funder_organization_id
    )
    await _organization(session, principal, given.funder_organization_id, "funderOrganizationId")
    replay = await idempotency.claim(
        session, principal, idempotency_key, "addFundCommitment", _payload(given)
    )
    if replay is not None:
        return await _replayed(session, principal, replay, FundCommitment)
    check = Checker()
    source = check.choice(("source",), given.source, FundingSource)
    amount = check.amount(("amount", "amountMinor"), given.amount_minor)
    check.currency(("amount", "currency"), given.currency, expected=pool.currency)
    if pool.status is FundPoolStatus.CLOSED:
        check.add(("poolId",), "This pool is closed.", "POOL_CLOSED")
    check.done()
    assert source is not None and amount is not None
    commitment = FundCommitment(
        tenant_id=principal.tenant_id,
        id=uuid.uuid4(),
        pool_id=pool.id,
        funder_organization_id=given.funder_organization_id,
        source=source,
        amount_minor=amount,
        committed_on=given.committed_on,
        status=CommitmentStatus.ACTIVE,
    )
    session.add(commitment)
    await session.flush()
    await ledger.post(
        session,
        principal,
        pool,
        LedgerTransactionKind.COMMITMENT,
        [Leg(LedgerAccount.COMMITMENTS, -amount), Leg(LedgerAccount.AVAILABLE, amount)],
        occurred_on=given.committed_on,
        commitment_id=commitment.id,
    )
    await record_event(
        session,
        principal,
        action="fund_commitment.create",
        object_type="FundCommitment",
        object_id=commitment.id,
        changes={"pool_id": str(pool.id), "amount_minor": amount},
    )
    await idempotency.remember(
        session, principal, idempotency_key or "", "FundCommitment", commitment.id
    )
    return commitment


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
    organization = await _organization(session, principal, given.organization_id, "organizationId")
    pool = await _pool(session, principal, given.pool_id)
    initiative = await session.scalar(
        select(Initiative).where(
            Initiative.tenant_id == principal.tenant_id, Initiative.id == given.initiative_id
        )
    )
    if initiative is None:
        raise _missing("initiativeId", "initiative")
    replay = await idempotency.claim(
        session, principal, idempotency_key, "recordContribution", _payload(given)
    )
    if replay is not None:
        return await _replayed(session, principal, replay, Contribution)
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
    if not await _is_participant(session, principal, initiative.id, organization.id):
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
    contribution = await _contribution(session, principal, contribution_id, "contributionId")
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
        return await _replayed(session, principal, replay, Contribution)
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
        raise _refuse(
            "contributionId",
            f"This contribution is already {contribution.status}.",
            "INVALID_TRANSITION",
        )
    pool = await _pool(session, principal, contribution.pool_id, lock=True)
    if pool.status is not FundPoolStatus.OPEN:
        raise _refuse(
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
