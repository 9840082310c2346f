"""Fixtures of the command-line tests: an empty database the CLI was never run on."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy.engine import URL


@pytest.fixture
async def empty_database(owner_url: URL) -> AsyncIterator[URL]:
    """A database on the test server that ``coalition db upgrade`` never touched."""
    name = f"coalition_empty_{uuid.uuid4().hex[:8]}"
    dsn = owner_url.set(drivername="postgresql", database="postgres")
    admin = await asyncpg.connect(dsn.render_as_string(hide_password=False))
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    yield owner_url.set(drivername="postgresql", database=name)
    admin = await asyncpg.connect(dsn.render_as_string(hide_password=False))
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()
