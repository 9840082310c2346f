"""How fast the public iCalendar feed answers for a partnership with 1,000 public events.

    .venv/bin/python bench/events_feed.py [--events 1000] [--runs 200] [--cold-runs 10]

Uses the server of DATABASE_URL (its user must be allowed to create databases and
roles), or an embedded server in a temporary folder when it is unset. Creates its own
database, migrates it as ``coalition db upgrade`` does, and makes a partnership with
``--events`` PUBLIC PUBLISHED events over the coming year in three time zones (and as
many DRAFT and MEMBERS ones, which the feed leaves out). Serves the app with uvicorn
on a loopback port and times, over HTTP, against a baseline measured in the same run
(``GET /healthz``: the same server, no database):

- the feed cold: both render caches emptied before each request (the fingerprint, the
  events read, every VEVENT rendered);
- the feed after one event changed: its ETag is new, the other VEVENTs are remembered;
- the feed warm: the body from the cache (the fingerprint statement only);
- the feed with ``If-None-Match`` of the current ETag: 304, no body;
- the JSON-LD list's first page (100 events) for comparison.

Prints medians, 99th percentiles and their ratios to the baseline's median. The target:
the cached feed under 100 ms. Drops the database (and the role it made) at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx
import uvicorn
from scratch import scratch_database
from sqlalchemy import update

from coalition.app import create_app
from coalition.config import Settings
from coalition.db.engine import SessionFactory
from coalition.db.scoping import in_tenant
from coalition.db.session import set_tenant, tenant_transaction
from coalition.events import public
from coalition.events.models import AttendanceMode, Event, EventKind, EventStatus, Visibility
from coalition.tenancy.models import Organization, OrganizationKind, Tenant

ZONES = ("America/Chicago", "America/New_York", "America/Denver")


async def seed(sessions: SessionFactory, count: int) -> tuple[uuid.UUID, str, uuid.UUID]:
    """A partnership with ``count`` public events (and as many hidden ones)."""
    tenant_id = uuid.uuid4()
    slug = f"bench-{tenant_id.hex[:8]}"
    rng = random.Random(7)
    organizations = [uuid.uuid4() for _ in range(20)]
    first = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    async with sessions() as session, session.begin():
        session.add(Tenant(id=tenant_id, slug=slug, name="Bench", region="Bench", settings={}))
        await session.flush()
        await set_tenant(session, tenant_id)
        session.add_all(
            Organization(
                tenant_id=tenant_id, id=org, name=f"Employer {n}", kind=OrganizationKind.EMPLOYER
            )
            for n, org in enumerate(organizations)
        )
        await session.flush()
        hidden = [
            (EventStatus.DRAFT, Visibility.PUBLIC),
            (EventStatus.PUBLISHED, Visibility.MEMBERS),
        ]
        for number in range(count * 2):
            status, visibility = (
                (EventStatus.PUBLISHED, Visibility.PUBLIC) if number < count else hidden[number % 2]
            )
            starts = first + timedelta(hours=rng.randrange(24 * 365))
            session.add(
                Event(
                    tenant_id=tenant_id,
                    id=uuid.uuid4(),
                    organization_id=rng.choice(organizations),
                    kind=rng.choice(list(EventKind)),
                    title=f"Event {number:04d}: hiring for the spring season",
                    description="Meet employers hiring now; bring a resume. " * 4,
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=rng.choice((2, 3, 4, 6))),
                    time_zone=rng.choice(ZONES),
                    attendance_mode=AttendanceMode.MIXED,
                    venue_name="Union Hall",
                    venue_address=f"{number} Main St",
                    venue_city="Springfield",
                    venue_postal_code="62701",
                    online_url="https://meet.example/fair",
                    step_free_access=True,
                    captioning=bool(number % 2),
                    languages=["en", "es"],
                    capacity_in_person=200,
                    status=status,
                    visibility=visibility,
                    sequence=rng.randrange(4),
                )
            )
    print(f"seeded {count} public events (and {count} DRAFT or MEMBERS ones)")
    return tenant_id, slug, organizations[0]


async def timed(runs: int, work: Callable[[], Awaitable[object]]) -> list[float]:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        await work()
        seconds.append(time.perf_counter() - started)
    return seconds


def p99(seconds: list[float]) -> float:
    ordered = sorted(seconds)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


async def measure(
    settings: Settings,
    sessions: SessionFactory,
    tenant_id: uuid.UUID,
    slug: str,
    args: argparse.Namespace,
) -> None:
    app = create_app(settings, configure_logs=False)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", log_config=None)
    )
    task = asyncio.create_task(server.serve())
    async with asyncio.timeout(15):
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    feed = f"/public/{slug}/events.ics"
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:

        async def get(path: str, status: int = 200, **headers: str) -> httpx.Response:
            response = await http.get(path, headers=headers)
            assert response.status_code == status, (response.status_code, response.text[:200])
            return response

        async def cold() -> None:
            public.FEEDS.clear()
            public.VEVENTS.clear()
            await get(feed)

        changes = iter(range(10**6))

        async def after_change() -> None:
            async with tenant_transaction(sessions, tenant_id) as session:
                await session.execute(
                    update(Event)
                    .where(in_tenant(Event, tenant_id), Event.title.like("Event 0000:%"))
                    .values(
                        title=f"Event 0000: changed {next(changes)}",
                        sequence=Event.sequence + 1,
                        updated_at=datetime.now(UTC),
                    )
                )
            started = time.perf_counter()
            await get(feed)
            seconds.append(time.perf_counter() - started)

        await get("/healthz")
        first = await get(feed)  # the first request of the process
        print(
            f"the feed: {first.content.count(b'BEGIN:VEVENT')} events, {len(first.content):,} bytes"
        )
        base = await timed(args.runs, lambda: get("/healthz"))
        cold_runs = await timed(args.cold_runs, cold)
        seconds: list[float] = []
        for _ in range(args.cold_runs):
            await after_change()
        changed = list(seconds)
        etag = (await get(feed)).headers["etag"]
        warm = await timed(args.runs, lambda: get(feed))
        not_modified = await timed(args.runs, lambda: get(feed, 304, **{"If-None-Match": etag}))
        listing = await timed(args.runs // 4, lambda: get(f"/public/{slug}/events"))
    server.should_exit = True
    await task
    baseline = statistics.median(base)
    for label, runs in (
        ("baseline GET /healthz", base),
        ("feed cold (caches emptied)", cold_runs),
        ("feed after one event changed", changed),
        ("feed warm (cached body, 200)", warm),
        ("feed with If-None-Match (304)", not_modified),
        ("JSON-LD list, first page of 100", listing),
    ):
        median = statistics.median(runs)
        print(
            f"{label:34s} median {median * 1000:7.1f} ms  p99 {p99(runs) * 1000:7.1f} ms"
            f"  over {len(runs):3d} runs ({median / baseline:6.1f} x baseline)"
        )


async def main(args: argparse.Namespace) -> None:
    async with scratch_database(release_check_seconds=0) as scratch:
        tenant_id, slug, _ = await seed(scratch.sessions, args.events)
        await measure(scratch.settings, scratch.sessions, tenant_id, slug, args)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--cold-runs", type=int, default=10)
    asyncio.run(main(parser.parse_args()))
