"""Attacks on the programs CSV import: concurrent imports of one file, text PostgreSQL
cannot hold, odd line ends and program IDs. Each must end in a clean report or a
userError, never a 500, and never half a file."""

from __future__ import annotations

import asyncio
from typing import Any

from coalition.csv_files import read_records
from tests.supply.support import IMPORT, SupplyRows
from tests.support.graphql import GraphQLClient
from tests.support.world import World, global_id

HEADER = "program_id,name,cip_code,modality,occupations\n"


def _file(count: int, prefix: str = "RACE") -> str:
    lines = [f"{prefix}-{i},Program {i},48.0510,in_person,51-4041" for i in range(count)]
    return HEADER + "\n".join(lines) + "\n"


def _input(world: World, text: str) -> dict[str, Any]:
    organization = global_id("Organization", world.organizations["college"])
    return {"input": {"organizationId": organization, "csv": text}}


async def _import(gql: GraphQLClient, world: World, text: str) -> dict[str, Any]:
    return await gql(IMPORT, _input(world, text), token=world.tokens["college_admin"])


async def test_three_imports_of_one_new_file_at_once_make_each_program_once(
    gql: GraphQLClient, world: World, supply_rows: SupplyRows
) -> None:
    text = _file(40)

    bodies = await asyncio.gather(*(_import(gql, world, text) for _ in range(3)))

    assert [body.get("errors") for body in bodies] == [None, None, None]
    results = sorted(
        (
            r["createdCount"],
            r["unchangedCount"],
            r["updatedCount"],
            r["userErrors"],
            r["rowErrors"],
        )
        for r in (body["data"]["importTrainingPrograms"] for body in bodies)
    )
    assert results == [(0, 40, 0, [], []), (0, 40, 0, [], []), (40, 0, 0, [], [])]
    programs = (await supply_rows(world.id))["training_programs"]
    assert sorted(p["external_id"] for p in programs) == sorted(f"RACE-{i}" for i in range(40))


async def test_two_files_sharing_new_program_ids_at_once_do_not_collide(
    gql: GraphQLClient, world: World, supply_rows: SupplyRows
) -> None:
    first = _file(30)
    second = _file(30).replace("Program ", "Renamed ")

    bodies = await asyncio.gather(_import(gql, world, first), _import(gql, world, second))

    assert [body.get("errors") for body in bodies] == [None, None]
    counts = sorted(
        (r["createdCount"], r["updatedCount"])
        for r in (body["data"]["importTrainingPrograms"] for body in bodies)
    )
    assert counts == [(0, 30), (30, 0)]
    programs = (await supply_rows(world.id))["training_programs"]
    assert len(programs) == 30


async def test_a_nul_in_a_cell_is_a_bad_cell_and_nothing_is_written(
    gql: GraphQLClient, world: World, supply_rows: SupplyRows
) -> None:
    # The HTTP edge refuses NUL in a request; a file read by the command line is not
    # checked there, so the reader refuses it itself.
    records, problems = read_records(
        HEADER + "N-1,Fine,48.0510,in_person,\nN-2,Bad\x00name,48.0510,in_person,\n",
        columns=("program_id", "name", "cip_code", "modality", "occupations"),
        required=("name",),
    )

    assert records == []
    assert [(p.line, p.column) for p in problems] == [(3, "row")]
    assert "NUL" in problems[0].message
    assert (await supply_rows(world.id))["training_programs"] == []


async def test_cr_line_ends_and_a_bom_read_like_lf(
    gql: GraphQLClient, world: World, supply_rows: SupplyRows
) -> None:
    text = "\ufeff" + _file(3, "CR").replace("\n", "\r")

    body = await _import(gql, world, text)

    assert body["data"]["importTrainingPrograms"]["createdCount"] == 3
    programs = (await supply_rows(world.id))["training_programs"]
    assert sorted(p["external_id"] for p in programs) == ["CR-0", "CR-1", "CR-2"]


async def test_program_ids_differing_by_spaces_are_one_id_and_by_case_are_two(
    gql: GraphQLClient, world: World, supply_rows: SupplyRows
) -> None:
    spaced = HEADER + "P-1,One,48.0510,in_person,\n P-1 ,Two,48.0510,in_person,\n"
    cased = HEADER + "P-1,One,48.0510,in_person,\np-1,Two,48.0510,in_person,\n"

    refused = (await _import(gql, world, spaced))["data"]["importTrainingPrograms"]
    accepted = (await _import(gql, world, cased))["data"]["importTrainingPrograms"]

    assert refused["rowErrors"] == [
        {"line": 3, "column": "program_id", "message": "program_id 'P-1' is on line 2 already."}
    ]
    assert accepted["createdCount"] == 2
    programs = (await supply_rows(world.id))["training_programs"]
    assert sorted(p["external_id"] for p in programs) == ["P-1", "p-1"]


async def test_formula_cells_are_stored_as_text_and_no_report_line_starts_a_formula(
    gql: GraphQLClient, world: World, supply_rows: SupplyRows
) -> None:
    text = (
        "program_id,name,cip_code,modality,skills,cost\n"
        '=cmd|\' /C calc\'!A0,"=HYPERLINK(""http://x"")",48.0510,in_person,=1+1,@SUM(1)\n'
    )

    report = (await _import(gql, world, text))["data"]["importTrainingPrograms"]

    assert report["createdCount"] == 0
    assert {e["column"] for e in report["rowErrors"]} == {"skills", "cost"}
    assert [e["message"][0] for e in report["rowErrors"] if e["message"][0] in "=+-@"] == []
    assert (await supply_rows(world.id))["training_programs"] == []


def test_a_file_over_the_row_limit_is_refused_on_the_first_row_too_many() -> None:
    text = HEADER + "".join(f"L-{i},P,48.0510,in_person,\n" for i in range(3))

    records, problems = read_records(
        text,
        columns=("program_id", "name", "cip_code", "modality", "occupations"),
        required=("name",),
        max_rows=2,
    )

    assert records == []
    assert [(p.line, p.column, p.message) for p in problems] == [
        (4, "row", "A file holds at most 2 rows.")
    ]


UPDATE_ID = """
mutation($input: UpdateTrainingProgramInput!) {
  updateTrainingProgram(input: $input) { trainingProgram { externalId } userErrors { code } }
}"""


async def test_an_import_and_edits_of_its_programs_ids_at_once_neither_deadlock_nor_fail(
    gql: GraphQLClient, world: World, supply_rows: SupplyRows
) -> None:
    await _import(gql, world, _file(20))
    programs = (await supply_rows(world.id))["training_programs"]
    token = world.tokens["college_admin"]
    edits = [
        gql(
            UPDATE_ID,
            {
                "input": {
                    "id": global_id("TrainingProgram", p["id"]),
                    "externalId": p["external_id"],
                    "name": f"Edited {p['external_id']}",
                }
            },
            token=token,
        )
        for p in programs
    ]

    bodies = await asyncio.gather(
        _import(gql, world, _file(20).replace("Program", "Again")), *edits
    )

    assert [body.get("errors") for body in bodies] == [None] * 21
    assert [b["data"]["updateTrainingProgram"]["userErrors"] for b in bodies[1:]] == [[]] * 20
    assert len((await supply_rows(world.id))["training_programs"]) == 20
