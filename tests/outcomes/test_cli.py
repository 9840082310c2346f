"""``coalition import participants FILE`` and ``coalition export participants``, run
in-process against the test database (the commands call ``asyncio.run`` themselves, so
these are plain functions)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner, Result

from coalition.cli import app as cli
from coalition.config import Settings
from tests.outcomes.support import CollegeProgram, example
from tests.support.world import World


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), prog_name="coalition")


def test_the_example_imports_exports_and_imports_back_unchanged(
    cli_env: Settings, world: World, college_program: CollegeProgram, tmp_path: Path
) -> None:
    source = tmp_path / "participants.csv"
    source.write_text(example(world))
    exported = tmp_path / "exported.csv"
    member = ["--tenant", world.slug, "--organization", "alpha college"]

    first = run("import", "participants", str(source), *member)
    written = run("export", "participants", *member, "--output", str(exported))
    back = run("import", "participants", str(exported), *member)
    printed = run("export", "participants", *member)

    assert first.exit_code == 0, first.output
    assert first.stdout.startswith(
        "imported 20 participant records (20 created, 0 updated, 0 unchanged) in "
    )
    assert written.exit_code == 0, written.output
    assert back.stdout.startswith(
        "imported 20 participant records (0 created, 0 updated, 20 unchanged) in "
    )
    assert printed.stdout == exported.read_text()
    assert len(printed.stdout.splitlines()) == 21


def test_a_bad_file_prints_every_bad_cell_and_exits_1(
    cli_env: Settings, world: World, tmp_path: Path
) -> None:
    source = tmp_path / "bad.csv"
    source.write_text("100,900\n123456789,2026-01-12\nOK-2,someday\n")

    result = run(
        "import",
        "participants",
        str(source),
        "--tenant",
        world.slug,
        "--organization",
        "alpha college",
    )

    assert result.exit_code == 1
    assert "2 problems; fix them and import again." in result.output
    assert "Social Security number" in result.stdout
    assert "123456789" not in result.output
