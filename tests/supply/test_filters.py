"""Each filter of trainingPrograms, alone and together; and who sees drafts."""

from __future__ import annotations

from typing import Any

import pytest

from coalition.db.engine import SessionFactory
from tests.supply.support import AddProgram, add_provider
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.world import World, global_id

LIST = """query($filter: TrainingProgramFilter) {
  trainingPrograms(first: 50, filter: $filter) { totalCount edges { node { name } } } }"""

PROGRAMS: dict[str, dict[str, Any]] = {
    "Welding": {
        "cip_code": "48.0508",
        "occupation_codes": ["51-4121"],
        "skills": [("2.B.3.h", 3)],
        "modality": "IN_PERSON",
        "schedules": ["DAYTIME", "WEEKEND"],
        "supports": ["CHILDCARE", "STIPEND"],
        "description": "MIG and TIG welding for fabrication shops.",
    },
    "CNC Operator": {
        "cip_code": "48.0510",
        "occupation_codes": ["51-9161", "51-4041"],
        "skills": [("2.B.3.h", 2), ("2.A.1.e", 2)],
        "modality": "HYBRID",
        "schedules": ["EVENING"],
        "supports": ["CHILDCARE", "TRANSPORTATION", "STIPEND"],
        "description": "Setup and operation of CNC mills and lathes.",
    },
    "Machinist Apprenticeship": {
        "cip_code": "48.0501",
        "occupation_codes": ["51-4041"],
        "skills": [("2.A.1.e", 3)],
        "modality": "IN_PERSON",
        "schedules": ["DAYTIME"],
        "supports": ["PAID_WHILE_TRAINING"],
        "description": "Earn while you learn precision machining.",
        "organization": "union",
    },
    "Practical Nursing": {
        "cip_code": "51.3901",
        "occupation_codes": ["29-2061"],
        "skills": [("2.C.5.a", 3)],
        "modality": "ONLINE",
        "schedules": ["SELF_PACED", "EVENING"],
        "supports": [],
        "description": "Licensed practical nurse training.",
        "status": "DRAFT",
    },
}


@pytest.fixture
async def catalog(world: World, owner_sessions: SessionFactory, new_program: AddProgram) -> None:
    await add_provider(owner_sessions, world, "union")
    for name, fields in PROGRAMS.items():
        await new_program(world, person="admin", name=name, **fields)


async def _names(gql: GraphQLClient, token: str, chosen: dict[str, Any] | None) -> list[str]:
    body = await gql(LIST, {"filter": chosen}, token=token)
    assert "errors" not in body, body
    connection = body["data"]["trainingPrograms"]
    assert connection["totalCount"] == len(connection["edges"])
    return sorted(edge["node"]["name"] for edge in connection["edges"])


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        (None, ["CNC Operator", "Machinist Apprenticeship", "Practical Nursing", "Welding"]),
        ({"cipCode": "48.0510"}, ["CNC Operator"]),
        ({"cipCode": "48"}, ["CNC Operator", "Machinist Apprenticeship", "Welding"]),
        ({"cipCode": "48.05"}, ["CNC Operator", "Machinist Apprenticeship", "Welding"]),
        ({"cipCode": "51.39"}, ["Practical Nursing"]),
        ({"cipCode": "4"}, []),
        ({"occupationCode": "51-4041"}, ["CNC Operator", "Machinist Apprenticeship"]),
        ({"occupationCode": "29-2061"}, ["Practical Nursing"]),
        ({"skillId": "2.B.3.h"}, ["CNC Operator", "Welding"]),
        ({"skillId": "2.A.1.e"}, ["CNC Operator", "Machinist Apprenticeship"]),
        ({"modality": "IN_PERSON"}, ["Machinist Apprenticeship", "Welding"]),
        ({"schedule": "EVENING"}, ["CNC Operator", "Practical Nursing"]),
        ({"supports": ["CHILDCARE"]}, ["CNC Operator", "Welding"]),
        ({"supports": ["CHILDCARE", "TRANSPORTATION"]}, ["CNC Operator"]),
        ({"supports": ["STIPEND", "CHILDCARE"]}, ["CNC Operator", "Welding"]),
        (
            {"supports": []},
            ["CNC Operator", "Machinist Apprenticeship", "Practical Nursing", "Welding"],
        ),
        ({"search": "machin"}, ["Machinist Apprenticeship"]),
        ({"search": "cnc"}, ["CNC Operator"]),
        ({"search": "TIG weld"}, ["Welding"]),
        ({"search": "nurse"}, ["Practical Nursing"]),
        ({"search": "weld nurse"}, []),
        ({"search": "--"}, []),
        ({"status": "DRAFT"}, ["Practical Nursing"]),
        ({"status": "ACTIVE"}, ["CNC Operator", "Machinist Apprenticeship", "Welding"]),
        ({"modality": "IN_PERSON", "schedule": "WEEKEND", "skillId": "2.B.3.h"}, ["Welding"]),
    ],
)
async def test_each_filter(
    gql: GraphQLClient,
    world: World,
    catalog: None,
    chosen: dict[str, Any] | None,
    expected: list[str],
) -> None:
    assert await _names(gql, world.tokens["admin"], chosen) == expected


async def test_the_provider_filter(gql: GraphQLClient, world: World, catalog: None) -> None:
    union = global_id("Organization", world.organizations["union"])
    college = global_id("Organization", world.organizations["college"])

    assert await _names(gql, world.tokens["admin"], {"providerId": union}) == [
        "Machinist Apprenticeship"
    ]
    assert await _names(gql, world.tokens["admin"], {"providerId": college}) == [
        "CNC Operator",
        "Practical Nursing",
        "Welding",
    ]
    body = await gql(LIST, {"filter": {"providerId": "not-an-id"}}, token=world.tokens["admin"])
    assert error_codes(body) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize(
    ("viewer", "drafts"),
    [
        ("admin", ["Practical Nursing"]),
        ("college_admin", ["Practical Nursing"]),
        ("college_member", ["Practical Nursing"]),
        ("member", []),
        ("analyst", []),
        ("other_org_admin", []),
        ("programs_reader", []),
    ],
)
async def test_drafts_are_seen_by_their_provider_and_partnership_admins_only(
    gql: GraphQLClient,
    world: World,
    catalog: None,
    programs_reader: str,
    viewer: str,
    drafts: list[str],
) -> None:
    token = programs_reader if viewer == "programs_reader" else world.tokens[viewer]

    assert await _names(gql, token, {"status": "DRAFT"}) == drafts
    assert await _names(gql, token, None) == sorted(
        ["CNC Operator", "Machinist Apprenticeship", "Welding", *drafts]
    )


@pytest.mark.parametrize("client", ["reader", "writer"])
async def test_partner_apps_without_programs_read_read_nothing(
    gql: GraphQLClient, world: World, catalog: None, client: str
) -> None:
    body = await gql(LIST, {"filter": None}, token=world.tokens[client])

    assert error_codes(body) == ["FORBIDDEN"]
    assert body["data"] is None
