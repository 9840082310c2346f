"""``coalition import programs FILE``, run in-process against the test database (the
command calls ``asyncio.run`` itself, so these are plain functions)."""

from __future__ import annotations

import asyncio
import shlex
import uuid
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine
from typer.testing import CliRunner, Result

from coalition.cli import app as cli
from coalition.config import Settings
from coalition.db.engine import create_session_factory
from coalition.db.session import tenant_transaction
from coalition.db.urls import owner_url
from coalition.supply.models import TrainingProgram
from tests.supply.support import PROGRAMS_EXAMPLE as EXAMPLE
from tests.support.world import World


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), prog_name="coalition")


def program_count(settings: Settings, tenant_id: uuid.UUID) -> int:
    async def main() -> int:
        engine = create_async_engine(owner_url(settings))
        try:
            async with tenant_transaction(create_session_factory(engine), tenant_id) as session:
                total = await session.scalar(
                    select(func.count())
                    .select_from(TrainingProgram)
                    .where(TrainingProgram.tenant_id == tenant_id)
                )
        finally:
            await engine.dispose()
        return int(total or 0)

    return asyncio.run(main())


def test_import_lists_both_domains_commands() -> None:
    result = run("import", "--help")

    assert result.exit_code == 0
    assert "demand" in result.stdout
    assert "programs" in result.stdout


def test_the_example_file_imports_by_name_and_again_changes_nothing(
    cli_env: Settings, world: World
) -> None:
    args = ["import", "programs", str(EXAMPLE), "--tenant", world.slug]
    organization = ["--organization", "alpha college"]

    first = run(*args, *organization)
    again = run(*args, *organization)

    assert first.exit_code == 0, first.output
    assert first.stdout.startswith(
        "imported 3 training programs (3 created, 0 updated, 0 unchanged) in "
    )
    assert again.stdout.startswith(
        "imported 3 training programs (0 created, 0 updated, 3 unchanged) in "
    )
    assert program_count(cli_env, world.id) == 3


def test_the_readme_import_command_works_as_written(cli_env: Settings, world: World) -> None:
    # Given the README's command, pointed at this test's partnership and its college,
    readme = (EXAMPLE.parents[2] / "README.md").read_text()
    (line,) = [
        line
        for line in readme.splitlines()
        if line.startswith(".venv/bin/coalition import programs")
    ]
    words = shlex.split(line)[1:]
    assert words[words.index("--organization") + 1] == "Lakeshore Community College"
    words[words.index("--tenant") + 1] = world.slug
    words[words.index("--organization") + 1] = "alpha college"
    words[words.index("docs/examples/programs.csv")] = str(EXAMPLE)

    # when it runs,
    result = run(*words)

    # then every row of the example is imported.
    assert result.exit_code == 0, result.output
    assert program_count(cli_env, world.id) == 3


def test_a_bad_file_prints_every_bad_cell_and_exits_1(
    cli_env: Settings, world: World, tmp_path: Path
) -> None:
    file = tmp_path / "bad.csv"
    file.write_text("name,cip_code,modality,hours\nLathe,99.9999,boat,-1\n")

    result = run(
        "import",
        "programs",
        str(file),
        "--tenant",
        world.slug,
        "--organization",
        str(world.organizations["college"]),
    )

    assert result.exit_code == 1
    for text in ("cip_code", "No CIP 2020 program", "modality", "hours", "3 problems"):
        assert text in result.output
    assert program_count(cli_env, world.id) == 0


def test_an_employer_is_refused_with_the_reason(cli_env: Settings, world: World) -> None:
    result = run(
        "import",
        "programs",
        str(EXAMPLE),
        "--tenant",
        world.slug,
        "--organization",
        str(world.organizations["employer"]),
    )

    assert result.exit_code == 1
    assert "Only providers run training programs" in result.output


def test_a_file_that_is_not_utf8_is_refused(
    cli_env: Settings, world: World, tmp_path: Path
) -> None:
    file = tmp_path / "latin1.csv"
    file.write_bytes("name,cip_code,modality\nSoudure é,48.0508,online\n".encode("latin-1"))

    result = run(
        "import",
        "programs",
        str(file),
        "--tenant",
        world.slug,
        "--organization",
        str(world.organizations["college"]),
    )

    assert result.exit_code == 1
    assert "not UTF-8" in result.output
