"""/readyz names the dependency that failed: the database, or migrations behind head;
/healthz stays a constant answer."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import httpx
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL

from coalition.app import create_app
from coalition.config import Settings
from coalition.upgrade import migrations_dir

SCRIPTS = ScriptDirectory(str(migrations_dir()))
[HEAD] = SCRIPTS.get_heads()
BEFORE_HEAD = SCRIPTS.get_revision(HEAD).down_revision


def _dsn(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@asynccontextmanager
async def client_of(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    application = create_app(settings, configure_logs=False)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            yield client


@asynccontextmanager
async def database_at(owner_url: URL, revisions: list[str] | None) -> AsyncIterator[URL]:
    """A new database of the test server whose alembic_version holds ``revisions`` (None:
    no alembic_version table at all, as before the first migration)."""
    name = f"coalition_ready_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(_dsn(owner_url))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = owner_url.set(database=name)
    try:
        if revisions is not None:
            connection = await asyncpg.connect(_dsn(url))
            try:
                await connection.execute(
                    "CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY)"
                )
                for revision in revisions:
                    await connection.execute("INSERT INTO alembic_version VALUES ($1)", revision)
            finally:
                await connection.close()
        yield url
    finally:
        admin = await asyncpg.connect(_dsn(owner_url))
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


def pointed_at(settings: Settings, url: URL) -> Settings:
    return settings.model_copy(
        update={"app_database_url": url.render_as_string(hide_password=False)}
    )


async def test_readyz_names_an_unreachable_database(settings: Settings, owner_url: URL) -> None:
    nowhere = owner_url.set(database=f"no_such_database_{uuid.uuid4().hex[:8]}")

    async with client_of(pointed_at(settings, nowhere)) as client:
        response = await client.get("/readyz")
        health = await client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "unreachable",
        "migrations": "unknown",
    }
    assert (health.status_code, health.json()) == (200, {"status": "ok"})


@pytest.mark.parametrize(
    ("revisions", "status", "migrations"),
    [
        ([BEFORE_HEAD], 503, "behind"),
        ([], 503, "behind"),
        (None, 503, "behind"),
        ([HEAD], 200, "ok"),
        (["9999_from_a_newer_release"], 200, "ahead"),
    ],
)
async def test_readyz_compares_the_revision_with_the_migrations_head(
    settings: Settings,
    owner_url: URL,
    revisions: list[str] | None,
    status: int,
    migrations: str,
) -> None:
    async with (
        database_at(owner_url, revisions) as url,
        client_of(pointed_at(settings, url)) as client,
    ):
        response = await client.get("/readyz")

    assert response.status_code == status
    assert response.json() == {
        "status": "ok" if status == 200 else "unavailable",
        "database": "ok",
        "migrations": migrations,
    }
