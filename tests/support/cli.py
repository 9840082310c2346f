"""Running the ``coalition`` command line in tests: in-process with CliRunner, or as a
real process where the process itself matters (signals, exit, the embedded server).

The commands call ``asyncio.run`` themselves, so tests that run them are plain
functions, and whatever they check in the database they read with ``owner()`` in
a short event loop of their own.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
import typer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from typer.testing import CliRunner, Result

from coalition.audit.models import AuditEvent
from coalition.cli import app as cli
from coalition.config import Settings, get_settings
from coalition.db.engine import create_session_factory
from coalition.db.session import tenant_transaction
from coalition.db.urls import owner_url
from coalition.tenancy.models import Tenant

T = TypeVar("T")
COALITION = [sys.executable, "-m", "coalition.cli"]
REPOSITORY = Path(__file__).resolve().parents[2]


def point_cli_at(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the CLI's environment the test database's (settings are read per command)."""
    assert settings.database_url is not None
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("COALITION_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("COALITION_APP_ROLE", settings.app_role)
    monkeypatch.delenv("COALITION_ENV", raising=False)
    get_settings.cache_clear()


def run(*args: str, terminal_width: int | None = None) -> Result:
    """``coalition ARGS`` in this process."""
    return CliRunner().invoke(cli, list(args), prog_name="coalition", terminal_width=terminal_width)


def run_process(
    args: list[str], env: dict[str, str], *, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``coalition ARGS`` as its own process, with exactly ``env``."""
    return subprocess.run(  # noqa: S603 - our own CLI
        [*COALITION, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def process_env(**variables: str | None) -> dict[str, str]:
    """This process's environment without the CLI's settings, plus ``variables``
    (None removes one)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("COALITION_") and key != "DATABASE_URL"
    }
    for key, value in variables.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def owner(
    settings: Settings,
    work: Callable[[AsyncSession], Awaitable[T]],
    tenant_id: uuid.UUID | None = None,
) -> T:
    """Run ``work`` as the owner, inside ``tenant_id`` when given, in a fresh event loop."""

    async def main() -> T:
        engine = create_async_engine(owner_url(settings))
        sessions = create_session_factory(engine)
        try:
            if tenant_id is None:
                async with sessions() as session:
                    return await work(session)
            async with tenant_transaction(sessions, tenant_id) as session:
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(main())


def tenant_id(settings: Settings, slug: str) -> uuid.UUID | None:
    async def work(session: AsyncSession) -> uuid.UUID | None:
        return await session.scalar(select(Tenant.id).where(Tenant.slug == slug))

    return owner(settings, work)


def audit_trail(settings: Settings, tenant: uuid.UUID) -> list[tuple[str, str, str, str | None]]:
    """(action, actor kind, actor label, object type) of every audit event, oldest first."""

    async def work(session: AsyncSession) -> list[tuple[str, str, str, str | None]]:
        rows = await session.execute(
            select(
                AuditEvent.action,
                AuditEvent.actor_kind,
                AuditEvent.actor_label,
                AuditEvent.object_type,
            )
            .where(AuditEvent.tenant_id == tenant)
            .order_by(AuditEvent.occurred_at, AuditEvent.id)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]

    return owner(settings, work, tenant)


def new_slug() -> str:
    return f"cli-{uuid.uuid4().hex[:8]}"


def new_tenant(slug: str, *extra: str) -> uuid.UUID:
    """Make a partnership with the CLI; returns the ID it printed."""
    result = run(
        "tenant",
        "create",
        "--slug",
        slug,
        "--name",
        "CLI Partnership",
        "--region",
        "Test Region",
        *extra,
    )
    assert result.exit_code == 0, result.output
    return uuid.UUID(result.stdout.strip())


def commands() -> list[list[str]]:
    """Every command and sub-command of the CLI, found by walking it (new ones included)."""
    found: list[list[str]] = []

    def walk(command: Any, path: list[str]) -> None:
        found.append(path)
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            walk(sub, [*path, name])

    walk(typer.main.get_command(cli), [])
    return found


def command_at(path: list[str]) -> Any:
    """The click command of ``coalition PATH``."""
    target: Any = typer.main.get_command(cli)
    for name in path:
        target = target.commands[name]
    return target


def is_running(pid: int) -> bool:
    """Whether ``pid`` runs; a zombie (exited, never reaped: PID 1 here reaps nothing)
    does not."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    state = next(line for line in status.splitlines() if line.startswith("State:"))
    return state.split()[1] not in ("Z", "X")


def postgres_of(pgdata: Path) -> list[int]:
    """The running processes whose command line names ``pgdata`` (its PostgreSQL)."""
    wanted = str(pgdata.resolve()).encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            arguments = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if wanted in arguments and is_running(int(entry.name)):
            found.append(int(entry.name))
    return found
