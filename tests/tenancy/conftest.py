"""Fixtures of the tenancy tests: a snapshot of every tenant-owned row of one partnership."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import select

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.tenancy.models import ApiClient, Membership, Organization, Tenant, User

# The audit log is left out on purpose: a refused mutation does write its denial there.
SNAPSHOT_MODELS = (Organization, User, Membership, ApiClient)

Rows = dict[str, list[dict[str, Any]]]
Snapshot = Callable[[uuid.UUID], Awaitable[Rows]]


@pytest.fixture
def snapshot(owner_sessions: SessionFactory) -> Snapshot:
    """Every row of the tenant's organizations, users, memberships and API clients (and
    the partnership's own row), read
    as the owner inside the tenant. The WHERE is needed: the test server's owner is a
    superuser, and superusers bypass row-level security even where it is FORCEd."""

    async def take(tenant_id: uuid.UUID) -> Rows:
        rows: Rows = {}
        async with tenant_transaction(owner_sessions, tenant_id) as session:
            for model in SNAPSHOT_MODELS:
                table = model.__table__
                statement = select(table).where(table.c.tenant_id == tenant_id)
                result = await session.execute(statement.order_by(table.c.id))
                rows[model.__tablename__] = [dict(row) for row in result.mappings()]
            tenant = await session.execute(select(Tenant.__table__).where(Tenant.id == tenant_id))
            rows["tenants"] = [dict(row) for row in tenant.mappings()]
        return rows

    return take
