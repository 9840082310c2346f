"""Adding and changing cohorts, and what they are expected to complete."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from coalition.audit.models import AuditEvent
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from tests.supply.support import (
    COHORT,
    CREATE_COHORT,
    SET_STATUS,
    UPDATE_COHORT,
    AddCohort,
    AddProgram,
    SupplyRows,
)
from tests.support.graphql import GraphQLClient
from tests.support.world import World, global_id

COHORTS = f"""query($id: ID!) {{ trainingProgram(id: $id) {{
  cohorts(first: 2) {{ totalCount pageInfo {{ hasNextPage endCursor }}
  edges {{ node {{ {COHORT} }} }} }} }} }}"""
MORE = """query($id: ID!, $after: String) { trainingProgram(id: $id) {
  cohorts(first: 2, after: $after) { edges { node { startsOn } } } } }"""


def _input(program_id: str, **overrides: Any) -> dict[str, Any]:
    given = {
        "programId": program_id,
        "startsOn": "2027-09-06",
        "endsOn": "2027-12-17",
        "seats": 24,
        "expectedCompletionRate": 85.55,
    }
    return {"input": given | overrides}


async def test_a_provider_admin_adds_a_cohort(
    gql: GraphQLClient,
    world: World,
    owner_sessions: SessionFactory,
    new_program: AddProgram,
    supply_rows: SupplyRows,
) -> None:
    program_id = global_id("TrainingProgram", await new_program(world))

    body = await gql(
        CREATE_COHORT, _input(program_id, enrolled=17), token=world.tokens["college_admin"]
    )

    payload = body["data"]["createCohort"]
    assert payload["userErrors"] == []
    assert {k: v for k, v in payload["cohort"].items() if k != "id"} == {
        "startsOn": "2027-09-06",
        "endsOn": "2027-12-17",
        "seats": 24,
        "enrolled": 17,
        "expectedCompletionRate": 85.55,
        "expectedCompleters": 14.5435,
        "status": "PLANNED",
        "program": {"id": program_id, "name": "CNC Machining Certificate"},
    }
    [row] = (await supply_rows(world.id))["training_cohorts"]
    assert (row["seats"], row["enrolled"], row["completion_rate_percent"]) == (
        24,
        17,
        Decimal("85.55"),
    )
    async with tenant_transaction(owner_sessions, world.id) as session:
        actions = list(
            await session.scalars(
                select(AuditEvent.action).where(AuditEvent.object_id == row["id"])
            )
        )
    assert actions == ["cohort.create"]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"seats": 20, "completion_rate_percent": "80"}, 16.0),
        ({"seats": 20, "enrolled": 15, "completion_rate_percent": "80"}, 12.0),
        ({"seats": 20, "enrolled": 0, "completion_rate_percent": "80"}, 0.0),
        ({"seats": 7, "completion_rate_percent": "33.33"}, 2.3331),
        ({"seats": 20, "completion_rate_percent": "80", "status": "CANCELLED"}, 0.0),
    ],
)
async def test_expected_completers_are_enrolled_or_seats_times_the_rate(
    gql: GraphQLClient,
    world: World,
    new_program: AddProgram,
    new_cohort: AddCohort,
    fields: dict[str, Any],
    expected: float,
) -> None:
    program_id = await new_program(world)
    cohort_id = await new_cohort(world, program_id, **fields)

    body = await gql(
        "query($id: ID!) { node(id: $id) { ... on Cohort { expectedCompleters } } }",
        {"id": global_id("Cohort", cohort_id)},
        token=world.tokens["member"],
    )

    assert body["data"]["node"] == {"expectedCompleters": expected}


async def test_changes_to_a_cohort_and_its_status(
    gql: GraphQLClient, world: World, new_program: AddProgram, new_cohort: AddCohort
) -> None:
    cohort_id = global_id("Cohort", await new_cohort(world, await new_program(world)))
    token = world.tokens["admin"]

    async def change(**given: Any) -> dict[str, Any]:
        body = await gql(UPDATE_COHORT, {"input": {"id": cohort_id, **given}}, token=token)
        result: dict[str, Any] = body["data"]["updateCohort"]
        return result

    enrolling = await change(status="ENROLLING", enrolled=18)
    running = await change(status="RUNNING", expectedCompletionRate=72.5)
    unknown = await change(enrolled=None)
    completed = await change(status="COMPLETED")
    again = await change(status="RUNNING")

    assert enrolling["cohort"]["status"] == "ENROLLING"
    assert enrolling["cohort"]["expectedCompleters"] == 15.3
    assert running["cohort"]["expectedCompleters"] == 13.05
    assert unknown["cohort"]["expectedCompleters"] == 14.5
    assert completed["cohort"]["status"] == "COMPLETED"
    assert again == {
        "cohort": None,
        "userErrors": [
            {
                "field": ["status"],
                "message": "a COMPLETED cohort cannot become RUNNING.",
                "code": "INVALID_TRANSITION",
            }
        ],
    }


async def test_cohorts_page_earliest_start_first(
    gql: GraphQLClient, world: World, new_program: AddProgram, new_cohort: AddCohort
) -> None:
    program_id = await new_program(world)
    for month in (9, 1, 5):
        await new_cohort(
            world, program_id, starts_on=f"2027-{month:02d}-01", ends_on=f"2027-{month:02d}-28"
        )
    gid = global_id("TrainingProgram", program_id)

    first = await gql(COHORTS, {"id": gid}, token=world.tokens["member"])
    connection = first["data"]["trainingProgram"]["cohorts"]
    rest = await gql(
        MORE,
        {"id": gid, "after": connection["pageInfo"]["endCursor"]},
        token=world.tokens["member"],
    )

    assert connection["totalCount"] == 3
    assert connection["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["startsOn"] for e in connection["edges"]] == ["2027-01-01", "2027-05-01"]
    assert rest["data"]["trainingProgram"]["cohorts"]["edges"] == [
        {"node": {"startsOn": "2027-09-01"}}
    ]


async def test_a_discontinued_program_takes_no_new_cohort(
    gql: GraphQLClient, world: World, new_program: AddProgram, supply_rows: SupplyRows
) -> None:
    program_id = global_id("TrainingProgram", await new_program(world))
    token = world.tokens["college_admin"]
    await gql(SET_STATUS, {"input": {"id": program_id, "status": "DISCONTINUED"}}, token=token)
    before = await supply_rows(world.id)

    body = await gql(CREATE_COHORT, _input(program_id, seats=-1), token=token)

    assert body["data"]["createCohort"] == {
        "cohort": None,
        "userErrors": [
            {
                "field": ["programId"],
                "message": "This program is DISCONTINUED: it takes no new cohorts.",
                "code": "INVALID",
            },
            {
                "field": ["seats"],
                "message": "seats must be between 0 and 10000.",
                "code": "OUT_OF_RANGE",
            },
        ],
    }
    assert await supply_rows(world.id) == before


@pytest.mark.parametrize(
    ("viewer", "seen"),
    [("college_member", True), ("admin", True), ("member", False), ("other_org_admin", False)],
)
async def test_a_cohort_of_a_draft_program_is_seen_only_where_the_program_is(
    gql: GraphQLClient,
    world: World,
    new_program: AddProgram,
    new_cohort: AddCohort,
    viewer: str,
    seen: bool,
) -> None:
    program_id = await new_program(world, status="DRAFT")
    cohort_id = global_id("Cohort", await new_cohort(world, program_id))

    body = await gql(
        "query($id: ID!) { node(id: $id) { id } }", {"id": cohort_id}, token=world.tokens[viewer]
    )
    by_program = await gql(
        "query($id: ID!) { trainingProgram(id: $id) { id } }",
        {"id": global_id("TrainingProgram", program_id)},
        token=world.tokens[viewer],
    )

    assert body["data"]["node"] == ({"id": cohort_id} if seen else None)
    assert (by_program["data"]["trainingProgram"] is not None) is seen
