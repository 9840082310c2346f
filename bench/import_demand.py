"""How fast ``coalition import demand`` takes a 10,000-row file.

    .venv/bin/python bench/import_demand.py [--rows 10000]

Uses DATABASE_URL, or the embedded server when it is unset (migrated first, as
``coalition db upgrade`` does). Generates a CSV file in a temporary folder,
imports it through the service (``csv_import.import_demand_signals``, the code
the CLI and the mutation run) into a scratch partnership, and, as a baseline in
the same run, times a plain asyncpg ``executemany`` of the same rows (signals,
skills, version 1) into the same tables, rolled back. The scratch partnership
is deleted at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import random
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from coalition.audit.models import AuditEvent
from coalition.auth.principal import system_principal
from coalition.config import get_settings
from coalition.db.engine import create_session_factory
from coalition.db.session import set_tenant, tenant_transaction
from coalition.db.urls import owner_url
from coalition.demand.csv_import import import_demand_signals
from coalition.demand.csv_rows import COLUMNS
from coalition.demand.models import DemandSignal, DemandSignalSkill, DemandSignalVersion
from coalition.skills.starter import OCCUPATIONS, SKILLS
from coalition.tenancy.models import Organization, OrganizationKind, Tenant
from coalition.upgrade import upgrade

LEARNING = ["registered_apprenticeship", "on_the_job_training", "internship", "earn_and_learn"]
CITIES = [("Muskegon", "49440"), ("Holland", "49423"), ("Grand Haven", "49417")]


def write_csv(path: Path, rows: int, seed: int = 7) -> None:
    """``rows`` plausible signals over the starter occupations and skills."""
    rng = random.Random(seed)
    occupations = [code for code, *_ in OCCUPATIONS]
    skills = [code for code, *_ in SKILLS]
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for _ in range(rows):
            year = rng.choice((2027, 2028))
            start = rng.randint(1, 4)
            low = rng.randint(1600, 3500)
            city, postal_code = rng.choice(CITIES)
            chosen = rng.sample(skills, rng.randint(1, 5))
            writer.writerow(
                [
                    rng.choice(occupations),
                    rng.randint(1, 40),
                    f"{year}Q{start}",
                    f"{year}Q{rng.randint(start, 4)}",
                    rng.choice(("growth", "replacement")),
                    f"{low / 100:.2f}",
                    f"{(low + rng.randint(0, 900)) / 100:.2f}",
                    "hour",
                    "USD",
                    rng.choice(("no", "no", "yes")),
                    "OSHA 10" if rng.random() < 0.3 else "",
                    rng.choice(LEARNING),
                    ";".join(f"{s}:{rng.randint(1, 4)}" for s in chosen),
                    city,
                    postal_code,
                    rng.choice(("pooled", "pooled", "named", "private")),
                    "active",
                ]
            )


async def _scratch(session: AsyncSession) -> tuple[uuid.UUID, uuid.UUID]:
    tenant_id, organization_id = uuid.uuid4(), uuid.uuid4()
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
    session.add(
        Organization(
            tenant_id=tenant_id,
            id=organization_id,
            name="Bench Machining",
            kind=OrganizationKind.EMPLOYER,
        )
    )
    return tenant_id, organization_id


def _insert_sql(model: Any) -> tuple[str, list[str]]:
    names = [column.name for column in model.__table__.columns]
    cast = {"snapshot": "::jsonb", "changes": "::jsonb"}
    values = ", ".join(f"${i}{cast.get(name, '')}" for i, name in enumerate(names, start=1))
    # Table and column names come from the models, never from input.
    sql = f"INSERT INTO {model.__tablename__} ({', '.join(names)}) VALUES ({values})"  # noqa: S608
    return sql, names


async def baseline(session: AsyncSession, tenant_id: uuid.UUID) -> tuple[float, int]:
    """Re-insert the imported rows (new IDs) with plain executemany; rolled back."""
    tables: dict[Any, list[dict[str, Any]]] = {}
    for model in (DemandSignal, DemandSignalSkill, DemandSignalVersion):
        table = model.__table__
        result = await session.execute(select(table).where(table.c.tenant_id == tenant_id))
        tables[model] = [dict(row) for row in result.mappings()]
    new_ids = {row["id"]: uuid.uuid4() for row in tables[DemandSignal]}
    for row in tables[DemandSignal]:
        row["id"] = new_ids[row["id"]]
    for model in (DemandSignalSkill, DemandSignalVersion):
        for row in tables[model]:
            row["id"], row["signal_id"] = uuid.uuid4(), new_ids[row["signal_id"]]
    raw = (await (await session.connection()).get_raw_connection()).driver_connection
    assert raw is not None
    started = time.perf_counter()
    for model, rows in tables.items():
        sql, names = _insert_sql(model)
        encode = {"snapshot": json.dumps, "changes": json.dumps}
        await raw.executemany(
            sql, [[encode.get(n, lambda v: v)(row[n]) for n in names] for row in rows]
        )
    seconds = time.perf_counter() - started
    await session.rollback()
    return seconds, sum(len(rows) for rows in tables.values())


async def main(rows: int) -> None:
    settings = get_settings()
    url = owner_url(settings)
    await upgrade(settings, url)
    engine = create_async_engine(url)
    sessions = create_session_factory(engine)
    try:
        async with sessions() as session, session.begin():
            tenant_id, organization_id = await _scratch(session)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "demand.csv"
            write_csv(path, rows)
            content = path.read_text()
        principal = system_principal(tenant_id, "bench")
        started = time.perf_counter()
        async with tenant_transaction(sessions, tenant_id) as session:
            report = await import_demand_signals(
                session, principal, organization_id=organization_id, text=content
            )
        seconds = time.perf_counter() - started
        assert report.row_errors == [], report.row_errors[:5]
        async with sessions() as session:
            await session.begin()
            await set_tenant(session, tenant_id)
            plain, inserted = await baseline(session, tenant_id)
        print(f"rows: {report.imported_count} ({len(content) / 1e6:.1f} MB of CSV)")
        print(
            f"import (parse, validate, insert, commit): {seconds:.2f} s, "
            f"{report.imported_count / seconds:,.0f} rows/s"
        )
        print(
            f"baseline: plain executemany of the same {inserted} rows (signals, skills, "
            f"versions): {plain:.2f} s"
        )
    finally:
        async with tenant_transaction(sessions, tenant_id) as session:
            for model in (
                DemandSignalVersion,
                DemandSignalSkill,
                DemandSignal,
                AuditEvent,
                Organization,
            ):
                await session.execute(delete(model).where(model.tenant_id == tenant_id))
            await session.execute(text("DELETE FROM tenants WHERE id = :id"), {"id": tenant_id})
        await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    asyncio.run(main(parser.parse_args().rows))
