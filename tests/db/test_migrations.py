"""Migrations match the models, and go down to nothing and back up again."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from coalition.config import Settings
from coalition.db.urls import to_asyncpg
from coalition.models import Base
from coalition.upgrade import run_alembic, upgrade

ROUND_TRIP_APP_ROLE = "coalition_test_app2"


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_the_migrated_schema_matches_the_models(owner_engine: AsyncEngine) -> None:
    async with owner_engine.connect() as conn:
        differences = await conn.run_sync(_differences)

    assert differences == []


def _dsn(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
async def fresh_database(settings: Settings) -> AsyncIterator[URL]:
    """An empty database on the test server, dropped afterwards."""
    assert settings.database_url is not None
    server = to_asyncpg(make_url(settings.database_url))
    name = f"coalition_roundtrip_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(_dsn(server))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield server.set(database=name)
    finally:
        admin = await asyncpg.connect(_dsn(server))
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


async def _schema(url: URL) -> dict[str, Any]:
    """The public schema's relations, and which of them have forced row-level security."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            relations = await conn.execute(
                text(
                    "SELECT relname, relkind::text, relforcerowsecurity FROM pg_class "
                    "WHERE relnamespace = 'public'::regnamespace"
                )
            )
            policies = await conn.execute(
                text(
                    "SELECT count(*) FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid "
                    "WHERE c.relnamespace = 'public'::regnamespace"
                )
            )
            rows = relations.all()
            return {
                "tables": {name for name, kind, _ in rows if kind == "r"},
                "relations": {name for name, _, _ in rows},
                "forced": {name for name, _, forced in rows if forced},
                "policies": policies.scalar_one(),
            }
    finally:
        await engine.dispose()


async def test_downgrade_to_base_and_upgrade_again(
    fresh_database: URL, settings: Settings, tmp_path: Path
) -> None:
    copy = Settings(
        database_url=fresh_database.render_as_string(hide_password=False),
        app_role=ROUND_TRIP_APP_ROLE,
        data_dir=tmp_path,
    )
    model_tables = set(Base.metadata.tables)
    tenant_tables = {name for name, table in Base.metadata.tables.items() if "tenant_id" in table.c}

    await upgrade(copy, fresh_database)
    upgraded = await _schema(fresh_database)
    await run_alembic(fresh_database, "downgrade", "base")
    downgraded = await _schema(fresh_database)
    await upgrade(copy, fresh_database)
    upgraded_again = await _schema(fresh_database)

    assert upgraded["tables"] == model_tables | {"alembic_version"}
    assert upgraded["forced"] == tenant_tables
    assert downgraded == {
        "tables": {"alembic_version"},
        "relations": {"alembic_version", "alembic_version_pkc"},
        "forced": set(),
        "policies": 0,
    }
    assert upgraded_again == upgraded
