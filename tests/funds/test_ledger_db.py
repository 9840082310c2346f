"""The ledger's invariants as the database itself enforces them (SECURITY.md items 27, 29):
append-only and balanced.

Raw SQL, as the API's login role and as the owner, so nothing in the service
layer helps: grants and triggers keep the ledger append-only, a deferred
trigger refuses an unbalanced transaction at COMMIT. CHECK constraints and unique
indexes are in test_ledger_constraints.py, the running totals in test_ledger_totals.py.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from tests.funds.support.raw_ledger import (
    CHECK_VIOLATION,
    INSUFFICIENT_PRIVILEGE,
    as_app,
    insert_transaction,
    ledger_counts,
    pg_error,
)
from tests.funds.support.world import FundsWorld


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
