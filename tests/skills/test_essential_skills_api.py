"""Essential skills through GraphQL: each partnership sees its own examples."""

from __future__ import annotations

from typing import Any

import pytest

from coalition.skills.framework import framework_skill
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.world import World

ESSENTIALS = "query { essentialSkills { id name definition examples isCustomized } }"
SET = """
mutation($input: SetEssentialSkillExamplesInput!) {
  setEssentialSkillExamples(input: $input) {
    essentialSkill { id examples isCustomized }
    userErrors { field message code }
  }
}"""
RESET = """
mutation($input: ResetEssentialSkillExamplesInput!) {
  resetEssentialSkillExamples(input: $input) {
    essentialSkill { id examples isCustomized }
    userErrors { field message code }
  }
}"""
OWN = [
    "You hand off each patient with a short, clear report.",
    "You teach a new aide where the supplies are kept.",
]


@pytest.fixture(autouse=True)
def _loaded(reference_data: dict[str, int]) -> None:
    """The framework is in the reference data."""


def _base(skill_id: str) -> list[str]:
    skill = framework_skill(skill_id)
    assert skill is not None
    return list(skill.examples)


async def _teamwork(gql: GraphQLClient, token: str) -> dict[str, Any]:
    body = await gql(ESSENTIALS, token=token)
    return next(s for s in body["data"]["essentialSkills"] if s["id"] == "ES.teamwork")


async def test_the_admin_customizes_and_only_their_partnership_sees_it(
    gql: GraphQLClient, world: World, other_world: World
) -> None:
    body = await gql(
        SET, {"input": {"skillId": "ES.teamwork", "examples": OWN}}, token=world.tokens["admin"]
    )

    assert body["data"]["setEssentialSkillExamples"] == {
        "essentialSkill": {"id": "ES.teamwork", "examples": OWN, "isCustomized": True},
        "userErrors": [],
    }
    teamwork = framework_skill("ES.teamwork")
    assert teamwork is not None
    assert await _teamwork(gql, world.tokens["member"]) == {
        "id": "ES.teamwork",
        "name": "Teamwork",
        "definition": teamwork.definition,
        "examples": OWN,
        "isCustomized": True,
    }
    other = await _teamwork(gql, other_world.tokens["member"])
    assert (other["examples"], other["isCustomized"]) == (_base("ES.teamwork"), False)


async def test_reset_brings_back_the_base_examples(gql: GraphQLClient, world: World) -> None:
    await gql(
        SET, {"input": {"skillId": "ES.teamwork", "examples": OWN}}, token=world.tokens["admin"]
    )

    body = await gql(RESET, {"input": {"skillId": "ES.teamwork"}}, token=world.tokens["admin"])

    expected = {"id": "ES.teamwork", "examples": _base("ES.teamwork"), "isCustomized": False}
    assert body["data"]["resetEssentialSkillExamples"] == {
        "essentialSkill": expected,
        "userErrors": [],
    }
    teamwork = await _teamwork(gql, world.tokens["reader"])
    assert (teamwork["examples"], teamwork["isCustomized"]) == (_base("ES.teamwork"), False)


@pytest.mark.parametrize("caller", ["analyst", "org_admin", "member", "reader", "writer"])
async def test_anyone_but_the_partnership_admin_is_forbidden(
    gql: GraphQLClient, world: World, caller: str
) -> None:
    set_body = await gql(
        SET, {"input": {"skillId": "ES.teamwork", "examples": OWN}}, token=world.tokens[caller]
    )
    reset_body = await gql(RESET, {"input": {"skillId": "ES.teamwork"}}, token=world.tokens[caller])

    assert set_body["data"] is None and error_codes(set_body) == ["FORBIDDEN"]
    assert reset_body["data"] is None and error_codes(reset_body) == ["FORBIDDEN"]
    assert (await _teamwork(gql, world.tokens["admin"]))["isCustomized"] is False


async def test_a_too_short_example_is_a_user_error(gql: GraphQLClient, world: World) -> None:
    body = await gql(
        SET,
        {"input": {"skillId": "ES.teamwork", "examples": [OWN[0], "ok"]}},
        token=world.tokens["admin"],
    )

    assert body["data"]["setEssentialSkillExamples"] == {
        "essentialSkill": None,
        "userErrors": [
            {
                "field": ["examples", "1"],
                "message": "Each example needs at least 3 characters.",
                "code": "TOO_SHORT",
            }
        ],
    }
    assert (await _teamwork(gql, world.tokens["admin"]))["isCustomized"] is False


async def test_a_technical_skill_cannot_be_customized(gql: GraphQLClient, world: World) -> None:
    body = await gql(
        SET, {"input": {"skillId": "2.B.3.h", "examples": OWN}}, token=world.tokens["admin"]
    )

    assert body["data"]["setEssentialSkillExamples"]["userErrors"] == [
        {"field": ["skillId"], "message": "No essential skill with this ID.", "code": "NOT_FOUND"}
    ]
