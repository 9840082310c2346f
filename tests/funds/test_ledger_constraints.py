"""The ledger's CHECK constraints and unique indexes, as raw SQL meets them (SECURITY.md
items 27, 29): no over-matching, double matching or double reversal, and a reversal names
what it reverses.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.errors import InvalidInput
from coalition.funds.service.reversals import reverse_transaction
from tests.funds.support.raw_ledger import (
    CHECK_VIOLATION,
    UNIQUE_VIOLATION,
    as_app,
    insert_transaction,
    match_transaction,
    pg_error,
    verified_contribution,
)
from tests.funds.support.world import FundsWorld, key


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
