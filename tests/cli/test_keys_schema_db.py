"""``coalition keys``, ``schema export`` and ``db current``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.keys import list_signing_keys
from coalition.config import Settings
from coalition.db.urls import owner_url
from tests.support.cli import REPOSITORY, owner, run


def test_schema_export_writes_the_checked_in_sdl(cli_env: Settings, tmp_path: Path) -> None:
    # given
    output = tmp_path / "s.graphql"

    # when
    result = run("schema", "export", "--output", str(output))

    # then
    assert result.exit_code == 0, result.output
    assert output.read_text() == (REPOSITORY / "graphql" / "schema.graphql").read_text()


def test_keys_list_shows_the_signing_key(cli_env: Settings) -> None:
    # given
    async def current(session: AsyncSession) -> list[str]:
        return [key.kid for key in await list_signing_keys(session) if key.superseded_at is None]

    [kid] = owner(cli_env, current)

    # when
    result = run("keys", "list")

    # then
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert all(len(row) == 3 for row in rows)
    assert [row[0] for row in rows if row[2] == "signing"] == [kid]


def test_db_current_prints_the_head_revision(cli_env: Settings) -> None:
    from alembic.script import ScriptDirectory

    from coalition.upgrade import alembic_config

    # given: the test database was migrated to head
    head = ScriptDirectory.from_config(alembic_config(owner_url(cli_env))).get_current_head()

    # when: in its own process, since alembic binds its output stream at import time
    result = subprocess.run(
        [sys.executable, "-m", "coalition.cli", "db", "current"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    # then
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{head} (head)\n"
