"""importDemandSignals and the import service with CR, CRLF and bare-CR files, and with
empty or malformed files: CR and CRLF files import like LF files; a malformed or empty
file is a row error and a userError, never a server error, and nothing is written."""

from __future__ import annotations

import pytest

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.demand import csv_import
from tests.demand.support import EMPTY, HEADER, IMPORT, DemandRows, import_input, principal_of
from tests.support.graphql import GraphQLClient
from tests.support.world import World

ROWS = ["51-4041,3,2027Q1,2027Q4,growth,Muskegon", "17-3026,1,2027Q2,2027Q4,replacement,Holland"]
LINE_ENDS = {"CR": "\r", "CRLF": "\r\n", "LF": "\n"}
MALFORMED = {
    "unclosed quote": (
        HEADER + '\n51-4041,3,2027Q1,2027Q4,growth\n"51-4041,3,2027Q1,2027Q4,growth\n',
        [3, "row", "The file is not valid CSV from this row on: a quoted cell is never closed."],
    ),
    "stray quote": (
        HEADER + '\n"51-4041"x,3,2027Q1,2027Q4,growth\n',
        [
            2,
            "row",
            "The file is not valid CSV from this row on: a quote inside a cell must be "
            'doubled ("") and the cell quoted.',
        ],
    ),
    "empty": ("", [1, "header", "The file is empty: its first line must be the header."]),
    "tabs and newlines": (
        "\t\n\r\n\t\r",
        [1, "header", "The file is empty: its first line must be the header."],
    ),
    "unnamed columns": (
        HEADER + ",,\t\n51-4041,3,2027Q1,2027Q4,growth,,\n",
        [1, "header", "Every column needs a name; these have none: 6, 7."],
    ),
}
# Longer than the API's request body allows: the service's own case.
OVER_LONG = {
    "over-long cell": (
        HEADER + '\r51-4041,3,2027Q1,2027Q4,growth\r\r"' + "x" * 131_073 + '",1\r',
        [
            4,
            "row",
            "The file is not valid CSV from this row on: a cell is longer than 131072 characters.",
        ],
    ),
}


def city_of(rows: dict[str, list[dict[str, object]]]) -> dict[str, object]:
    return {str(row["occupation_code"]): row["city"] for row in rows["demand_signals"]}


@pytest.mark.parametrize("end", LINE_ENDS.values(), ids=LINE_ENDS.keys())
async def test_a_file_imports_whatever_its_line_ends(
    gql: GraphQLClient, world: World, demand_rows: DemandRows, end: str
) -> None:
    text = end.join([HEADER + ",city", *ROWS]) + end

    body = await gql(IMPORT, import_input(world, text), token=world.tokens["member"])

    assert body == {
        "data": {"importDemandSignals": {"importedCount": 2, "rowErrors": [], "userErrors": []}}
    }
    assert city_of(await demand_rows(world.id)) == {"51-4041": "Muskegon", "17-3026": "Holland"}


async def test_a_cr_inside_a_quoted_cell_is_part_of_the_value(
    gql: GraphQLClient, world: World, demand_rows: DemandRows
) -> None:
    text = HEADER + ',credentials\r51-4041,3,2027Q1,2027Q4,growth,"OSHA\r10;CDL\r\nA"\r'

    body = await gql(IMPORT, import_input(world, text), token=world.tokens["member"])

    assert body == {
        "data": {"importDemandSignals": {"importedCount": 1, "rowErrors": [], "userErrors": []}}
    }
    [signal] = (await demand_rows(world.id))["demand_signals"]
    assert signal["credentials"] == ["OSHA\r10", "CDL\r\nA"]


async def test_a_bare_cr_outside_quotes_ends_the_row(
    gql: GraphQLClient, world: World, demand_rows: DemandRows
) -> None:
    text = HEADER + "\n51-4041,3\r,2027Q1,2027Q4,growth\n"

    body = await gql(IMPORT, import_input(world, text), token=world.tokens["member"])

    assert body["data"]["importDemandSignals"]["importedCount"] == 0
    assert body["data"]["importDemandSignals"]["userErrors"] == [
        {
            "field": ["csv"],
            "message": "2 rows have errors; nothing was imported.",
            "code": "INVALID",
        }
    ]
    assert body["data"]["importDemandSignals"]["rowErrors"] == [
        {"line": 2, "column": "start_quarter", "message": "startQuarter is required."},
        {"line": 2, "column": "end_quarter", "message": "endQuarter is required."},
        {"line": 2, "column": "openings_kind", "message": "openingsKind is required."},
        {"line": 3, "column": "occupation_code", "message": "occupationCode is required."},
        {"line": 3, "column": "openings", "message": "openings must be a whole number."},
        {"line": 3, "column": "end_quarter", "message": "A quarter is written like 2027Q1."},
        {"line": 3, "column": "openings_kind", "message": "openingsKind is required."},
    ]
    assert await demand_rows(world.id) == EMPTY


@pytest.mark.parametrize(("text", "error"), MALFORMED.values(), ids=MALFORMED.keys())
async def test_a_malformed_or_empty_file_is_a_user_error(
    gql: GraphQLClient, world: World, demand_rows: DemandRows, text: str, error: list[object]
) -> None:
    refused = (
        "The file has errors; nothing was imported."
        if error[0] == 1
        else "1 row has errors; nothing was imported."
    )

    body = await gql(IMPORT, import_input(world, text), token=world.tokens["member"])

    assert body == {
        "data": {
            "importDemandSignals": {
                "importedCount": 0,
                "rowErrors": [dict(zip(("line", "column", "message"), error, strict=True))],
                "userErrors": [{"field": ["csv"], "message": refused, "code": "INVALID"}],
            }
        }
    }
    assert await demand_rows(world.id) == EMPTY


@pytest.mark.parametrize(
    ("text", "error"), (MALFORMED | OVER_LONG).values(), ids=(MALFORMED | OVER_LONG).keys()
)
async def test_the_service_reports_a_malformed_file_and_writes_nothing(
    world: World,
    owner_sessions: SessionFactory,
    demand_rows: DemandRows,
    text: str,
    error: list[object],
) -> None:
    async with tenant_transaction(owner_sessions, world.id) as session:
        report = await csv_import.import_demand_signals(
            session,
            principal_of(world, "member"),
            organization_id=world.organizations["employer"],
            text=text,
        )

    assert [[e.line, e.column, e.message] for e in report.row_errors] == [error]
    assert report.imported_count == 0
    assert await demand_rows(world.id) == EMPTY


@pytest.mark.parametrize("end", LINE_ENDS.values(), ids=LINE_ENDS.keys())
async def test_the_service_numbers_lines_the_same_whatever_their_ends(
    world: World, owner_sessions: SessionFactory, end: str
) -> None:
    text = end.join(
        [HEADER, "51-4041,3,2027Q1,2027Q4,growth", "", "51-4041,0,2027Q1,2027Q4,growth"]
    )

    async with tenant_transaction(owner_sessions, world.id) as session:
        report = await csv_import.import_demand_signals(
            session,
            principal_of(world, "member"),
            organization_id=world.organizations["employer"],
            text=text,
        )

    assert [[e.line, e.column, e.message] for e in report.row_errors] == [
        [4, "openings", "openings must be between 1 and 100000."]
    ]
