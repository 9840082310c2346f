"""Killing the database connection in the middle of a money mutation (SECURITY.md 31, 33).

A second connection holds a lock on the pool's row, so the request stops half-way
through its transaction: the key is claimed and the contribution (or tranche)
already changed, and for an approval the ledger rows are already inserted. The
test finds that backend waiting on the lock, checks what it has written so far,
terminates it with ``pg_terminate_backend`` and releases the lock. The request
then fails cleanly (a 503 RETRYABLE, no hang), nothing of it survives, a retry
with the same idempotency key has exactly one effect, and the next requests
succeed on fresh connections (``pool_pre_ping``).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from starlette.applications import Starlette

from coalition.config import Settings
from coalition.db.engine import SessionFactory
from tests.funds.support.live import (
    APPROVE,
    VERIFY,
    LiveApi,
    assert_ledger_consistent,
    live_api,
    payload_of,
    pool_row,
    record_contributions,
    rows,
    scalar,
    schedule_now,
    verify_now,
)
from tests.funds.support.steps import FUNDS_TABLE_NAMES
from tests.funds.support.world import CONTRIBUTED_ON, FundsWorld, key
from tests.support.snapshots import digests
from tests.support.world import global_id

WAIT = 20.0

Response = tuple[int, dict[str, Any]]


@asynccontextmanager
async def pool_locked(
    engine: AsyncEngine, tenant_id: uuid.UUID, pool_id: uuid.UUID, mode: str
) -> AsyncIterator[tuple[AsyncConnection, int]]:
    """Hold a row lock (``FOR UPDATE`` or ``FOR NO KEY UPDATE``) on the pool in an open
    transaction; yields the connection and its backend's pid."""
    assert mode in {"UPDATE", "NO KEY UPDATE"}
    async with engine.connect() as holder:
        await holder.execute(
            text(f"SELECT id FROM fund_pools WHERE tenant_id = :t AND id = :p FOR {mode}"),
            {"t": tenant_id, "p": pool_id},
        )
        pid = (await holder.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        try:
            yield holder, int(pid)
        finally:
            await holder.rollback()


async def waiting_on(engine: AsyncEngine, blocker: int) -> int:
    """The backend waiting for a lock that ``blocker`` holds (polls, bounded)."""
    async with asyncio.timeout(WAIT):
        while True:
            found = await rows(
                engine,
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND :b = ANY(pg_blocking_pids(pid))",
                b=blocker,
            )
            if found:
                assert len(found) == 1, found
                return int(found[0][0])
            await asyncio.sleep(0.02)


async def written_tables(engine: AsyncEngine, pid: int) -> set[str]:
    """The tables a backend's open transaction has written to (RowExclusiveLock held)."""
    found = await rows(
        engine,
        "SELECT relation::regclass::text FROM pg_locks WHERE pid = :pid "
        "AND locktype = 'relation' AND mode = 'RowExclusiveLock' AND granted",
        pid=pid,
    )
    return {row[0] for row in found}


async def terminate(engine: AsyncEngine, pid: int) -> None:
    assert await scalar(engine, "SELECT pg_terminate_backend(:pid)", pid=pid) is True


async def kill_pooled_app_connections(engine: AsyncEngine, app: Starlette) -> int:
    """Have the server terminate every connection idling in the API's pool (SECURITY 33).

    The pool's connections are found by checking ``db_pool_size`` of them out at once;
    other engines of the API's role (the ``app_engine`` fixture) are left alone.
    """
    app_engine: AsyncEngine = app.state.engine
    settings: Settings = app.state.settings
    pids: set[int] = set()
    async with AsyncExitStack() as stack:
        for _ in range(settings.db_pool_size):
            connection = await stack.enter_async_context(app_engine.connect())
            raw = await connection.get_raw_connection()
            pids.add(int(raw.driver_connection.get_server_pid()))  # type: ignore[union-attr]
    killed = int(
        await scalar(
            engine,
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE pid = ANY(:pids) AND usename = :role AND state = 'idle'",
            pids=sorted(pids),
            role=settings.app_role,
        )
    )
    assert killed == len(pids) == settings.db_pool_size
    return killed


def assert_retryable_failure(response: Response, mutation: str) -> None:
    """A failed request, told as retryable (a 503 with ``Retry-After``: send it again with
    the same key) with nothing of the database in it."""
    status, body = response
    assert status == 503, body
    assert body["data"] is None, body
    (error,) = body["errors"]
    assert error["message"] == (
        "The database connection was lost before the operation finished, so it may or may "
        "not have been applied. Send it again with the same idempotency key: it is applied once."
    )
    assert error["extensions"]["code"] == "RETRYABLE"
    assert "requestId" in error["extensions"]


async def verification_rows(
    engine: AsyncEngine, fw: FundsWorld, contribution_id: uuid.UUID, idempotency_key: str
) -> dict[str, Any]:
    (contribution,) = await rows(
        engine,
        "SELECT status, matched_minor, verified_at IS NOT NULL FROM contributions "
        "WHERE tenant_id = :t AND id = :c",
        t=fw.tenant_id,
        c=contribution_id,
    )
    return {
        "contribution": tuple(contribution),
        "keys": await scalar(
            engine,
            "SELECT count(*) FROM idempotency_keys WHERE tenant_id = :t AND key = :k",
            t=fw.tenant_id,
            k=idempotency_key,
        ),
        "transactions": await scalar(
            engine,
            "SELECT count(*) FROM ledger_transactions WHERE tenant_id = :t "
            "AND contribution_id = :c",
            t=fw.tenant_id,
            c=contribution_id,
        ),
        "audits": await scalar(
            engine,
            "SELECT count(*) FROM audit_events WHERE tenant_id = :t AND object_id = :c "
            "AND action = 'contribution.verify'",
            t=fw.tenant_id,
            c=contribution_id,
        ),
    }


def verify(api: LiveApi, fw: FundsWorld, contribution_id: uuid.UUID, the_key: str) -> Any:
    return api.post(
        VERIFY,
        {"key": the_key, "id": global_id("Contribution", contribution_id)},
        token=fw.token("admin"),
    )


async def test_a_verification_killed_half_way_leaves_nothing_and_its_retry_counts_once(
    funds: FundsWorld,
    owner_sessions: SessionFactory,
    admin_engine: AsyncEngine,
    app: Starlette,
) -> None:
    (contribution_id,) = await record_contributions(
        funds,
        owner_sessions,
        funds.pool,
        [(funds.world.organizations["employer"], 100_000, CONTRIBUTED_ON)],
    )
    the_key = key()
    pool_before = await pool_row(admin_engine, funds.tenant_id, funds.pool)
    before = await digests(admin_engine, funds.tenant_id, FUNDS_TABLE_NAMES)

    async with live_api(app) as api:
        async with pool_locked(admin_engine, funds.tenant_id, funds.pool, "UPDATE") as (_, me):
            request = asyncio.create_task(verify(api, funds, contribution_id, the_key))
            victim = await waiting_on(admin_engine, me)
            # Half-way: the key is claimed and the contribution updated, the pool not yet.
            assert {"idempotency_keys", "contributions"} <= await written_tables(
                admin_engine, victim
            )
            query = await scalar(
                admin_engine, "SELECT query FROM pg_stat_activity WHERE pid = :p", p=victim
            )
            assert "FROM fund_pools" in query
            assert query.rstrip().endswith(("FOR UPDATE", "FOR NO KEY UPDATE"))
            await terminate(admin_engine, victim)
        killed = await asyncio.wait_for(request, WAIT)

        assert_retryable_failure(killed, "verifyContribution")
        assert await verification_rows(admin_engine, funds, contribution_id, the_key) == {
            "contribution": ("RECORDED", 0, False),
            "keys": 0,
            "transactions": 0,
            "audits": 0,
        }
        assert await pool_row(admin_engine, funds.tenant_id, funds.pool) == pool_before
        assert await digests(admin_engine, funds.tenant_id, FUNDS_TABLE_NAMES) == before

        # The server also drops the API's idle connections: the retry gets a live one.
        await kill_pooled_app_connections(admin_engine, app)
        status, body = await asyncio.wait_for(verify(api, funds, contribution_id, the_key), WAIT)
        assert status == 200
        retried = payload_of(body, "verifyContribution")
        assert retried["userErrors"] == []
        assert retried["contribution"]["status"] == "VERIFIED"
        assert retried["contribution"]["matched"]["amountMinor"] == "200000"
        status, body = await asyncio.wait_for(verify(api, funds, contribution_id, the_key), WAIT)
        assert payload_of(body, "verifyContribution") == retried

    assert await verification_rows(admin_engine, funds, contribution_id, the_key) == {
        "contribution": ("VERIFIED", 200_000, True),
        "keys": 1,
        "transactions": 1,
        "audits": 1,
    }
    pool = await assert_ledger_consistent(admin_engine, funds.tenant_id, funds.pool)
    assert pool.matched == pool_before.matched + 200_000


async def test_a_retry_waiting_on_the_killed_request_does_the_work_once(
    funds: FundsWorld, owner_sessions: SessionFactory, admin_engine: AsyncEngine, app: Starlette
) -> None:
    # The client gave up and retried with the same key while the first request was
    # still running: the retry waits on the first one's key; when that one is killed
    # the retry owns the key and verifies the contribution, once.
    (contribution_id,) = await record_contributions(
        funds,
        owner_sessions,
        funds.pool,
        [(funds.world.organizations["employer"], 100_000, CONTRIBUTED_ON)],
    )
    the_key = key()
    pool_before = await pool_row(admin_engine, funds.tenant_id, funds.pool)

    async with live_api(app) as api:
        async with pool_locked(admin_engine, funds.tenant_id, funds.pool, "UPDATE") as (_, me):
            first = asyncio.create_task(verify(api, funds, contribution_id, the_key))
            victim = await waiting_on(admin_engine, me)
            retry = asyncio.create_task(verify(api, funds, contribution_id, the_key))
            # The retry waits for the first request's claim of the key.
            assert await waiting_on(admin_engine, victim) != victim
            await terminate(admin_engine, victim)
            killed = await asyncio.wait_for(first, WAIT)
            # Now the retry has claimed the key, changed the contribution and waits
            # for the pool, like the first one did.
            survivor = await waiting_on(admin_engine, me)
            assert survivor != victim
        status, body = await asyncio.wait_for(retry, WAIT)

    assert_retryable_failure(killed, "verifyContribution")
    assert status == 200
    done = payload_of(body, "verifyContribution")
    assert done["userErrors"] == []
    assert done["contribution"]["matched"]["amountMinor"] == "200000"
    assert await verification_rows(admin_engine, funds, contribution_id, the_key) == {
        "contribution": ("VERIFIED", 200_000, True),
        "keys": 1,
        "transactions": 1,
        "audits": 1,
    }
    pool = await assert_ledger_consistent(admin_engine, funds.tenant_id, funds.pool)
    assert pool.matched == pool_before.matched + 200_000


async def test_an_approval_killed_after_its_ledger_rows_leaves_no_trace(
    funds: FundsWorld,
    owner_sessions: SessionFactory,
    admin_engine: AsyncEngine,
    app: Starlette,
) -> None:
    # FOR NO KEY UPDATE lets the approval move the tranche and insert its ledger
    # transaction (its foreign key only needs KEY SHARE on the pool) and stops it at the
    # UPDATE of the pool's totals, before the entries: a transaction without its legs.
    (contribution_id,) = await record_contributions(
        funds,
        owner_sessions,
        funds.pool,
        [(funds.world.organizations["employer"], 100_000, CONTRIBUTED_ON)],
    )
    await verify_now(funds, owner_sessions, contribution_id)
    tranche = await schedule_now(funds, owner_sessions, contribution_id, 80_000)
    the_key = key()
    pool_before = await pool_row(admin_engine, funds.tenant_id, funds.pool)
    before = await digests(admin_engine, funds.tenant_id, FUNDS_TABLE_NAMES)
    variables = {"key": the_key, "id": global_id("Disbursement", tranche)}

    async with live_api(app) as api:
        async with pool_locked(admin_engine, funds.tenant_id, funds.pool, "NO KEY UPDATE") as (
            _,
            me,
        ):
            request = asyncio.create_task(api.post(APPROVE, variables, token=funds.token("admin")))
            victim = await waiting_on(admin_engine, me)
            assert {
                "idempotency_keys",
                "disbursements",
                "ledger_transactions",
            } <= await written_tables(admin_engine, victim)
            query = await scalar(
                admin_engine, "SELECT query FROM pg_stat_activity WHERE pid = :p", p=victim
            )
            assert query.lstrip().upper().startswith("UPDATE FUND_POOLS")
            await terminate(admin_engine, victim)
        killed = await asyncio.wait_for(request, WAIT)

        assert_retryable_failure(killed, "approveDisbursement")
        assert await digests(admin_engine, funds.tenant_id, FUNDS_TABLE_NAMES) == before
        assert await pool_row(admin_engine, funds.tenant_id, funds.pool) == pool_before

        await kill_pooled_app_connections(admin_engine, app)
        approved = await api.ok(APPROVE, variables, token=funds.token("admin"))
        replayed = await api.ok(APPROVE, variables, token=funds.token("admin"))

    assert approved == replayed
    assert payload_of({"data": approved}, "approveDisbursement") == {
        "disbursement": {"id": variables["id"], "status": "APPROVED"},
        "userErrors": [],
    }
    approvals = await scalar(
        admin_engine,
        "SELECT count(*) FROM ledger_transactions WHERE tenant_id = :t "
        "AND disbursement_id = :d AND kind = 'DISBURSEMENT_APPROVAL'",
        t=funds.tenant_id,
        d=tranche,
    )
    assert approvals == 1
    pool = await assert_ledger_consistent(admin_engine, funds.tenant_id, funds.pool)
    assert pool.disbursed == pool_before.disbursed + 80_000


async def test_after_the_server_drops_every_idle_connection_money_mutations_still_work(
    funds: FundsWorld,
    owner_sessions: SessionFactory,
    admin_engine: AsyncEngine,
    app: Starlette,
) -> None:
    contribution_ids = await record_contributions(
        funds,
        owner_sessions,
        funds.pool,
        [(funds.world.organizations["employer"], 50_000, CONTRIBUTED_ON)] * 12,
    )
    async with live_api(app) as api:
        # Every connection in the API's pool is dead when these requests arrive.
        await kill_pooled_app_connections(admin_engine, app)
        responses = await asyncio.wait_for(
            asyncio.gather(*[verify(api, funds, cid, key()) for cid in contribution_ids]), WAIT
        )

    for status, body in responses:
        assert status == 200, body
        payload = payload_of(body, "verifyContribution")
        assert payload["userErrors"] == [] and payload["contribution"]["status"] == "VERIFIED"
    await assert_ledger_consistent(admin_engine, funds.tenant_id, funds.pool)


async def test_the_holder_really_blocks_a_verification(
    funds: FundsWorld, owner_sessions: SessionFactory, admin_engine: AsyncEngine, app: Starlette
) -> None:
    # The premise of the tests above: without the kill, the verification waits for the
    # pool's lock and finishes once it is released.
    (contribution_id,) = await record_contributions(
        funds,
        owner_sessions,
        funds.pool,
        [(funds.world.organizations["employer"], 100_000, CONTRIBUTED_ON)],
    )
    async with live_api(app) as api:
        async with pool_locked(admin_engine, funds.tenant_id, funds.pool, "UPDATE") as (_, me):
            request = asyncio.create_task(verify(api, funds, contribution_id, key()))
            await waiting_on(admin_engine, me)
            await asyncio.sleep(0.3)
            assert not request.done()
        status, body = await asyncio.wait_for(request, WAIT)

    assert status == 200
    assert payload_of(body, "verifyContribution")["contribution"]["status"] == "VERIFIED"
