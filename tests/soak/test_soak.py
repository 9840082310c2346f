"""The soak tier (``pytest -m soak``, run once by ``.ci/run``): a real server under a steady
mixed load gives no error and does not grow (issue 9, "Under load").

``coalition serve`` runs as its own process on a free port of 127.0.0.1, on the suite's
database, as the app's login role.
Six clients, each its own connection, send reads and writes back to back for
``COALITION_SOAK_SECONDS`` (60 by default): employers' members create and edit demand
signals and record contributions, conveners, analysts and funders list organizations and
signals, read pooled demand and the fund pools' totals. The first sixth of the run warms
the server up; its resident memory is read then and at the end.

The test fails on any transport error, any status but 200, any GraphQL error or
userError, any ERROR the server logged, or resident memory at the end more than 10%
above the reading after the warm-up. It prints one summary line: requests, requests per
second, p99 latency, resident memory after the warm-up and at the end.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from coalition.config import Settings
from coalition.db.engine import SessionFactory
from tests.funds.support.world import FundsWorld, create_funds_world
from tests.support.servers import logged, served
from tests.support.world import World, global_id

pytestmark = pytest.mark.soak

SECONDS = float(os.environ.get("COALITION_SOAK_SECONDS", "60"))
CLIENTS = 6
MAX_GROWTH = 0.10
# Tokens live 10 minutes (COALITION_ACCESS_TOKEN_SECONDS): a longer soak would be refused.
MAX_SECONDS = 540.0
REQUEST_TIMEOUT = 30.0

CREATE_SIGNAL = """
mutation Create($input: CreateDemandSignalInput!) {
  createDemandSignal(input: $input) {
    demandSignal { id version openings }
    userErrors { field message code }
  }
}"""
UPDATE_SIGNAL = """
mutation Update($input: UpdateDemandSignalInput!) {
  updateDemandSignal(input: $input) {
    demandSignal { id version openings }
    userErrors { field message code }
  }
}"""
RECORD_CONTRIBUTION = """
mutation Record($input: RecordContributionInput!) {
  recordContribution(input: $input) {
    contribution { id status }
    userErrors { field message code }
  }
}"""
ORGANIZATIONS = """
query { organizations(first: 20, filter: {kinds: [EMPLOYER]}) {
  totalCount edges { node { id name kind sizeBand } } pageInfo { hasNextPage endCursor } } }"""
SIGNALS = """
query { demandSignals(first: 20) {
  totalCount edges { node { id openings startQuarter occupation { code title } } } } }"""
SUMMARY = """
query { demandSummary(groupBy: [OCCUPATION, QUARTER]) {
  cells { key { occupation { code } quarter } openings employerCountBand suppressed }
  total { openings } } }"""
POOLS = """
query { fundPools(first: 10) { edges { node { id name summary {
  committed { formatted } matched { formatted } remaining { formatted } leverage } } } } }"""
CONTRIBUTIONS = """
query { contributions(first: 20) { totalCount edges { node { id status amount { formatted } } } } }
"""
VIEWER = "query { viewer { kind label roles } tenant { name } }"


@dataclass
class Load:
    """What the clients saw: latencies of every answer, and every problem (at most a few)."""

    latencies: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    operations: dict[str, int] = field(default_factory=dict)


def resident_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmRSS for process {pid}")


class Client:
    """One of the soak's clients: its own connection, its own random choices."""

    def __init__(self, http: httpx.AsyncClient, fw: FundsWorld, load: Load, seed: int) -> None:
        self.http, self.fw, self.load = http, fw, load
        self.random = random.Random(seed)
        self.signals: list[str] = []
        world = fw.world
        self.employer = global_id("Organization", world.organizations["employer"])
        self.operations: list[tuple[int, Callable[[], tuple[str, str, dict[str, Any]]]]] = [
            (3, self.create_signal),
            (3, self.update_signal),
            (1, self.record_contribution),
            (3, lambda: ("organizations", ORGANIZATIONS, {})),
            (2, lambda: ("demandSignals", SIGNALS, {})),
            (2, lambda: ("demandSummary", SUMMARY, {})),
            (2, lambda: ("fundPools", POOLS, {})),
            (1, lambda: ("contributions", CONTRIBUTIONS, {})),
            (1, lambda: ("viewer", VIEWER, {})),
        ]
        self.readers = {
            "organizations": "admin",
            "demandSignals": "member",
            "demandSummary": "analyst",
            "fundPools": "funder_admin",
            "contributions": "admin",
            "viewer": "member",
        }

    def create_signal(self) -> tuple[str, str, dict[str, Any]]:
        quarter = self.random.choice(["2027Q1", "2027Q2", "2027Q3"])
        signal = {
            "organizationId": self.employer,
            "occupationCode": self.random.choice(["51-4121", "51-4041"]),
            "openings": self.random.randint(1, 20),
            "startQuarter": quarter,
            "endQuarter": "2027Q4",
            "openingsKind": self.random.choice(["GROWTH", "REPLACEMENT"]),
            "skills": [{"skillId": "2.B.3.h", "level": self.random.randint(1, 4)}],
            "sharingLevel": self.random.choice(["POOLED", "NAMED"]),
        }
        return "createDemandSignal", CREATE_SIGNAL, {"input": signal}

    def update_signal(self) -> tuple[str, str, dict[str, Any]]:
        if not self.signals:
            return self.create_signal()
        changes = {"id": self.random.choice(self.signals), "openings": self.random.randint(1, 30)}
        return "updateDemandSignal", UPDATE_SIGNAL, {"input": changes}

    def record_contribution(self) -> tuple[str, str, dict[str, Any]]:
        contribution = {
            "idempotencyKey": f"soak-{uuid.uuid4()}",
            "initiativeId": global_id("Initiative", self.fw.initiative),
            "organizationId": self.employer,
            "poolId": global_id("FundPool", self.fw.pool),
            "kind": "CASH",
            "purpose": "TRAINING_COSTS",
            "amount": {"amountMinor": str(self.random.randint(100, 10_000)), "currency": "USD"},
            "contributedOn": "2025-03-14",
        }
        return "recordContribution", RECORD_CONTRIBUTION, {"input": contribution}

    def token_for(self, name: str) -> str:
        person = self.readers.get(name, "member" if "Signal" in name else "org_admin")
        return self.fw.token(person)

    async def run(self, until: float) -> None:
        weights = [weight for weight, _ in self.operations]
        makers = [maker for _, maker in self.operations]
        while time.monotonic() < until and len(self.load.problems) < 10:
            name, query, variables = self.random.choices(makers, weights)[0]()
            await self.send(name, query, variables)

    async def send(self, name: str, query: str, variables: dict[str, Any]) -> None:
        headers = {"Authorization": f"Bearer {self.token_for(name)}"}
        started = time.perf_counter()
        try:
            response = await self.http.post(
                "/graphql", json={"query": query, "variables": variables}, headers=headers
            )
        except httpx.HTTPError as error:
            self.load.problems.append(f"{name}: {type(error).__name__}: {error}")
            return
        self.load.latencies.append(time.perf_counter() - started)
        self.load.operations[name] = self.load.operations.get(name, 0) + 1
        body = response.json() if response.status_code == 200 else None
        if body is None or body.get("errors"):
            self.load.problems.append(f"{name}: HTTP {response.status_code} {response.text[:500]}")
            return
        payload = body["data"].get(name)
        if isinstance(payload, dict) and payload.get("userErrors"):
            self.load.problems.append(f"{name}: {payload['userErrors']}")
        elif name == "createDemandSignal":
            self.signals.append(payload["demandSignal"]["id"])


def p99(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


async def test_a_steady_mixed_load_gets_no_error_and_memory_stays_flat(
    app: Starlette,
    owner_sessions: SessionFactory,
    settings: Settings,
    world: World,
    tmp_path: Path,
) -> None:
    assert 0 < SECONDS <= MAX_SECONDS, f"COALITION_SOAK_SECONDS must be in (0, {MAX_SECONDS}]"
    fw = await create_funds_world(owner_sessions, app, settings, world)
    log = tmp_path / "server.log"
    load = Load()
    warm_up = SECONDS / 6
    async with served(settings, log) as (pid, base):
        async with httpx.AsyncClient(
            base_url=base,
            timeout=REQUEST_TIMEOUT,
            limits=httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS),
        ) as http:
            started = time.monotonic()
            clients = [Client(http, fw, load, seed) for seed in range(CLIENTS)]
            runs = [asyncio.create_task(client.run(started + SECONDS)) for client in clients]
            await asyncio.sleep(warm_up)
            rss_start = resident_bytes(pid)
            await asyncio.wait_for(asyncio.gather(*runs), SECONDS + REQUEST_TIMEOUT)
            elapsed = time.monotonic() - started
            rss_end = resident_bytes(pid)
    logged_errors = [line for line in logged(log).splitlines() if " ERROR " in line]

    requests = len(load.latencies)
    print(
        f"\nsoak: {requests} requests from {CLIENTS} clients in {elapsed:.0f} s, "
        f"{requests / elapsed:.1f} rps, p99 {p99(load.latencies) * 1000:.0f} ms, "
        f"RSS {rss_start / 2**20:.1f} MiB after warm-up, {rss_end / 2**20:.1f} MiB at the end "
        f"({(rss_end / rss_start - 1) * 100:+.1f}%); {dict(sorted(load.operations.items()))}"
    )
    assert load.problems == []
    assert logged_errors == []
    assert set(load.operations) >= {"createDemandSignal", "updateDemandSignal", "demandSummary"}
    assert rss_end <= rss_start * (1 + MAX_GROWTH), (rss_start, rss_end)
