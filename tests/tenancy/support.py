"""Helpers of the tenancy tests (a plain module: test modules import it, not conftest)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

from sqlalchemy import select

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.tenancy.models import Tenant
from tests.support.snapshots import Rows, snapshot

Snapshot = Callable[[uuid.UUID], Awaitable[Rows]]


async def partnership_rows(sessions: SessionFactory, tenant_id: uuid.UUID) -> Rows:
    """Every row of the partnership's tenant tables and its own directory row (its
    settings). The audit log is left out on purpose: a refused mutation does write
    its denial there."""
    rows = await snapshot(sessions, tenant_id, leave_out=("audit_events",))
    async with tenant_transaction(sessions, tenant_id) as session:
        tenant = await session.execute(select(Tenant.__table__).where(Tenant.id == tenant_id))
        rows["tenants"] = [dict(row) for row in tenant.mappings()]
    return rows
