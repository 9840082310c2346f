"""Undoing commitments and matches: a REVERSAL transaction with a reason negates the
original's entries. A match can be reversed only while none of it is scheduled, a
commitment only while the pool keeps enough unmatched money. Nothing is ever edited or
deleted in the ledger."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.service import record_event
from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant, scoped
from coalition.funds import idempotency, ledger, permissions
from coalition.funds.ledger import Leg
from coalition.funds.lookups import load_contribution, load_managed_pool, load_pool, refuse, today
from coalition.funds.models.contributions import Contribution, ContributionStatus
from coalition.funds.models.ledger import (
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    LedgerTransactionKind,
)
from coalition.funds.models.pools import CommitmentStatus, FundCommitment, FundPool
from coalition.funds.validation import check_reason
from coalition.validation import Checker

REVERSIBLE = frozenset({LedgerTransactionKind.COMMITMENT, LedgerTransactionKind.MATCH})
MATCH_NOT_REVERSIBLE = "Cancel this match's disbursements first (or it is reversed already)."


async def _post_reversal(
    session: AsyncSession,
    principal: Principal,
    original: LedgerTransaction,
    why: str,
    field: str,
) -> uuid.UUID:
    """Post the REVERSAL of a COMMITMENT or MATCH (and mark what it undoes)."""
    contributed_delta = 0
    if original.kind is LedgerTransactionKind.MATCH:
        assert original.contribution_id is not None
        contribution = await session.scalar(
            update(Contribution)
            .where(
                in_tenant(Contribution, principal),
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
            raise refuse(field, MATCH_NOT_REVERSIBLE, "INVALID_TRANSITION")
        contributed_delta = -contribution.amount_minor
    else:
        assert original.commitment_id is not None
        reversed_commitment = await session.scalar(
            update(FundCommitment)
            .where(
                in_tenant(FundCommitment, principal),
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
            .where(in_tenant(LedgerEntry, principal), LedgerEntry.transaction_id == original.id)
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
    return await ledger.post(
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


async def reverse_transaction(
    session: AsyncSession,
    principal: Principal,
    transaction_id: uuid.UUID,
    reason: str,
    *,
    idempotency_key: str | None,
) -> LedgerTransaction:
    """Reverse a COMMITMENT or MATCH with a compensating transaction and a reason."""
    check = Checker()
    key = idempotency.check_key(check, idempotency_key)
    # Only the pool's overseers see its ledger: anyone else gets NOT_FOUND, as for a
    # random ID, before the manager check could tell them the transaction exists.
    original = await session.scalar(
        scoped(LedgerTransaction, principal).where(
            permissions.overseen_pool_clause(principal, LedgerTransaction.pool_id),
            LedgerTransaction.id == transaction_id,
        )
    )
    if original is None:
        raise refuse("transactionId", "No ledger transaction with this ID.", "NOT_FOUND")
    await load_managed_pool(session, principal, original.pool_id)
    return await idempotency.once(
        session,
        principal,
        check,
        key,
        "reverseTransaction",
        {"transaction_id": transaction_id, "reason": reason},
        LedgerTransaction,
        lambda: _reverse_transaction(session, principal, check, original, reason),
    )


async def _reverse_transaction(
    session: AsyncSession,
    principal: Principal,
    check: Checker,
    original: LedgerTransaction,
    reason: str,
) -> LedgerTransaction:
    why = check_reason(check, reason)
    if original.kind not in REVERSIBLE:
        check.add(
            ("transactionId",),
            "Only commitments and matches are reversed; cancel a disbursement instead.",
            "NOT_REVERSIBLE",
        )
    check.done()
    assert why is not None
    reversal_id = await _post_reversal(session, principal, original, why, "transactionId")
    await record_event(
        session,
        principal,
        action="ledger.reverse",
        object_type="LedgerTransaction",
        object_id=reversal_id,
        changes={"reverses": str(original.id), "reason": why},
    )
    reversal = await session.scalar(
        scoped(LedgerTransaction, principal).where(LedgerTransaction.id == reversal_id)
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
    check = Checker()
    key = idempotency.check_key(check, idempotency_key)
    contribution = await load_contribution(session, principal, contribution_id, "contributionId")
    await load_managed_pool(session, principal, contribution.pool_id)
    return await idempotency.once(
        session,
        principal,
        check,
        key,
        "reverseContribution",
        {"contribution_id": contribution_id, "reason": reason},
        Contribution,
        lambda: _reverse_contribution(session, principal, check, contribution, reason),
    )


async def _reverse_contribution(
    session: AsyncSession,
    principal: Principal,
    check: Checker,
    contribution: Contribution,
    reason: str,
) -> Contribution:
    contribution_id = contribution.id
    why = check_reason(check, reason)
    match = await session.scalar(
        scoped(LedgerTransaction, principal).where(
            LedgerTransaction.contribution_id == contribution_id,
            LedgerTransaction.kind == LedgerTransactionKind.MATCH,
        )
    )
    # What the guarded writes below would refuse, read ahead so that it is reported with
    # a bad reason at once (the writes still guard against a change meanwhile).
    if match is not None and (
        contribution.status is not ContributionStatus.VERIFIED or contribution.scheduled_minor
    ):
        check.add(("contributionId",), MATCH_NOT_REVERSIBLE, "INVALID_TRANSITION")
    elif match is None and contribution.status is ContributionStatus.REVERSED:
        check.add(("contributionId",), _WITHDRAWN_ALREADY, "INVALID_TRANSITION")
    check.done()
    assert why is not None
    reversal_id: uuid.UUID | None = None
    if match is not None:
        reversal_id = await _post_reversal(session, principal, match, why, "contributionId")
    else:
        await _withdraw(session, principal, contribution)
    await record_event(
        session,
        principal,
        action="contribution.reverse",
        object_type="Contribution",
        object_id=contribution_id,
        changes={"reason": why, "reversal": str(reversal_id) if reversal_id else None},
    )
    return await load_contribution(session, principal, contribution_id, "contributionId")


_WITHDRAWN_ALREADY = "This contribution is reversed already, or changed meanwhile: reload it."


async def _withdraw(
    session: AsyncSession, principal: Principal, contribution: Contribution
) -> None:
    """Withdraw a contribution that moved no pool money: REVERSED, and (if it was
    verified) out of the pool's contributed total."""
    withdrawn = await session.scalar(
        update(Contribution)
        .where(
            in_tenant(Contribution, principal),
            Contribution.id == contribution.id,
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
        # Another request won since the contribution was loaded: name the state it left.
        current = await session.scalar(
            select(Contribution.status).where(
                in_tenant(Contribution, principal), Contribution.id == contribution.id
            )
        )
        raise refuse(
            "contributionId",
            f"This contribution is {current} now (it changed meanwhile): reload it.",
            "INVALID_TRANSITION",
        )
    if contribution.status is ContributionStatus.VERIFIED:
        await session.execute(
            update(FundPool)
            .where(in_tenant(FundPool, principal), FundPool.id == contribution.pool_id)
            .values(contributed_minor=FundPool.contributed_minor - contribution.amount_minor)
            .execution_options(synchronize_session=False)
        )
