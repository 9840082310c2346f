"""One database per test run: the embedded server, or TEST_DATABASE_URL's server.

A fresh database is created and migrated exactly as ``coalition db upgrade``
does it, the API connects as its own non-owner login role, and every test
makes its own partnerships (``world`` and ``other_world``), so tests never
depend on each other's data.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from starlette.applications import Starlette

from coalition.app import create_app
from coalition.config import Settings, get_settings
from coalition.db.engine import SessionFactory, create_session_factory
from coalition.db.urls import app_url, to_asyncpg
from coalition.upgrade import upgrade
from tests.support.cli import point_cli_at
from tests.support.graphql import GraphQLClient
from tests.support.statements import StatementCounter
from tests.support.world import World, create_world

TEST_APP_ROLE = "coalition_test_app"
TEST_OWNER = "coalition_test_owner"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave the soak tier out unless the marker expression names it (``pytest -m soak``):
    deselected, not skipped, so an ordinary run reports nothing about it."""
    if "soak" in (config.option.markexpr or ""):
        return
    soak = [item for item in items if item.get_closest_marker("soak") is not None]
    if soak:
        config.hook.pytest_deselected(items=soak)
        items[:] = [item for item in items if item.get_closest_marker("soak") is None]


def _server_url(tmp_root: Path) -> URL:
    configured = os.environ.get("TEST_DATABASE_URL")
    if configured:
        return to_asyncpg(configured)
    from coalition.db.embedded import embedded_server_uri

    return to_asyncpg(embedded_server_uri(tmp_root))


def _dsn(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("coalition-data")


@pytest.fixture(scope="session")
async def owner_url(data_dir: Path) -> AsyncIterator[URL]:
    """A fresh database owned by an ordinary role, as a managed PostgreSQL gives it.

    The owner is no superuser and has no BYPASSRLS (FORCEd policies bind it
    too); it may create roles (the app role) and databases, and signal
    backends (the resilience tests kill connections).
    """
    server = _server_url(data_dir)
    name = f"coalition_test_{uuid.uuid4().hex[:10]}"
    password = uuid.uuid4().hex
    admin = await asyncpg.connect(_dsn(server))
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", TEST_OWNER)
        if not exists:
            await admin.execute(f'CREATE ROLE "{TEST_OWNER}" LOGIN')
        await admin.execute(
            f'ALTER ROLE "{TEST_OWNER}" LOGIN CREATEROLE CREATEDB NOSUPERUSER NOBYPASSRLS '
            f"PASSWORD '{password}'"
        )
        await admin.execute(f'GRANT pg_signal_backend TO "{TEST_OWNER}"')
        await admin.execute(f'CREATE DATABASE "{name}" OWNER "{TEST_OWNER}"')
    finally:
        await admin.close()
    admin = await asyncpg.connect(_dsn(server.set(database=name)))
    try:
        await admin.execute(f'ALTER SCHEMA public OWNER TO "{TEST_OWNER}"')
    finally:
        await admin.close()
    yield server.set(database=name, username=TEST_OWNER, password=password)
    admin = await asyncpg.connect(_dsn(server))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(scope="session")
async def settings(owner_url: URL, data_dir: Path) -> Settings:
    settings = Settings(
        database_url=owner_url.render_as_string(hide_password=False),
        data_dir=data_dir,
        app_role=TEST_APP_ROLE,
        # Tests publish their releases themselves (tests/demand/test_releases.py runs the
        # schedule's pass on its own).
        release_check_seconds=0,
    )
    await upgrade(settings, owner_url)
    return settings


@pytest.fixture(scope="session")
async def owner_engine(settings: Settings, owner_url: URL) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(owner_url)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
async def admin_engine(owner_url: URL, data_dir: Path) -> AsyncIterator[AsyncEngine]:
    """The server's superuser on the test database: only for planting what the owner
    could not (a BYPASSRLS role) to prove a check catches it."""
    engine = create_async_engine(_server_url(data_dir).set(database=owner_url.database))
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
def owner_sessions(owner_engine: AsyncEngine) -> SessionFactory:
    return create_session_factory(owner_engine)


@pytest.fixture(scope="session")
async def app_engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    """The API role's own engine, for tests that run raw SQL as the app would."""
    engine = create_async_engine(app_url(settings))
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[Starlette]:
    application = create_app(settings, configure_logs=False)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def http(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as client:
        yield client


@pytest.fixture
def gql(http: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(http)


@pytest.fixture
async def world(app: Starlette, owner_sessions: SessionFactory, settings: Settings) -> World:
    key = await app.state.keys.signer()
    return await create_world(owner_sessions, key, settings, label="alpha")


@pytest.fixture
async def other_world(app: Starlette, owner_sessions: SessionFactory, settings: Settings) -> World:
    key = await app.state.keys.signer()
    return await create_world(owner_sessions, key, settings, label="beta")


@pytest.fixture
def count_statements(app: Starlette) -> Iterator[StatementCounter]:
    """Counts the SQL statements the API runs while the test is active."""
    counter = StatementCounter()
    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", counter)
    yield counter
    event.remove(engine, "before_cursor_execute", counter)


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """The CLI's environment points at the test database; settings are re-read per test."""
    point_cli_at(settings, monkeypatch)
    yield settings
    get_settings.cache_clear()
