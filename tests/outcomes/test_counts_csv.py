"""``coalition import counts FILE``: a member's aggregate counts from a CSV file, every
report of the file or nothing, every bad cell on its line and column."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from coalition.cli import app as cli
from coalition.config import Settings
from coalition.csv_files import ImportReport
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.errors import Forbidden
from coalition.funds.service.initiatives import create_initiative
from coalition.outcomes.counts_csv import import_aggregate_counts
from coalition.outcomes.models import AggregateCount
from tests.demand.support import principal_of
from tests.outcomes.support import CollegeProgram
from tests.support.snapshots import snapshot
from tests.support.world import World

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "aggregate_counts.csv"
HEADER = "quarter,program,initiative,dimension,value,served,exited,completed,credentialed,placed\n"
TABLES = (AggregateCount.__table__,)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), prog_name="coalition")


async def _import(
    sessions: SessionFactory, world: World, text: str, person: str = "college_admin"
) -> ImportReport:
    async with tenant_transaction(sessions, world.id) as session:
        return await import_aggregate_counts(
            session,
            principal_of(world, person),
            organization_id=world.organizations["college"],
            text=text,
        )


def test_the_example_imports_and_imports_again_unchanged(
    cli_env: Settings, world: World, tmp_path: Path
) -> None:
    member = ["--tenant", world.slug, "--organization", "alpha college"]

    first = run("import", "counts", str(EXAMPLE), *member)
    again = run("import", "counts", str(EXAMPLE), *member)

    assert first.exit_code == 0, first.output
    assert first.stdout.startswith(
        "imported 16 aggregate counts (16 created, 0 updated, 0 unchanged) in "
    )
    assert again.exit_code == 0, again.output
    assert again.stdout.startswith(
        "imported 16 aggregate counts (0 created, 16 updated, 0 unchanged) in "
    )


def test_a_bad_file_is_refused_with_every_problem_by_line(
    cli_env: Settings, world: World, tmp_path: Path
) -> None:
    source = tmp_path / "counts.csv"
    source.write_text(
        HEADER
        + "2026Q1,,,TOTAL,,10,11,0,0,0\n"
        + "2026Q1,,,SEX,OTHER,1,0,0,0,0\n"
        + "2026Q2,,,SEX,FEMALE,1,0,0,0,0\n"
    )

    result = run(
        "import", "counts", str(source), "--tenant", world.slug, "--organization", "alpha college"
    )

    assert result.exit_code == 1
    assert "counts.csv: nothing imported" in result.stdout
    assert "3 problems; fix them and import again." in result.stderr


async def test_every_bad_cell_is_on_its_line_and_column_and_nothing_is_written(
    owner_sessions: SessionFactory, world: World
) -> None:
    text = (
        HEADER
        + "2026Q1,,,TOTAL,all,10,11,0,0,0\n"
        + "2026q1,,,sex,OTHER,1,0,0,0,0\n"
        + "2026Q2,,,SEX,FEMALE,1,0,0,0,0\n"
        + "2026Q3,NOPE-1,Nothing,TOTAL,,x,0,0,0,0\n"
        + "2026Q9,,,TOTAL,,1,0,0,0,0\n"
    )

    report = await _import(owner_sessions, world, text)

    assert [(e.line, e.column, e.message) for e in report.row_errors] == [
        (2, "value", "A TOTAL row has no value: leave it empty."),
        (2, "exited", "exited may not be more than served."),
        (3, "value", "A SEX row's value is one of MALE, FEMALE, NOT_DISCLOSED."),
        (4, "dimension", "Give exactly one TOTAL row."),
        (5, "program", "No training program of this organization has this external ID."),
        (5, "initiative", "No initiative has this name."),
        (5, "served", "served must be a whole number."),
        (6, "quarter", "Give a calendar quarter, e.g. 2026Q1."),
    ]
    assert (await snapshot(owner_sessions, world.id, TABLES))["aggregate_counts"] == []


async def test_program_and_initiative_are_named_and_each_key_is_its_own_report(
    owner_sessions: SessionFactory, world: World, college_program: CollegeProgram
) -> None:
    async with tenant_transaction(owner_sessions, world.id) as session:
        initiative = await create_initiative(
            session,
            principal_of(world, "admin"),
            name="Machinist  Pathway",
            description=None,
            starts_on=date(2026, 1, 1),
            ends_on=None,
            participant_ids=[],
        )
    text = (
        HEADER
        + "2026Q1,LCC-CNC-120,machinist pathway,TOTAL,,10,5,4,3,2\n"
        + "2026Q1,,,TOTAL,,20,5,4,3,2\n"
        + "2026Q1,LCC-CNC-120,Machinist Pathway,SEX,FEMALE,6,3,2,2,1\n"
    )

    report = await _import(owner_sessions, world, text)

    assert (report.row_errors, report.created_count) == ([], 3)
    rows = (await snapshot(owner_sessions, world.id, TABLES))["aggregate_counts"]
    assert sorted(
        (r["program_id"] is not None, r["initiative_id"], r["dimension"], r["served"]) for r in rows
    ) == [
        (False, None, "TOTAL", 20),
        (True, initiative.id, "SEX", 6),
        (True, initiative.id, "TOTAL", 10),
    ]


@pytest.mark.parametrize("person", ["admin", "college_member", "org_admin"])
async def test_only_the_members_own_admin_imports_counts(
    owner_sessions: SessionFactory, world: World, person: str
) -> None:
    with pytest.raises(Forbidden):
        await _import(owner_sessions, world, EXAMPLE.read_text(), person)

    assert (await snapshot(owner_sessions, world.id, TABLES))["aggregate_counts"] == []
