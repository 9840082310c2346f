"""Attacks on career pathways through DRAFT programs: a draft is seen only by its
provider's people and the partnership admins, so a pathway naming one must not show
its name or provider to anyone else, and naming a draft one cannot see reads exactly
like naming a random ID."""

from __future__ import annotations

import uuid
from typing import Any

from coalition.supply.models import ProgramStatus
from tests.pathways import documents as doc
from tests.pathways.conftest import AddProgram, CreatePathway, step
from tests.support.graphql import GraphQLClient
from tests.support.world import World, global_id


def _bridging(body: dict[str, Any], pathway: str) -> list[str]:
    assert "errors" not in body, body
    [node] = [
        e["node"] for e in body["data"]["careerPathways"]["edges"] if e["node"]["id"] == pathway
    ]
    return [p["name"] for s in node["steps"] for p in s["bridgingPrograms"]]


async def test_a_pathway_naming_a_draft_shows_it_only_to_those_who_see_drafts(
    gql: GraphQLClient,
    world: World,
    add_program: AddProgram,
    create_pathway: CreatePathway,
    programs_reader: str,
) -> None:
    active = await add_program(world, "Open program", [("2.A.1.a", 3)])
    draft = await add_program(world, "Secret plan", [("2.A.1.a", 3)], status=ProgramStatus.DRAFT)
    pathway = global_id(
        "CareerPathway",
        await create_pathway(world, [], steps=[step("31-9092", program_ids=[active, draft])]),
    )

    seen = {
        person: _bridging(await gql(doc.PATHWAYS, {}, token=world.tokens[person]), pathway)
        for person in ("admin", "college_admin", "college_member", "org_admin", "member")
    }
    app = _bridging(await gql(doc.PATHWAYS, {}, token=programs_reader), pathway)

    assert seen == {
        "admin": ["Open program", "Secret plan"],
        "college_admin": ["Open program", "Secret plan"],
        "college_member": ["Open program", "Secret plan"],
        "org_admin": ["Open program"],
        "member": ["Open program"],
    }
    assert app == ["Open program"]


async def test_naming_a_draft_one_cannot_see_reads_like_a_random_id(
    gql: GraphQLClient, world: World, add_program: AddProgram
) -> None:
    draft = await add_program(world, "Secret plan", [("2.A.1.a", 3)], status=ProgramStatus.DRAFT)

    def create(program: uuid.UUID) -> dict[str, Any]:
        return {
            "input": {
                "name": "Probe",
                "organizationId": global_id("Organization", world.organizations["employer"]),
                "steps": [
                    {
                        "occupationCode": "31-9092",
                        "bridgingProgramIds": [global_id("TrainingProgram", program)],
                    }
                ],
            }
        }

    token = world.tokens["org_admin"]
    got = await gql(doc.CREATE, create(draft), token=token)
    expected = await gql(doc.CREATE, create(uuid.uuid4()), token=token)

    errors = got["data"]["createCareerPathway"]["userErrors"]
    assert [e["code"] for e in errors] == ["NOT_FOUND"]
    assert [{k: v for k, v in e.items() if k != "message"} for e in errors] == [
        {k: v for k, v in e.items() if k != "message"}
        for e in expected["data"]["createCareerPathway"]["userErrors"]
    ]
    assert got["data"]["createCareerPathway"]["careerPathway"] is None
