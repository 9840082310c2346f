"""``coalition import demand FILE``, run in-process against the test database.

The command calls ``asyncio.run`` itself, so these tests are plain functions; they
read the database in their own short event loop.
"""

from __future__ import annotations

import asyncio
import shlex
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine
from typer.testing import CliRunner, Result

from coalition.cli import app as cli
from coalition.config import Settings, get_settings
from coalition.db.engine import create_session_factory
from coalition.db.session import tenant_transaction
from coalition.db.urls import owner_url
from coalition.demand.models import DemandSignal
from tests.demand.support import EXAMPLE, HEADER
from tests.support.world import World, global_id


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


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), prog_name="coalition")


def signal_count(settings: Settings, tenant_id: uuid.UUID) -> int:
    async def main() -> int:
        engine = create_async_engine(owner_url(settings))
        try:
            async with tenant_transaction(create_session_factory(engine), tenant_id) as session:
                total = await session.scalar(
                    select(func.count())
                    .select_from(DemandSignal)
                    .where(DemandSignal.tenant_id == tenant_id)
                )
        finally:
            await engine.dispose()
        return int(total or 0)

    return asyncio.run(main())


def test_the_example_file_imports_by_global_id(cli_env: Settings, world: World) -> None:
    organization = global_id("Organization", world.organizations["employer"])

    result = run(
        "import", "demand", str(EXAMPLE), "--tenant", world.slug, "--organization", organization
    )

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "imported 10 demand signals (10 created, 0 updated, 0 unchanged) in "
    )
    assert signal_count(cli_env, world.id) == 10


def test_importing_the_example_again_reports_every_row_unchanged(
    cli_env: Settings, world: World
) -> None:
    args = ["import", "demand", str(EXAMPLE), "--tenant", world.slug]
    organization = ["--organization", str(world.organizations["employer"])]
    run(*args, *organization)

    result = run(*args, *organization)

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "imported 10 demand signals (0 created, 0 updated, 10 unchanged) in "
    )
    assert signal_count(cli_env, world.id) == 10


def test_a_large_file_imports_with_a_progress_bar(
    cli_env: Settings, world: World, tmp_path: Path
) -> None:
    file = tmp_path / "large.csv"
    rows = [
        f"51-4041,{1 + index % 9},2027Q1,2027Q4,growth,2.B.3.h:3;ES.teamwork:2"
        for index in range(2_500)
    ]
    file.write_text(HEADER + ",skills\n" + "\n".join(rows) + "\n")

    result = run(
        "import",
        "demand",
        str(file),
        "--tenant",
        world.slug,
        "--organization",
        str(world.organizations["employer"]),
    )

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "imported 2500 demand signals (2500 created, 0 updated, 0 unchanged) in "
    )
    assert signal_count(cli_env, world.id) == 2_500


def test_a_bad_file_prints_every_problem_and_imports_nothing(
    cli_env: Settings, world: World, tmp_path: Path
) -> None:
    file = tmp_path / "demand.csv"
    file.write_text(
        HEADER + "\n51-4041,1,2027Q1,2027Q4,growth\n99-9999,1,2027Q1,2027Q4,growth\n"
        "51-4041,0,2027Q1,2027Q4,growth\n"
    )

    result = run(
        "import",
        "demand",
        str(file),
        "--tenant",
        world.slug,
        "--organization",
        str(world.organizations["employer"]),
    )

    assert result.exit_code == 1
    lines = [" ".join(line.replace("│", " ").split()) for line in result.stdout.splitlines()]
    assert "demand.csv: nothing imported" in lines
    assert "3 occupation_code No occupation with SOC code '99-9999'." in lines
    assert "4 openings openings must be between 1 and 100000." in lines
    assert "2 problems; fix them and import again." in result.stderr
    assert signal_count(cli_env, world.id) == 0


def test_an_organization_that_is_not_an_employer_is_refused(
    cli_env: Settings, world: World
) -> None:
    result = run(
        "import",
        "demand",
        str(EXAMPLE),
        "--tenant",
        world.slug,
        "--organization",
        str(world.organizations["college"]),
    )

    assert result.exit_code == 1
    assert result.stderr == "error: Only employers post demand.\n"
    assert signal_count(cli_env, world.id) == 0


@pytest.mark.parametrize("organization", ["not-an-id", global_id("User", uuid.uuid4())])
def test_an_organization_must_be_one_of_the_partnership(
    cli_env: Settings, world: World, organization: str
) -> None:
    result = run(
        "import", "demand", str(EXAMPLE), "--tenant", world.slug, "--organization", organization
    )

    assert result.exit_code == 1
    assert result.stderr == (
        f"error: no organization {organization!r} in {world.slug!r}: "
        f"see 'coalition organization list --tenant {world.slug}'\n"
    )
    assert signal_count(cli_env, world.id) == 0


def test_the_employer_may_be_named(cli_env: Settings, world: World) -> None:
    # world's employer is called "alpha employer"; any case finds it.
    result = run(
        "import", "demand", str(EXAMPLE), "--tenant", world.slug, "--organization", "ALPHA Employer"
    )

    assert result.exit_code == 0, result.output
    assert signal_count(cli_env, world.id) == 10


def test_the_command_has_help() -> None:
    result = run("import", "demand", "--help")

    assert result.exit_code == 0
    words = " ".join(result.stdout.split())
    assert "Usage: coalition import demand [OPTIONS] {FILE}" in words
    assert "--tenant SLUG The partnership's slug." in words
    assert "--organization ORG The employer: its name, global ID or UUID." in words


def test_the_readme_import_command_works_as_written(cli_env: Settings, world: World) -> None:
    # Given the README's command, pointed at this test's partnership and its employer,
    readme = (EXAMPLE.parents[2] / "README.md").read_text()
    (line,) = [
        line for line in readme.splitlines() if line.startswith(".venv/bin/coalition import demand")
    ]
    words = shlex.split(line)[1:]
    assert words[words.index("--organization") + 1] == "Harbor Fabrication"
    words[words.index("--tenant") + 1] = world.slug
    words[words.index("--organization") + 1] = "alpha employer"
    words[words.index("docs/examples/demand.csv")] = str(EXAMPLE)

    # when it runs,
    result = run(*words)

    # then every row of the example is imported.
    assert result.exit_code == 0, result.output
    assert signal_count(cli_env, world.id) == 10


def test_a_classic_mac_file_imports_and_keeps_a_cr_inside_quotes(
    cli_env: Settings, world: World, tmp_path: Path
) -> None:
    file = tmp_path / "mac.csv"
    file.write_bytes(
        (HEADER + ',credentials\r51-4041,3,2027Q1,2027Q4,growth,"OSHA\r10"\r').encode()
    )

    result = run(
        "import",
        "demand",
        str(file),
        "--tenant",
        world.slug,
        "--organization",
        str(world.organizations["employer"]),
    )

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "imported 1 demand signals (1 created, 0 updated, 0 unchanged) in "
    )
    assert credentials_of(cli_env, world.id) == [["OSHA\r10"]]


@pytest.mark.parametrize("content", [b"", b"\t\r\n\t\r", b'occupation_code\n"51-4041\n'])
def test_an_empty_or_malformed_file_prints_its_problem_and_imports_nothing(
    cli_env: Settings, world: World, tmp_path: Path, content: bytes
) -> None:
    file = tmp_path / "bad.csv"
    file.write_bytes(content)

    result = run(
        "import",
        "demand",
        str(file),
        "--tenant",
        world.slug,
        "--organization",
        str(world.organizations["employer"]),
    )

    assert result.exit_code == 1
    assert "bad.csv: nothing imported" in result.stdout
    assert "1 problem; fix it and import again." in result.stderr
    assert signal_count(cli_env, world.id) == 0


def credentials_of(settings: Settings, tenant_id: uuid.UUID) -> list[list[str]]:
    async def main() -> list[list[str]]:
        engine = create_async_engine(owner_url(settings))
        try:
            async with tenant_transaction(create_session_factory(engine), tenant_id) as session:
                found = await session.scalars(
                    select(DemandSignal.credentials).where(DemandSignal.tenant_id == tenant_id)
                )
                return [list(value) for value in found]
        finally:
            await engine.dispose()

    return asyncio.run(main())
