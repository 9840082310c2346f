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

This module holds initiatives, pools and commitments; recording and verifying
contributions live in ``contributions`` (re-exported here), disbursements and
reversals in ``disbursements``, shared lookups in ``lookups``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.service import record_event
from coalition.auth.principal import Principal
from coalition.funds import idempotency, ledger, permissions
from coalition.funds.contributions import (
    ContributionInput,
    Match,
    compute_match,
    record_contribution,
    verify_contribution,
)
from coalition.funds.ledger import Leg
from coalition.funds.lookups import (
    is_participant,
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
    CommitmentStatus,
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
)
from coalition.funds.validation import tiers
from coalition.tenancy.models import Organization, OrganizationKind
from coalition.validation import MAX_NAME, Checker

POOL_TRANSITIONS: dict[FundPoolStatus, frozenset[FundPoolStatus]] = {
    FundPoolStatus.DRAFT: frozenset({FundPoolStatus.OPEN, FundPoolStatus.CLOSED}),
    FundPoolStatus.OPEN: frozenset({FundPoolStatus.CLOSED}),
    FundPoolStatus.CLOSED: frozenset(),
}

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
        raise missing("initiativeId", "initiative")
    await load_organization(session, principal, organization_id, "organizationId")
    if await is_participant(session, principal, initiative_id, organization_id):
        raise refuse("organizationId", "This organization already takes part.", "DUPLICATE")
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
    await load_organization(
        session, principal, given.funder_organization_id, "funderOrganizationId"
    )
    replay = await idempotency.claim(
        session, principal, idempotency_key, "createFundPool", payload_of(given)
    )
    if replay is not None:
        return await replayed(session, principal, replay, FundPool)
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


async def set_pool_status(
    session: AsyncSession, principal: Principal, pool_id: uuid.UUID, status: FundPoolStatus
) -> FundPool:
    """DRAFT -> OPEN -> CLOSED (or DRAFT -> CLOSED). Closing stops new matches; matched
    funds can still be disbursed."""
    pool = await load_pool(session, principal, pool_id, lock=True)
    permissions.require_pool_manager(principal, pool.funder_organization_id)
    if status not in POOL_TRANSITIONS[pool.status]:
        raise refuse(
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
    pool = await load_pool(session, principal, given.pool_id)
    permissions.require_committer(
        principal, pool.funder_organization_id, given.funder_organization_id
    )
    await load_organization(
        session, principal, given.funder_organization_id, "funderOrganizationId"
    )
    replay = await idempotency.claim(
        session, principal, idempotency_key, "addFundCommitment", payload_of(given)
    )
    if replay is not None:
        return await replayed(session, principal, replay, FundCommitment)
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


__all__ = [
    "POOL_TRANSITIONS",
    "CommitmentInput",
    "ContributionInput",
    "Match",
    "PoolInput",
    "add_commitment",
    "add_initiative_participant",
    "compute_match",
    "create_initiative",
    "create_pool",
    "pool_tiers",
    "record_contribution",
    "set_pool_status",
    "today",
    "verify_contribution",
]
