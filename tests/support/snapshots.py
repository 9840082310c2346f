"""Every row of one partnership, to prove that a refused or failed action wrote nothing."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, select

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.models import Base

Rows = dict[str, list[dict[str, Any]]]


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
