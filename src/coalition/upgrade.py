"""Setting a database up: Alembic migrations, then the app role, the first signing key
and the starter vocabulary (`coalition db upgrade`). Above db: it calls auth and skills."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from coalition.auth.keys import ensure_signing_key
from coalition.config import Settings
from coalition.db.engine import create_session_factory
from coalition.db.roles import ensure_app_role
from coalition.db.urls import app_role_password
from coalition.skills.starter import load_starter


def migrations_dir() -> Path:
    configured = os.environ.get("COALITION_MIGRATIONS_DIR")
    candidates = [Path(configured)] if configured else []
    candidates += [Path(__file__).resolve().parents[2] / "migrations", Path.cwd() / "migrations"]
    for candidate in candidates:
        if (candidate / "env.py").exists():
            return candidate
    raise RuntimeError("cannot find the migrations folder: set COALITION_MIGRATIONS_DIR")


def alembic_config(url: URL) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["url"] = url
    return config


def app_role_credentials(settings: Settings) -> tuple[str, str | None]:
    if settings.app_database_url:
        app = make_url(settings.app_database_url)
        if not app.username:
            raise ValueError("COALITION_APP_DATABASE_URL must name a user")
        return app.username, app.password
    return settings.app_role, app_role_password(settings, create=True)


async def upgrade(settings: Settings, owner: URL, revision: str = "head") -> None:
    """Migrate, create or update the app role, ensure a signing key and the starter vocabulary."""
    engine = create_async_engine(owner)
    try:
        async with engine.begin() as connection:

            def run(sync_connection: object) -> None:
                config = alembic_config(owner)
                config.attributes["connection"] = sync_connection
                command.upgrade(config, revision)

            await connection.run_sync(run)
            role, password = app_role_credentials(settings)
            await ensure_app_role(connection, role=role, password=password)
        async with create_session_factory(engine)() as session, session.begin():
            await ensure_signing_key(session)
            # The starter vocabulary (a few dozen occupations, skills, industries) so a new
            # database works at once; `coalition reference load` adds the full sets.
            await load_starter(session)
    finally:
        await engine.dispose()


async def run_alembic(owner: URL, name: str, *args: str) -> None:
    engine = create_async_engine(owner)
    try:
        async with engine.begin() as connection:

            def run(sync_connection: object) -> None:
                config = alembic_config(owner)
                config.attributes["connection"] = sync_connection
                getattr(command, name)(config, *args)

            await connection.run_sync(run)
    finally:
        await engine.dispose()


async def is_set_up(engine: AsyncEngine) -> bool:
    """Whether ``coalition db upgrade`` has run on this database (its tables exist)."""
    async with engine.connect() as connection:
        found = await connection.scalar(text("SELECT to_regclass('public.tenants') IS NOT NULL"))
    return bool(found)
