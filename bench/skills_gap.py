"""How fast the skills gap answers over a release of 100,000 signals, 2,000 programs and
10,000 cohorts.

    .venv/bin/python bench/skills_gap.py [--signals 100000] [--programs 2000]
        [--cohorts 10000] [--runs 7] [--starter-only]

Run from the repository (it reuses bench/demand_summary.py's signal generator). Uses the
server of DATABASE_URL (its user must be allowed to create databases and roles), or an
embedded server in a temporary folder when it is unset. Creates its own database,
migrates it, bulk-inserts (one statement per table) ACTIVE POOLED/NAMED signals of ~200
employers over 40 occupations and 8 quarters (2027Q1-2028Q4), each requiring 1 to 3 of
20 skills, publishes a release, then 2,000 ACTIVE programs of 50 providers (each
targeting 1 to 3 of the occupations and teaching 2 to 6 of the skills) and 10,000
cohorts ending over the two years. Then times, over the whole horizon, as the operator
(decided like the convener), each against two baselines measured in the same run:

- ``SELECT count(*), sum(openings)`` of the tenant's signals (as bench/demand_summary.py);
- ``summarize_demand`` by OCCUPATION (or SKILL) over the same quarters: the pooled
  demand the gap reads, *first read* (the answer computed) and *again* (a release never
  changes, so the process keeps the answer);

and ``skills_gap`` by OCCUPATION and by SKILL, first read (the demand answer computed)
and again (the demand answer kept, the supply always read live), and ``provider_gap``
for one provider. Prints medians and their ratios. Drops the database at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import asyncpg
from demand_summary import INSERT, QUARTERS, generate
from scratch import dsn, scratch_database
from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import URL

from coalition.auth.principal import system_principal
from coalition.db.engine import SessionFactory
from coalition.db.session import set_tenant, tenant_transaction
from coalition.demand import releases, summary
from coalition.demand.questions import DemandDimension, DemandFilter
from coalition.skills.loader import load_reference
from coalition.skills.models import InstructionalProgram, Occupation, Skill
from coalition.skills.starter import load_starter, shared_data_dir
from coalition.supply import gap
from coalition.tenancy.models import Organization, OrganizationKind, Tenant

CIP = "48.0501"
START, END = "2027Q1", "2028Q4"

SKILLS_INSERT = """
INSERT INTO demand_signal_skills (tenant_id, id, signal_id, skill_id, level)
SELECT $1, gen_random_uuid(), signal_id, skill_id, level
FROM unnest($2::uuid[], $3::text[], $4::smallint[]) AS t(signal_id, skill_id, level)
"""
PROGRAMS_INSERT = """
INSERT INTO training_programs (tenant_id, id, organization_id, name, cip_code,
    credential_kind, modality, status)
SELECT $1, id, organization_id, name, $4, 'CERTIFICATE', 'IN_PERSON', 'ACTIVE'
FROM unnest($2::uuid[], $3::uuid[], $5::text[]) AS t(id, organization_id, name)
"""
TARGETS_INSERT = """
INSERT INTO training_program_occupations (tenant_id, id, program_id, occupation_code)
SELECT $1, gen_random_uuid(), program_id, code
FROM unnest($2::uuid[], $3::text[]) AS t(program_id, code)
"""
TAUGHT_INSERT = """
INSERT INTO training_program_skills (tenant_id, id, program_id, skill_id, level)
SELECT $1, gen_random_uuid(), program_id, skill_id, level
FROM unnest($2::uuid[], $3::text[], $4::smallint[]) AS t(program_id, skill_id, level)
"""
COHORTS_INSERT = """
INSERT INTO training_cohorts (tenant_id, id, program_id, starts_on, ends_on, seats, enrolled,
    completion_rate_percent, status)
SELECT $1, gen_random_uuid(), program_id, ends_on - 120, ends_on, seats, enrolled, rate, status
FROM unnest($2::uuid[], $3::date[], $4::int[], $5::int[], $6::numeric[], $7::text[])
    AS t(program_id, ends_on, seats, enrolled, rate, status)
"""


async def timed(runs: int, work: Callable[[], Awaitable[object]]) -> list[float]:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        await work()
        seconds.append(time.perf_counter() - started)
    return seconds


async def seed(
    sessions: SessionFactory, url: URL, args: argparse.Namespace
) -> tuple[uuid.UUID, uuid.UUID]:
    rng = random.Random(17)
    tenant_id = uuid.uuid4()
    employers = [uuid.uuid4() for _ in range(200)]
    providers = [uuid.uuid4() for _ in range(50)]
    async with sessions() as session, session.begin():
        folder = shared_data_dir()
        if folder is not None and not args.starter_only:
            await load_reference(session, folder)
        else:
            await load_starter(session)
        await session.execute(
            insert(InstructionalProgram)
            .values(cip_code=CIP, title="Machine Tool Technology/Machinist.")
            .on_conflict_do_nothing()
        )
        occupations = list(
            await session.scalars(select(Occupation.soc_code).order_by(Occupation.soc_code))
        )[:40]
        skills = list(await session.scalars(select(Skill.id).order_by(Skill.id)))[:20]
        session.add(
            Tenant(id=tenant_id, slug=f"bench-{tenant_id.hex[:8]}", name="Bench", region="Bench")
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
        for number, organization_id in enumerate(providers):
            session.add(
                Organization(
                    tenant_id=tenant_id,
                    id=organization_id,
                    name=f"Provider {number:02d}",
                    kind=OrganizationKind.TRAINING_PROVIDER,
                )
            )
    columns = generate(employers, occupations, args.signals)
    wanted: list[list[Any]] = [[], [], []]
    for signal_id in columns[0]:
        for skill_id in rng.sample(skills, rng.randint(1, 3)):
            wanted[0].append(signal_id)
            wanted[1].append(skill_id)
            wanted[2].append(rng.randint(1, 4))
    programs = [uuid.uuid4() for _ in range(args.programs)]
    targets: list[list[Any]] = [[], []]
    taught: list[list[Any]] = [[], [], []]
    for program_id in programs:
        for code in rng.sample(occupations, rng.randint(1, 3)):
            targets[0].append(program_id)
            targets[1].append(code)
        for skill_id in rng.sample(skills, rng.randint(2, 6)):
            taught[0].append(program_id)
            taught[1].append(skill_id)
            taught[2].append(rng.randint(1, 4))
    first, last = QUARTERS[0], QUARTERS[-1] + timedelta(days=120)
    cohorts: list[list[Any]] = [[] for _ in range(6)]
    for _ in range(args.cohorts):
        seats = rng.randint(8, 40)
        row = [
            rng.choice(programs),
            first + timedelta(days=rng.randrange((last - first).days)),
            seats,
            rng.randint(0, seats) if rng.random() < 0.5 else None,
            rng.randint(40, 100),
            rng.choice(("PLANNED", "ENROLLING", "RUNNING", "COMPLETED", "CANCELLED")),
        ]
        for column, value in zip(cohorts, row, strict=True):
            column.append(value)
    connection = await asyncpg.connect(dsn(url))
    try:
        started = time.perf_counter()
        async with connection.transaction():
            await connection.execute(f"SET LOCAL app.tenant_id = '{tenant_id}'")
            await connection.execute(INSERT, tenant_id, *columns)
            await connection.execute(SKILLS_INSERT, tenant_id, *wanted)
        await connection.execute("ANALYZE demand_signals")
        await connection.execute("ANALYZE demand_signal_skills")
        print(
            f"seeded {args.signals:,} signals ({len(wanted[0]):,} skill requirements) of "
            f"{len(employers)} employers over {len(occupations)} occupations in "
            f"{time.perf_counter() - started:.1f} s"
        )
    finally:
        await connection.close()
    principal = system_principal(tenant_id, "bench")
    async with tenant_transaction(sessions, tenant_id) as session:
        await releases.publish_release(
            session, principal, made_by=releases.MadeBy.OPERATOR, force=True
        )
    connection = await asyncpg.connect(dsn(url))
    try:
        started = time.perf_counter()
        names = [f"Program {number:04d}" for number in range(len(programs))]
        owners = [providers[number % len(providers)] for number in range(len(programs))]
        async with connection.transaction():
            await connection.execute(f"SET LOCAL app.tenant_id = '{tenant_id}'")
            await connection.execute(PROGRAMS_INSERT, tenant_id, programs, owners, CIP, names)
            await connection.execute(TARGETS_INSERT, tenant_id, *targets)
            await connection.execute(TAUGHT_INSERT, tenant_id, *taught)
            await connection.execute(COHORTS_INSERT, tenant_id, *cohorts)
        for table in (
            "training_programs",
            "training_program_occupations",
            "training_program_skills",
            "training_cohorts",
            "demand_release_cells",
        ):
            await connection.execute(f"ANALYZE {table}")
        print(
            f"seeded {len(programs):,} programs ({len(targets[0]):,} target occupations, "
            f"{len(taught[0]):,} skills taught) and {args.cohorts:,} cohorts in "
            f"{time.perf_counter() - started:.1f} s"
        )
    finally:
        await connection.close()
    return tenant_id, providers[0]


async def measure(
    sessions: SessionFactory, tenant_id: uuid.UUID, provider: uuid.UUID, runs: int
) -> None:
    principal = system_principal(tenant_id, "bench")
    horizon = DemandFilter(quarter_from=START, quarter_to=END)

    async def baseline() -> None:
        async with tenant_transaction(sessions, tenant_id) as session:
            await session.execute(
                text("SELECT count(*), sum(openings) FROM demand_signals WHERE tenant_id = :t"),
                {"t": tenant_id},
            )

    def demand(dimension: DemandDimension, *, again: bool) -> Callable[[], Awaitable[object]]:
        async def work() -> object:
            if not again:
                summary._ANSWERS.clear()
            async with tenant_transaction(sessions, tenant_id) as session:
                return await summary.summarize_demand(
                    session, principal, group_by=[dimension], filter=horizon
                )

        return work

    def skills_gap(group: gap.GapGroup, *, again: bool) -> Callable[[], Awaitable[object]]:
        async def work() -> object:
            if not again:
                summary._ANSWERS.clear()
            async with tenant_transaction(sessions, tenant_id) as session:
                return await gap.skills_gap(
                    session, principal, start=START, end=END, group_by=group
                )

        return work

    async def provider_view() -> object:
        async with tenant_transaction(sessions, tenant_id) as session:
            return await gap.provider_gap(
                session, principal, start=START, end=END, organization_id=provider
            )

    await baseline()  # warm the connection and the planner's caches
    await skills_gap(gap.GapGroup.OCCUPATION, again=False)()
    await skills_gap(gap.GapGroup.SKILL, again=False)()
    plain = await timed(runs, baseline)
    results: dict[str, list[float]] = {}
    for label, dimension, group in (
        ("OCCUPATION", DemandDimension.OCCUPATION, gap.GapGroup.OCCUPATION),
        ("SKILL", DemandDimension.SKILL, gap.GapGroup.SKILL),
    ):
        results[f"demandSummary {label}, first read"] = await timed(
            runs, demand(dimension, again=False)
        )
        results[f"skillsGap {label}, first read"] = await timed(
            runs, skills_gap(group, again=False)
        )
        await demand(dimension, again=False)()
        results[f"demandSummary {label}, again"] = await timed(runs, demand(dimension, again=True))
        results[f"skillsGap {label}, again"] = await timed(runs, skills_gap(group, again=True))
    # Both demand answers kept (the loop above cleared them), then the provider's view.
    await skills_gap(gap.GapGroup.OCCUPATION, again=False)()
    await skills_gap(gap.GapGroup.SKILL, again=True)()
    await provider_view()
    results["providerGap (both groupings), again"] = await timed(runs, provider_view)
    async with tenant_transaction(sessions, tenant_id) as session:
        by_occupation = await gap.skills_gap(
            session, principal, start=START, end=END, group_by=gap.GapGroup.OCCUPATION
        )
        by_skill = await gap.skills_gap(
            session, principal, start=START, end=END, group_by=gap.GapGroup.SKILL
        )
    for name, result in (("OCCUPATION", by_occupation), ("SKILL", by_skill)):
        hidden = sum(row.hidden for row in result.rows)
        short = sum(1 for row in result.rows if row.gap is not None and row.gap > 0)
        print(f"skillsGap {name}: {len(result.rows)} rows, {hidden} hidden, {short} short")
    base = statistics.median(plain)
    print(f"{'baseline count(*), sum(openings)':44s} median {base * 1000:7.1f} ms over {runs} runs")
    for label, seconds in results.items():
        median = statistics.median(seconds)
        twin = label.replace("skillsGap", "demandSummary")
        versus = ""
        if twin != label and twin in results:
            versus = f", {median / statistics.median(results[twin]):5.2f} x demandSummary"
        verdict = "  (under 100 ms)" if median < 0.1 else "  (over 100 ms)"
        print(
            f"{label:44s} median {median * 1000:7.1f} ms ({median / base:6.1f} x baseline"
            f"{versus}){verdict if label.startswith('skillsGap') else ''}"
        )


async def main(args: argparse.Namespace) -> None:
    async with scratch_database() as scratch:
        tenant_id, provider = await seed(scratch.sessions, scratch.database, args)
        await measure(scratch.sessions, tenant_id, provider, args.runs)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--signals", type=int, default=100_000)
    parser.add_argument("--programs", type=int, default=2_000)
    parser.add_argument("--cohorts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--starter-only",
        action="store_true",
        help="the starter vocabulary only (31 occupations), not ../shared/data",
    )
    asyncio.run(main(parser.parse_args()))
