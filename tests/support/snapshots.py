"""Every row of one partnership, to prove that a refused or failed action wrote nothing:
``snapshot`` (the rows themselves, read inside the tenant) and ``digests`` (a count and a
digest per table, read from outside, for tests that race a live server)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.models import Base

Rows = dict[str, list[dict[str, Any]]]
Digests = dict[str, tuple[int, str]]


def tenant_tables() -> list[Table]:
    """Every tenant-owned table of the schema, by name."""
    return sorted(
        (table for table in Base.metadata.tables.values() if "tenant_id" in table.c),
        key=lambda table: table.name,
    )


async def snapshot(
    sessions: SessionFactory,
    tenant_id: uuid.UUID,
    tables: Iterable[Table] | None = None,
    *,
    leave_out: Iterable[str] = (),
) -> Rows:
    """Every row of ``tables`` (default: every tenant table) of one partnership, in key
    order, read inside the tenant. ``leave_out`` names tables to skip (the audit log,
    where a refused mutation does write its denial).

    The WHERE is needed as well as the tenant: a superuser owner (the test server's)
    bypasses row-level security even where it is FORCEd."""
    skipped = set(leave_out)
    chosen = [t for t in (tables or tenant_tables()) if t.name not in skipped]
    rows: Rows = {}
    async with tenant_transaction(sessions, tenant_id) as session:
        for table in chosen:
            order = list(table.primary_key.columns) or list(table.c)
            result = await session.execute(
                select(table).where(table.c.tenant_id == tenant_id).order_by(*order)
            )
            rows[table.name] = [dict(row) for row in result.mappings()]
    return rows


async def digests(engine: AsyncEngine, tenant_id: uuid.UUID, tables: Iterable[str]) -> Digests:
    """Row count and a digest of every row's every column, per table, for one tenant, read
    on ``engine`` (the owner's, which row-level security does not limit) outside any
    request: two equal digests mean not one row changed."""
    taken: Digests = {}
    async with engine.connect() as connection:
        for table in tables:
            count, digest = (
                await connection.execute(
                    text(
                        "SELECT count(*), md5(coalesce(string_agg(r::text, '|' ORDER BY "
                        f"r::text), '')) FROM {table} r WHERE r.tenant_id = :t"
                    ),
                    {"t": tenant_id},
                )
            ).one()
            taken[table] = (int(count), str(digest))
    return taken
