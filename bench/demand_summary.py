"""How fast a release of pooled demand is built and read, over 100,000 signals.

    .venv/bin/python bench/demand_summary.py [--signals 100000] [--employers 200] [--runs 7]

Uses the server of DATABASE_URL (its user must be allowed to create databases and
roles), or an embedded server in a temporary folder when it is unset. Creates
its own database, migrates it as ``coalition db upgrade`` does, generates ACTIVE
POOLED/NAMED signals of ~200 employers over 40 occupations (the first 40 of the
full reference set from ../shared/data when it exists, else the 31 of the starter
set) with horizons of one to four of 8 quarters, bulk-inserted in one statement.
Then times, each against a baseline ``SELECT count(*), sum(openings)`` of the
tenant's signals measured in the same run:

- ``releases.publish_release`` (the release builder: one INSERT ... SELECT of the
  fine cells with their noise);
- ``summary.summarize_demand`` (the service the GraphQL field calls) by
  OCCUPATION x QUARTER, unfiltered and filtered: *first read* (the answer
  computed: one grouped scan of the release's cells, disclosure control in Python)
  and *again* (a release never changes, so the process keeps the answer).

Prints medians and their ratios to the baseline, and the plan of the read. Drops
the database (and the role it made) at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import asyncpg
from scratch import dsn, scratch_database
from sqlalchemy import select, text
from sqlalchemy.engine import URL

from coalition.auth.principal import system_principal
from coalition.db.engine import SessionFactory
from coalition.db.session import set_tenant, tenant_transaction
from coalition.demand import releases, summary
from coalition.demand.questions import DemandDimension, DemandFilter
from coalition.skills.loader import load_reference
from coalition.skills.models import Occupation
from coalition.skills.starter import shared_data_dir
from coalition.tenancy.models import Organization, OrganizationKind, Tenant

QUARTERS = [date(2027, month, 1) for month in (1, 4, 7, 10)] + [
    date(2028, month, 1) for month in (1, 4, 7, 10)
]
LEARNING = ["REGISTERED_APPRENTICESHIP", "ON_THE_JOB_TRAINING", "INTERNSHIP", "EARN_AND_LEARN"]

INSERT = """
INSERT INTO demand_signals (tenant_id, id, organization_id, occupation_code, openings,
    start_quarter, end_quarter, openings_kind, wage_min_minor, wage_max_minor, wage_unit,
    currency, is_degree_required, work_based_learning, sharing_level, status)
SELECT $1, id, organization_id, occupation_code, openings, start_quarter, end_quarter,
    'GROWTH', wage_min, wage_max, wage_unit, 'USD', degree, string_to_array(learning, ','),
    sharing, 'ACTIVE'
FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::int[], $6::date[], $7::date[],
            $8::bigint[], $9::bigint[], $10::text[], $11::bool[], $12::text[], $13::text[])
    AS t(id, organization_id, occupation_code, openings, start_quarter, end_quarter, wage_min,
         wage_max, wage_unit, degree, learning, sharing)
"""


def generate(employers: list[uuid.UUID], occupations: list[str], count: int) -> list[list[Any]]:
    """Columns for INSERT: a few employers post a lot, most post a little."""
    rng = random.Random(11)
    weights = [1 / (rank + 1) ** 0.7 for rank in range(len(employers))]
    columns: list[list[Any]] = [[] for _ in range(12)]
    for organization_id in rng.choices(employers, weights, k=count):
        hourly = rng.random() < 0.7
        low = rng.randint(1600, 3500) if hourly else rng.randint(32_000_00, 75_000_00)
        has_wage = rng.random() < 0.8
        learning = rng.sample(LEARNING, rng.choice((0, 0, 0, 1, 1, 2)))
        start = rng.randrange(len(QUARTERS))
        end = min(len(QUARTERS) - 1, start + rng.choice((0, 0, 1, 3)))
        row = [
            uuid.uuid4(),
            organization_id,
            rng.choice(occupations),
            rng.randint(1, 20),
            QUARTERS[start],
            QUARTERS[end],
            low if has_wage else None,
            low + rng.randint(0, 900 if hourly else 15_000_00) if has_wage else None,
            ("HOUR" if hourly else "YEAR") if has_wage else None,
            rng.random() < 0.25,
            ",".join(learning),
            rng.choice(("POOLED", "POOLED", "NAMED")),
        ]
        for column, value in zip(columns, row, strict=True):
            column.append(value)
    return columns


async def timed(runs: int, work: Callable[[], Awaitable[object]]) -> list[float]:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        await work()
        seconds.append(time.perf_counter() - started)
    return seconds


async def seed(sessions: SessionFactory, url: URL, args: argparse.Namespace) -> uuid.UUID:
    tenant_id = uuid.uuid4()
    employers = [uuid.uuid4() for _ in range(args.employers)]
    async with sessions() as session, session.begin():
        folder = shared_data_dir()
        if folder is not None and not args.starter_only:
            await load_reference(session, folder)
        occupations = list(
            await session.scalars(select(Occupation.soc_code).order_by(Occupation.soc_code))
        )[:40]
        session.add(
            Tenant(
                id=tenant_id,
                slug=f"bench-{tenant_id.hex[:8]}",
                name="Bench",
                region="Bench",
                settings={"time_zone": "UTC"},
            )
        )
        await session.flush()
        await set_tenant(session, tenant_id)
        for number, organization_id in enumerate(employers):
            session.add(
                Organization(
                    tenant_id=tenant_id,
                    id=organization_id,
                    name=f"Employer {number:03d}",
                    kind=OrganizationKind.EMPLOYER,
                )
            )
    columns = generate(employers, occupations, args.signals)
    connection = await asyncpg.connect(dsn(url))
    try:
        started = time.perf_counter()
        async with connection.transaction():
            await connection.execute(f"SET LOCAL app.tenant_id = '{tenant_id}'")
            await connection.execute(INSERT, tenant_id, *columns)
        await connection.execute("ANALYZE demand_signals")
        print(
            f"seeded {args.signals:,} signals of {args.employers} employers over "
            f"{len(occupations)} occupations and {len(QUARTERS)} quarters in "
            f"{time.perf_counter() - started:.1f} s"
        )
    finally:
        await connection.close()
    return tenant_id


async def measure(sessions: SessionFactory, tenant_id: uuid.UUID, runs: int) -> None:
    principal = system_principal(tenant_id, "bench")
    by_occupation_quarter = [DemandDimension.OCCUPATION, DemandDimension.QUARTER]
    filtered = DemandFilter(quarter_from="2027Q2", quarter_to="2028Q1", is_degree_required=False)

    async def summarize(demand_filter: DemandFilter | None, *, again: bool) -> object:
        if not again:
            summary._ANSWERS.clear()
        async with tenant_transaction(sessions, tenant_id) as session:
            return await summary.summarize_demand(
                session, principal, group_by=by_occupation_quarter, filter=demand_filter
            )

    async def build() -> None:
        async with tenant_transaction(sessions, tenant_id) as session:
            await releases.publish_release(
                session, principal, made_by=releases.MadeBy.OPERATOR, force=True
            )

    async def baseline() -> None:
        async with tenant_transaction(sessions, tenant_id) as session:
            await session.execute(
                text("SELECT count(*), sum(openings) FROM demand_signals WHERE tenant_id = :t"),
                {"t": tenant_id},
            )

    await baseline()  # warm the connection and the caches of the planner
    plain = await timed(runs, baseline)
    built = await timed(max(1, runs // 3), build)
    cells = 0
    async with tenant_transaction(sessions, tenant_id) as session:
        cells = (
            await session.scalar(
                text(
                    "SELECT count(*) FROM demand_release_cells WHERE release_id = "
                    "(SELECT id FROM demand_releases ORDER BY published_at DESC LIMIT 1)"
                )
            )
            or 0
        )
    await summarize(None, again=False)
    first = await timed(runs, lambda: summarize(None, again=False))
    again = await timed(runs, lambda: summarize(None, again=True))
    first_filtered = await timed(runs, lambda: summarize(filtered, again=False))
    again_filtered = await timed(runs, lambda: summarize(filtered, again=True))
    result = await summarize(None, again=True)
    assert isinstance(result, summary.DemandSummary)
    shown = sum(not cell.suppressed for cell in result.cells)
    base = statistics.median(plain)
    print(
        f"release: {cells:,} fine cells; OCCUPATION x QUARTER: {len(result.cells)} listed, "
        f"{shown} shown"
    )
    for label, seconds in (
        ("baseline count(*), sum(openings)", plain),
        ("build a release (publish_release)", built),
        ("demandSummary OCCUPATION x QUARTER, first read", first),
        ("... again (the answer kept)", again),
        ("... with a filter (quarters, degree), first read", first_filtered),
        ("... with a filter, again", again_filtered),
    ):
        median = statistics.median(seconds)
        print(
            f"{label:52s} median {median * 1000:8.1f} ms over {len(seconds)} runs"
            f" ({median / base:7.1f} x baseline)"
        )
    async with tenant_transaction(sessions, tenant_id) as session:
        release = await releases.latest_release(session, principal)
        assert release is not None
        plan = await session.execute(
            text(
                "EXPLAIN (ANALYZE, COSTS OFF) SELECT organization_id, named, currency, "
                "occupation_code, quarter, sum(openings), sum(noised_openings) "
                "FROM demand_release_cells WHERE tenant_id = :t AND release_id = :r "
                "GROUP BY organization_id, named, currency, occupation_code, quarter"
            ),
            {"t": tenant_id, "r": release.id},
        )
        print("plan of the read:")
        for (line,) in plan:
            print("   ", line)


async def main(args: argparse.Namespace) -> None:
    async with scratch_database() as scratch:
        tenant_id = await seed(scratch.sessions, scratch.database, args)
        await measure(scratch.sessions, tenant_id, args.runs)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--signals", type=int, default=100_000)
    parser.add_argument("--employers", type=int, default=200)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--starter-only",
        action="store_true",
        help="do not load ../shared/data (31 occupations instead of 40)",
    )
    asyncio.run(main(parser.parse_args()))
