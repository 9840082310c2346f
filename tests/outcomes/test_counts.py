"""A member's aggregate counts: a quarter reported and reported again (replacing the same
key only), read back in pages, every bad row refused at once, only the member's own
organization admins reading or writing them, audited without a count, and invisible
to another partnership."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest

from coalition.audit.models import AuditEvent
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.funds.service.initiatives import create_initiative
from coalition.outcomes.models import AggregateCount
from coalition.pagination import encode_cursor
from tests.demand.support import principal_of
from tests.outcomes.support import CollegeProgram
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.snapshots import snapshot
from tests.support.statements import StatementCounter, without_tenant_filter
from tests.support.world import World, global_id

ROW = """id organizationId programId initiativeId quarter quarterStartsOn dimension value
  served exited completed credentialed placed"""
REPORT = f"""mutation($input: ReportAggregateCountsInput!) {{
  reportAggregateCounts(input: $input) {{ aggregateCounts {{ {ROW} }}
    userErrors {{ field message code }} }} }}"""
LIST = """query($org: ID!, $first: Int! = 50, $after: String, $quarter: String) {
  aggregateCounts(organizationId: $org, first: $first, after: $after, quarter: $quarter) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { quarter dimension value served } } } }"""
NODE = """query($id: ID!) { node(id: $id) { __typename id ... on AggregateCount { served } } }"""
TABLES = (AggregateCount.__table__,)
ACTORS = [
    "admin",
    "analyst",
    "org_admin",
    "member",
    "other_org_admin",
    "college_admin",
    "college_member",
    "reader",
    "writer",
    None,
]
KEEPER = "college_admin"


def row(dimension: str, value: str | None, *counts: int) -> dict[str, Any]:
    served, exited, completed, credentialed, placed = counts
    return {
        "dimension": dimension,
        "value": value,
        "served": served,
        "exited": exited,
        "completed": completed,
        "credentialed": credentialed,
        "placed": placed,
    }


def good_rows() -> list[dict[str, Any]]:
    return [
        row("TOTAL", None, 40, 30, 25, 20, 18),
        row("SEX", "FEMALE", 22, 16, 14, 11, 10),
        row("SEX", "male", 18, 14, 11, 9, 8),
        row("RACE_ETHNICITY", "WHITE", 30, 24, 20, 16, 14),
        row("RACE_ETHNICITY", "HISPANIC_LATINO", 15, 10, 8, 7, 6),
        row("BARRIER", "LOW_INCOME", 25, 20, 15, 12, 11),
    ]


def _input(world: World, **overrides: Any) -> dict[str, Any]:
    college = global_id("Organization", world.organizations["college"])
    given = {"organizationId": college, "quarter": "2026Q1", "rows": good_rows()}
    return {"input": given | overrides}


async def _report(gql: GraphQLClient, world: World, person: str = KEEPER, **overrides: Any) -> Any:
    body = await gql(REPORT, _input(world, **overrides), token=world.tokens[person])
    return body["data"]["reportAggregateCounts"]


async def _rows(sessions: SessionFactory, world: World) -> list[tuple[Any, ...]]:
    found = (await snapshot(sessions, world.id, TABLES))["aggregate_counts"]
    return sorted(
        (
            r["quarter_starts_on"],
            str(r["initiative_id"]),
            r["dimension"],
            r["dimension_value"],
            r["served"],
        )
        for r in found
    )


async def _initiative(sessions: SessionFactory, world: World) -> uuid.UUID:
    async with tenant_transaction(sessions, world.id) as session:
        initiative = await create_initiative(
            session,
            principal_of(world, "admin"),
            name="Machinists",
            description=None,
            starts_on=date(2026, 1, 1),
            ends_on=None,
            participant_ids=[],
        )
    return initiative.id


async def test_a_quarter_is_reported_and_read_back(
    gql: GraphQLClient, world: World, college_program: CollegeProgram
) -> None:
    program = global_id("TrainingProgram", college_program.program_id)
    payload = await _report(gql, world, quarter="2026q1", programId=program)

    assert payload["userErrors"] == []
    college = global_id("Organization", world.organizations["college"])
    shown = [{k: v for k, v in found.items() if k != "id"} for found in payload["aggregateCounts"]]
    common = {
        "organizationId": college,
        "programId": program,
        "initiativeId": None,
        "quarter": "2026Q1",
        "quarterStartsOn": "2026-01-01",
    }
    assert shown == [common | {**r, "value": (r["value"] or "").upper()} for r in good_rows()]
    listed = await gql(LIST, {"org": college}, token=world.tokens[KEEPER])
    assert [
        (e["node"]["dimension"], e["node"]["value"], e["node"]["served"])
        for e in listed["data"]["aggregateCounts"]["edges"]
    ] == [
        ("BARRIER", "LOW_INCOME", 25),
        ("RACE_ETHNICITY", "HISPANIC_LATINO", 15),
        ("RACE_ETHNICITY", "WHITE", 30),
        ("SEX", "FEMALE", 22),
        ("SEX", "MALE", 18),
        ("TOTAL", "", 40),
    ]


async def test_reporting_again_replaces_only_the_same_key_and_is_audited(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    initiative = await _initiative(owner_sessions, world)
    initiative_id = global_id("Initiative", initiative)
    assert (await _report(gql, world))["userErrors"] == []
    assert (await _report(gql, world, quarter="2026Q2"))["userErrors"] == []
    assert (await _report(gql, world, initiativeId=initiative_id))["userErrors"] == []

    again = await _report(gql, world, rows=[row("TOTAL", "", 50, 10, 5, 5, 5)])

    assert again["userErrors"] == []
    rows = await _rows(owner_sessions, world)
    q1, q2 = date(2026, 1, 1), date(2026, 4, 1)
    assert [r for r in rows if r[0] == q1 and r[1] == "None"] == [(q1, "None", "TOTAL", "", 50)]
    assert len([r for r in rows if r[0] == q1 and r[1] == str(initiative)]) == 6
    assert len([r for r in rows if r[0] == q2]) == 6
    events = (await snapshot(owner_sessions, world.id, [AuditEvent.__table__]))["audit_events"]
    reports = sorted(
        (e for e in events if e["action"] == "aggregate_counts.report"),
        key=lambda e: e["occurred_at"],
    )
    college = world.organizations["college"]
    assert [(e["object_type"], e["object_id"]) for e in reports] == [("Organization", college)] * 4
    assert [e["changes"] for e in reports] == [
        {
            "quarter": "2026Q1",
            "program_id": None,
            "initiative_id": None,
            "rows": 6,
            "replaced_rows": 0,
        },
        {
            "quarter": "2026Q2",
            "program_id": None,
            "initiative_id": None,
            "rows": 6,
            "replaced_rows": 0,
        },
        {
            "quarter": "2026Q1",
            "program_id": None,
            "initiative_id": str(initiative),
            "rows": 6,
            "replaced_rows": 0,
        },
        {
            "quarter": "2026Q1",
            "program_id": None,
            "initiative_id": None,
            "rows": 1,
            "replaced_rows": 6,
        },
    ]


def _rows_with(index: int, **changes: Any) -> list[dict[str, Any]]:
    rows = good_rows()
    rows[index] = rows[index] | changes
    return rows


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"quarter": "2026"}, [("quarter", "INVALID")]),
        ({"quarter": "2026Q5"}, [("quarter", "INVALID")]),
        ({"quarter": "PY2025"}, [("quarter", "INVALID")]),
        ({"quarter": "2099Q1"}, [("quarter", "OUT_OF_RANGE")]),
        ({"programId": global_id("TrainingProgram", uuid.uuid4())}, [("programId", "NOT_FOUND")]),
        ({"initiativeId": global_id("Initiative", uuid.uuid4())}, [("initiativeId", "NOT_FOUND")]),
        ({"rows": []}, [("rows", "REQUIRED")]),
        ({"rows": [row("TOTAL", None, 1, 0, 0, 0, 0)] * 201}, [("rows", "TOO_MANY")]),
        ({"rows": _rows_with(0, value="ALL")}, [("rows.0.value", "INVALID")]),
        ({"rows": _rows_with(1, value=None)}, [("rows.1.value", "REQUIRED")]),
        ({"rows": _rows_with(1, value="OTHER")}, [("rows.1.value", "INVALID")]),
        ({"rows": _rows_with(3, value="LATINO")}, [("rows.3.value", "INVALID")]),
        ({"rows": _rows_with(5, value="POOR")}, [("rows.5.value", "INVALID")]),
        (
            {"rows": [*good_rows(), row("AGE_BAND", "AGE_99", 1, 0, 0, 0, 0)]},
            [("rows.6.value", "INVALID")],
        ),
        (
            {"rows": [*good_rows(), row("VETERAN", "MAYBE", 1, 0, 0, 0, 0)]},
            [("rows.6.value", "INVALID")],
        ),
        ({"rows": good_rows()[1:]}, [("rows", "REQUIRED")]),
        (
            {"rows": [*good_rows(), row("TOTAL", "", 40, 30, 25, 20, 18)]},
            [("rows.6.dimension", "DUPLICATE")],
        ),
        (
            {"rows": [*good_rows(), row("SEX", "Female", 1, 0, 0, 0, 0)]},
            [("rows.6.value", "DUPLICATE")],
        ),
        ({"rows": _rows_with(4, served=-1)}, [("rows.4.served", "OUT_OF_RANGE")]),
        ({"rows": _rows_with(4, exited=16)}, [("rows.4.exited", "OUT_OF_RANGE")]),
        ({"rows": _rows_with(4, placed=11)}, [("rows.4.placed", "OUT_OF_RANGE")]),
        ({"rows": _rows_with(4, completed=11)}, [("rows.4.completed", "OUT_OF_RANGE")]),
        ({"rows": _rows_with(4, credentialed=11)}, [("rows.4.credentialed", "OUT_OF_RANGE")]),
        ({"rows": _rows_with(0, served=10_000_001)}, [("rows.0.served", "OUT_OF_RANGE")]),
        # More than the TOTAL's, in one row ...
        ({"rows": _rows_with(3, served=41)}, [("rows.3.served", "OUT_OF_RANGE")]),
        # ... or, where each person has one value, in the rows together.
        ({"rows": _rows_with(2, served=19)}, [("rows.2.served", "OUT_OF_RANGE")]),
        (
            {
                "rows": [
                    *good_rows(),
                    row("AGE_BAND", "AGE_18_24", 20, 15, 0, 0, 0),
                    row("AGE_BAND", "AGE_25_34", 20, 16, 0, 0, 0),
                ]
            },
            [("rows.7.exited", "OUT_OF_RANGE")],
        ),
        (
            {
                "rows": [
                    *good_rows(),
                    row("VETERAN", "NO", 30, 20, 20, 10, 10),
                    row("VETERAN", "VETERAN", 11, 10, 5, 5, 5),
                ]
            },
            [("rows.7.served", "OUT_OF_RANGE")],
        ),
    ],
)
async def test_a_bad_report_is_refused_and_nothing_is_written(
    gql: GraphQLClient,
    world: World,
    owner_sessions: SessionFactory,
    overrides: dict[str, Any],
    expected: list[tuple[str, str]],
) -> None:
    await _report(gql, world, quarter="2026Q3")
    before = await snapshot(owner_sessions, world.id, TABLES)

    payload = await _report(gql, world, **overrides)

    assert payload["aggregateCounts"] is None
    assert [(".".join(e["field"]), e["code"]) for e in payload["userErrors"]] == expected
    assert await snapshot(owner_sessions, world.id, TABLES) == before


async def test_races_and_barriers_may_add_up_to_more_than_the_total(
    gql: GraphQLClient, world: World
) -> None:
    rows = [
        *good_rows(),
        row("RACE_ETHNICITY", "ASIAN", 20, 15, 10, 10, 10),
        row("BARRIER", "SINGLE_PARENT", 30, 25, 20, 15, 15),
    ]

    assert (await _report(gql, world, rows=rows))["userErrors"] == []


async def test_every_bad_row_is_reported_at_once_with_its_message(
    gql: GraphQLClient, world: World
) -> None:
    rows = [
        row("TOTAL", "x", 10, 11, 0, 0, 0),
        row("SEX", "OTHER", 1, 0, 0, 0, 0),
        row("SEX", "FEMALE", 11, 0, 0, 0, 0),
    ]
    payload = await _report(gql, world, quarter="2026Q4", rows=rows)

    assert [(".".join(e["field"]), e["message"]) for e in payload["userErrors"]] == [
        ("rows.0.value", "A TOTAL row has no value: leave it empty."),
        ("rows.0.exited", "exited may not be more than served."),
        ("rows.1.value", "A SEX row's value is one of MALE, FEMALE, NOT_DISCLOSED."),
    ]


@pytest.mark.parametrize("actor", ACTORS)
async def test_only_the_members_own_admin_reports_and_reads_counts(
    gql: GraphQLClient,
    world: World,
    owner_sessions: SessionFactory,
    actor: str | None,
) -> None:
    await _report(gql, world, quarter="2026Q2")
    first = (await snapshot(owner_sessions, world.id, TABLES))["aggregate_counts"][0]["id"]
    before = await snapshot(owner_sessions, world.id, TABLES)
    college = global_id("Organization", world.organizations["college"])
    token = world.tokens[actor] if actor else None

    reported = await gql(REPORT, _input(world), token=token)
    listed = await gql(LIST, {"org": college}, token=token)
    node = await gql(NODE, {"id": global_id("AggregateCount", first)}, token=token)

    after = await snapshot(owner_sessions, world.id, TABLES)
    if actor == KEEPER:
        assert reported["data"]["reportAggregateCounts"]["userErrors"] == []
        assert len(after["aggregate_counts"]) == 12
        assert listed["data"]["aggregateCounts"]["totalCount"] == 12
        assert node["data"]["node"]["__typename"] == "AggregateCount"
        return
    assert after == before
    if actor is None:
        for body in (reported, listed, node):
            assert error_codes(body) == ["UNAUTHENTICATED"]
        return
    assert error_codes(reported) == ["FORBIDDEN"]
    assert listed == {
        "data": {
            "aggregateCounts": {
                "totalCount": 0,
                "pageInfo": {"hasNextPage": False, "endCursor": None},
                "edges": [],
            }
        }
    }
    assert node == {"data": {"node": None}}


async def test_an_employers_admin_reports_its_own_counts_only(
    gql: GraphQLClient, world: World
) -> None:
    employer = global_id("Organization", world.organizations["employer"])
    own = await gql(REPORT, _input(world, organizationId=employer), token=world.tokens["org_admin"])
    listed = await gql(LIST, {"org": employer}, token=world.tokens["org_admin"])

    assert own["data"]["reportAggregateCounts"]["userErrors"] == []
    assert listed["data"]["aggregateCounts"]["totalCount"] == 6


async def test_another_partnership_neither_sees_nor_touches_counts(
    gql: GraphQLClient, world: World, other_world: World, owner_sessions: SessionFactory
) -> None:
    await _report(gql, world)
    first = (await snapshot(owner_sessions, world.id, TABLES))["aggregate_counts"][0]["id"]
    before = await snapshot(owner_sessions, world.id, TABLES)
    college = global_id("Organization", world.organizations["college"])
    token = other_world.tokens[KEEPER]

    reported = await gql(REPORT, _input(world), token=token)
    listed = await gql(LIST, {"org": college}, token=token)
    node = await gql(NODE, {"id": global_id("AggregateCount", first)}, token=token)

    assert reported["data"]["reportAggregateCounts"]["userErrors"] == [
        {
            "field": ["organizationId"],
            "message": "No organization with this ID.",
            "code": "NOT_FOUND",
        }
    ]
    assert listed["data"]["aggregateCounts"]["totalCount"] == 0
    assert node == {"data": {"node": None}}
    assert await snapshot(owner_sessions, world.id, TABLES) == before
    assert (await snapshot(owner_sessions, other_world.id, TABLES))["aggregate_counts"] == []


async def test_counts_page_and_filter_by_quarter(gql: GraphQLClient, world: World) -> None:
    await _report(gql, world, quarter="2026Q1")
    await _report(gql, world, quarter="2026Q2", rows=[row("TOTAL", None, 5, 1, 1, 1, 1)])
    college = global_id("Organization", world.organizations["college"])
    token = world.tokens[KEEPER]

    seen: list[tuple[str, str, str]] = []
    after = None
    pages = 0
    while True:
        body = await gql(LIST, {"org": college, "first": 3, "after": after}, token=token)
        connection = body["data"]["aggregateCounts"]
        seen += [
            (e["node"]["quarter"], e["node"]["dimension"], e["node"]["value"])
            for e in connection["edges"]
        ]
        pages += 1
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    q2 = await gql(LIST, {"org": college, "quarter": "2026q2"}, token=token)
    bad = await gql(LIST, {"org": college, "quarter": "2026"}, token=token)
    cursor = encode_cursor(["2026-01-01", "NOPE", "", str(uuid.uuid4())])
    forged = await gql(LIST, {"org": college, "after": cursor}, token=token)

    assert pages == 3
    assert len(seen) == 7 and len(set(seen)) == 7
    assert seen[0][0] == "2026Q1" and seen[-1] == ("2026Q2", "TOTAL", "")
    assert [e["node"]["served"] for e in q2["data"]["aggregateCounts"]["edges"]] == [5]
    assert error_codes(bad) == ["BAD_USER_INPUT"]
    assert error_codes(forged) == ["BAD_USER_INPUT"]


async def test_the_list_takes_the_same_statements_for_1_row_or_13(
    gql: GraphQLClient, world: World, count_statements: StatementCounter
) -> None:
    college = global_id("Organization", world.organizations["college"])

    async def count(expected: int) -> int:
        count_statements.statements.clear()
        body = await gql(LIST, {"org": college}, token=world.tokens[KEEPER])
        assert body["data"]["aggregateCounts"]["totalCount"] == expected
        assert without_tenant_filter(count_statements.statements) == []
        return count_statements.count

    await _report(gql, world, quarter="2026Q1", rows=[row("TOTAL", None, 5, 1, 1, 1, 1)])
    one = await count(1)
    await _report(gql, world, quarter="2026Q2")
    await _report(gql, world, quarter="2026Q3")
    thirteen = await count(13)

    assert thirteen == one
