"""``coalition export funds``, run in-process against the test database.

The command calls ``asyncio.run`` itself, so these tests are plain functions; they
compute the expected report in their own short event loop.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import create_async_engine
from typer.testing import CliRunner, Result

from coalition.cli import app as cli
from coalition.config import Settings, get_settings
from coalition.db.engine import SessionFactory, create_session_factory
from coalition.db.session import tenant_transaction
from coalition.db.urls import owner_url
from coalition.funds.export import pool_report_csv
from tests.funds.support.scenario import Scenario, build_scenario, parse, reader
from tests.funds.support.world import FundsWorld
from tests.support.world import global_id


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """The CLI's environment points at the test database; settings are re-read per test."""
    assert settings.database_url is not None
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("COALITION_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("COALITION_APP_ROLE", settings.app_role)
    monkeypatch.delenv("COALITION_ENV", raising=False)
    get_settings.cache_clear()
    yield settings
    get_settings.cache_clear()


@pytest.fixture
async def scenario(funds: FundsWorld, owner_sessions: SessionFactory) -> Scenario:
    return await build_scenario(owner_sessions, funds)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), prog_name="coalition")


def expected_report(settings: Settings, scenario: Scenario) -> str:
    async def main() -> str | None:
        engine = create_async_engine(owner_url(settings))
        try:
            sessions = create_session_factory(engine)
            async with tenant_transaction(sessions, scenario.tenant_id) as session:
                return await pool_report_csv(session, reader(scenario.funds), scenario.pool)
        finally:
            await engine.dispose()

    found = asyncio.run(main())
    assert found is not None
    return found


def test_the_file_is_the_report_by_global_id(
    cli_env: Settings,
    scenario: Scenario,
    tmp_path: Path,
) -> None:
    output = tmp_path / "lakeshore.csv"

    result = run(
        "export", "funds", "--tenant", scenario.funds.world.slug,
        "--pool", global_id("FundPool", scenario.pool), "--output", str(output),
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert result.stderr == f"wrote {output}\n"
    written = output.read_bytes().decode("utf-8")
    assert written == expected_report(cli_env, scenario)
    summary, entries = parse(written)
    assert (summary["Matched"], len(entries)) == ("13000.00", 26)
    assert b"\r\n" in output.read_bytes()


def test_without_output_the_report_goes_to_standard_output_by_uuid(
    cli_env: Settings,
    scenario: Scenario,
) -> None:
    result = run(
        "export", "funds", "--tenant", scenario.funds.world.slug, "--pool", str(scenario.pool)
    )

    assert result.exit_code == 0, result.output
    # Result.stdout turns \r\n into \n; the bytes are what was written.
    assert result.stdout_bytes.decode("utf-8") == expected_report(cli_env, scenario)
    assert result.stderr == ""


def test_another_tenants_pool_is_not_found(
    cli_env: Settings,
    scenario: Scenario,
    other_funds: FundsWorld,
    tmp_path: Path,
) -> None:
    output = tmp_path / "theirs.csv"
    pool = global_id("FundPool", scenario.pool)

    result = run(
        "export", "funds", "--tenant", other_funds.world.slug, "--pool", pool,
        "--output", str(output),
    )  # fmt: skip

    assert result.exit_code == 1
    assert result.stderr == f"error: no fund pool {pool!r} in {other_funds.world.slug!r}\n"
    assert result.stdout == ""
    assert not output.exists()


def test_an_unknown_partnership_is_refused(cli_env: Settings) -> None:
    result = run("export", "funds", "--tenant", "nowhere", "--pool", str(uuid.uuid4()))

    assert result.exit_code == 1
    assert result.stderr == "error: no partnership with slug 'nowhere'\n"


@pytest.mark.parametrize("pool", ["not-an-id", global_id("Initiative", uuid.uuid4())])
def test_a_pool_id_must_be_one(cli_env: Settings, funds: FundsWorld, pool: str) -> None:
    result = run("export", "funds", "--tenant", funds.world.slug, "--pool", pool)

    assert result.exit_code == 1
    assert result.stderr == f"error: {pool!r} is not a fund pool ID\n"


def test_the_command_has_help() -> None:
    result = run("export", "funds", "--help")

    assert result.exit_code == 0
    words = " ".join(result.stdout.replace("│", " ").split())
    assert "Usage: coalition export funds [OPTIONS]" in words
    assert "--tenant SLUG The partnership's slug." in words
    assert "--pool ID The fund pool: its global ID or its UUID." in words
    assert "--output FILE Write the CSV to this file instead of standard output." in words
    group = run("export", "--help")
    assert "funds Write a fund pool's funder report" in " ".join(
        group.stdout.replace("│", " ").split()
    )
