"""The whole life of a matched contribution through the service layer."""

from __future__ import annotations

from sqlalchemy import func, select

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.funds.models.contributions import ContributionStatus
from coalition.funds.models.disbursements import TrancheStatus
from coalition.funds.models.ledger import LedgerEntry
from coalition.funds.models.pools import FundPool
from coalition.funds.service.commitments import CommitmentInput, add_commitment
from coalition.funds.service.contributions import record_contribution
from coalition.funds.service.disbursements import (
    DisbursementInput,
    approve_disbursement,
    mark_requirement_met,
    pay_disbursement,
    schedule_disbursement,
)
from coalition.funds.service.verifications import verify_contribution
from tests.funds.support.world import CONTRIBUTED_ON, FundsWorld, contribution_input, key


async def test_a_contribution_is_matched_disbursed_and_paid(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    org_admin, admin = funds.principal("org_admin"), funds.principal("admin")
    async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
        contribution = await record_contribution(
            session, org_admin, contribution_input(funds), idempotency_key=key()
        )
        assert contribution.status is ContributionStatus.RECORDED
        verified = await verify_contribution(session, admin, contribution.id, idempotency_key=key())
        # 40 employees: 2:1, $1,000.00 contributed -> $2,000.00 matched.
        assert (verified.status, verified.match_requested_minor, verified.matched_minor) == (
            ContributionStatus.VERIFIED,
            200_000,
            200_000,
        )
        tranche = await schedule_disbursement(
            session,
            admin,
            DisbursementInput(
                contribution.id,
                funds.provider,
                150_000,
                "USD",
                contribution.contributed_on,
                "Outcome report",
            ),
            idempotency_key=key(),
        )
        tranche = await approve_disbursement(session, admin, tranche.id, idempotency_key=key())
        tranche = await mark_requirement_met(session, admin, tranche.id)
        tranche = await pay_disbursement(session, admin, tranche.id, idempotency_key=key())
        assert tranche.status is TrancheStatus.PAID
    async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
        pool = await session.scalar(
            select(FundPool).where(FundPool.tenant_id == funds.tenant_id, FundPool.id == funds.pool)
        )
        assert pool is not None
        assert (
            pool.committed_minor,
            pool.matched_minor,
            pool.disbursed_minor,
            pool.paid_minor,
            pool.contributed_minor,
        ) == (10_000_000, 200_000, 150_000, 150_000, 100_000)
        entries = await session.scalar(
            select(func.count())
            .select_from(LedgerEntry)
            .where(LedgerEntry.tenant_id == funds.tenant_id, LedgerEntry.pool_id == funds.pool)
        )
        assert entries == 8
        numbers = list(
            await session.scalars(
                select(LedgerEntry.seq)
                .where(LedgerEntry.tenant_id == funds.tenant_id, LedgerEntry.pool_id == funds.pool)
                .order_by(LedgerEntry.seq)
            )
        )
        assert numbers == list(range(1, 9))
        assert pool.entry_count == 8


async def test_each_pool_numbers_its_entries_from_one_without_gaps(
    funds: FundsWorld, other_funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # Postings in another partnership in between change nothing in this pool's numbers.
    for fw in (funds, other_funds, funds):
        async with tenant_transaction(owner_sessions, fw.tenant_id) as session:
            await add_commitment(
                session,
                fw.principal("admin"),
                CommitmentInput(fw.pool, fw.funder, "STATE", 500, "USD", CONTRIBUTED_ON),
                idempotency_key=key(),
            )
    async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
        numbers = list(
            await session.scalars(
                select(LedgerEntry.seq)
                .where(LedgerEntry.tenant_id == funds.tenant_id, LedgerEntry.pool_id == funds.pool)
                .order_by(LedgerEntry.seq)
            )
        )
    # The fixture's commitment (2 entries), then two more commitments.
    assert numbers == [1, 2, 3, 4, 5, 6]
