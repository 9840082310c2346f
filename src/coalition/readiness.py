"""``/readyz``: whether this server can serve, and if not which dependency failed.

Two checks, each named in the JSON body: ``database`` (a connection as the API's role
answers) and ``migrations`` (the database's Alembic revision is the head of the
migrations this code ships). Either failing is a 503, so a load balancer or Kubernetes
keeps traffic away until ``coalition db upgrade`` has run. A database *ahead* of the
code (a newer release migrated it while this one still runs, as in a rolling update)
is ready: migrations keep the previous release working.
"""

from __future__ import annotations

import logging

from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from coalition.upgrade import migrations_dir

logger = logging.getLogger("coalition.readiness")


class Migrations:
    """The revisions the migrations folder holds and its heads, read once."""

    def __init__(self) -> None:
        try:
            scripts = ScriptDirectory(str(migrations_dir()))
        except RuntimeError:
            logger.warning("no migrations folder: /readyz does not check the schema's revision")
            self.heads: frozenset[str] | None = None
            self.known: frozenset[str] = frozenset()
            return
        self.heads = frozenset(scripts.get_heads())
        self.known = frozenset(revision.revision for revision in scripts.walk_revisions())

    def state(self, current: set[str]) -> str:
        """``ok``, ``behind`` (older than the heads, or never migrated) or ``ahead``."""
        if self.heads is None:
            return "unchecked"
        if current == self.heads:
            return "ok"
        if not current or current <= self.known:
            return "behind"
        return "ahead"


async def check(engine: AsyncEngine, migrations: Migrations) -> tuple[bool, dict[str, str]]:
    try:
        async with engine.connect() as connection:
            migrated = await connection.scalar(
                text("SELECT to_regclass('public.alembic_version') IS NOT NULL")
            )
            try:
                current: set[str] | None = (
                    set(await connection.scalars(text("SELECT version_num FROM alembic_version")))
                    if migrated
                    else set()
                )
            except Exception:
                logger.warning("cannot read alembic_version as the API's role", exc_info=True)
                current = None
    except Exception:
        logger.warning("the database is unreachable", exc_info=True)
        return False, {"database": "unreachable", "migrations": "unknown"}
    if current is None:
        return False, {"database": "ok", "migrations": "unreadable"}
    state = migrations.state(current)
    if state == "behind":
        logger.warning(
            "the database is at %s, the migrations' head is %s: run 'coalition db upgrade'",
            ", ".join(sorted(current)) or "no revision",
            ", ".join(sorted(migrations.heads or ())),
        )
    return state != "behind", {"database": "ok", "migrations": state}


async def readyz(request: Request) -> Response:
    ready, checks = await check(request.app.state.engine, request.app.state.migrations)
    body = {"status": "ok" if ready else "unavailable", **checks}
    return JSONResponse(body, status_code=200 if ready else 503)
