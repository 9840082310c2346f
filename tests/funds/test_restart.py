"""A database restart under load loses and duplicates nothing (SECURITY.md item 32).

The suite's own database is shared with every other test, so this test brings up a
throwaway embedded PostgreSQL (pgserver, Unix socket only) in its tmp dir, migrates a
fresh database in it as ``coalition db upgrade`` does, and serves the app on it with
uvicorn on loopback. Eight clients each record and verify a fixed list of
contributions, every request with its own idempotency key; a request that fails for
any reason (a transport error, a 500, a GraphQL error) is sent again with the same
key until it succeeds, a bounded number of times. Some first attempts are abandoned
after 50 ms while the server goes on with them, so retries also meet requests that
did commit (a client that retried with a new key instead would create duplicates
here). While the clients run, the server is stopped (``pg_ctl stop -m fast``: running
transactions are cut off), kept down a second and started again on the same socket.

Afterwards every key produced exactly one row and the client saw that row, every
contribution is verified with exactly one MATCH transaction, every ledger transaction
balances, the entries are numbered without gaps, and the pool's running totals equal
what its entries add up to (``ledger.balances_of``); no request sent after the restart
failed (``pool_pre_ping``). The server is stopped and its data dir removed even when
the test fails. Every wait is bounded.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import threading
import uuid
import warnings
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool
from starlette.applications import Starlette

from coalition.app import create_app
from coalition.config import Settings
from coalition.db.engine import create_session_factory
from coalition.db.urls import to_asyncpg
from coalition.funds.ledger import balances_of
from coalition.upgrade import upgrade
from tests.funds.support.live import (
    VERIFY,
    LiveApi,
    assert_ledger_consistent,
    live_api,
    match_transactions,
    rows,
    scalar,
    uuid_of,
    verifier_token,
)
from tests.funds.support.world import CONTRIBUTED_ON, FundsWorld, create_funds_world
from tests.support.world import create_world, global_id

CLIENTS = 8
CONTRIBUTIONS_PER_CLIENT = 10
# Each contribution asks a 2:1 match (employers of 40): at most $40.00 matched per
# contribution, far below the $100,000.00 committed and the $50,000.00 cap per
# recipient, so every verification is matched in full.
MATCH_RATIO = 2
RESTART_AFTER = 0.3  # of all requests answered, then the server goes down
DOWN_FOR = 1.0  # seconds the server stays stopped
MAX_ATTEMPTS = 100
ATTEMPT_TIMEOUT = 15.0
IMPATIENCE = 0.05  # seconds an impatient client waits before it sends the request again
LOAD_TIMEOUT = 45.0
SERVER_TIMEOUT = 30  # seconds for pg_ctl and for starting the throwaway server

RECORD = """
mutation Record($input: RecordContributionInput!) {
  recordContribution(input: $input) {
    contribution { id status amount { amountMinor currency } }
    userErrors { field message code }
  }
}
"""


def _pgserver() -> Any:
    with warnings.catch_warnings():
        # Without XDG_RUNTIME_DIR pgserver's platformdirs falls back to /tmp/runtime-<uid>.
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        import pgserver
    return pgserver


# -- the throwaway server -----------------------------------------------------------------


def _postgres_user(pgdata: Path) -> str | None:
    """Who runs pg_ctl: pgserver runs postgres as its own user (the owner of the data dir)
    when we are root, since PostgreSQL refuses to run as root."""
    return pgdata.owner() if os.geteuid() == 0 else None


@dataclass
class Throwaway:
    """An embedded PostgreSQL of this test alone: stop and start it at will."""

    pgdata: Path
    socket_dir: Path
    log: Path
    superuser_url: URL
    # One pg_ctl at a time: the clean-up waits for a restart still running in its thread.
    _pg_ctl_lock: threading.Lock = field(default_factory=threading.Lock)

    def _pg_ctl(self, *args: str) -> None:
        with self._pg_ctl_lock:
            _pg_ctl(self.pgdata, *args)

    async def stop(self) -> None:
        # fast: running transactions are rolled back and their connections cut.
        await asyncio.to_thread(self._pg_ctl, "-m", "fast", "stop")

    async def start(self) -> None:
        # The options pgserver starts it with: no TCP at all, the same socket directory.
        await asyncio.to_thread(
            self._pg_ctl,
            "-o",
            '-h ""',
            "-o",
            f"-k {self.socket_dir}",
            "-l",
            str(self.log),
            "start",
        )

    def stop_for_good(self) -> None:
        with self._pg_ctl_lock:
            _stop_for_good(self.pgdata)


def _pg_ctl(pgdata: Path, *args: str) -> None:
    _pgserver().pg_ctl(
        ["-w", "-t", str(SERVER_TIMEOUT), *args],
        pgdata=pgdata,
        user=_postgres_user(pgdata),
        timeout=SERVER_TIMEOUT + 5,
    )


def _stop_for_good(pgdata: Path) -> None:
    """Stop the server whatever state it is in; never raises for a server already down."""
    for mode in ("fast", "immediate"):
        if not (pgdata / "postmaster.pid").exists():
            return
        try:
            _pg_ctl(pgdata, "-m", mode, "stop")
            return
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            continue
    info = _pgserver().utils.PostmasterInfo.read_from_pgdata(pgdata)
    if info is not None and info.process is not None:
        info.process.kill()


@asynccontextmanager
async def throwaway_server(root: Path) -> AsyncIterator[Throwaway]:
    """Start a new pgserver instance with its data under ``root``; stop it and remove
    its data on the way out, whatever happened."""
    pgserver = _pgserver()
    pgdata = root / "pgdata"
    server = None
    # cleanup_mode=None: we stop the server ourselves. pgserver's own clean-up checks
    # the postmaster it started, which after our restart is no longer the running one
    # (and may linger as a zombie where nothing reaps orphans).
    starting = asyncio.ensure_future(
        asyncio.to_thread(pgserver.get_server, pgdata, cleanup_mode=None)
    )
    try:
        server = await asyncio.wait_for(asyncio.shield(starting), SERVER_TIMEOUT * 2)
        info = server.get_postmaster_info()
        assert info.socket_dir is not None and info.hostname is None  # Unix socket only
        throwaway = Throwaway(
            pgdata=pgdata,
            socket_dir=info.socket_dir,
            log=server.log,
            superuser_url=to_asyncpg(server.get_uri()),
        )
        try:
            yield throwaway
        finally:
            await asyncio.to_thread(throwaway.stop_for_good)
    finally:
        if not starting.done():  # timed out: let pgserver finish before we stop it
            await asyncio.wait({starting}, timeout=SERVER_TIMEOUT * 2)
        if (
            server is None
            and starting.done()
            and not starting.cancelled()
            and not starting.exception()
        ):
            server = starting.result()
        if pgdata.exists():
            await asyncio.to_thread(_stop_for_good, pgdata)
        if server is not None:
            server.cleanup()  # drops this process's handle (no stop, no delete in this mode)
        shutil.rmtree(pgdata, ignore_errors=True)


OWNER = "coalition_restart_owner"
APP_ROLE = "coalition_restart_app"


async def fresh_database(server: Throwaway) -> URL:
    """A database owned by an ordinary role (no superuser, no BYPASSRLS), as the suite's."""
    name = f"coalition_restart_{uuid.uuid4().hex[:8]}"
    password = uuid.uuid4().hex
    admin = create_async_engine(server.superuser_url, poolclass=NullPool)
    try:
        async with admin.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(
                text(
                    f'CREATE ROLE "{OWNER}" LOGIN CREATEROLE NOSUPERUSER NOBYPASSRLS '
                    f"PASSWORD '{password}'"
                )
            )
            await connection.execute(text(f'CREATE DATABASE "{name}" OWNER "{OWNER}"'))
    finally:
        await admin.dispose()
    database = create_async_engine(server.superuser_url.set(database=name), poolclass=NullPool)
    try:
        async with database.begin() as connection:
            await connection.execute(text(f'ALTER SCHEMA public OWNER TO "{OWNER}"'))
    finally:
        await database.dispose()
    return server.superuser_url.set(database=name, username=OWNER, password=password)


@asynccontextmanager
async def running_app(settings: Settings) -> AsyncIterator[Starlette]:
    application = create_app(settings, configure_logs=False)
    async with application.router.lifespan_context(application):
        yield application


# -- the load -----------------------------------------------------------------------------


@dataclass
class Failure:
    sent_at: float
    failed_at: float
    operation: str
    what: str
    gave_up: bool = False  # the client stopped waiting (the server may still finish it)


@dataclass
class Load:
    """What the clients did: every attempt, every failed one, and what they were given."""

    total: int
    answered: int = 0
    attempts: int = 0
    failures: list[Failure] = field(default_factory=list)
    recorded: dict[str, uuid.UUID] = field(default_factory=dict)  # record key -> id
    verified: dict[str, uuid.UUID] = field(default_factory=dict)  # verify key -> id
    amounts: dict[uuid.UUID, int] = field(default_factory=dict)
    progress: asyncio.Event = field(default_factory=asyncio.Event)

    def answer(self) -> None:
        self.answered += 1
        if self.answered >= self.total * RESTART_AFTER:
            self.progress.set()


async def until_done(
    api: LiveApi,
    load: Load,
    document: str,
    operation: str,
    variables: dict[str, Any],
    token: str,
    *,
    impatient: bool,
) -> dict[str, Any]:
    """Send one mutation until it succeeds, always with the same variables (same key).

    An impatient client gives up on its first attempt after IMPATIENCE seconds, while
    the server goes on with it: the retry then races, or replays, a request that may
    well have committed."""
    loop = asyncio.get_running_loop()
    for attempt in range(MAX_ATTEMPTS):
        load.attempts += 1
        sent_at = loop.time()
        patience = IMPATIENCE if impatient and attempt == 0 else ATTEMPT_TIMEOUT
        try:
            async with asyncio.timeout(patience):
                status, body = await api.post(document, variables, token=token)
        except TimeoutError:
            load.failures.append(Failure(sent_at, loop.time(), operation, "gave up", True))
            continue
        except httpx.TransportError as error:
            what = f"{type(error).__name__}: {error}"
        else:
            if status == 200 and "errors" not in body:
                payload: dict[str, Any] = body["data"][operation]
                # A retry must replay the first result, never refuse the key or the
                # transition: no userErrors at all.
                assert payload["userErrors"] == [], (operation, variables, payload)
                load.answer()
                return payload
            what = f"{status}: {body}"
        load.failures.append(Failure(sent_at, loop.time(), operation, what))
        await asyncio.sleep(min(0.02 * 2**attempt, 0.25))
    raise AssertionError(
        f"{operation} failed {MAX_ATTEMPTS} times: {[f.what for f in load.failures[-3:]]}"
    )


async def client(api: LiveApi, fw: FundsWorld, load: Load, index: int) -> None:
    """One client: record a contribution, verify it, the next one..."""
    organization = fw.world.organizations["employer" if index % 2 == 0 else "other_employer"]
    for number in range(CONTRIBUTIONS_PER_CLIENT):
        amount = 1_000 + 100 * index + number  # distinct amounts: the sums tell them apart
        record_key = f"restart-record-{index}-{number}-{uuid.uuid4()}"
        recorded = await until_done(
            api,
            load,
            RECORD,
            "recordContribution",
            {
                "input": {
                    "idempotencyKey": record_key,
                    "initiativeId": global_id("Initiative", fw.initiative),
                    "organizationId": global_id("Organization", organization),
                    "poolId": global_id("FundPool", fw.pool),
                    "kind": "CASH",
                    "purpose": "TRAINING_COSTS",
                    "amount": {"amountMinor": str(amount), "currency": "USD"},
                    "contributedOn": CONTRIBUTED_ON.isoformat(),
                }
            },
            fw.token("admin"),
            impatient=number % 3 == 1,
        )
        contribution = recorded["contribution"]
        assert contribution["status"] == "RECORDED", contribution
        assert contribution["amount"] == {"amountMinor": str(amount), "currency": "USD"}
        contribution_id = uuid_of(contribution["id"])
        load.recorded[record_key] = contribution_id
        load.amounts[contribution_id] = amount

        verify_key = f"restart-verify-{index}-{number}-{uuid.uuid4()}"
        verified = await until_done(
            api,
            load,
            VERIFY,
            "verifyContribution",
            {"key": verify_key, "id": contribution["id"]},
            verifier_token(fw, index + number),
            impatient=number % 3 == 2,
        )
        assert verified["contribution"]["id"] == contribution["id"]
        assert verified["contribution"]["status"] == "VERIFIED"
        assert verified["contribution"]["matched"] == {
            "amountMinor": str(amount * MATCH_RATIO),
            "currency": "USD",
        }
        load.verified[verify_key] = contribution_id


@dataclass
class Restart:
    answered_before: int = 0
    down_at: float = 0.0
    up_at: float = 0.0


async def restart_under_load(server: Throwaway, load: Load, restart: Restart) -> None:
    await load.progress.wait()
    restart.answered_before = load.answered
    loop = asyncio.get_running_loop()
    restart.down_at = loop.time()
    await server.stop()
    await asyncio.sleep(DOWN_FOR)
    await server.start()
    restart.up_at = loop.time()


# -- the test -------------------------------------------------------------------------------


async def test_a_database_restart_under_load_loses_and_duplicates_nothing(
    tmp_path: Path,
) -> None:
    async with throwaway_server(tmp_path) as server:
        owner_url = await fresh_database(server)
        settings = Settings(
            database_url=owner_url.render_as_string(hide_password=False),
            data_dir=tmp_path / "coalition-data",
            app_role=APP_ROLE,
        )
        await upgrade(settings, owner_url)
        # NullPool: these engines keep no connection across the restart.
        owner = create_async_engine(owner_url, poolclass=NullPool)
        superuser = create_async_engine(
            server.superuser_url.set(database=owner_url.database), poolclass=NullPool
        )
        try:
            async with running_app(settings) as app:
                sessions = create_session_factory(owner)
                world = await create_world(
                    sessions, await app.state.keys.signer(), settings, label="restart"
                )
                fw = await create_funds_world(sessions, app, settings, world)
                started_before = await scalar(superuser, "SELECT pg_postmaster_start_time()")

                load = Load(total=CLIENTS * CONTRIBUTIONS_PER_CLIENT * 2)
                restart = Restart()
                async with (
                    live_api(app) as api,
                    asyncio.timeout(LOAD_TIMEOUT),
                    asyncio.TaskGroup() as tasks,
                ):
                    tasks.create_task(restart_under_load(server, load, restart))
                    for index in range(CLIENTS):
                        tasks.create_task(client(api, fw, load, index))
            await check_books(superuser, fw, load)
            started_after = await scalar(superuser, "SELECT pg_postmaster_start_time()")
        finally:
            await owner.dispose()
            await superuser.dispose()

    # The server really went down and came back, in the middle of the load, and the
    # clients felt it.
    assert started_after > started_before
    assert 0 < restart.answered_before < load.total
    # Requests under way when the server went down were cut off (and then retried).
    failed = [f for f in load.failures if not f.gave_up]
    cut_off = [f for f in failed if f.sent_at < restart.down_at < f.failed_at]
    assert cut_off, "no request was under way when the server went down"
    # Once the server is back, the app's pool replaces its dead connections before use
    # (pool_pre_ping): no request sent after the restart fails.
    late = [f for f in failed if f.sent_at > restart.up_at]
    assert late == [], late[:3]


async def check_books(engine: AsyncEngine, fw: FundsWorld, load: Load) -> None:
    tenant, pool = fw.tenant_id, fw.pool
    expected = CLIENTS * CONTRIBUTIONS_PER_CLIENT
    # Every client got an answer for every key, one distinct contribution per record key.
    assert len(load.recorded) == len(load.verified) == expected
    assert len(set(load.recorded.values())) == expected
    assert set(load.verified.values()) == set(load.recorded.values())

    # Rows = distinct keys: exactly the contributions the clients were given, no more.
    contributions = await rows(
        engine,
        "SELECT id, status, amount_minor, matched_minor FROM contributions "
        "WHERE tenant_id = :t AND pool_id = :p",
        t=tenant,
        p=pool,
    )
    assert len(contributions) == expected
    assert {row[0] for row in contributions} == set(load.recorded.values())
    for contribution_id, status, amount, matched in contributions:
        assert status == "VERIFIED"
        assert amount == load.amounts[contribution_id]
        assert matched == amount * MATCH_RATIO

    # Each key used by the load is stored once and points at what the client was given.
    keys = await rows(
        engine,
        "SELECT key, operation, result FROM idempotency_keys "
        "WHERE tenant_id = :t AND key LIKE 'restart-%'",
        t=tenant,
    )
    assert len(keys) == 2 * expected
    assert Counter(row[0] for row in keys).most_common(1)[0][1] == 1
    given = {**load.recorded, **load.verified}
    assert {row[0] for row in keys} == set(given)
    for stored_key, _operation, result in keys:
        assert result == {"type": "Contribution", "id": str(given[stored_key])}, stored_key

    # One MATCH transaction per contribution, nothing else posted by the load.
    matches = await match_transactions(engine, tenant, pool)
    assert set(matches) == set(load.recorded.values())
    assert set(matches.values()) == {1}
    kinds = Counter(
        row[0]
        for row in await rows(
            engine,
            "SELECT kind FROM ledger_transactions WHERE tenant_id = :t AND pool_id = :p",
            t=tenant,
            p=pool,
        )
    )
    assert kinds == Counter({"MATCH": expected, "COMMITMENT": 1})

    # Every transaction balances, and the running totals are the entries' projection.
    books = await assert_ledger_consistent(engine, tenant, pool)
    entries = await rows(
        engine,
        "SELECT account, amount_minor, seq FROM ledger_entries "
        "WHERE tenant_id = :t AND pool_id = :p",
        t=tenant,
        p=pool,
    )
    projection = balances_of((account, amount) for account, amount, _seq in entries)
    assert (projection.committed, projection.matched, projection.disbursed, projection.paid) == (
        books.committed,
        books.matched,
        books.disbursed,
        books.paid,
    )
    total = sum(load.amounts.values())
    assert (books.contributed, books.matched) == (total, total * MATCH_RATIO)
    # The entries are numbered 1..n without a gap or a repeat, n being the pool's count.
    entry_count = await scalar(
        engine,
        "SELECT entry_count FROM fund_pools WHERE tenant_id = :t AND id = :p",
        t=tenant,
        p=pool,
    )
    assert sorted(seq for _account, _amount, seq in entries) == list(range(1, entry_count + 1))
