"""A realistic sequence through the services: the running totals on pools and contributions
equal the sums of the ledger's entries (SECURITY.md items 27, 29).
"""

from __future__ import annotations

import uuid
from collections import defaultdict

from sqlalchemy import select, text

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.funds import ledger
from coalition.funds.ledger import Balances
from coalition.funds.models.contributions import Contribution, ContributionStatus
from coalition.funds.models.ledger import LedgerAccount, LedgerEntry, LedgerTransaction
from coalition.funds.models.pools import FundPool
from coalition.funds.service.cancellations import cancel_disbursement
from coalition.funds.service.commitments import CommitmentInput, add_commitment
from coalition.funds.service.contributions import record_contribution
from coalition.funds.service.disbursements import (
    DisbursementInput,
    approve_disbursement,
    mark_requirement_met,
    pay_disbursement,
    schedule_disbursement,
)
from coalition.funds.service.reversals import reverse_transaction
from coalition.funds.service.verifications import verify_contribution
from tests.funds.support.raw_ledger import RECIPIENT_ACCOUNTS, match_transaction
from tests.funds.support.world import CONTRIBUTED_ON, TERM, FundsWorld, contribution_input, key


async def realistic_sequence(fw: FundsWorld, sessions: SessionFactory) -> dict[str, uuid.UUID]:
    """Commitments, matches limited by the cap and by the pool, tranches approved, paid and
    cancelled, a commitment and a match reversed. The pool: $100,000 committed, 2:1 up to 49
    employees, 1:1 up to 499, a $50,000 cap per recipient; the employers have 40 employees,
    the provider 300."""
    admin = fw.principal("admin")
    employer = fw.world.organizations["employer"]
    other_employer = fw.world.organizations["other_employer"]
    contributions: dict[str, uuid.UUID] = {}

    async def contribute(name: str, organization: uuid.UUID, amount: int) -> None:
        async with tenant_transaction(sessions, fw.tenant_id) as session:
            recorded = await record_contribution(
                session,
                admin,
                contribution_input(fw, organization_id=organization, amount_minor=amount),
                idempotency_key=key(),
            )
        async with tenant_transaction(sessions, fw.tenant_id) as session:
            await verify_contribution(session, admin, recorded.id, idempotency_key=key())
        contributions[name] = recorded.id

    async def tranche(name: str, amount: int, requirement: str | None = None) -> uuid.UUID:
        async with tenant_transaction(sessions, fw.tenant_id) as session:
            scheduled = await schedule_disbursement(
                session,
                admin,
                DisbursementInput(
                    contributions[name], fw.provider, amount, "USD", CONTRIBUTED_ON, requirement
                ),
                idempotency_key=key(),
            )
        return scheduled.id

    async with tenant_transaction(sessions, fw.tenant_id) as session:
        extra = await add_commitment(
            session,
            admin,
            CommitmentInput(fw.pool, fw.funder, "STATE", 500_000, "USD", TERM[0]),
            idempotency_key=key(),
        )
    await contribute("employer", employer, 1_000_000)  # 2:1 -> 2,000,000
    await contribute("other_employer", other_employer, 3_000_000)  # 6,000,000 capped at 5,000,000
    await contribute("provider", fw.provider, 4_000_000)  # 1:1, limited to the last 3,500,000
    await contribute("employer_late", employer, 100)  # the pool is empty: nothing matched

    paid = await tranche("employer", 500_000, "Outcome report")
    approved_then_cancelled = await tranche("employer", 300_000)
    cancelled = await tranche("employer", 200_000)
    approved = await tranche("other_employer", 1_000_000)
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        for tranche_id in (paid, approved_then_cancelled, approved):
            await approve_disbursement(session, admin, tranche_id, idempotency_key=key())
        await mark_requirement_met(session, admin, paid)
        await pay_disbursement(session, admin, paid, idempotency_key=key())
        await cancel_disbursement(
            session, admin, approved_then_cancelled, "Cohort postponed.", idempotency_key=key()
        )
        await cancel_disbursement(
            session, admin, cancelled, "Duplicate request.", idempotency_key=key()
        )
    provider_match = await match_transaction(fw, sessions, contributions["provider"])
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        await reverse_transaction(
            session, admin, provider_match, "Evidence was withdrawn.", idempotency_key=key()
        )
    # The provider's reversed match returned 3,500,000 to the pool: the extra commitment
    # can now be reversed in full.
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        commitment_transaction = await session.scalar(
            select(LedgerTransaction.id).where(
                LedgerTransaction.tenant_id == fw.tenant_id,
                LedgerTransaction.commitment_id == extra.id,
            )
        )
        assert commitment_transaction is not None
        await reverse_transaction(
            session, admin, commitment_transaction, "Grant rescinded.", idempotency_key=key()
        )
    return contributions


async def ledger_rows(
    fw: FundsWorld, sessions: SessionFactory
) -> tuple[FundPool, list[Contribution], list[tuple[str, int, uuid.UUID | None]]]:
    """The pool row, its contributions, and every entry (account, amount, contribution)."""
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        pool = await session.scalar(
            select(FundPool).where(FundPool.tenant_id == fw.tenant_id, FundPool.id == fw.pool)
        )
        assert pool is not None
        contributions = list(
            await session.scalars(
                select(Contribution).where(
                    Contribution.tenant_id == fw.tenant_id, Contribution.pool_id == fw.pool
                )
            )
        )
        entries = [
            (str(row[0]), int(row[1]), row[2])
            for row in await session.execute(
                select(
                    LedgerEntry.account, LedgerEntry.amount_minor, LedgerTransaction.contribution_id
                )
                .join(
                    LedgerTransaction,
                    (LedgerTransaction.tenant_id == LedgerEntry.tenant_id)
                    & (LedgerTransaction.id == LedgerEntry.transaction_id),
                )
                .where(LedgerEntry.tenant_id == fw.tenant_id, LedgerEntry.pool_id == fw.pool)
            )
        ]
    return pool, contributions, entries


def matched_by_contribution(
    entries: list[tuple[str, int, uuid.UUID | None]],
) -> dict[uuid.UUID, int]:
    """Per contribution: its MATCHED + APPROVED + PAID entries, reversals included."""
    matched: defaultdict[uuid.UUID, int] = defaultdict(int)
    for account, amount, contribution_id in entries:
        if account in RECIPIENT_ACCOUNTS:
            assert contribution_id is not None
            matched[contribution_id] += amount
    return matched


async def test_pool_totals_equal_the_sum_of_its_entries(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    await realistic_sequence(funds, owner_sessions)

    pool, _, entries = await ledger_rows(funds, owner_sessions)

    from_entries = ledger.balances_of((account, amount) for account, amount, _ in entries)
    assert ledger.pool_balances(pool) == from_entries
    # 10,000,000 committed (500,000 added and reversed); 2,000,000 + 5,000,000 matched
    # (the provider's 3,500,000 reversed); 500,000 paid, 1,000,000 approved.
    assert from_entries == Balances(
        committed=10_000_000, matched=7_000_000, disbursed=1_500_000, paid=500_000
    )
    available = sum(amount for account, amount, _ in entries if account == "AVAILABLE")
    assert available == from_entries.remaining == 3_000_000
    # Verified, not reversed: 1,000,000 + 3,000,000 + 100.
    assert pool.contributed_minor == 4_000_100


async def test_each_verified_contributions_match_equals_its_entries(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    names = await realistic_sequence(funds, owner_sessions)

    _, contributions, entries = await ledger_rows(funds, owner_sessions)

    by_entries = matched_by_contribution(entries)
    by_id = {contribution.id: contribution for contribution in contributions}
    summary = {
        name: (
            by_id[names[name]].status,
            by_id[names[name]].match_requested_minor,
            by_id[names[name]].matched_minor,
            by_id[names[name]].scheduled_minor,
            by_entries.get(names[name], 0),
        )
        for name in ("employer", "other_employer", "employer_late")
    }
    assert summary == {
        "employer": (ContributionStatus.VERIFIED, 2_000_000, 2_000_000, 500_000, 2_000_000),
        "other_employer": (ContributionStatus.VERIFIED, 6_000_000, 5_000_000, 1_000_000, 5_000_000),
        "employer_late": (ContributionStatus.VERIFIED, 200, 0, 0, 0),
    }
    assert by_id[names["provider"]].status is ContributionStatus.REVERSED
    assert by_entries[names["provider"]] == 0


async def test_a_reversed_contributions_match_equals_its_entries(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    names = await realistic_sequence(funds, owner_sessions)

    _, contributions, entries = await ledger_rows(funds, owner_sessions)

    provider = next(c for c in contributions if c.id == names["provider"])
    assert (provider.status, provider.matched_minor) == (
        ContributionStatus.REVERSED,
        matched_by_contribution(entries)[provider.id],
    )


async def test_every_transaction_balances_and_accounts_hold_what_the_sequence_left(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    await realistic_sequence(funds, owner_sessions)

    async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
        sums = await session.execute(
            select(
                LedgerEntry.account, LedgerEntry.organization_id, LedgerEntry.amount_minor
            ).where(LedgerEntry.tenant_id == funds.tenant_id, LedgerEntry.pool_id == funds.pool)
        )
        per_account: defaultdict[tuple[str, uuid.UUID | None], int] = defaultdict(int)
        for account, organization_id, amount in sums:
            per_account[(LedgerAccount(account).value, organization_id)] += amount
        unbalanced = await session.execute(
            text(
                "SELECT t.id FROM ledger_transactions t LEFT JOIN ledger_entries e "
                "ON e.tenant_id = t.tenant_id AND e.transaction_id = t.id "
                "WHERE t.tenant_id = :tenant GROUP BY t.id "
                "HAVING count(e.id) < 2 OR coalesce(sum(e.amount_minor), 0) <> 0"
            ),
            {"tenant": funds.tenant_id},
        )
        assert list(unbalanced) == []

    employer = funds.world.organizations["employer"]
    other_employer = funds.world.organizations["other_employer"]
    assert {key: value for key, value in per_account.items() if value != 0} == {
        ("COMMITMENTS", None): -10_000_000,
        ("AVAILABLE", None): 3_000_000,
        ("MATCHED", employer): 1_500_000,
        ("PAID", employer): 500_000,
        ("MATCHED", other_employer): 4_000_000,
        ("APPROVED", other_employer): 1_000_000,
    }
