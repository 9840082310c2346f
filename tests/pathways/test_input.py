"""Bad input for every field of the pathway mutations: each problem a userError with
its input path, all at once, and nothing written."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.tenancy.models import Organization, OrganizationKind
from tests.pathways import documents as doc
from tests.pathways.conftest import AddProgram, CreatePathway
from tests.support.graphql import GraphQLClient
from tests.support.world import World, global_id


def _errors(body: dict[str, Any], name: str) -> list[tuple[list[str], str]]:
    assert "errors" not in body, body
    payload = body["data"][name]
    assert payload["careerPathway"] is None
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


async def _create(gql: GraphQLClient, world: World, **fields: Any) -> list[tuple[list[str], str]]:
    given = {"name": "A pathway", "steps": []} | fields
    body = await gql(doc.CREATE, {"input": given}, token=world.tokens["admin"])
    return _errors(body, "createCareerPathway")


async def _step(gql: GraphQLClient, world: World, **fields: Any) -> list[tuple[list[str], str]]:
    return await _create(gql, world, steps=[{"occupationCode": "51-4041"} | fields])


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"name": ""}, [(["name"], "BLANK")]),
        ({"name": "   "}, [(["name"], "BLANK")]),
        ({"name": "x" * 201}, [(["name"], "TOO_LONG")]),
        ({"description": "x" * 5001}, [(["description"], "TOO_LONG")]),
        ({"steps": [{"occupationCode": "51-4041"}] * 31}, [(["steps"], "TOO_MANY")]),
    ],
)
async def test_bad_pathway_fields(
    gql: GraphQLClient, world: World, fields: dict[str, Any], expected: list[Any]
) -> None:
    assert await _create(gql, world, **fields) == expected


def _money(amount: str, currency: str = "USD") -> dict[str, str]:
    return {"amountMinor": amount, "currency": currency}


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"occupationCode": ""}, [(["steps", "0", "occupationCode"], "BLANK")]),
        ({"occupationCode": "machinist"}, [(["steps", "0", "occupationCode"], "INVALID")]),
        ({"occupationCode": "51-4041.00"}, [(["steps", "0", "occupationCode"], "INVALID")]),
        ({"occupationCode": "99-9999"}, [(["steps", "0", "occupationCode"], "NOT_FOUND")]),
        (
            {"wageMin": _money("-1"), "wageUnit": "HOUR"},
            [(["steps", "0", "wageMin", "amountMinor"], "OUT_OF_RANGE")],
        ),
        (
            {"wageMin": _money("23.50"), "wageUnit": "HOUR"},
            [(["steps", "0", "wageMin", "amountMinor"], "INVALID")],
        ),
        (
            {"wageMax": _money("10000000001"), "wageUnit": "HOUR"},
            [(["steps", "0", "wageMax", "amountMinor"], "OUT_OF_RANGE")],
        ),
        (
            {"wageMin": _money("3000"), "wageMax": _money("2000"), "wageUnit": "HOUR"},
            [(["steps", "0", "wageMax"], "OUT_OF_RANGE")],
        ),
        (
            {"wageMin": _money("2000", "XYZ"), "wageUnit": "HOUR"},
            [(["steps", "0", "wageMin", "currency"], "INVALID")],
        ),
        (
            {"wageMin": _money("2000"), "wageMax": _money("3000", "CAD"), "wageUnit": "HOUR"},
            [(["steps", "0", "wageMax", "currency"], "INVALID")],
        ),
        ({"wageMin": _money("2000")}, [(["steps", "0", "wageUnit"], "REQUIRED")]),
        ({"wageUnit": "YEAR"}, [(["steps", "0", "wageUnit"], "INVALID")]),
        (
            {"workBasedLearning": ["NONE", "INTERNSHIP"]},
            [(["steps", "0", "workBasedLearning"], "INVALID")],
        ),
        (
            {"typicalEmployerIds": ["not-an-id"]},
            [(["steps", "0", "typicalEmployerIds", "0"], "NOT_FOUND")],
        ),
        (
            {"typicalEmployerIds": [global_id("Organization", uuid.uuid4())]},
            [(["steps", "0", "typicalEmployerIds", "0"], "NOT_FOUND")],
        ),
        (
            {"typicalEmployerIds": [global_id("TrainingProgram", uuid.uuid4())]},
            [(["steps", "0", "typicalEmployerIds", "0"], "NOT_FOUND")],
        ),
        (
            {"typicalEmployerIds": [global_id("Organization", uuid.uuid4())] * 21},
            [(["steps", "0", "typicalEmployerIds"], "TOO_MANY")],
        ),
        (
            {"bridgingProgramIds": [global_id("TrainingProgram", uuid.uuid4())]},
            [(["steps", "0", "bridgingProgramIds", "0"], "NOT_FOUND")],
        ),
        (
            {"bridgingProgramIds": ["TrainingProgram:nope"]},
            [(["steps", "0", "bridgingProgramIds", "0"], "NOT_FOUND")],
        ),
    ],
)
async def test_bad_step_fields(
    gql: GraphQLClient, world: World, fields: dict[str, Any], expected: list[Any]
) -> None:
    assert await _step(gql, world, **fields) == expected


async def test_duplicates_archived_and_every_problem_at_once(
    gql: GraphQLClient, world: World, add_program: AddProgram, owner_sessions: SessionFactory
) -> None:
    employer = global_id("Organization", world.organizations["employer"])
    program = global_id("TrainingProgram", await add_program(world, "P", [("2.C.4.e", 2)]))
    archived = uuid.uuid4()
    async with tenant_transaction(owner_sessions, world.id) as session:
        session.add(
            Organization(
                tenant_id=world.id,
                id=archived,
                name="Gone",
                kind=OrganizationKind.EMPLOYER,
                archived_at=datetime.now(UTC),
            )
        )

    found = await _create(
        gql,
        world,
        name="",
        steps=[
            {"occupationCode": "51-4041"},
            {
                "occupationCode": "99-9999",
                "typicalEmployerIds": [employer, employer, global_id("Organization", archived)],
                "bridgingProgramIds": [program, program],
                "wageMin": _money("-5"),
            },
        ],
    )

    assert found == [
        (["name"], "BLANK"),
        (["steps", "1", "occupationCode"], "NOT_FOUND"),
        (["steps", "1", "wageMin", "amountMinor"], "OUT_OF_RANGE"),
        (["steps", "1", "wageUnit"], "REQUIRED"),
        (["steps", "1", "typicalEmployerIds", "1"], "DUPLICATE"),
        (["steps", "1", "typicalEmployerIds", "2"], "ARCHIVED"),
        (["steps", "1", "bridgingProgramIds", "1"], "DUPLICATE"),
    ]


@pytest.mark.parametrize(
    ("organization", "code"),
    [("college", "INVALID"), (None, "NOT_FOUND")],
)
async def test_a_pathway_is_owned_by_an_employer_only(
    gql: GraphQLClient, world: World, organization: str | None, code: str
) -> None:
    owner = (
        global_id("Organization", world.organizations[organization])
        if organization
        else global_id("Organization", uuid.uuid4())
    )

    assert await _create(gql, world, organizationId=owner) == [(["organizationId"], code)]


async def test_bad_ids_of_the_step_mutations(
    gql: GraphQLClient, world: World, create_pathway: CreatePathway
) -> None:
    await create_pathway(world, ["51-4041"])
    step = {"occupationCode": "51-4041"}
    random_pathway = global_id("CareerPathway", uuid.uuid4())
    random_step = global_id("CareerPathwayStep", uuid.uuid4())
    for document, name, given, field in [
        (doc.ADD, "addCareerPathwayStep", {"pathwayId": random_pathway, "step": step}, "pathwayId"),
        (doc.ADD, "addCareerPathwayStep", {"pathwayId": "junk", "step": step}, "pathwayId"),
        (doc.UPDATE, "updateCareerPathwayStep", {"stepId": random_step, "step": step}, "stepId"),
        (doc.UPDATE, "updateCareerPathwayStep", {"stepId": random_pathway, "step": step}, "stepId"),
        (
            doc.REORDER,
            "reorderCareerPathwaySteps",
            {"pathwayId": random_pathway, "stepIds": []},
            "pathwayId",
        ),
        (doc.RETIRE, "retireCareerPathwayStep", {"stepId": random_step}, "stepId"),
    ]:
        body = await gql(document, {"input": given}, token=world.tokens["admin"])
        assert _errors(body, name) == [([field], "NOT_FOUND")], (name, given)


async def test_a_bad_step_change_reports_its_path(
    gql: GraphQLClient, world: World, create_pathway: CreatePathway
) -> None:
    pathway = global_id("CareerPathway", await create_pathway(world, ["51-4041"]))
    read = await gql(doc.PATHWAY, {"id": pathway}, token=world.tokens["admin"])
    step_id = read["data"]["careerPathway"]["steps"][0]["id"]

    added = await gql(
        doc.ADD,
        {"input": {"pathwayId": pathway, "step": {"occupationCode": "00-0000"}}},
        token=world.tokens["admin"],
    )
    changed = await gql(
        doc.UPDATE,
        {"input": {"stepId": step_id, "step": {"occupationCode": "51-4041", "wageUnit": "HOUR"}}},
        token=world.tokens["admin"],
    )

    assert _errors(added, "addCareerPathwayStep") == [(["step", "occupationCode"], "NOT_FOUND")]
    assert _errors(changed, "updateCareerPathwayStep") == [(["step", "wageUnit"], "INVALID")]
