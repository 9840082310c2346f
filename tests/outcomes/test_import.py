"""importParticipantRecords and participantRecordsCsv: PIRL numbers or names as headers,
all or nothing with every bad cell, re-import updates, export round trip, and two
imports at once."""

from __future__ import annotations

import asyncio
import csv
import io
from typing import Any

import pytest

from coalition.auth.principal import system_principal
from coalition.csv_files import read_text_cell, text_cell
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.outcomes.csv_import import import_participant_records
from coalition.outcomes.layout import COLUMNS
from tests.outcomes.support import CSV, IMPORT, LIST, CollegeProgram, add_record, example
from tests.support.graphql import GraphQLClient
from tests.support.world import World, global_id


async def _import(gql: GraphQLClient, world: World, text: str) -> dict[str, Any]:
    body = await gql(
        IMPORT,
        {"input": {"organizationId": _college(world), "csv": text}},
        token=world.tokens["college_admin"],
    )
    result: dict[str, Any] = body["data"]["importParticipantRecords"]
    return result


def _college(world: World) -> str:
    return global_id("Organization", world.organizations["college"])


def _counts(result: dict[str, Any]) -> tuple[int, int, int, int]:
    return (
        result["importedCount"],
        result["createdCount"],
        result["updatedCount"],
        result["unchangedCount"],
    )


async def _export(gql: GraphQLClient, world: World, person: str = "college_admin") -> str:
    body = await gql(CSV, {"org": _college(world)}, token=world.tokens[person])
    text: str = body["data"]["participantRecordsCsv"]
    return text


async def test_the_example_imports_by_pirl_numbers_and_again_changes_nothing(
    gql: GraphQLClient, world: World, college_program: CollegeProgram
) -> None:
    first = await _import(gql, world, example(world))
    again = await _import(gql, world, example(world))

    assert (first["rowErrors"], first["userErrors"]) == ([], [])
    assert _counts(first) == (20, 20, 0, 0)
    assert _counts(again) == (20, 0, 0, 20)
    listed = await gql(LIST, {"org": _college(world)}, token=world.tokens["college_admin"])
    assert listed["data"]["participantRecords"]["totalCount"] == 20


async def test_an_export_imports_back_unchanged_and_exports_the_same(
    gql: GraphQLClient, world: World, college_program: CollegeProgram
) -> None:
    await _import(gql, world, example(world))
    exported = await _export(gql, world)

    back = await _import(gql, world, exported)

    assert _counts(back) == (20, 0, 0, 20)
    assert await _export(gql, world) == exported
    rows = list(csv.reader(io.StringIO(exported)))
    assert rows[0] == [column.name for column in COLUMNS]
    first = dict(zip(rows[0], rows[1], strict=True))
    assert {k: v for k, v in first.items() if v} == {
        "participant_identifier": "LCC-P2616",
        "program": "LCC-CNC-120",
        "date_of_program_entry": "2025-09-01",
        "date_of_program_exit": "2026-03-17",
        "other_reasons_for_exit": "NONE_OF_THESE",
        "sex": "FEMALE",
        "did_not_self_identify_race": "yes",
        "age_band": "AGE_35_44",
        "eligible_veteran_status": "NO",
        "barriers": "BASIC_SKILLS_DEFICIENT;LOW_INCOME",
        "type_of_training_service_1": "OCCUPATIONAL_SKILLS",
        "training_completed": "yes",
        "type_of_recognized_credential_1": "OCCUPATIONAL_CERTIFICATE",
        "date_attained_recognized_credential_1": "2026-03-17",
        "date_msg_educational_functioning_level": "2025-12-01",
        "date_msg_training_milestone": "2025-11-17",
        "employed_1st_quarter_after_exit": "EMPLOYED",
        "employed_2nd_quarter_after_exit": "EMPLOYED",
        "employed_3rd_quarter_after_exit": "UNKNOWN",
        "employed_4th_quarter_after_exit": "UNKNOWN",
        "employer": "other",
        "occupational_code": "51-4041",
        "entered_training_related_employment": "yes",
        "hourly_wage_at_placement": "25.42",
        "wages_2nd_quarter_after_exit": "13218.40",
    }


async def test_names_in_any_case_are_headers_too_and_a_row_updates_by_identifier(
    gql: GraphQLClient, world: World, college_program: CollegeProgram
) -> None:
    created = await _import(
        gql, world, "PARTICIPANT_IDENTIFIER,Date_Of_Program_Entry,sex\nA-1,2026-02-02,female\n"
    )
    updated = await _import(gql, world, "100,900,901,201\nA-1,20260202,20260601,2\n")

    assert _counts(created) == (1, 1, 0, 0)
    assert _counts(updated) == (1, 0, 1, 0)
    listed = await gql(LIST, {"org": _college(world)}, token=world.tokens["college_admin"])
    [edge] = listed["data"]["participantRecords"]["edges"]
    assert edge["node"]["exitDate"] == "2026-06-01"


async def test_every_bad_cell_is_reported_and_nothing_is_imported(
    gql: GraphQLClient, world: World, college_program: CollegeProgram
) -> None:
    text = (
        "100,program,900,901,201,1610,hourly_wage_at_placement,1800,1801,barriers,employer\n"
        "A-1,LCC-CNC-120,2026-02-02,2026-06-01,2,51-4041,21.00,5,2026-06-01,LOW_INCOME,other\n"
        "123-45-6789,,2026-02-02,,,,,,,,\n"
        "A-3,NOPE,2026-02-30,,7,99-9999,0,,,,\n"
        "A-4,,2026-02-02,2026-01-01,,,600.00,5,2026-01-15,FLYING,Nobody Inc\n"
        "A-1,,2026-02-02,,,,,,,,\n"
    )

    result = await _import(gql, world, text)

    assert _counts(result) == (0, 0, 0, 0)
    assert result["userErrors"] == [
        {
            "field": ["csv"],
            "message": "4 rows have errors; nothing was imported.",
            "code": "INVALID",
        }
    ]
    problems = [(e["line"], e["column"]) for e in result["rowErrors"]]
    assert problems == [
        (3, "100"),
        (4, "900"),
        (4, "201"),
        (4, "program"),
        (4, "hourly_wage_at_placement"),
        (4, "1610"),
        (5, "barriers"),
        (5, "employer"),
        (5, "hourly_wage_at_placement"),
        (5, "901"),
        (5, "1801"),
        (6, "100"),
    ]
    assert result["rowErrors"][4] == {
        "line": 4,
        "column": "hourly_wage_at_placement",
        "message": "Give between $0.01 and $500.00 (1 to 50000 cents).",
    }
    assert "123-45-6789" not in str(result)
    listed = await gql(LIST, {"org": _college(world)}, token=world.tokens["college_admin"])
    assert listed["data"]["participantRecords"]["totalCount"] == 0


async def test_a_header_naming_a_column_twice_or_lacking_a_required_one_is_refused(
    gql: GraphQLClient, world: World
) -> None:
    twice = await _import(gql, world, "100,900,date_of_program_entry\nA-1,2026-02-02,2026-02-02\n")
    lacking = await _import(gql, world, "100,901\nA-1,2026-02-02\n")

    assert [(e["line"], e["column"]) for e in twice["rowErrors"]] == [(1, "date_of_program_entry")]
    assert lacking["rowErrors"] == [
        {
            "line": 1,
            "column": "date_of_program_entry",
            "message": "Missing columns: date_of_program_entry.",
        }
    ]


async def test_two_imports_of_one_new_file_at_once_make_each_record_once(
    owner_sessions: SessionFactory, world: World, college_program: CollegeProgram
) -> None:
    principal = system_principal(world.id, "test")
    text = example(world)

    async def run() -> tuple[int, int]:
        async with tenant_transaction(owner_sessions, world.id) as session:
            report = await import_participant_records(
                session, principal, organization_id=world.organizations["college"], text=text
            )
        return report.created_count, report.unchanged_count

    results = sorted(await asyncio.gather(run(), run()))

    assert results == [(0, 20), (20, 0)]


def _by_identifier(text: str, *columns: str) -> dict[str, tuple[str, ...]]:
    rows = csv.DictReader(io.StringIO(text))
    return {row["participant_identifier"]: tuple(row[c] for c in columns) for row in rows}


TRAINING_COLUMNS = (
    "type_of_training_service_1",
    "training_completed",
    "retention_with_same_employer_2nd_and_4th_quarter",
)


async def test_the_training_and_retention_columns_import_by_code_or_name_and_round_trip(
    gql: GraphQLClient, world: World
) -> None:
    text = (
        "100,900,901,1602,1303,training_completed,1618\n"
        "T-1,2026-02-02,2026-06-01,1,01,yes,yes\n"
        "T-2,2026-02-02,2026-06-01,1,2,no,no\n"
        "T-3,2026-02-02,2026-06-01,0,11,1,0\n"
        "T-4,2026-02-02,,,on the job,,\n"
        "T-5,2026-02-02,,,00,,\n"
        "T-6,2026-02-02,,,REGISTERED_APPRENTICESHIP,0,\n"
        "T-7,2026-02-02,,,9,,\n"
    )

    first = await _import(gql, world, text)
    exported = await _export(gql, world)
    back = await _import(gql, world, exported)
    cleared = await _import(gql, world, "100,900,1303,1618\nT-1,2026-02-02,00,\n")

    assert (first["rowErrors"], _counts(first)) == ([], (7, 7, 0, 0))
    assert _by_identifier(exported, *TRAINING_COLUMNS) == {
        "T-1": ("OCCUPATIONAL_SKILLS", "yes", "yes"),
        "T-2": ("ON_THE_JOB", "no", "no"),
        "T-3": ("OTHER_NON_OCCUPATIONAL", "yes", "no"),
        "T-4": ("ON_THE_JOB", "", ""),
        "T-5": ("", "", ""),
        "T-6": ("REGISTERED_APPRENTICESHIP", "no", ""),
        "T-7": ("REGISTERED_APPRENTICESHIP", "", ""),
    }
    assert _counts(back) == (7, 0, 0, 7)
    assert _counts(cleared) == (1, 0, 1, 0)
    after = _by_identifier(await _export(gql, world), *TRAINING_COLUMNS)
    assert after["T-1"] == ("", "yes", "")


async def test_bad_training_and_retention_cells_are_reported_by_row_and_column(
    gql: GraphQLClient, world: World
) -> None:
    text = (
        "100,900,1602,type_of_training_service_1,training_completed,1618\n"
        "B-1,2026-02-02,1,01,yes,yes\n"
        "B-2,2026-02-02,1,12,maybe,2\n"
        "B-3,2026-02-02,0,AB,,yes\n"
    )

    result = await _import(gql, world, text)

    assert _counts(result) == (0, 0, 0, 0)
    types = (
        "Use a PIRL code 01 to 11 (00 for none) or one of OCCUPATIONAL_SKILLS, ON_THE_JOB, "
        "SKILL_UPGRADING, ENTREPRENEURIAL, ADULT_EDUCATION_COMBINED, CUSTOMIZED, "
        "OTHER_OCCUPATIONAL_SKILLS, PREREQUISITE, REGISTERED_APPRENTICESHIP, "
        "YOUTH_OCCUPATIONAL_SKILLS, OTHER_NON_OCCUPATIONAL."
    )
    yes_no = "Write yes or no (or 1 or 0), or leave it empty."
    assert result["rowErrors"] == [
        {"line": 3, "column": "type_of_training_service_1", "message": types},
        {"line": 3, "column": "training_completed", "message": yes_no},
        {"line": 3, "column": "1618", "message": yes_no},
        {"line": 4, "column": "type_of_training_service_1", "message": types},
        {
            "line": 4,
            "column": "1618",
            "message": "Retention with the same employer in the 2nd and 4th quarters after "
            "exit needs employment in both.",
        },
    ]
    listed = await gql(LIST, {"org": _college(world)}, token=world.tokens["college_admin"])
    assert listed["data"]["participantRecords"]["totalCount"] == 0


FORMULAS = ("=1+2", "-0042", "@SUM(A1)", "+44 7700", "'=3")


async def test_an_export_guards_cells_a_spreadsheet_would_run_and_still_round_trips(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    for identifier in (*FORMULAS, "A-1"):
        await add_record(owner_sessions, world, participant_identifier=identifier)

    exported = await _export(gql, world)
    back = await _import(gql, world, exported)

    identifiers = {row["participant_identifier"] for row in csv.DictReader(io.StringIO(exported))}
    assert identifiers == {"'=1+2", "'-0042", "'@SUM(A1)", "'+44 7700", "''=3", "A-1"}
    cells = [cell for row in csv.reader(io.StringIO(exported)) for cell in row]
    assert [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))] == []
    assert (back["rowErrors"], _counts(back)) == ([], (6, 0, 0, 6))
    assert await _export(gql, world) == exported


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+2", "'=1+2"),
        ("\t=1", "'\t=1"),
        ("  -1", "'  -1"),
        ("'=1", "''=1"),
        ("'' @x", "''' @x"),
        ("'plain", "'plain"),
        ("'", "'"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_a_guarded_cell_reads_back_as_the_text_it_was(value: str, written: str) -> None:
    assert text_cell(value) == written
    assert read_text_cell(written) == value
