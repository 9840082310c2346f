"""How fast people register for events and check in at the door, at 32 concurrent clients
against a real server on loopback.

    .venv/bin/python bench/events_registration.py [--clients 32] [--requests 25]

Uses the server of DATABASE_URL (its user must be allowed to create databases and
roles), or an embedded server in a temporary folder when it is unset. Creates its own
database, migrates it as ``coalition db upgrade`` does, makes a partnership with an
employer, a staff member and PUBLISHED PUBLIC events, serves the app with uvicorn on a
free local port (the rate limits raised: every client is 127.0.0.1), and times, with
``--clients`` clients each sending ``--requests`` requests one after another:

- baselines: ``{ __typename }`` sent anonymously with the tenant header (the tenant
  lookup and no transaction), and ``event(id) { id title }`` with a staff token (the
  token check, one transaction, one read);
- ``registerForEvent`` by anonymous callers (with the confirmation's QR code), all for
  ONE event: every registration of an event takes its row lock, so they queue;
- the same spread over one event per client (what the lock costs when it does not queue);
- ``checkInRegistration`` by code, all at one event (the registration's row is locked,
  the event's is not).

Prints median and p99 latency of each and the ratio of its median to each baseline's;
the target is a registration median under 20 ms. Drops the database at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from scratch import scratch_database

from coalition.app import create_app
from coalition.auth.scopes import USER_SCOPES
from coalition.auth.tokens import USER_TOKEN_CLIENT_ID, issue_access_token
from coalition.config import Settings
from coalition.db.engine import SessionFactory
from coalition.db.session import set_tenant
from coalition.events.models import AttendanceMode, Event, EventKind, EventStatus, Visibility
from coalition.tenancy.models import Membership, Organization, OrganizationKind, Role, Tenant, User

TYPENAME = "{ __typename }"
READ = "query($id: ID!) { event(id: $id) { id title } }"
REGISTER = """
mutation($input: RegisterForEventInput!) {
  registerForEvent(input: $input) {
    receipt { registrationId status confirmation { token code qrCodeSvg } }
    alreadyRegistered userErrors { code }
  }
}"""
CHECK_IN = """
mutation($input: CheckInRegistrationInput!) {
  checkInRegistration(input: $input) {
    registration { id checkedInAt } alreadyCheckedIn userErrors { code }
  }
}"""


def global_id(type_name: str, object_id: uuid.UUID) -> str:
    from coalition.ids import global_id as encode

    return encode(type_name, object_id)


async def seed(
    sessions: SessionFactory, events: int
) -> tuple[str, uuid.UUID, uuid.UUID, list[uuid.UUID]]:
    """A partnership (its slug), its tenant, a staff member of the organizing employer,
    and ``events`` PUBLISHED PUBLIC events a week from now with no capacity limit."""
    tenant_id, employer, user_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    slug = f"bench-{tenant_id.hex[:8]}"
    starts = datetime.now(UTC) + timedelta(days=7)
    event_ids = [uuid.uuid4() for _ in range(events)]
    async with sessions() as session, session.begin():
        session.add(Tenant(id=tenant_id, slug=slug, name="Bench", region="Bench", settings={}))
        await session.flush()
        await set_tenant(session, tenant_id)
        session.add(
            Organization(
                tenant_id=tenant_id, id=employer, name="Employer", kind=OrganizationKind.EMPLOYER
            )
        )
        session.add(User(tenant_id=tenant_id, id=user_id, email="s@b.example", display_name="s"))
        await session.flush()
        session.add(
            Membership(
                tenant_id=tenant_id,
                id=uuid.uuid4(),
                user_id=user_id,
                organization_id=employer,
                role=Role.MEMBER,
            )
        )
        session.add_all(
            Event(
                tenant_id=tenant_id,
                id=event_id,
                organization_id=employer,
                kind=EventKind.JOB_FAIR,
                title=f"Job fair {number}",
                starts_at=starts,
                ends_at=starts + timedelta(hours=4),
                time_zone="America/Chicago",
                attendance_mode=AttendanceMode.IN_PERSON,
                status=EventStatus.PUBLISHED,
                visibility=Visibility.PUBLIC,
                arrivals=0,
            )
            for number, event_id in enumerate(event_ids)
        )
    return slug, tenant_id, user_id, event_ids


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@asynccontextmanager
async def served(settings: Settings, clients: int) -> AsyncIterator[httpx.AsyncClient]:
    """The app served by uvicorn in a process of its own (the clients' work in this one
    would otherwise share the server's event loop and be counted in every latency)."""
    port = _free_port()
    environment = os.environ | {
        "DATABASE_URL": settings.database_url or "",
        "COALITION_DATA_DIR": str(settings.data_dir),
        "COALITION_APP_ROLE": settings.app_role,
        "COALITION_RELEASE_CHECK_SECONDS": "0",
        "COALITION_DB_POOL_SIZE": str(settings.db_pool_size),
        "COALITION_REGISTRATION_ATTEMPTS_PER_ADDRESS": "1000000",
        "COALITION_REGISTRATION_ATTEMPTS_PER_EVENT": "1000000",
    }
    command = [sys.executable, "-m", "uvicorn", "--factory", "coalition.app:create_app"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    # Its request log goes nowhere: the bench prints its own figures.
    server = subprocess.Popen(  # noqa: S603, ASYNC220 - our own command, started once
        command, env=environment, stderr=subprocess.DEVNULL
    )
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    try:
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", timeout=30.0, limits=limits
        ) as client:
            for _ in range(300):
                try:
                    if (await client.get("/readyz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
            else:
                raise SystemExit("the server did not start")
            yield client
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)


async def concurrently(
    clients: int, requests: int, work: Callable[[int, int], Awaitable[None]]
) -> list[float]:
    """``clients`` tasks, each doing ``work(client, request)`` ``requests`` times in turn;
    every request's latency in seconds."""
    latencies: list[float] = []

    async def client(number: int) -> None:
        for request in range(requests):
            started = time.perf_counter()
            await work(number, request)
            latencies.append(time.perf_counter() - started)

    await asyncio.gather(*(client(number) for number in range(clients)))
    return latencies


def report(name: str, latencies: list[float], baselines: dict[str, float]) -> float:
    ordered = sorted(latencies)
    median = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    ratios = "  ".join(f"{median / base:5.1f}x {label}" for label, base in baselines.items())
    print(f"{name:<44} median {median * 1000:7.2f} ms  p99 {p99 * 1000:7.2f} ms  {ratios}")
    return median


async def measure(settings: Settings, sessions: SessionFactory, args: argparse.Namespace) -> None:
    slug, tenant_id, user_id, event_ids = await seed(sessions, args.clients + 1)
    app = create_app(settings, configure_logs=False)
    async with app.router.lifespan_context(app):  # makes the signing key, signs a token
        token = issue_access_token(
            await app.state.keys.signer(),
            settings,
            tenant_id=tenant_id,
            subject=str(user_id),
            client_id=USER_TOKEN_CLIENT_ID,
            scopes=USER_SCOPES,
        )
    anonymous = {"X-Coalition-Tenant": slug}
    staff = {"Authorization": f"Bearer {token}"}
    async with served(settings, args.clients) as http:

        async def post(document: str, variables: dict[str, Any], headers: dict[str, str]) -> Any:
            response = await http.post(
                "/graphql", json={"query": document, "variables": variables}, headers=headers
            )
            body = response.json()
            assert response.status_code == 200 and "errors" not in body, body
            return body["data"]

        one_event = global_id("Event", event_ids[0])
        codes: list[str] = []

        async def typename(client: int, request: int) -> None:
            await post(TYPENAME, {}, anonymous)

        async def read(client: int, request: int) -> None:
            await post(READ, {"id": one_event}, staff)

        def registration(event: str, email: str) -> dict[str, Any]:
            return {"input": {"eventId": event, "name": "Bench Person", "email": email}}

        async def register_one(client: int, request: int) -> None:
            data = await post(
                REGISTER, registration(one_event, f"c{client}r{request}@b.example"), anonymous
            )
            answer = data["registerForEvent"]
            assert answer["userErrors"] == [], answer
            codes.append(answer["receipt"]["confirmation"]["code"])

        async def register_spread(client: int, request: int) -> None:
            event = global_id("Event", event_ids[1 + client])
            data = await post(
                REGISTER, registration(event, f"c{client}r{request}@b.example"), anonymous
            )
            assert data["registerForEvent"]["userErrors"] == [], data

        async def check_in(client: int, request: int) -> None:
            code = codes[client * args.requests + request]
            data = await post(CHECK_IN, {"input": {"eventId": one_event, "code": code}}, staff)
            assert data["checkInRegistration"]["userErrors"] == [], data

        # Warm the pool, the key store and the validated-documents cache.
        await concurrently(args.clients, 2, typename)
        await concurrently(args.clients, 2, read)
        bare = await concurrently(args.clients, args.requests, typename)
        reads = await concurrently(args.clients, args.requests, read)
        baselines = {
            "__typename": statistics.median(bare),
            "event read": statistics.median(reads),
        }
        print(
            f"{args.clients} clients x {args.requests} requests each; ratios are each "
            "median over the baseline's median"
        )
        report("baseline { __typename } (anonymous)", bare, baselines)
        report("baseline event(id) { id title } (staff)", reads, baselines)
        report(
            "registerForEvent, one event (anonymous)",
            await concurrently(args.clients, args.requests, register_one),
            baselines,
        )
        report(
            "registerForEvent, one event per client",
            await concurrently(args.clients, args.requests, register_spread),
            baselines,
        )
        report(
            "checkInRegistration by code, one event",
            await concurrently(args.clients, args.requests, check_in),
            baselines,
        )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=25)
    args = parser.parse_args()
    roomy = {
        "release_check_seconds": 0,
        "registration_attempts_per_address": 1_000_000,
        "registration_attempts_per_event": 1_000_000,
        "db_pool_size": 20,
    }
    async with scratch_database(**roomy) as scratch:
        await measure(scratch.settings, scratch.sessions, args)


if __name__ == "__main__":
    asyncio.run(main())
