"""Career pathways through GraphQL: creating one, its steps and the skills each adds,
adding, changing, reordering and retiring steps, and the audit log."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import text

from coalition.api.relay import from_global_id
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from tests.pathways import documents as doc
from tests.pathways.conftest import AddProgram, CreatePathway
from tests.support.graphql import GraphQLClient
from tests.support.world import World, global_id


def plain_id(step_id: str) -> str:
    """The plain UUID inside a step's global ID (what the audit log records)."""
    decoded = from_global_id(step_id, "CareerPathwayStep")
    assert decoded is not None
    return str(decoded[1])


def _ids(pathway: dict[str, Any]) -> list[str]:
    return [s["id"] for s in pathway["steps"]]


async def _audit(sessions: SessionFactory, world: World) -> list[tuple[str, dict[str, Any]]]:
    async with tenant_transaction(sessions, world.id) as session:
        rows = await session.execute(
            text(
                "SELECT action, changes FROM audit_events WHERE tenant_id = :t "
                "AND action LIKE 'career_pathway.%' ORDER BY occurred_at, id"
            ),
            {"t": world.id},
        )
        return [(row[0], row[1]) for row in rows]


async def test_a_convener_builds_a_nursing_pathway(
    gql: GraphQLClient, world: World, add_program: AddProgram, owner_sessions: SessionFactory
) -> None:
    program = await add_program(world, "Practical Nursing", [("2.C.4.e", 4)])
    employer = global_id("Organization", world.organizations["employer"])
    body = await gql(
        doc.CREATE,
        {
            "input": {
                "name": "  Medical   assistant to nurse ",
                "description": "Up the care ladder.",
                "steps": [
                    {"occupationCode": "31-9092"},
                    {
                        "occupationCode": "29-2061",
                        "typicalEmployerIds": [employer],
                        "wageMin": {"amountMinor": "2600", "currency": "usd"},
                        "wageMax": {"amountMinor": "3100", "currency": "USD"},
                        "wageUnit": "HOUR",
                        "bridgingProgramIds": [global_id("TrainingProgram", program)],
                        "workBasedLearning": ["EARN_AND_LEARN", "EARN_AND_LEARN"],
                    },
                    {"occupationCode": "29-1141"},
                ],
            }
        },
        token=world.tokens["admin"],
    )

    payload = body["data"]["createCareerPathway"]
    assert payload["userErrors"] == []
    pathway = payload["careerPathway"]
    assert pathway["name"] == "Medical assistant to nurse"
    assert pathway["organization"] is None
    first, lpn, rn = pathway["steps"]
    assert [s["position"] for s in pathway["steps"]] == [1, 2, 3]
    assert first["skillsAdded"] == []
    assert lpn["skillsAdded"][0] == {
        "skill": {"id": "2.C.4.e"},
        "required": 5.52,
        "current": 3.38,
        "shortfall": 2.14,
    }
    assert lpn["typicalEmployers"] == [{"id": employer, "name": "alpha employer"}]
    assert lpn["wageMin"] == {"amountMinor": "2600", "currency": "USD"}
    assert lpn["wageMax"] == {"amountMinor": "3100", "currency": "USD"}
    assert lpn["wageUnit"] == "HOUR"
    assert lpn["bridgingPrograms"] == [
        {
            "id": global_id("TrainingProgram", program),
            "name": "Practical Nursing",
            "providerName": "alpha college",
            "isActive": True,
        }
    ]
    assert lpn["workBasedLearning"] == ["EARN_AND_LEARN"]
    # LPN to RN: Active Learning 4.12 - 3.25 = 0.87 first (the real O*NET rows).
    assert rn["skillsAdded"][0] == {
        "skill": {"id": "2.A.2.b"},
        "required": 4.12,
        "current": 3.25,
        "shortfall": 0.87,
    }
    audit = await _audit(owner_sessions, world)
    assert [action for action, _ in audit] == ["career_pathway.create"]
    assert audit[0][1]["steps"][1]["occupation_code"] == "29-2061"


async def test_retiring_a_step_links_its_neighbours(
    gql: GraphQLClient, world: World, create_pathway: CreatePathway, owner_sessions: SessionFactory
) -> None:
    pathway_id = await create_pathway(world, ["31-9092", "29-2061", "29-1141"])
    read = await gql(
        doc.PATHWAY, {"id": global_id("CareerPathway", pathway_id)}, token=world.tokens["member"]
    )
    assistant, lpn, rn = _ids(read["data"]["careerPathway"])

    body = await gql(doc.RETIRE, {"input": {"stepId": lpn}}, token=world.tokens["admin"])

    payload = body["data"]["retireCareerPathwayStep"]
    assert payload["userErrors"] == []
    assert payload["step"]["id"] == lpn and payload["step"]["retiredAt"] is not None
    pathway = payload["careerPathway"]
    assert _ids(pathway) == [assistant, rn]
    assert [s["id"] for s in pathway["allSteps"]] == [assistant, lpn, rn]
    # Now from medical assistant straight to RN.
    direct = await gql(
        """query { occupation(code: "31-9092") { skillGapTo(code: "29-1141") {
            skill { id } required current shortfall } } }""",
        token=world.tokens["member"],
    )
    assert pathway["steps"][1]["skillsAdded"] == direct["data"]["occupation"]["skillGapTo"]

    again = await gql(doc.RETIRE, {"input": {"stepId": lpn}}, token=world.tokens["admin"])
    assert again["data"]["retireCareerPathwayStep"]["userErrors"] == [
        {"field": ["stepId"], "message": "This step is already retired.", "code": "ALREADY_RETIRED"}
    ]
    audit = await _audit(owner_sessions, world)
    assert [action for action, _ in audit] == [
        "career_pathway.create",
        "career_pathway.retire_step",
    ]
    assert audit[1][1] == {"step_id": plain_id(lpn)}


async def test_reordering_needs_exactly_the_current_steps(
    gql: GraphQLClient, world: World, create_pathway: CreatePathway, owner_sessions: SessionFactory
) -> None:
    pathway_id = await create_pathway(world, ["51-4041", "51-4111", "51-9161"])
    pathway = global_id("CareerPathway", pathway_id)
    read = await gql(doc.PATHWAY, {"id": pathway}, token=world.tokens["admin"])
    a, b, c = _ids(read["data"]["careerPathway"])
    await gql(doc.RETIRE, {"input": {"stepId": c}}, token=world.tokens["admin"])
    refused = {
        "field": ["stepIds"],
        "message": "List every current (not retired) step of the pathway exactly once.",
        "code": "INVALID",
    }
    for wrong in (
        [a],
        [a, b, c],
        [a, a],
        [b, a, a],
        [a, global_id("CareerPathwayStep", uuid.uuid4())],
        [a, "x"],
    ):
        body = await gql(
            doc.REORDER,
            {"input": {"pathwayId": pathway, "stepIds": wrong}},
            token=world.tokens["admin"],
        )
        assert body["data"]["reorderCareerPathwaySteps"]["userErrors"] == [refused], wrong

    body = await gql(
        doc.REORDER,
        {"input": {"pathwayId": pathway, "stepIds": [b, a]}},
        token=world.tokens["admin"],
    )

    payload = body["data"]["reorderCareerPathwaySteps"]
    assert payload["userErrors"] == []
    assert [s["id"] for s in payload["careerPathway"]["allSteps"]] == [b, a, c]
    assert [s["position"] for s in payload["careerPathway"]["allSteps"]] == [1, 2, 3]
    # The first step adds nothing; the machinist now comes after the tool and die maker.
    assert payload["careerPathway"]["steps"][0]["skillsAdded"] == []
    audit = await _audit(owner_sessions, world)
    assert [action for action, _ in audit][-1] == "career_pathway.reorder_steps"
    assert audit[-1][1] == {
        "step_ids": {"from": [plain_id(a), plain_id(b)], "to": [plain_id(b), plain_id(a)]}
    }


async def test_adding_and_changing_a_step(
    gql: GraphQLClient, world: World, create_pathway: CreatePathway, owner_sessions: SessionFactory
) -> None:
    pathway_id = await create_pathway(world, ["51-4041"], name="Machining")
    pathway = global_id("CareerPathway", pathway_id)

    added = await gql(
        doc.ADD,
        {"input": {"pathwayId": pathway, "step": {"occupationCode": "51-4111"}}},
        token=world.tokens["admin"],
    )
    payload = added["data"]["addCareerPathwayStep"]
    assert payload["userErrors"] == []
    assert payload["step"]["position"] == 2
    assert payload["careerPathway"]["steps"][1]["skillsAdded"][0]["skill"] == {"id": "2.C.3.e"}

    changed = await gql(
        doc.UPDATE,
        {
            "input": {
                "stepId": payload["step"]["id"],
                "step": {
                    "occupationCode": "51-4041",
                    "wageMin": {"amountMinor": "5000000", "currency": "USD"},
                    "wageUnit": "YEAR",
                    "workBasedLearning": ["REGISTERED_APPRENTICESHIP"],
                },
            }
        },
        token=world.tokens["admin"],
    )
    step = changed["data"]["updateCareerPathwayStep"]["careerPathway"]["steps"][1]
    assert step["occupation"] == {"code": "51-4041"}
    assert step["wageMin"] == {"amountMinor": "5000000", "currency": "USD"}
    assert step["wageMax"] is None and step["wageUnit"] == "YEAR"
    assert step["workBasedLearning"] == ["REGISTERED_APPRENTICESHIP"]
    assert step["skillsAdded"] == []  # the same occupation twice adds nothing
    assert [a for a, _ in await _audit(owner_sessions, world)] == [
        "career_pathway.create",
        "career_pathway.add_step",
        "career_pathway.update_step",
    ]


async def test_an_employer_owns_its_pathway(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    employer = global_id("Organization", world.organizations["employer"])
    body = await gql(
        doc.CREATE,
        {"input": {"name": "Our machinists", "organizationId": employer, "steps": []}},
        token=world.tokens["org_admin"],
    )

    pathway = body["data"]["createCareerPathway"]["careerPathway"]
    assert pathway["organization"] == {"id": employer}
    assert pathway["steps"] == []


async def test_the_list_pages_oldest_first(
    gql: GraphQLClient, world: World, create_pathway: CreatePathway
) -> None:
    ids = [
        global_id("CareerPathway", await create_pathway(world, ["51-4041"], name=f"P{n}"))
        for n in range(3)
    ]

    first = await gql(doc.PATHWAYS, {"first": 2}, token=world.tokens["college_member"])
    connection = first["data"]["careerPathways"]
    assert connection["totalCount"] == 3
    assert [e["node"]["id"] for e in connection["edges"]] == ids[:2]
    rest = await gql(
        doc.PATHWAYS,
        {"first": 2, "after": connection["pageInfo"]["endCursor"]},
        token=world.tokens["college_member"],
    )
    assert [e["node"]["id"] for e in rest["data"]["careerPathways"]["edges"]] == ids[2:]


async def test_nothing_is_written_when_the_input_is_bad(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    body = await gql(
        doc.CREATE,
        {
            "input": {
                "name": "Bad",
                "steps": [{"occupationCode": "51-4041"}, {"occupationCode": "99-9999"}],
            }
        },
        token=world.tokens["admin"],
    )

    assert body["data"]["createCareerPathway"]["careerPathway"] is None
    assert await _audit(owner_sessions, world) == []
    listed = await gql(doc.PATHWAYS, {"first": 5}, token=world.tokens["admin"])
    assert listed["data"]["careerPathways"]["totalCount"] == 0
