"""Fixtures of the tenancy tests."""

from __future__ import annotations

import uuid

import pytest

from coalition.db.engine import SessionFactory
from tests.support.snapshots import Rows
from tests.tenancy.support import Snapshot, partnership_rows


@pytest.fixture
def snapshot(owner_sessions: SessionFactory) -> Snapshot:
    """``snapshot(tenant_id)``: every row of that partnership (see ``partnership_rows``)."""

    async def take(tenant_id: uuid.UUID) -> Rows:
        return await partnership_rows(owner_sessions, tenant_id)

    return take
