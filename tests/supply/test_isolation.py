"""With a token of partnership A, partnership B's programs and cohorts behave as if they
did not exist: every read answers as for a random ID, every mutation gets NOT_FOUND as
for a random ID, A's lists never show B's programs, and nothing is written in either
partnership."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from coalition.db.engine import SessionFactory
from tests.supply.support import (
    CREATE,
    CREATE_COHORT,
    SET_STATUS,
    UPDATE,
    UPDATE_COHORT,
    AddCohort,
    AddProgram,
    program_input,
)
from tests.support.graphql import GraphQLClient
from tests.support.snapshots import snapshot
from tests.support.world import World, global_id

READS = {
    "trainingProgram": "query($p: ID!) { trainingProgram(id: $p) { id name } }",
    "node(program)": "query($p: ID!) { node(id: $p) { id } }",
    "node(cohort)": "query($c: ID!) { node(id: $c) { id } }",
    "nodes": "query($p: ID!, $c: ID!) { nodes(ids: [$p, $c]) { id } }",
    "trainingPrograms(providerId)": """query($o: ID!) {
        trainingPrograms(first: 50, filter: {providerId: $o}) {
            totalCount edges { node { id } } } }""",
    "node(organization).trainingPrograms": """query($o: ID!) { node(id: $o) {
        ... on Organization { trainingPrograms(first: 5) { totalCount } } } }""",
}


def _variables(query: str, program: str, cohort: str, organization: str) -> dict[str, str]:
    given = {"p": program, "c": cohort, "o": organization}
    return {name: value for name, value in given.items() if f"${name}" in query}


@pytest.mark.parametrize("name", list(READS))
async def test_another_partnerships_ids_read_like_random_ones(
    gql: GraphQLClient,
    world: World,
    other_world: World,
    owner_sessions: SessionFactory,
    new_program: AddProgram,
    new_cohort: AddCohort,
    name: str,
) -> None:
    program_id = await new_program(other_world)
    cohort_id = await new_cohort(other_world, program_id)
    query = READS[name]
    before = await snapshot(owner_sessions, other_world.id)

    theirs = await gql(
        query,
        _variables(
            query,
            global_id("TrainingProgram", program_id),
            global_id("Cohort", cohort_id),
            global_id("Organization", other_world.organizations["college"]),
        ),
        token=world.tokens["admin"],
    )
    random = await gql(
        query,
        _variables(
            query,
            global_id("TrainingProgram", uuid.uuid4()),
            global_id("Cohort", uuid.uuid4()),
            global_id("Organization", uuid.uuid4()),
        ),
        token=world.tokens["admin"],
    )

    assert theirs == random
    assert "errors" not in theirs
    assert await snapshot(owner_sessions, other_world.id) == before


async def test_lists_show_only_the_callers_partnership(
    gql: GraphQLClient, world: World, other_world: World, new_program: AddProgram
) -> None:
    await new_program(other_world, name="Theirs")
    await new_program(world, name="Ours")

    body = await gql(
        "{ trainingPrograms(first: 50) { totalCount edges { node { name } } } }",
        token=world.tokens["admin"],
    )

    assert body["data"]["trainingPrograms"] == {
        "totalCount": 1,
        "edges": [{"node": {"name": "Ours"}}],
    }


def _mutations(
    world: World, program: str, cohort: str
) -> dict[str, tuple[str, dict[str, Any], str]]:
    return {
        "updateTrainingProgram": (UPDATE, {"input": {"id": program, "hours": 5}}, "id"),
        "setTrainingProgramStatus": (
            SET_STATUS,
            {"input": {"id": program, "status": "DISCONTINUED"}},
            "id",
        ),
        "createCohort": (
            CREATE_COHORT,
            {
                "input": {
                    "programId": program,
                    "startsOn": "2028-01-10",
                    "endsOn": "2028-05-01",
                    "seats": 12,
                    "expectedCompletionRate": 90,
                }
            },
            "programId",
        ),
        "updateCohort": (UPDATE_COHORT, {"input": {"id": cohort, "seats": 3}}, "id"),
    }


@pytest.mark.parametrize(
    "name", ["updateTrainingProgram", "setTrainingProgramStatus", "createCohort", "updateCohort"]
)
async def test_another_partnerships_program_cannot_be_changed(
    gql: GraphQLClient,
    world: World,
    other_world: World,
    owner_sessions: SessionFactory,
    new_program: AddProgram,
    new_cohort: AddCohort,
    name: str,
) -> None:
    program_id = await new_program(other_world)
    cohort_id = await new_cohort(other_world, program_id)
    before = await snapshot(owner_sessions, other_world.id, leave_out=["audit_events"])
    document, variables, field = _mutations(
        world, global_id("TrainingProgram", program_id), global_id("Cohort", cohort_id)
    )[name]

    body = await gql(document, variables, token=world.tokens["admin"])

    errors = body["data"][name]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [([field], "NOT_FOUND")]
    assert await snapshot(owner_sessions, other_world.id, leave_out=["audit_events"]) == before


async def test_a_program_cannot_be_added_to_another_partnerships_organization(
    gql: GraphQLClient,
    world: World,
    other_world: World,
    owner_sessions: SessionFactory,
) -> None:
    before = await snapshot(owner_sessions, other_world.id)
    given = program_input(world) | {
        "organizationId": global_id("Organization", other_world.organizations["college"])
    }

    body = await gql(CREATE, {"input": given}, token=world.tokens["admin"])

    assert body["data"]["createTrainingProgram"]["userErrors"] == [
        {
            "field": ["organizationId"],
            "message": "No organization with this ID.",
            "code": "NOT_FOUND",
        }
    ]
    assert await snapshot(owner_sessions, other_world.id) == before
