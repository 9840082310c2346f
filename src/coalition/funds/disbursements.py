"""Business rules for paying out matched funds, and for reversing ledger transactions.

A contribution's match is disbursed in tranches: SCHEDULED (no money moves;
the contribution's ``scheduled_minor`` grows, never beyond its match), APPROVED
(MATCHED -> APPROVED), PAID (APPROVED -> PAID, only once any requirement is
met), or CANCELLED (an approved tranche moves APPROVED -> MATCHED back). A paid
tranche is final.

A commitment or a match is undone only by a REVERSAL transaction with a reason
that negates the original's entries; a match can be reversed only while none
of it is scheduled, a commitment only while the pool keeps enough unmatched
money. Nothing is ever edited or deleted in the ledger.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.service import record_event
from coalition.auth.principal import Principal
from coalition.errors import InvalidInput, UserError
from coalition.funds import idempotency, ledger, permissions
from coalition.funds.ledger import Leg
from coalition.funds.lookups import (
    load_contribution,
    load_disbursement,
    load_organization,
    load_pool,
    payload_of,
    refuse,
    replayed,
    today,
)
from coalition.funds.models import (
    CommitmentStatus,
    Contribution,
    ContributionStatus,
    Disbursement,
    FundCommitment,
    FundPool,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    LedgerTransactionKind,
    TrancheStatus,
)
from coalition.tenancy.models import OrganizationKind
from coalition.validation import Checker

MAX_REASON = 2000


@dataclass(frozen=True)
class DisbursementInput:
    contribution_id: uuid.UUID
    payee_organization_id: uuid.UUID
    amount_minor: int | str
    currency: str
    scheduled_on: date
    requirement: str | None = None


async def _manager_of(session: AsyncSession, principal: Principal, pool_id: uuid.UUID) -> FundPool:
    pool = await load_pool(session, principal, pool_id)
    permissions.require_pool_manager(principal, pool.funder_organization_id)
    return pool


async def schedule_disbursement(
    session: AsyncSession,
    principal: Principal,
    given: DisbursementInput,
    *,
    idempotency_key: str | None,
) -> Disbursement:
    """Schedule a tranche of a verified contribution's match."""
    idempotency.check_key(idempotency_key)
    contribution = await load_contribution(
        session, principal, given.contribution_id, "contributionId"
    )
    pool = await _manager_of(session, principal, contribution.pool_id)
    payee = await load_organization(
        session, principal, given.payee_organization_id, "payeeOrganizationId"
    )
    replay = await idempotency.claim(
        session, principal, idempotency_key, "scheduleDisbursement", payload_of(given)
    )
    if replay is not None:
        return await replayed(session, principal, replay, Disbursement)
    check = Checker()
    amount = check.amount(("amount", "amountMinor"), given.amount_minor)
    check.currency(("amount", "currency"), given.currency, expected=pool.currency)
    requirement = check.text(("requirement",), given.requirement, required=False)
    if payee.id != contribution.organization_id and payee.kind is not (
        OrganizationKind.TRAINING_PROVIDER
    ):
        check.add(
            ("payeeOrganizationId",),
            "Pay the contributor, or a training provider on its behalf.",
            "INVALID",
        )
    if contribution.status is not ContributionStatus.VERIFIED:
        check.add(
            ("contributionId",),
            f"This contribution is {contribution.status}.",
            "INVALID_TRANSITION",
        )
    check.done()
    assert amount is not None
    # The guard against disbursing more than was matched, atomic under concurrency.
    taken = await session.scalar(
        update(Contribution)
        .where(
            Contribution.tenant_id == principal.tenant_id,
            Contribution.id == contribution.id,
            Contribution.status == ContributionStatus.VERIFIED,
            Contribution.scheduled_minor + amount <= Contribution.matched_minor,
        )
        .values(scheduled_minor=Contribution.scheduled_minor + amount)
        .returning(Contribution.id)
        .execution_options(synchronize_session=False)
    )
    if taken is None:
        left = contribution.matched_minor - contribution.scheduled_minor
        raise InvalidInput(
            [
                UserError(
                    ("amount", "amountMinor"),
                    f"Only {max(left, 0)} minor units of this contribution's match are left to "
                    "disburse.",
                    "EXCEEDS_MATCH",
                )
            ]
        )
    disbursement = Disbursement(
        tenant_id=principal.tenant_id,
        id=uuid.uuid4(),
        pool_id=pool.id,
        contribution_id=contribution.id,
        payee_organization_id=payee.id,
        amount_minor=amount,
        scheduled_on=given.scheduled_on,
        status=TrancheStatus.SCHEDULED,
        requirement=requirement,
    )
    session.add(disbursement)
    await session.flush()
    await record_event(
        session,
        principal,
        action="disbursement.schedule",
        object_type="Disbursement",
        object_id=disbursement.id,
        changes={"amount_minor": amount, "contribution_id": str(contribution.id)},
    )
    await idempotency.remember(
        session, principal, idempotency_key or "", "Disbursement", disbursement.id
    )
    return disbursement


async def _move(
    session: AsyncSession,
    principal: Principal,
    disbursement: Disbursement,
    from_status: frozenset[TrancheStatus],
    values: dict[str, object],
) -> Disbursement:
    """Change a tranche's status only if it is still in one of ``from_status``."""
    moved = (
        await session.scalars(
            update(Disbursement)
            .where(
                Disbursement.tenant_id == principal.tenant_id,
                Disbursement.id == disbursement.id,
                Disbursement.status.in_(from_status),
            )
            .values(**values)
            .returning(Disbursement)
            .execution_options(populate_existing=True)
        )
    ).one_or_none()
    if moved is None:
        raise refuse(
            "disbursementId", f"This disbursement is {disbursement.status}.", "INVALID_TRANSITION"
        )
    return moved


async def _money_step(
    session: AsyncSession,
    principal: Principal,
    disbursement_id: uuid.UUID,
    idempotency_key: str | None,
    operation: str,
    payload: dict[str, object],
) -> tuple[Disbursement, FundPool, Contribution] | Disbursement:
    idempotency.check_key(idempotency_key)
    disbursement = await load_disbursement(session, principal, disbursement_id, "disbursementId")
    pool = await _manager_of(session, principal, disbursement.pool_id)
    replay = await idempotency.claim(
        session,
        principal,
        idempotency_key,
        operation,
        {"disbursement_id": disbursement_id} | payload,
    )
    if replay is not None:
        return await replayed(session, principal, replay, Disbursement)
    contribution = await load_contribution(
        session, principal, disbursement.contribution_id, "disbursementId"
    )
    return disbursement, pool, contribution


@dataclass(frozen=True)
class _Stage:
    """One step of a tranche that moves money between two of the recipient's accounts."""

    operation: str
    before: TrancheStatus
    after: TrancheStatus
    stamp: str
    kind: LedgerTransactionKind
    source: LedgerAccount
    target: LedgerAccount
    action: str
    gated: bool


_APPROVE = _Stage(
    "approveDisbursement",
    TrancheStatus.SCHEDULED,
    TrancheStatus.APPROVED,
    "approved_at",
    LedgerTransactionKind.DISBURSEMENT_APPROVAL,
    LedgerAccount.MATCHED,
    LedgerAccount.APPROVED,
    "disbursement.approve",
    gated=False,
)
_PAY = _Stage(
    "payDisbursement",
    TrancheStatus.APPROVED,
    TrancheStatus.PAID,
    "paid_at",
    LedgerTransactionKind.PAYMENT,
    LedgerAccount.APPROVED,
    LedgerAccount.PAID,
    "disbursement.pay",
    gated=True,
)


async def _advance(
    session: AsyncSession,
    principal: Principal,
    disbursement_id: uuid.UUID,
    idempotency_key: str | None,
    stage: _Stage,
) -> Disbursement:
    step = await _money_step(
        session, principal, disbursement_id, idempotency_key, stage.operation, {}
    )
    if isinstance(step, Disbursement):
        return step
    disbursement, pool, contribution = step
    if (
        stage.gated
        and disbursement.requirement is not None
        and (disbursement.requirement_met_at is None)
    ):
        raise refuse(
            "disbursementId",
            f"The requirement is not met yet: {disbursement.requirement}",
            "REQUIREMENT_NOT_MET",
        )
    now = datetime.now(UTC)
    disbursement = await _move(
        session,
        principal,
        disbursement,
        frozenset({stage.before}),
        {"status": stage.after, stage.stamp: now},
    )
    recipient = contribution.organization_id
    await ledger.post(
        session,
        principal,
        pool,
        stage.kind,
        [
            Leg(stage.source, -disbursement.amount_minor, recipient),
            Leg(stage.target, disbursement.amount_minor, recipient),
        ],
        occurred_on=now.date(),
        contribution_id=contribution.id,
        disbursement_id=disbursement.id,
    )
    await record_event(
        session,
        principal,
        action=stage.action,
        object_type="Disbursement",
        object_id=disbursement.id,
    )
    await idempotency.remember(
        session, principal, idempotency_key or "", "Disbursement", disbursement.id
    )
    return disbursement


async def approve_disbursement(
    session: AsyncSession,
    principal: Principal,
    disbursement_id: uuid.UUID,
    *,
    idempotency_key: str | None,
) -> Disbursement:
    """Approve a scheduled tranche: MATCHED -> APPROVED."""
    return await _advance(session, principal, disbursement_id, idempotency_key, _APPROVE)


async def pay_disbursement(
    session: AsyncSession,
    principal: Principal,
    disbursement_id: uuid.UUID,
    *,
    idempotency_key: str | None,
) -> Disbursement:
    """Record the payment of an approved tranche (once any requirement is met):
    APPROVED -> PAID."""
    return await _advance(session, principal, disbursement_id, idempotency_key, _PAY)


async def mark_requirement_met(
    session: AsyncSession, principal: Principal, disbursement_id: uuid.UUID
) -> Disbursement:
    """Record that the tranche's requirement (e.g. an outcome report) is met."""
    disbursement = await load_disbursement(session, principal, disbursement_id, "disbursementId")
    await _manager_of(session, principal, disbursement.pool_id)
    if disbursement.requirement is None:
        raise refuse("disbursementId", "This disbursement has no requirement.", "INVALID")
    if disbursement.requirement_met_at is not None:
        return disbursement
    disbursement = await _move(
        session,
        principal,
        disbursement,
        frozenset({TrancheStatus.SCHEDULED, TrancheStatus.APPROVED}),
        {"requirement_met_at": datetime.now(UTC)},
    )
    await record_event(
        session,
        principal,
        action="disbursement.requirement_met",
        object_type="Disbursement",
        object_id=disbursement.id,
    )
    return disbursement


def _reason(reason: str | None) -> str:
    check = Checker()
    cleaned = check.text(("reason",), reason, required=True, limit=MAX_REASON)
    check.done()
    assert cleaned is not None
    return cleaned


async def cancel_disbursement(
    session: AsyncSession,
    principal: Principal,
    disbursement_id: uuid.UUID,
    reason: str,
    *,
    idempotency_key: str | None,
) -> Disbursement:
    """Cancel a scheduled or approved tranche (an approved one: APPROVED -> MATCHED)."""
    step = await _money_step(
        session,
        principal,
        disbursement_id,
        idempotency_key,
        "cancelDisbursement",
        {"reason": reason},
    )
    if isinstance(step, Disbursement):
        return step
    disbursement, pool, contribution = step
    why = _reason(reason)
    was_approved = disbursement.status is TrancheStatus.APPROVED
    now = datetime.now(UTC)
    disbursement = await _move(
        session,
        principal,
        disbursement,
        frozenset({TrancheStatus.APPROVED if was_approved else TrancheStatus.SCHEDULED}),
        {"status": TrancheStatus.CANCELLED, "cancelled_at": now, "cancel_reason": why},
    )
    await session.execute(
        update(Contribution)
        .where(Contribution.tenant_id == principal.tenant_id, Contribution.id == contribution.id)
        .values(scheduled_minor=Contribution.scheduled_minor - disbursement.amount_minor)
        .execution_options(synchronize_session=False)
    )
    if was_approved:
        await ledger.post(
            session,
            principal,
            pool,
            LedgerTransactionKind.CANCELLATION,
            [
                Leg(
                    LedgerAccount.APPROVED, -disbursement.amount_minor, contribution.organization_id
                ),
                Leg(LedgerAccount.MATCHED, disbursement.amount_minor, contribution.organization_id),
            ],
            occurred_on=now.date(),
            contribution_id=contribution.id,
            disbursement_id=disbursement.id,
            reason=why,
        )
    await record_event(
        session,
        principal,
        action="disbursement.cancel",
        object_type="Disbursement",
        object_id=disbursement.id,
        changes={"reason": why},
    )
    await idempotency.remember(
        session, principal, idempotency_key or "", "Disbursement", disbursement.id
    )
    return disbursement


async def _post_reversal(
    session: AsyncSession,
    principal: Principal,
    original: LedgerTransaction,
    why: str,
    field: str,
) -> uuid.UUID:
    """Post the REVERSAL of a COMMITMENT or MATCH (and mark what it undoes)."""
    if original.kind not in {LedgerTransactionKind.COMMITMENT, LedgerTransactionKind.MATCH}:
        raise refuse(
            field,
            "Only commitments and matches are reversed; cancel a disbursement instead.",
            "NOT_REVERSIBLE",
        )
    contributed_delta = 0
    if original.kind is LedgerTransactionKind.MATCH:
        assert original.contribution_id is not None
        contribution = await session.scalar(
            update(Contribution)
            .where(
                Contribution.tenant_id == principal.tenant_id,
                Contribution.id == original.contribution_id,
                Contribution.status == ContributionStatus.VERIFIED,
                Contribution.scheduled_minor == 0,
            )
            # Its match goes back to the pool: nothing of it stays matched.
            .values(
                status=ContributionStatus.REVERSED,
                matched_minor=0,
                unmatched_minor=Contribution.match_requested_minor,
            )
            .returning(Contribution)
            .execution_options(populate_existing=True)
        )
        if contribution is None:
            raise refuse(
                field,
                "Cancel this match's disbursements first (or it is reversed already).",
                "INVALID_TRANSITION",
            )
        contributed_delta = -contribution.amount_minor
    else:
        assert original.commitment_id is not None
        reversed_commitment = await session.scalar(
            update(FundCommitment)
            .where(
                FundCommitment.tenant_id == principal.tenant_id,
                FundCommitment.id == original.commitment_id,
                FundCommitment.status == CommitmentStatus.ACTIVE,
            )
            .values(status=CommitmentStatus.REVERSED)
            .returning(FundCommitment.amount_minor)
            .execution_options(synchronize_session=False)
        )
        if reversed_commitment is None:
            raise refuse(field, "This commitment is reversed already.", "INVALID_TRANSITION")
    pool = await load_pool(session, principal, original.pool_id, lock=True)
    legs = [
        Leg(LedgerAccount(row.account), -row.amount_minor, row.organization_id)
        for row in await session.execute(
            select(LedgerEntry.account, LedgerEntry.amount_minor, LedgerEntry.organization_id)
            .where(
                LedgerEntry.tenant_id == principal.tenant_id,
                LedgerEntry.transaction_id == original.id,
            )
            .order_by(LedgerEntry.seq)
        )
    ]
    if original.kind is LedgerTransactionKind.COMMITMENT:
        amount = -sum(leg.amount_minor for leg in legs if leg.account is LedgerAccount.AVAILABLE)
        if pool.committed_minor - pool.matched_minor < amount:
            raise refuse(
                field,
                "The pool has already matched part of this commitment.",
                "INSUFFICIENT_FUNDS",
            )
    reversal_id = await ledger.post(
        session,
        principal,
        pool,
        LedgerTransactionKind.REVERSAL,
        legs,
        occurred_on=today(),
        contributed_delta=contributed_delta,
        commitment_id=original.commitment_id,
        contribution_id=original.contribution_id,
        reverses_id=original.id,
        reason=why,
    )
    return reversal_id


async def reverse_transaction(
    session: AsyncSession,
    principal: Principal,
    transaction_id: uuid.UUID,
    reason: str,
    *,
    idempotency_key: str | None,
) -> LedgerTransaction:
    """Reverse a COMMITMENT or MATCH with a compensating transaction and a reason."""
    idempotency.check_key(idempotency_key)
    original = await session.scalar(
        select(LedgerTransaction).where(
            LedgerTransaction.tenant_id == principal.tenant_id,
            LedgerTransaction.id == transaction_id,
        )
    )
    if original is None:
        raise refuse("transactionId", "No ledger transaction with this ID.", "NOT_FOUND")
    await _manager_of(session, principal, original.pool_id)
    replay = await idempotency.claim(
        session,
        principal,
        idempotency_key,
        "reverseTransaction",
        {"transaction_id": transaction_id, "reason": reason},
    )
    if replay is not None:
        return await replayed(session, principal, replay, LedgerTransaction)
    why = _reason(reason)
    reversal_id = await _post_reversal(session, principal, original, why, "transactionId")
    await record_event(
        session,
        principal,
        action="ledger.reverse",
        object_type="LedgerTransaction",
        object_id=reversal_id,
        changes={"reverses": str(original.id), "reason": why},
    )
    await idempotency.remember(
        session, principal, idempotency_key or "", "LedgerTransaction", reversal_id
    )
    reversal = await session.scalar(
        select(LedgerTransaction).where(
            LedgerTransaction.tenant_id == principal.tenant_id, LedgerTransaction.id == reversal_id
        )
    )
    assert reversal is not None
    return reversal


async def reverse_contribution(
    session: AsyncSession,
    principal: Principal,
    contribution_id: uuid.UUID,
    reason: str,
    *,
    idempotency_key: str | None,
) -> Contribution:
    """Withdraw a contribution with a reason. A matched one is undone by reversing its
    MATCH transaction (none of the match may be scheduled); a verified one the pool
    matched nothing of, or one never verified, moved no pool money, so it only stops
    counting (REVERSED, out of the pool's contributed total)."""
    idempotency.check_key(idempotency_key)
    contribution = await load_contribution(session, principal, contribution_id, "contributionId")
    await _manager_of(session, principal, contribution.pool_id)
    replay = await idempotency.claim(
        session,
        principal,
        idempotency_key,
        "reverseContribution",
        {"contribution_id": contribution_id, "reason": reason},
    )
    if replay is not None:
        return await replayed(session, principal, replay, Contribution)
    why = _reason(reason)
    match = await session.scalar(
        select(LedgerTransaction).where(
            LedgerTransaction.tenant_id == principal.tenant_id,
            LedgerTransaction.contribution_id == contribution_id,
            LedgerTransaction.kind == LedgerTransactionKind.MATCH,
        )
    )
    reversal_id: uuid.UUID | None = None
    if match is not None:
        reversal_id = await _post_reversal(session, principal, match, why, "contributionId")
    else:
        withdrawn = await session.scalar(
            update(Contribution)
            .where(
                Contribution.tenant_id == principal.tenant_id,
                Contribution.id == contribution_id,
                # Exactly as loaded: a verification that won meanwhile must not be undone
                # without reversing its match.
                Contribution.status == contribution.status,
                Contribution.status != ContributionStatus.REVERSED,
                Contribution.matched_minor == 0,
            )
            .values(status=ContributionStatus.REVERSED)
            .returning(Contribution.status)
            .execution_options(synchronize_session=False)
        )
        if withdrawn is None:
            raise refuse(
                "contributionId",
                "This contribution is reversed already, or changed meanwhile: reload it.",
                "INVALID_TRANSITION",
            )
        if contribution.status is ContributionStatus.VERIFIED:
            await session.execute(
                update(FundPool)
                .where(
                    FundPool.tenant_id == principal.tenant_id, FundPool.id == contribution.pool_id
                )
                .values(contributed_minor=FundPool.contributed_minor - contribution.amount_minor)
                .execution_options(synchronize_session=False)
            )
    await record_event(
        session,
        principal,
        action="contribution.reverse",
        object_type="Contribution",
        object_id=contribution_id,
        changes={"reason": why, "reversal": str(reversal_id) if reversal_id else None},
    )
    await idempotency.remember(
        session, principal, idempotency_key or "", "Contribution", contribution_id
    )
    return await load_contribution(session, principal, contribution_id, "contributionId")
