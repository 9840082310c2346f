"""Reads ride through a database that keeps dropping connections, writes stay exact, and
an unreachable database is a quick 503 (SECURITY.md item 33).

While a background task terminates every backend of the app role in this test's
database every 0.2-0.4 s, twelve clients send 150 queries (each with a nested
connection, so DataLoader batches meet dead connections too) and a few
``recordContribution`` mutations with idempotency keys. Every query answers in full;
every mutation was applied or answered 503 ``RETRYABLE``, and sending that one again
with its key applies it exactly once.
"""

from __future__ import annotations

import asyncio
import logging
import random
import socket
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from coalition.app import create_app
from coalition.config import Settings
from coalition.db.engine import SessionFactory
from tests.funds.support.world import CONTRIBUTED_ON, FundsWorld, create_funds_world, key
from tests.support.world import CLIENT_SECRET, World, global_id

CLIENTS = 12
QUERIES = 150
WRITES = 12
LOAD_TIMEOUT = 120.0
LOAD_BUDGET_SECONDS = 30.0
READ = """{ organizations(first: 10) { totalCount
    edges { node { name memberships(first: 5) { totalCount } } } } }"""
RECORD = """mutation Record($input: RecordContributionInput!) {
  recordContribution(input: $input) { contribution { id } userErrors { code } } }"""
TERMINATE = (
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
    "WHERE usename = :role AND datname = current_database() AND pid <> pg_backend_pid()"
)


def _record_input(fw: FundsWorld, idempotency_key: str) -> dict[str, Any]:
    return {
        "idempotencyKey": idempotency_key,
        "initiativeId": global_id("Initiative", fw.initiative),
        "organizationId": global_id("Organization", fw.world.organizations["employer"]),
        "poolId": global_id("FundPool", fw.pool),
        "kind": "CASH",
        "purpose": "TRAINING_COSTS",
        "amount": {"amountMinor": "1000", "currency": "USD"},
        "contributedOn": CONTRIBUTED_ON.isoformat(),
    }


class Killer:
    """Terminates the app role's backends every 0.2-0.4 s until stopped."""

    def __init__(self, engine: AsyncEngine, role: str) -> None:
        self.engine, self.role = engine, role
        self.rounds = 0
        self.killed = 0
        self._random = random.Random(9)

    async def run(self, stop: asyncio.Event) -> None:
        async with self.engine.connect() as connection:
            while not stop.is_set():
                killed = (await connection.execute(text(TERMINATE), {"role": self.role})).scalar()
                await connection.commit()
                self.rounds += 1
                self.killed += int(killed or 0)
                try:
                    await asyncio.wait_for(stop.wait(), self._random.uniform(0.2, 0.4))
                except TimeoutError:
                    pass


@asynccontextmanager
async def killing(engine: AsyncEngine, role: str) -> AsyncIterator[Killer]:
    killer, stop = Killer(engine, role), asyncio.Event()
    task = asyncio.create_task(killer.run(stop))
    try:
        yield killer
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)


async def contributions_of_key(engine: AsyncEngine, tenant_id: uuid.UUID, value: str) -> int:
    """How many contributions the key produced: its stored result names one, or none."""
    async with engine.connect() as connection:
        found = await connection.execute(
            text(
                "SELECT count(c.id) FROM idempotency_keys k JOIN contributions c "
                "ON c.tenant_id = k.tenant_id AND c.id = (k.result->>'id')::uuid "
                "WHERE k.tenant_id = :t AND k.key = :k"
            ),
            {"t": tenant_id, "k": value},
        )
        return int(found.scalar_one())


async def contribution_count(engine: AsyncEngine, tenant_id: uuid.UUID) -> int:
    async with engine.connect() as connection:
        found = await connection.execute(
            text("SELECT count(*) FROM contributions WHERE tenant_id = :t"), {"t": tenant_id}
        )
        return int(found.scalar_one())


@pytest.fixture
async def funds(
    world: World, owner_sessions: SessionFactory, app: Starlette, settings: Settings
) -> FundsWorld:
    return await create_funds_world(owner_sessions, app, settings, world)


@pytest.fixture
async def patient_app(settings: Settings) -> AsyncIterator[Starlette]:
    """The app with a retry budget sized for this test's killer: every backend dies every
    0.2-0.4 s, far oftener than in any failover, while twelve clients share the test
    machine's cores, so a read takes ~0.2 s and most attempts meet a kill."""
    patient_settings = settings.model_copy(update={"db_retry_seconds": LOAD_BUDGET_SECONDS})
    application = create_app(patient_settings, configure_logs=False)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def patient(patient_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=patient_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        yield client


async def test_reads_survive_and_writes_stay_exact_while_connections_are_killed(
    patient: httpx.AsyncClient,
    patient_app: Starlette,
    funds: FundsWorld,
    owner_engine: AsyncEngine,
    admin_engine: AsyncEngine,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    token = funds.token("admin")
    headers = {"Authorization": f"Bearer {token}"}
    expected = (await patient.post("/graphql", json={"query": READ}, headers=headers)).json()
    assert "errors" not in expected, expected
    before = await contribution_count(admin_engine, funds.tenant_id)
    pending = list(range(QUERIES))
    reads: list[httpx.Response] = []
    writes: dict[str, httpx.Response] = {}
    write_keys = [key() for _ in range(WRITES)]

    async def client(index: int) -> None:
        while pending:
            pending.pop()
            reads.append(await patient.post("/graphql", json={"query": READ}, headers=headers))
            if index < WRITES and len(reads) > QUERIES // 3 and write_keys[index] not in writes:
                the_key = write_keys[index]
                variables = {"input": _record_input(funds, the_key)}
                writes[the_key] = await patient.post(
                    "/graphql", json={"query": RECORD, "variables": variables}, headers=headers
                )

    caplog.set_level(logging.INFO, logger="coalition.api")
    async with killing(owner_engine, settings.app_role) as killer:
        await asyncio.wait_for(
            asyncio.gather(*(client(index) for index in range(CLIENTS))), LOAD_TIMEOUT
        )

    assert killer.killed >= killer.rounds // 2 >= 1, (killer.rounds, killer.killed)
    retried = [r for r in caplog.records if "running the operation again" in r.getMessage()]
    assert retried, "no request met a dead connection"
    failed = [(r.status_code, r.text) for r in reads if r.json() != expected]
    assert failed == []
    assert len(reads) == QUERIES
    # Every connection went back to the pool or was discarded: none leaked.
    assert patient_app.state.engine.pool.checkedout() == 0

    retryable: list[str] = []
    for the_key, response in writes.items():
        body = response.json()
        if response.status_code == 503:
            assert response.headers["retry-after"] == "1"
            assert [e["extensions"]["code"] for e in body["errors"]] == ["RETRYABLE"]
            retryable.append(the_key)
        else:
            assert response.status_code == 200, response.text
            assert body["data"]["recordContribution"]["userErrors"] == [], body
    assert len(writes) == WRITES
    for the_key in retryable:
        variables = {"input": _record_input(funds, the_key)}
        again = await patient.post(
            "/graphql", json={"query": RECORD, "variables": variables}, headers=headers
        )
        assert again.status_code == 200, again.text
        assert again.json()["data"]["recordContribution"]["userErrors"] == []
    counts = {k: await contributions_of_key(admin_engine, funds.tenant_id, k) for k in writes}
    assert counts == dict.fromkeys(write_keys, 1)
    assert await contribution_count(admin_engine, funds.tenant_id) == before + WRITES


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def unreachable(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The app pointed at a port where nothing listens, with a 1 s retry budget."""
    broken = settings.model_copy(
        update={
            "app_database_url": f"postgresql://nobody:nothing@127.0.0.1:{_closed_port()}/none",
            "db_retry_seconds": 1.0,
        }
    )
    application = create_app(broken, configure_logs=False)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            yield client


@pytest.mark.parametrize("document", [READ, RECORD])
async def test_an_unreachable_database_is_a_503_with_retry_after_within_the_budget(
    unreachable: httpx.AsyncClient, world: World, document: str
) -> None:
    started = time.monotonic()
    response = await unreachable.post(
        "/graphql",
        json={"query": document, "variables": {"input": {}} if document == RECORD else None},
        headers={"Authorization": f"Bearer {world.tokens['admin']}"},
    )
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    body = response.json()
    request_id = body["errors"][0]["extensions"]["requestId"]
    assert body == {
        "errors": [
            {
                "message": "The database is unavailable; send the operation again shortly.",
                "extensions": {"code": "RETRYABLE", "requestId": request_id},
            }
        ],
        "data": None,
    }
    assert 0.4 <= elapsed < 2.0, elapsed


async def test_the_token_endpoint_answers_503_with_retry_after_when_the_database_is_unreachable(
    unreachable: httpx.AsyncClient, world: World
) -> None:
    response = await unreachable.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(world.client_id("reader"), CLIENT_SECRET),
    )

    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert response.json() == {
        "error": "temporarily_unavailable",
        "error_description": "The database is unavailable; ask again shortly.",
    }
