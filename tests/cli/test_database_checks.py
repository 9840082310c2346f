"""Before ``coalition db upgrade``: one line saying so, never a traceback, and no new
embedded server made by a command that only reads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from coalition.cli.support import NOT_SET_UP
from coalition.config import get_settings
from tests.support.cli import process_env, run, run_process

COMMANDS = [
    ["keys", "list"],
    ["keys", "rotate"],
    ["tenant", "list"],
    ["tenant", "create", "--slug", "p", "--name", "P", "--region", "R"],
    ["tenant", "configure", "--tenant", "p", "--min-employers", "4"],
    ["person", "add", "--tenant", "p", "--email", "a@p.example", "--organization", "O"],
    ["organization", "list", "--tenant", "p"],
    ["client", "list", "--tenant", "p"],
    ["token", "--tenant", "p", "--email", "a@p.example"],
    ["demo"],
    ["serve"],
    ["reference", "starter"],
]


def with_role(command: list[str]) -> list[str]:
    return [*command, "--role", "MEMBER"] if command[:2] == ["person", "add"] else command


@pytest.fixture
def not_set_up(
    empty_database: URL, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[URL]:
    monkeypatch.setenv("DATABASE_URL", empty_database.render_as_string(hide_password=False))
    monkeypatch.setenv("COALITION_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield empty_database
    get_settings.cache_clear()


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_command_before_db_upgrade_says_to_run_it(not_set_up: URL, command: list[str]) -> None:
    result = run(*with_role(command))

    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"error: {NOT_SET_UP}\n"


def test_the_real_process_prints_one_line(not_set_up: URL, tmp_path: Path) -> None:
    env = process_env(
        DATABASE_URL=not_set_up.render_as_string(hide_password=False),
        COALITION_DATA_DIR=str(tmp_path),
    )

    done = run_process(["keys", "list"], env)

    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == "error: the database is not set up: run 'coalition db upgrade' first\n"


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_without_a_database_nothing_starts_an_empty_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    # given: DATABASE_URL unset and a data folder that never held a database
    data = tmp_path / "fresh"
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("COALITION_DATA_DIR", str(data))
    get_settings.cache_clear()

    # when
    result = run(*with_role(command))

    # then
    get_settings.cache_clear()
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"error: no database: DATABASE_URL is unset and {data} has no embedded database "
        "yet; run 'coalition db upgrade' first (or set DATABASE_URL)\n"
    )
    assert not data.exists()


def test_an_unreachable_server_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:9/nothing")
    monkeypatch.setenv("COALITION_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()

    result = run("keys", "list")

    get_settings.cache_clear()
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith("error: cannot reach the database: ")
    assert result.stderr.count("\n") == 1
