"""Another partnership's pathways, steps, organizations and programs: every ID of
theirs in every mutation and query reads exactly like a random ID, and nothing of
theirs changes."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import text

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from tests.pathways import documents as doc
from tests.pathways.conftest import AddProgram, CreatePathway
from tests.support.graphql import GraphQLClient
from tests.support.world import World, global_id


async def _their_rows(sessions: SessionFactory, world: World) -> list[Any]:
    async with tenant_transaction(sessions, world.id) as session:
        rows = await session.execute(
            text(
                "SELECT s.id, s.position, s.occupation_code, s.retired_at, s.updated_at "
                "FROM career_pathway_steps s WHERE s.tenant_id = :t ORDER BY s.id"
            ),
            {"t": world.id},
        )
        return list(rows)


async def test_their_pathway_and_steps_are_not_found_anywhere(
    gql: GraphQLClient,
    world: World,
    other_world: World,
    create_pathway: CreatePathway,
    owner_sessions: SessionFactory,
) -> None:
    theirs = global_id("CareerPathway", await create_pathway(other_world, ["51-4041", "51-4111"]))
    read = await gql(doc.PATHWAY, {"id": theirs}, token=other_world.tokens["admin"])
    their_steps = [s["id"] for s in read["data"]["careerPathway"]["steps"]]
    before = await _their_rows(owner_sessions, other_world)
    random_pathway = global_id("CareerPathway", uuid.uuid4())
    random_step = global_id("CareerPathwayStep", uuid.uuid4())
    step = {"occupationCode": "51-4041"}
    token = world.tokens["admin"]

    for document, name, foreign, random in [
        (
            doc.ADD,
            "addCareerPathwayStep",
            {"pathwayId": theirs, "step": step},
            {"pathwayId": random_pathway, "step": step},
        ),
        (
            doc.UPDATE,
            "updateCareerPathwayStep",
            {"stepId": their_steps[0], "step": step},
            {"stepId": random_step, "step": step},
        ),
        (
            doc.REORDER,
            "reorderCareerPathwaySteps",
            {"pathwayId": theirs, "stepIds": their_steps[::-1]},
            {"pathwayId": random_pathway, "stepIds": their_steps[::-1]},
        ),
        (
            doc.RETIRE,
            "retireCareerPathwayStep",
            {"stepId": their_steps[1]},
            {"stepId": random_step},
        ),
    ]:
        got = await gql(document, {"input": foreign}, token=token)
        expected = await gql(document, {"input": random}, token=token)
        assert got == expected, name
        assert got["data"][name]["userErrors"][0]["code"] == "NOT_FOUND"

    assert await _their_rows(owner_sessions, other_world) == before
    one = await gql(doc.PATHWAY, {"id": theirs}, token=token)
    assert one == {"data": {"careerPathway": None}}
    node = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": theirs}, token=token)
    assert node == {"data": {"node": None}}
    listed = await gql(doc.PATHWAYS, {"first": 10}, token=token)
    assert listed["data"]["careerPathways"]["totalCount"] == 0


async def test_their_organizations_and_programs_are_not_found_in_a_step(
    gql: GraphQLClient, world: World, other_world: World, add_program: AddProgram
) -> None:
    their_program = global_id(
        "TrainingProgram", await add_program(other_world, "Theirs", [("2.C.4.e", 4)])
    )
    their_employer = global_id("Organization", other_world.organizations["employer"])
    results = []
    for employer, program in [
        (their_employer, their_program),
        (global_id("Organization", uuid.uuid4()), global_id("TrainingProgram", uuid.uuid4())),
    ]:
        body = await gql(
            doc.CREATE,
            {
                "input": {
                    "name": "Mixed",
                    "steps": [
                        {
                            "occupationCode": "29-2061",
                            "typicalEmployerIds": [employer],
                            "bridgingProgramIds": [program],
                        }
                    ],
                }
            },
            token=world.tokens["admin"],
        )
        results.append(body)

    assert results[0] == results[1]
    assert [e["code"] for e in results[0]["data"]["createCareerPathway"]["userErrors"]] == [
        "NOT_FOUND",
        "NOT_FOUND",
    ]
    owned = await gql(
        doc.CREATE,
        {"input": {"name": "Theirs", "organizationId": their_employer}},
        token=world.tokens["admin"],
    )
    assert owned["data"]["createCareerPathway"]["userErrors"] == [
        {
            "field": ["organizationId"],
            "message": "No organization with this ID.",
            "code": "NOT_FOUND",
        }
    ]


async def test_an_organization_admin_of_another_employer_cannot_touch_ours(
    gql: GraphQLClient, world: World, create_pathway: CreatePathway
) -> None:
    ours = global_id(
        "CareerPathway", await create_pathway(world, ["51-4041"], organization="employer")
    )

    body = await gql(
        doc.ADD,
        {"input": {"pathwayId": ours, "step": {"occupationCode": "51-4111"}}},
        token=world.tokens["other_org_admin"],
    )

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    read = await gql(doc.PATHWAY, {"id": ours}, token=world.tokens["admin"])
    assert len(read["data"]["careerPathway"]["steps"]) == 1
