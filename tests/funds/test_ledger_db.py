"""The ledger's invariants as the database itself enforces them (SECURITY.md items 27, 29).

Raw SQL, as the API's login role and as the owner, so nothing in the service
layer helps: grants and triggers keep the ledger append-only, a deferred
trigger refuses an unbalanced transaction at COMMIT, CHECK constraints and
unique indexes refuse over-matching, double matching and double reversal. The
last tests run a realistic sequence through the services and prove the running
totals on pools and contributions equal the sums of the ledger's entries.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.errors import InvalidInput
from coalition.funds import ledger
from coalition.funds.ledger import Balances
from coalition.funds.models.contributions import Contribution, ContributionStatus
from coalition.funds.models.ledger import (
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    LedgerTransactionKind,
)
from coalition.funds.models.pools import FundPool
from coalition.funds.service.commitments import CommitmentInput, add_commitment
from coalition.funds.service.contributions import record_contribution, verify_contribution
from coalition.funds.service.disbursements import (
    DisbursementInput,
    approve_disbursement,
    cancel_disbursement,
    mark_requirement_met,
    pay_disbursement,
    schedule_disbursement,
)
from coalition.funds.service.reversals import reverse_transaction
from tests.funds.support.world import CONTRIBUTED_ON, TERM, FundsWorld, contribution_input, key

INSUFFICIENT_PRIVILEGE = "42501"
CHECK_VIOLATION = "23514"
UNIQUE_VIOLATION = "23505"
RECIPIENT_ACCOUNTS = {account.value for account in ledger.RECIPIENT_ACCOUNTS}


@asynccontextmanager
async def as_app(engine: AsyncEngine, tenant_id: uuid.UUID) -> AsyncIterator[AsyncConnection]:
    """A transaction as the API role, bound to ``tenant_id``; rolled back unless committed."""
    async with engine.connect() as conn:
        await conn.execute(
            text("SELECT set_config('app.tenant_id', :tenant, true)"), {"tenant": str(tenant_id)}
        )
        yield conn


def pg_error(error: DBAPIError) -> Any:
    """The asyncpg exception behind SQLAlchemy's wrapper (sqlstate, constraint_name)."""
    return error.orig.__cause__  # type: ignore[union-attr]


async def ledger_counts(engine: AsyncEngine, tenant_id: uuid.UUID) -> tuple[int, int]:
    async with as_app(engine, tenant_id) as conn:
        transactions = (
            await conn.execute(text("SELECT count(*) FROM ledger_transactions"))
        ).scalar_one()
        entries = (await conn.execute(text("SELECT count(*) FROM ledger_entries"))).scalar_one()
    return transactions, entries


async def insert_transaction(
    conn: AsyncConnection,
    fw: FundsWorld,
    legs: Sequence[tuple[str, int, str]],
    *,
    kind: str = "COMMITMENT",
    contribution_id: uuid.UUID | None = None,
    reverses_id: uuid.UUID | None = None,
) -> uuid.UUID:
    """Insert a ledger transaction with ``legs`` (account, signed amount, currency) in the
    connection's open transaction, without committing."""
    transaction_id = uuid.uuid4()
    await conn.execute(
        text(
            "INSERT INTO ledger_transactions (tenant_id, id, pool_id, kind, occurred_on, "
            "contribution_id, reverses_id, actor) VALUES (:tenant, :id, :pool, :kind, "
            ":occurred_on, :contribution, :reverses, 'raw sql test')"
        ),
        {
            "tenant": fw.tenant_id,
            "id": transaction_id,
            "pool": fw.pool,
            "kind": kind,
            "occurred_on": CONTRIBUTED_ON,
            "contribution": contribution_id,
            "reverses": reverses_id,
        },
    )
    for account, amount, currency in legs:
        recipient = None if account in {"COMMITMENTS", "AVAILABLE"} else fw.provider
        await conn.execute(
            text(
                "INSERT INTO ledger_entries (tenant_id, id, pool_id, transaction_id, account, "
                "organization_id, amount_minor, currency, seq) VALUES (:tenant, :id, :pool, :txn, "
                ":account, :organization, :amount, :currency, (SELECT coalesce(max(seq), 0) + 1 "
                "FROM ledger_entries WHERE tenant_id = :tenant AND pool_id = :pool))"
            ),
            {
                "tenant": fw.tenant_id,
                "id": uuid.uuid4(),
                "pool": fw.pool,
                "txn": transaction_id,
                "account": account,
                "organization": recipient,
                "amount": amount,
                "currency": currency,
            },
        )
    return transaction_id


async def verified_contribution(
    fw: FundsWorld, sessions: SessionFactory, amount_minor: int = 100_000
) -> Contribution:
    """A contribution of the world's 40-employee employer, recorded and verified (2:1)."""
    admin = fw.principal("admin")
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        recorded = await record_contribution(
            session, admin, contribution_input(fw, amount_minor=amount_minor), idempotency_key=key()
        )
        return await verify_contribution(session, admin, recorded.id, idempotency_key=key())


async def match_transaction(
    fw: FundsWorld, sessions: SessionFactory, contribution_id: uuid.UUID
) -> uuid.UUID:
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        found = await session.scalar(
            select(LedgerTransaction.id).where(
                LedgerTransaction.tenant_id == fw.tenant_id,
                LedgerTransaction.contribution_id == contribution_id,
                LedgerTransaction.kind == LedgerTransactionKind.MATCH,
            )
        )
    assert found is not None
    return found


# -- append-only -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "statement"),
    [
        ("ledger_entries", "UPDATE ledger_entries SET amount_minor = amount_minor + 1"),
        ("ledger_entries", "UPDATE ledger_entries SET currency = currency"),
        ("ledger_entries", "DELETE FROM ledger_entries"),
        ("ledger_entries", "TRUNCATE ledger_entries"),
        ("ledger_transactions", "UPDATE ledger_transactions SET reason = 'edited'"),
        ("ledger_transactions", "UPDATE ledger_transactions SET actor = actor"),
        ("ledger_transactions", "DELETE FROM ledger_transactions"),
        ("ledger_transactions", "TRUNCATE ledger_transactions CASCADE"),
    ],
)
async def test_the_api_role_may_not_change_or_remove_ledger_rows(
    table: str, statement: str, funds: FundsWorld, app_engine: AsyncEngine
) -> None:
    # Given the pool's commitment in the ledger (one transaction, two entries).
    assert await ledger_counts(app_engine, funds.tenant_id) == (1, 2)

    with pytest.raises(DBAPIError) as raised:
        async with as_app(app_engine, funds.tenant_id) as conn:
            await conn.execute(text(statement))

    assert pg_error(raised.value).sqlstate == INSUFFICIENT_PRIVILEGE
    assert f"permission denied for table {table}" in str(raised.value)
    assert await ledger_counts(app_engine, funds.tenant_id) == (1, 2)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_entries SET amount_minor = amount_minor * 2",
        "UPDATE ledger_transactions SET reason = 'edited'",
        "DELETE FROM ledger_entries",
        "DELETE FROM ledger_transactions",
        "TRUNCATE ledger_entries",
        "TRUNCATE ledger_transactions CASCADE",
    ],
)
async def test_not_even_the_owner_may_change_or_remove_ledger_rows(
    statement: str, funds: FundsWorld, owner_sessions: SessionFactory, app_engine: AsyncEngine
) -> None:
    with pytest.raises(DBAPIError) as raised:
        async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
            await session.execute(text(statement))

    assert pg_error(raised.value).sqlstate == INSUFFICIENT_PRIVILEGE
    assert "the ledger is append-only" in str(raised.value)
    assert await ledger_counts(app_engine, funds.tenant_id) == (1, 2)


# -- balanced at COMMIT ----------------------------------------------------------------


@pytest.mark.parametrize(
    "legs",
    [
        pytest.param([("COMMITMENTS", -500, "USD"), ("AVAILABLE", 499, "USD")], id="off-by-one"),
        pytest.param([("AVAILABLE", 500, "USD")], id="one-entry"),
        pytest.param([], id="no-entries"),
        pytest.param(
            [("COMMITMENTS", -500, "USD"), ("AVAILABLE", 500, "EUR")], id="currencies-differ"
        ),
        pytest.param(
            [("AVAILABLE", -300, "USD"), ("MATCHED", 200, "USD"), ("APPROVED", 200, "USD")],
            id="three-legs",
        ),
    ],
)
async def test_an_unbalanced_transaction_fails_at_commit_and_leaves_nothing(
    legs: list[tuple[str, int, str]], funds: FundsWorld, app_engine: AsyncEngine
) -> None:
    with pytest.raises(DBAPIError) as raised:
        async with as_app(app_engine, funds.tenant_id) as conn:
            transaction_id = await insert_transaction(conn, funds, legs)
            # The INSERTs themselves pass: the check is deferred to COMMIT.
            visible = await conn.execute(
                text("SELECT count(*) FROM ledger_entries WHERE transaction_id = :id"),
                {"id": transaction_id},
            )
            assert visible.scalar_one() == len(legs)
            await conn.commit()

    assert pg_error(raised.value).sqlstate == CHECK_VIOLATION
    assert f"ledger transaction {transaction_id}" in str(raised.value)
    async with as_app(app_engine, funds.tenant_id) as conn:
        left = await conn.execute(
            text(
                "SELECT (SELECT count(*) FROM ledger_transactions WHERE id = :id), "
                "(SELECT count(*) FROM ledger_entries WHERE transaction_id = :id)"
            ),
            {"id": transaction_id},
        )
        assert tuple(left.one()) == (0, 0)
    assert await ledger_counts(app_engine, funds.tenant_id) == (1, 2)


async def test_one_unbalanced_transaction_rolls_back_a_balanced_one_beside_it(
    funds: FundsWorld, app_engine: AsyncEngine
) -> None:
    with pytest.raises(DBAPIError) as raised:
        async with as_app(app_engine, funds.tenant_id) as conn:
            await insert_transaction(
                conn, funds, [("COMMITMENTS", -700, "USD"), ("AVAILABLE", 700, "USD")]
            )
            await insert_transaction(
                conn, funds, [("COMMITMENTS", -700, "USD"), ("AVAILABLE", 701, "USD")]
            )
            await conn.commit()

    assert pg_error(raised.value).sqlstate == CHECK_VIOLATION
    assert await ledger_counts(app_engine, funds.tenant_id) == (1, 2)


async def test_a_balanced_transaction_commits(funds: FundsWorld, app_engine: AsyncEngine) -> None:
    async with as_app(app_engine, funds.tenant_id) as conn:
        transaction_id = await insert_transaction(
            conn,
            funds,
            [
                ("COMMITMENTS", -1_234, "USD"),
                ("AVAILABLE", 1_000, "USD"),
                ("AVAILABLE", 234, "USD"),
            ],
        )
        await conn.commit()

    async with as_app(app_engine, funds.tenant_id) as conn:
        rows = await conn.execute(
            text(
                "SELECT account, amount_minor FROM ledger_entries WHERE transaction_id = :id "
                "ORDER BY seq"
            ),
            {"id": transaction_id},
        )
        assert [tuple(row) for row in rows] == [
            ("COMMITMENTS", -1_234),
            ("AVAILABLE", 1_000),
            ("AVAILABLE", 234),
        ]
    assert await ledger_counts(app_engine, funds.tenant_id) == (2, 5)


# -- CHECK constraints and unique indexes -------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        "matched_minor = committed_minor + 1",
        "disbursed_minor = matched_minor + 1",
        "paid_minor = disbursed_minor + 1",
        "paid_minor = -1",
    ],
)
async def test_a_pool_can_not_be_over_matched_over_disbursed_or_negative(
    change: str, funds: FundsWorld, app_engine: AsyncEngine
) -> None:
    with pytest.raises(DBAPIError) as raised:
        async with as_app(app_engine, funds.tenant_id) as conn:
            await conn.execute(
                text(f"UPDATE fund_pools SET {change} WHERE id = :pool"), {"pool": funds.pool}
            )

    error = pg_error(raised.value)
    assert (error.sqlstate, error.constraint_name) == (
        CHECK_VIOLATION,
        "ck_fund_pools_balances_in_order",
    )


@pytest.mark.parametrize(
    ("change", "constraint"),
    [
        (
            "matched_minor = match_requested_minor + 1, unmatched_minor = -1",
            "ck_contributions_match_within_request",
        ),
        ("unmatched_minor = unmatched_minor + 1", "ck_contributions_match_within_request"),
        (
            "matched_minor = -1, unmatched_minor = match_requested_minor + 1",
            "ck_contributions_match_within_request",
        ),
        ("scheduled_minor = matched_minor + 1", "ck_contributions_scheduled_within_match"),
        ("scheduled_minor = -1", "ck_contributions_scheduled_within_match"),
    ],
)
async def test_a_contribution_can_not_be_matched_beyond_its_request_or_scheduled_beyond_its_match(
    change: str,
    constraint: str,
    funds: FundsWorld,
    owner_sessions: SessionFactory,
    app_engine: AsyncEngine,
) -> None:
    contribution = await verified_contribution(funds, owner_sessions)
    assert (contribution.match_requested_minor, contribution.matched_minor) == (200_000, 200_000)

    with pytest.raises(DBAPIError) as raised:
        async with as_app(app_engine, funds.tenant_id) as conn:
            await conn.execute(
                text(f"UPDATE contributions SET {change} WHERE id = :id"), {"id": contribution.id}
            )

    error = pg_error(raised.value)
    assert (error.sqlstate, error.constraint_name) == (CHECK_VIOLATION, constraint)


async def test_a_contribution_is_matched_at_most_once(
    funds: FundsWorld, owner_sessions: SessionFactory, app_engine: AsyncEngine
) -> None:
    contribution = await verified_contribution(funds, owner_sessions)

    with pytest.raises(DBAPIError) as raised:
        async with as_app(app_engine, funds.tenant_id) as conn:
            await insert_transaction(
                conn,
                funds,
                [("AVAILABLE", -5, "USD"), ("MATCHED", 5, "USD")],
                kind="MATCH",
                contribution_id=contribution.id,
            )

    error = pg_error(raised.value)
    assert (error.sqlstate, error.constraint_name) == (
        UNIQUE_VIOLATION,
        "uq_ledger_transactions_tenant_id_contribution_id_match",
    )


async def test_a_transaction_is_reversed_at_most_once(
    funds: FundsWorld, owner_sessions: SessionFactory, app_engine: AsyncEngine
) -> None:
    contribution = await verified_contribution(funds, owner_sessions)
    match_id = await match_transaction(funds, owner_sessions, contribution.id)
    admin = funds.principal("admin")
    async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
        await reverse_transaction(
            session, admin, match_id, "Evidence was withdrawn.", idempotency_key=key()
        )

    with pytest.raises(DBAPIError) as raised:
        async with as_app(app_engine, funds.tenant_id) as conn:
            await insert_transaction(
                conn,
                funds,
                [("AVAILABLE", 200_000, "USD"), ("MATCHED", -200_000, "USD")],
                kind="REVERSAL",
                contribution_id=contribution.id,
                reverses_id=match_id,
            )
    error = pg_error(raised.value)
    assert (error.sqlstate, error.constraint_name) == (
        UNIQUE_VIOLATION,
        "uq_ledger_transactions_tenant_id_reverses_id",
    )
    # The service refuses the second reversal before the database has to.
    with pytest.raises(InvalidInput) as refused:
        async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
            await reverse_transaction(session, admin, match_id, "Again.", idempotency_key=key())
    assert [error.code for error in refused.value.errors] == ["INVALID_TRANSITION"]


async def test_a_reversal_names_the_transaction_it_reverses(
    funds: FundsWorld, app_engine: AsyncEngine
) -> None:
    with pytest.raises(DBAPIError) as raised:
        async with as_app(app_engine, funds.tenant_id) as conn:
            await insert_transaction(
                conn, funds, [("COMMITMENTS", 5, "USD"), ("AVAILABLE", -5, "USD")], kind="REVERSAL"
            )

    error = pg_error(raised.value)
    assert (error.sqlstate, error.constraint_name) == (
        CHECK_VIOLATION,
        "ck_ledger_transactions_reversal_names_original",
    )


# -- running totals equal the entries -------------------------------------------------------


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
