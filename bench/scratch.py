"""A throwaway database for a bench: made on the configured server (DATABASE_URL) or on
an embedded PostgreSQL in a temporary folder, migrated to head, and dropped (with its
app role) when the bench is done, whatever happened."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from coalition.config import Settings, get_settings
from coalition.db.engine import SessionFactory, create_session_factory
from coalition.db.urls import owner_url, to_asyncpg
from coalition.upgrade import upgrade


def dsn(url: URL) -> str:
    """``url`` as asyncpg's plain ``postgresql://`` DSN."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@dataclass(frozen=True)
class Scratch:
    settings: Settings
    database: URL
    engine: AsyncEngine
    sessions: SessionFactory


@asynccontextmanager
async def scratch_database(**settings: Any) -> AsyncIterator[Scratch]:
    """A new database at head; ``settings`` are extra ``Settings`` fields (e.g.
    ``release_check_seconds=0``)."""
    configured = get_settings()
    with tempfile.TemporaryDirectory(prefix="coalition-bench-") as folder:
        if configured.database_url:
            server = owner_url(configured)
        else:
            from coalition.db.embedded import embedded_server_uri

            server = to_asyncpg(embedded_server_uri(Path(folder)))
        name = f"coalition_bench_{uuid.uuid4().hex[:8]}"
        role = f"{name}_app"
        admin = await asyncpg.connect(dsn(server))
        await admin.execute(f'CREATE DATABASE "{name}"')
        database = server.set(database=name)
        scratch_settings = Settings(
            database_url=database.render_as_string(hide_password=False),
            data_dir=Path(folder),
            app_role=role,
            **settings,
        )
        engine = create_async_engine(database)
        try:
            await upgrade(scratch_settings, database)
            yield Scratch(scratch_settings, database, engine, create_session_factory(engine))
        finally:
            await engine.dispose()
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.execute(f'DROP ROLE IF EXISTS "{role}"')
            await admin.close()
            if not configured.database_url:
                from coalition.db.embedded import stop_embedded_server

                stop_embedded_server(Path(folder))


__all__ = ["Scratch", "dsn", "scratch_database"]
