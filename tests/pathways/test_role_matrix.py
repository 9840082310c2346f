"""Who may do what with career pathways: every mutation x every person of the test
world and its partner apps, for the partnership's own pathway and an employer's.

Writing: partnership admins any pathway; the employer's organization admins its own.
Reading: every member and partner apps with programs:read."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.pathways import documents as doc
from tests.pathways.conftest import CreatePathway
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.world import PEOPLE, World, global_id

ACTORS = [*PEOPLE, "reader", "writer", "programs_reader"]
MUTATIONS = ["create", "add", "update", "reorder", "retire"]
WRITERS = {None: {"admin"}, "employer": {"admin", "org_admin"}}
READERS = set(PEOPLE) | {"programs_reader"}


def _token(world: World, actor: str, programs_reader: str) -> str:
    return programs_reader if actor == "programs_reader" else world.tokens[actor]


async def _request(
    gql: GraphQLClient,
    world: World,
    create_pathway: CreatePathway,
    mutation: str,
    owner: str | None,
) -> tuple[str, str, dict[str, Any]]:
    """The document, payload name and variables of ``mutation`` on a fresh pathway."""
    step = {"occupationCode": "51-4111"}
    if mutation == "create":
        given: dict[str, Any] = {"name": "New", "steps": [step]}
        if owner:
            given["organizationId"] = global_id("Organization", world.organizations[owner])
        return doc.CREATE, "createCareerPathway", {"input": given}
    pathway_id = await create_pathway(world, ["51-4041", "51-4111"], organization=owner)
    pathway = global_id("CareerPathway", pathway_id)
    read = await gql(doc.PATHWAY, {"id": pathway}, token=world.tokens["admin"])
    steps = [s["id"] for s in read["data"]["careerPathway"]["steps"]]
    return {
        "add": (doc.ADD, "addCareerPathwayStep", {"input": {"pathwayId": pathway, "step": step}}),
        "update": (
            doc.UPDATE,
            "updateCareerPathwayStep",
            {"input": {"stepId": steps[0], "step": step}},
        ),
        "reorder": (
            doc.REORDER,
            "reorderCareerPathwaySteps",
            {"input": {"pathwayId": pathway, "stepIds": steps[::-1]}},
        ),
        "retire": (doc.RETIRE, "retireCareerPathwayStep", {"input": {"stepId": steps[1]}}),
    }[mutation]


@pytest.mark.parametrize("owner", [None, "employer"])
@pytest.mark.parametrize("mutation", MUTATIONS)
@pytest.mark.parametrize("actor", ACTORS)
async def test_who_may_change_a_pathway(
    gql: GraphQLClient,
    world: World,
    create_pathway: CreatePathway,
    programs_reader: str,
    actor: str,
    mutation: str,
    owner: str | None,
) -> None:
    document, name, variables = await _request(gql, world, create_pathway, mutation, owner)

    body = await gql(document, variables, token=_token(world, actor, programs_reader))

    if actor in WRITERS[owner]:
        assert "errors" not in body, body
        assert body["data"][name]["userErrors"] == []
        assert body["data"][name]["careerPathway"] is not None
    else:
        assert error_codes(body) == ["FORBIDDEN"], body
        assert body["data"] is None or body["data"][name] is None


@pytest.mark.parametrize("actor", ACTORS)
async def test_who_may_read_pathways(
    gql: GraphQLClient,
    world: World,
    create_pathway: CreatePathway,
    programs_reader: str,
    actor: str,
) -> None:
    pathway = global_id("CareerPathway", await create_pathway(world, ["51-4041"]))
    token = _token(world, actor, programs_reader)

    listed = await gql(doc.PATHWAYS, {"first": 5}, token=token)
    one = await gql(doc.PATHWAY, {"id": pathway}, token=token)
    node = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": pathway}, token=token)

    if actor in READERS:
        assert listed["data"]["careerPathways"]["totalCount"] == 1
        assert one["data"]["careerPathway"]["id"] == pathway
        assert node["data"]["node"] == {"id": pathway}
    else:
        assert error_codes(listed) == ["FORBIDDEN"]
        # A pathway the caller may not see reads exactly like a random ID.
        assert one["data"]["careerPathway"] is None
        assert node["data"]["node"] is None
        random = global_id("CareerPathway", uuid.uuid4())
        assert (await gql(doc.PATHWAY, {"id": random}, token=token))["data"] == one["data"]
