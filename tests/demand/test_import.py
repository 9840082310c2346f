"""importDemandSignals: a CSV file becomes signals, all rows or none, with a full report."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select

from coalition.audit.models import AuditEvent
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from tests.demand.support import EMPTY, EXAMPLE, HEADER, IMPORT, DemandRows, import_input
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.world import World, global_id


async def test_the_example_file_imports_every_row(
    gql: GraphQLClient, world: World, demand_rows: DemandRows, owner_sessions: SessionFactory
) -> None:
    body = await gql(IMPORT, import_input(world, EXAMPLE.read_text()), token=world.tokens["member"])

    assert body["data"]["importDemandSignals"] == {
        "importedCount": 10,
        "rowErrors": [],
        "userErrors": [],
    }
    rows = await demand_rows(world.id)
    assert len(rows["demand_signals"]) == 10
    assert len(rows["demand_signal_skills"]) == 31
    assert sorted(row["version"] for row in rows["demand_signal_versions"]) == [1] * 10
    [engineer] = [row for row in rows["demand_signals"] if row["occupation_code"] == "17-3026"]
    assert {
        key: engineer[key]
        for key in (
            "openings",
            "start_quarter",
            "end_quarter",
            "openings_kind",
            "wage_min_minor",
            "wage_max_minor",
            "wage_unit",
            "currency",
            "is_degree_required",
            "credentials",
            "work_based_learning",
            "city",
            "postal_code",
            "sharing_level",
            "status",
            "version",
            "organization_id",
            "created_by_user_id",
        )
    } == {
        "openings": 1,
        "start_quarter": date(2027, 7, 1),
        "end_quarter": date(2027, 10, 1),
        "openings_kind": "GROWTH",
        "wage_min_minor": 5_800_000,
        "wage_max_minor": 7_200_000,
        "wage_unit": "YEAR",
        "currency": "USD",
        "is_degree_required": True,
        "credentials": ["Lean Six Sigma Green Belt"],
        "work_based_learning": ["INTERNSHIP"],
        "city": "Muskegon",
        "postal_code": "49440",
        "sharing_level": "POOLED",
        "status": "DRAFT",
        "version": 1,
        "organization_id": world.organizations["employer"],
        "created_by_user_id": world.users["member"],
    }
    assert sorted(
        (row["skill_id"], row["level"])
        for row in rows["demand_signal_skills"]
        if row["signal_id"] == engineer["id"]
    ) == [("2.A.2.a", 3), ("2.B.2.i", 3), ("2.C.2.a", 3)]
    async with tenant_transaction(owner_sessions, world.id) as session:
        events = list(
            await session.scalars(
                select(AuditEvent).where(
                    AuditEvent.tenant_id == world.id, AuditEvent.action.like("demand_signal.%")
                )
            )
        )
    assert [(e.action, e.object_id, e.changes) for e in events] == [
        (
            "demand_signal.import",
            world.organizations["employer"],
            {"demand_signals": {"from": None, "to": 10}},
        ),
    ]


async def test_a_file_with_bad_rows_imports_nothing_and_reports_every_problem(
    gql: GraphQLClient, world: World, demand_rows: DemandRows
) -> None:
    csv = (
        "\n".join(
            [
                HEADER + ",wage_min,wage_max,wage_unit,skills,postal_code,degree_required,status",
                "51-4041,2,2027Q1,2027Q4,growth,23.50,29.00,hour,2.B.3.h:3,49440,no,active",
                "99-9999,0,2027Q1,2027Q4,growth,,,,,,,",
                "51-4121,3,2027Q3,2027Q1,sideways,23.505,29,hour,2.B.3.h;9.Z.9:2;2.A.1.a:5,4944,maybe,",
                "",
                "51-4041,1,2027Q9,2027Q4,replacement,30.00,25.00,,,,,filled",
                '51-4041,1,2027Q1,2027Q4,growth,"$1,200.00",,year,"2.A.1.a:2;',
                'ES.teamwork:2",,,active',
                "51-4041,1,2027Q1,2027Q4,growth,,,,,,,,extra",
            ]
        )
        + "\n"
    )

    body = await gql(IMPORT, import_input(world, csv), token=world.tokens["org_admin"])

    payload = body["data"]["importDemandSignals"]
    assert payload["importedCount"] == 0
    assert payload["userErrors"] == [
        {
            "field": ["csv"],
            "message": "4 rows have errors; nothing was imported.",
            "code": "INVALID",
        }
    ]
    # Cross-field rules come in the same round as the rest (line 4's horizon, line 6's wages).
    assert [(e["line"], e["column"], e["message"]) for e in payload["rowErrors"]] == [
        (3, "occupation_code", "No occupation with SOC code '99-9999'."),
        (3, "openings", "openings must be between 1 and 100000."),
        (4, "wage_min", "Give at most 2 decimals (whole cents)."),
        (4, "degree_required", "Write yes or no."),
        (4, "skills", "Write each skill as ID:LEVEL, e.g. 2.A.1.a:3 (not '2.B.3.h')."),
        (4, "openings_kind", "openingsKind must be one of GROWTH, REPLACEMENT."),
        (4, "skills", "item 1: No skill with ID '9.Z.9'."),
        (4, "skills", "item 2: level must be between 1 and 4."),
        (4, "postal_code", "postalCode must be a ZIP code: 12345 or 12345-6789."),
        (4, "end_quarter", "endQuarter must not be before startQuarter."),
        (6, "start_quarter", "The quarter must be Q1, Q2, Q3 or Q4."),
        (6, "status", "a new signal cannot become FILLED."),
        (6, "wage_max", "wageMax must not be less than wageMin."),
        (6, "wage_unit", "Say whether the wages are per HOUR or per YEAR."),
        (9, "row", "The row has more cells than the header."),
    ]
    assert await demand_rows(world.id) == EMPTY


async def test_quoted_cells_may_span_lines(
    gql: GraphQLClient, world: World, demand_rows: DemandRows
) -> None:
    csv = (
        HEADER + ",wage_min,wage_unit,skills,credentials\n"
        '51-4041,1,2027Q1,2027Q4,growth,"$1,200.00",year,"2.A.1.a:2;\nES.teamwork:2",'
        '"OSHA 10;\nForklift"\n'
        "51-4041,x,2027Q1,2027Q4,growth,,,,\n"
    )

    body = await gql(IMPORT, import_input(world, csv), token=world.tokens["member"])

    assert body["data"]["importDemandSignals"]["rowErrors"] == [
        {"line": 5, "column": "openings", "message": "openings must be a whole number."},
    ]
    assert await demand_rows(world.id) == EMPTY


async def test_the_header_must_name_the_required_columns(gql: GraphQLClient, world: World) -> None:
    csv = "occupation_code,openings,start_quarter,colour\n51-4041,1,2027Q1,red\n"

    body = await gql(IMPORT, import_input(world, csv), token=world.tokens["member"])

    assert body["data"]["importDemandSignals"]["rowErrors"] == [
        {"line": 1, "column": "colour", "message": "Unknown columns: colour."},
        {
            "line": 1,
            "column": "end_quarter",
            "message": "Missing columns: end_quarter, openings_kind.",
        },
    ]


async def test_an_empty_file_is_reported(gql: GraphQLClient, world: World) -> None:
    body = await gql(IMPORT, import_input(world, HEADER + "\n\n"), token=world.tokens["member"])

    assert body["data"]["importDemandSignals"] == {
        "importedCount": 0,
        "userErrors": [
            {
                "field": ["csv"],
                "message": "The file has errors; nothing was imported.",
                "code": "INVALID",
            }
        ],
        "rowErrors": [
            {"line": 1, "column": "row", "message": "The file has no rows under its header."}
        ],
    }


async def test_only_the_employers_people_and_admins_import(
    gql: GraphQLClient, world: World, demand_rows: DemandRows
) -> None:
    csv = HEADER + "\n51-4041,1,2027Q1,2027Q4,growth\n"
    codes = {}

    for actor in ("analyst", "other_org_admin", "reader", "writer"):
        codes[actor] = error_codes(
            await gql(IMPORT, import_input(world, csv), token=world.tokens[actor])
        )
    admin = await gql(IMPORT, import_input(world, csv), token=world.tokens["admin"])

    assert codes == {actor: ["FORBIDDEN"] for actor in codes}
    assert admin["data"]["importDemandSignals"]["importedCount"] == 1
    assert len((await demand_rows(world.id))["demand_signals"]) == 1


async def test_an_import_for_another_tenants_employer_finds_no_employer(
    gql: GraphQLClient, world: World, other_world: World
) -> None:
    csv = HEADER + "\n51-4041,1,2027Q1,2027Q4,growth\n"
    bodies = []
    for organization_id in (other_world.organizations["employer"], uuid.uuid4()):
        given = {
            "input": {"organizationId": global_id("Organization", organization_id), "csv": csv}
        }
        bodies.append(await gql(IMPORT, given, token=world.tokens["admin"]))

    assert bodies[0] == bodies[1]
    assert bodies[0]["data"]["importDemandSignals"] == {
        "importedCount": 0,
        "rowErrors": [],
        "userErrors": [
            {
                "field": ["organizationId"],
                "message": "No organization with this ID.",
                "code": "NOT_FOUND",
            }
        ],
    }
