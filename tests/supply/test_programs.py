"""Adding, changing and reading training programs through the API."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from coalition.audit.models import AuditEvent
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.skills.models import Occupation, ProgramOccupation
from tests.supply.support import (
    CREATE,
    CTID,
    PROGRAM,
    SET_STATUS,
    UPDATE,
    AddProgram,
    SupplyRows,
    program_input,
)
from tests.support.graphql import GraphQLClient
from tests.support.world import World, global_id

BY_ID = f"query($id: ID!) {{ trainingProgram(id: $id) {{ {PROGRAM} }} }}"
SUGGESTED = "query($code: String!) { suggestedOccupations(cipCode: $code) { code title } }"
OF_ORGANIZATION = """query($id: ID!) { node(id: $id) { ... on Organization {
  trainingPrograms(first: 10) { totalCount edges { node { name status } } } } } }"""


async def _actions(sessions: SessionFactory, world: World) -> list[tuple[str, dict[str, Any]]]:
    async with tenant_transaction(sessions, world.id) as session:
        events = await session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action.like("training_program.%"))
            .order_by(AuditEvent.occurred_at, AuditEvent.id)
        )
        return [(event.action, event.changes) for event in events]


async def test_a_college_admin_adds_a_program_with_every_field(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory, supply_rows: SupplyRows
) -> None:
    body = await gql(CREATE, {"input": program_input(world)}, token=world.tokens["college_admin"])

    payload = body["data"]["createTrainingProgram"]
    assert payload["userErrors"] == []
    program = payload["trainingProgram"]
    assert {key: value for key, value in program.items() if key != "id"} == {
        "name": "Welding Technology",
        "description": "MIG, TIG and stick welding; blueprint reading; shop safety.",
        "cipCode": "48.0508",
        "instructionalProgram": {"code": "48.0508", "title": "Welding Technology/Welder"},
        "credential": {
            "kind": "INDUSTRY_CERTIFICATION",
            "name": "AWS Certified Welder",
            "ctid": CTID,
        },
        "hours": 600,
        "weeks": 20,
        "cost": {"amountMinor": "320000", "currency": "USD", "formatted": "$3,200.00"},
        "modality": "IN_PERSON",
        "schedules": ["DAYTIME", "WEEKEND"],
        "workBasedLearning": ["PRE_APPRENTICESHIP"],
        "supports": ["STIPEND"],
        "isEligibleTrainingProvider": True,
        "status": "ACTIVE",
        "externalId": "WLD-101",
        "provider": {"name": "alpha college"},
        "occupations": [{"code": "51-4121", "title": "Welders, Cutters, Solderers, and Brazers"}],
        "skills": [
            {"skill": {"id": "2.B.3.h", "name": "Operation and Control"}, "level": 3},
            {"skill": {"id": "ES.teamwork", "name": "Teamwork"}, "level": 2},
        ],
    }
    rows = await supply_rows(world.id)
    assert len(rows["training_programs"]) == 1
    assert rows["training_programs"][0]["created_by_user_id"] == world.users["college_admin"]
    assert sorted((r["skill_id"], r["level"]) for r in rows["training_program_skills"]) == [
        ("2.B.3.h", 3),
        ("ES.teamwork", 2),
    ]
    [(action, changes)] = await _actions(owner_sessions, world)
    assert action == "training_program.create"
    assert changes["occupation_codes"] == {"from": None, "to": ["51-4121"]}
    assert changes["cost_minor"] == {"from": None, "to": 320000}


async def test_only_what_is_given_changes_and_lists_are_replaced_as_sets(
    gql: GraphQLClient,
    world: World,
    owner_sessions: SessionFactory,
    new_program: AddProgram,
    supply_rows: SupplyRows,
) -> None:
    program_id = await new_program(world)
    before = (await supply_rows(world.id))["training_programs"][0]

    body = await gql(
        UPDATE,
        {
            "input": {
                "id": global_id("TrainingProgram", program_id),
                "name": "  CNC   Machining  ",
                "occupationCodes": ["51-4041"],
                "skills": [{"skillId": "2.B.3.k", "level": 4}],
                "cost": None,
                "hours": None,
            }
        },
        token=world.tokens["college_admin"],
    )

    program = body["data"]["updateTrainingProgram"]["trainingProgram"]
    assert body["data"]["updateTrainingProgram"]["userErrors"] == []
    assert (program["name"], program["cost"], program["hours"], program["weeks"]) == (
        "CNC Machining",
        None,
        None,
        16,
    )
    assert program["occupations"] == [{"code": "51-4041", "title": "Machinists"}]
    assert program["skills"] == [
        {"skill": {"id": "2.B.3.k", "name": "Troubleshooting"}, "level": 4}
    ]
    rows = await supply_rows(world.id)
    after = rows["training_programs"][0]
    assert after["updated_at"] > before["updated_at"]
    assert {k for k in after if after[k] != before[k]} == {
        "name",
        "cost_minor",
        "hours",
        "updated_at",
    }
    assert [r["occupation_code"] for r in rows["training_program_occupations"]] == ["51-4041"]
    [_create, update] = await _actions(owner_sessions, world)
    assert update[0] == "training_program.update"
    assert sorted(update[1]) == ["cost_minor", "hours", "name", "occupation_codes", "skills"]
    assert update[1]["skills"] == {"from": ["2.A.1.e:2", "2.B.3.h:3"], "to": ["2.B.3.k:4"]}


async def test_an_update_that_changes_nothing_writes_nothing(
    gql: GraphQLClient,
    world: World,
    owner_sessions: SessionFactory,
    new_program: AddProgram,
    supply_rows: SupplyRows,
) -> None:
    program_id = await new_program(world)
    before = await supply_rows(world.id)

    body = await gql(
        UPDATE,
        {
            "input": {
                "id": global_id("TrainingProgram", program_id),
                "name": "CNC Machining Certificate",
                "occupationCodes": ["51-4041", "51-9161"],
            }
        },
        token=world.tokens["admin"],
    )

    assert body["data"]["updateTrainingProgram"]["userErrors"] == []
    assert await supply_rows(world.id) == before
    assert [action for action, _ in await _actions(owner_sessions, world)] == [
        "training_program.create"
    ]


async def test_status_moves_along_the_allowed_transitions_only(
    gql: GraphQLClient, world: World, new_program: AddProgram
) -> None:
    program_id = global_id("TrainingProgram", await new_program(world, status="DRAFT"))
    token = world.tokens["college_admin"]

    async def move(status: str) -> dict[str, Any]:
        body = await gql(SET_STATUS, {"input": {"id": program_id, "status": status}}, token=token)
        result: dict[str, Any] = body["data"]["setTrainingProgramStatus"]
        return result

    assert (await move("ACTIVE"))["trainingProgram"] == {"id": program_id, "status": "ACTIVE"}
    assert (await move("DRAFT"))["userErrors"] == [
        {
            "field": ["status"],
            "message": "a ACTIVE program cannot become DRAFT.",
            "code": "INVALID_TRANSITION",
        }
    ]
    assert (await move("DISCONTINUED"))["trainingProgram"]["status"] == "DISCONTINUED"
    assert (await move("ACTIVE"))["trainingProgram"]["status"] == "ACTIVE"


async def test_a_new_program_is_draft_or_active(gql: GraphQLClient, world: World) -> None:
    body = await gql(
        CREATE,
        {"input": program_input(world, status="DISCONTINUED")},
        token=world.tokens["admin"],
    )

    assert body["data"]["createTrainingProgram"] == {
        "trainingProgram": None,
        "userErrors": [
            {
                "field": ["status"],
                "message": "a new program cannot become DISCONTINUED.",
                "code": "INVALID_TRANSITION",
            }
        ],
    }


async def test_the_external_id_is_unique_per_provider(
    gql: GraphQLClient, world: World, new_program: AddProgram
) -> None:
    await new_program(world, external_id="WLD-101")

    body = await gql(CREATE, {"input": program_input(world)}, token=world.tokens["college_admin"])

    assert body["data"]["createTrainingProgram"]["userErrors"] == [
        {
            "field": ["externalId"],
            "message": "Another program of this provider has the externalId 'WLD-101'.",
            "code": "TAKEN",
        }
    ]


async def test_a_program_reads_by_id_and_as_a_node_and_from_its_provider(
    gql: GraphQLClient, world: World, new_program: AddProgram
) -> None:
    program_id = await new_program(world)
    await new_program(world, name="Draft one", status="DRAFT")
    gid = global_id("TrainingProgram", program_id)

    by_id = await gql(BY_ID, {"id": gid}, token=world.tokens["member"])
    node = await gql(
        "query($id: ID!) { node(id: $id) { ... on TrainingProgram { name } } }",
        {"id": gid},
        token=world.tokens["analyst"],
    )
    college = global_id("Organization", world.organizations["college"])
    seen_by_member = await gql(OF_ORGANIZATION, {"id": college}, token=world.tokens["member"])
    seen_by_own = await gql(OF_ORGANIZATION, {"id": college}, token=world.tokens["college_member"])

    assert by_id["data"]["trainingProgram"]["name"] == "CNC Machining Certificate"
    assert by_id["data"]["trainingProgram"]["occupations"] == [
        {"code": "51-4041", "title": "Machinists"},
        {"code": "51-9161", "title": "Computer Numerically Controlled Tool Operators"},
    ]
    assert node["data"]["node"] == {"name": "CNC Machining Certificate"}
    assert seen_by_member["data"]["node"]["trainingPrograms"] == {
        "totalCount": 1,
        "edges": [{"node": {"name": "CNC Machining Certificate", "status": "ACTIVE"}}],
    }
    assert seen_by_own["data"]["node"]["trainingPrograms"]["totalCount"] == 2
    assert [
        e["node"]["name"] for e in seen_by_own["data"]["node"]["trainingPrograms"]["edges"]
    ] == [
        "Draft one",
        "CNC Machining Certificate",
    ]


async def test_suggested_occupations_come_from_the_crosswalk(
    gql: GraphQLClient, world: World, programs_reader: str, owner_sessions: SessionFactory
) -> None:
    machinist = await gql(SUGGESTED, {"code": "48.0501"}, token=world.tokens["college_admin"])
    nursing = await gql(SUGGESTED, {"code": "51.3999"}, token=programs_reader)
    unknown = await gql(SUGGESTED, {"code": "99.9999"}, token=world.tokens["member"])

    # Exactly the crosswalk's pairs of each code, in SOC order: the starter set's, or the
    # full NCES file's when another test of the run loaded it.
    async with owner_sessions() as session:
        pairs = await session.execute(
            select(ProgramOccupation.cip_code, Occupation.soc_code, Occupation.title)
            .join(Occupation, Occupation.soc_code == ProgramOccupation.soc_code)
            .where(ProgramOccupation.cip_code.in_(["48.0501", "51.3999"]))
            .order_by(Occupation.soc_code)
        )
        crosswalk = [tuple(pair) for pair in pairs]
    for body, code in ((machinist, "48.0501"), (nursing, "51.3999")):
        assert body["data"]["suggestedOccupations"] == [
            {"code": soc, "title": title} for cip, soc, title in crosswalk if cip == code
        ]
    starter_machinist = {"51-4031", "51-4041", "51-4081"}
    assert starter_machinist <= {o["code"] for o in machinist["data"]["suggestedOccupations"]}
    assert {"29-2061", "31-1131"} <= {o["code"] for o in nursing["data"]["suggestedOccupations"]}
    assert unknown["data"]["suggestedOccupations"] == []


async def test_a_program_reads_as_ctdl_linked_data(
    gql: GraphQLClient, world: World, new_program: AddProgram, programs_reader: str
) -> None:
    program_id = await new_program(world)

    body = await gql(
        "query($id: ID!) { trainingProgram(id: $id) { ctdl } }",
        {"id": global_id("TrainingProgram", program_id)},
        token=programs_reader,
    )

    document = body["data"]["trainingProgram"]["ctdl"]
    assert (document["@type"], document["@id"]) == (
        "ceterms:LearningProgram",
        f"urn:uuid:{program_id}",
    )
    assert [
        (node["ceterms:codedNotation"], node["ceterms:targetNodeName"])
        for node in document["ceterms:instructionalProgramType"]
    ] == [
        (
            "48.0510",
            {"en-US": "Computer Numerically Controlled (CNC) Machinist Technology/CNC Machinist"},
        )
    ]
    assert [node["ceterms:codedNotation"] for node in document["ceterms:occupationType"]] == [
        "51-4041",
        "51-9161",
    ]
    assert document["ceterms:offeredBy"][0]["ceterms:name"] == {"en-US": "alpha college"}
