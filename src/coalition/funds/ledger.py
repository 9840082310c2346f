"""Posting to the append-only double-entry ledger, and the balances it implies.

A posting is one ``ledger_transactions`` row, one UPDATE of the pool's running
totals computed from the legs, and the legs themselves as ``ledger_entries``,
so the totals can only move with the entries. The UPDATE also advances the
pool's entry counter: entries are numbered 1, 2, 3... per pool, without gaps,
in the order they were posted (the UPDATE holds the pool row until COMMIT, so
postings on one pool never interleave). The numbers say nothing about other
pools or partnerships. The database refuses an unbalanced transaction at
COMMIT (deferred trigger) and a pool whose totals break their order (CHECK
``balances_in_order``). Each posting notifies ``ENTRY_POSTED`` (the pool, the
transaction), delivered to the live subscribers when the caller's transaction commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant
from coalition.funds.models.ledger import (
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    LedgerTransactionKind,
)
from coalition.funds.models.pools import FundPool
from coalition.live import notify
from coalition.telemetry import activity

# The live-updates channel of postings: topic the pool, item the ledger transaction.
ENTRY_POSTED = "funds.ledger_entry_posted"

RECIPIENT_ACCOUNTS = frozenset({LedgerAccount.MATCHED, LedgerAccount.APPROVED, LedgerAccount.PAID})
TOTALS = (
    FundPool.committed_minor,
    FundPool.matched_minor,
    FundPool.disbursed_minor,
    FundPool.paid_minor,
    FundPool.contributed_minor,
    FundPool.entry_count,
)


@dataclass(frozen=True)
class Leg:
    """One entry to post: a signed amount (debit > 0) on an account."""

    account: LedgerAccount
    amount_minor: int
    organization_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Balances:
    """A pool's money by stage, in minor units."""

    committed: int = 0
    matched: int = 0
    disbursed: int = 0
    paid: int = 0

    @property
    def remaining(self) -> int:
        """Committed and not yet matched."""
        return self.committed - self.matched

    def plus(self, other: Balances) -> Balances:
        return Balances(
            self.committed + other.committed,
            self.matched + other.matched,
            self.disbursed + other.disbursed,
            self.paid + other.paid,
        )


def balances_of(legs: Iterable[tuple[LedgerAccount | str, int]]) -> Balances:
    """What a set of entries means for the pool's totals:
    committed = -COMMITMENTS, matched = MATCHED + APPROVED + PAID,
    disbursed = APPROVED + PAID, paid = PAID."""
    sums = dict.fromkeys(LedgerAccount, 0)
    for account, amount in legs:
        sums[LedgerAccount(account)] += amount
    approved_or_paid = sums[LedgerAccount.APPROVED] + sums[LedgerAccount.PAID]
    return Balances(
        committed=-sums[LedgerAccount.COMMITMENTS],
        matched=sums[LedgerAccount.MATCHED] + approved_or_paid,
        disbursed=approved_or_paid,
        paid=sums[LedgerAccount.PAID],
    )


def pool_balances(pool: FundPool) -> Balances:
    return Balances(pool.committed_minor, pool.matched_minor, pool.disbursed_minor, pool.paid_minor)


def negated(legs: Sequence[Leg]) -> list[Leg]:
    return [Leg(leg.account, -leg.amount_minor, leg.organization_id) for leg in legs]


async def post(
    session: AsyncSession,
    principal: Principal,
    pool: FundPool,
    kind: LedgerTransactionKind,
    legs: Sequence[Leg],
    *,
    occurred_on: date,
    contributed_delta: int = 0,
    commitment_id: uuid.UUID | None = None,
    contribution_id: uuid.UUID | None = None,
    disbursement_id: uuid.UUID | None = None,
    reverses_id: uuid.UUID | None = None,
    reason: str | None = None,
) -> uuid.UUID:
    """Write one balanced transaction on ``pool`` and move its running totals; its live
    subscribers hear of it when the caller's transaction commits."""
    if sum(leg.amount_minor for leg in legs) != 0 or len(legs) < 2:
        raise ValueError(f"unbalanced ledger transaction: {legs!r}")
    transaction_id = uuid.uuid4()
    tenant_id = principal.tenant_id
    activity.ledger_posted(session, kind=kind.value)
    await session.execute(
        insert(LedgerTransaction).values(
            tenant_id=tenant_id,
            id=transaction_id,
            pool_id=pool.id,
            kind=kind,
            occurred_on=occurred_on,
            commitment_id=commitment_id,
            contribution_id=contribution_id,
            disbursement_id=disbursement_id,
            reverses_id=reverses_id,
            reason=reason,
            actor=principal.label[:200],
        )
    )
    delta = balances_of((leg.account, leg.amount_minor) for leg in legs)
    totals = (
        await session.execute(
            update(FundPool)
            .where(in_tenant(FundPool, principal), FundPool.id == pool.id)
            .values(
                committed_minor=FundPool.committed_minor + delta.committed,
                matched_minor=FundPool.matched_minor + delta.matched,
                disbursed_minor=FundPool.disbursed_minor + delta.disbursed,
                paid_minor=FundPool.paid_minor + delta.paid,
                contributed_minor=FundPool.contributed_minor + contributed_delta,
                entry_count=FundPool.entry_count + len(legs),
            )
            .returning(*TOTALS)
            .execution_options(synchronize_session=False)
        )
    ).one()
    # Keep the caller's object in step without another round trip.
    for column, value in zip(TOTALS, totals, strict=True):
        set_committed_value(pool, column.key, value)
    first_seq = pool.entry_count - len(legs) + 1
    await session.execute(
        insert(LedgerEntry),
        [
            {
                "tenant_id": tenant_id,
                "id": uuid.uuid4(),
                "pool_id": pool.id,
                "transaction_id": transaction_id,
                "account": leg.account,
                "organization_id": leg.organization_id,
                "amount_minor": leg.amount_minor,
                "currency": pool.currency,
                "seq": first_seq + number,
            }
            for number, leg in enumerate(legs)
        ],
    )
    await notify(
        session, ENTRY_POSTED, tenant_id=tenant_id, topic_id=pool.id, item_id=transaction_id
    )
    return transaction_id
