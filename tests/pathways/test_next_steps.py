"""Occupation.nextSteps over the real O*NET rows: who a medical assistant could become,
the skills each step takes and the partnership's ACTIVE programs that teach them."""

from __future__ import annotations

import pytest

from coalition.supply.models import ProgramStatus
from tests.pathways.conftest import AddProgram
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.world import World, global_id

NEXT_STEPS = """
query($code: String!, $first: Int!, $filter: NextStepFilter) {
  occupation(code: $code) {
    nextSteps(first: $first, filter: $filter) {
      occupation { code title majorGroup { code } }
      similarity score upAndOut medianHourlyWage { amountMinor } hourlyWageGain { amountMinor }
      skillsToAdd { skill { id name } required current shortfall }
      programs { program { id name providerName isActive } skills { id } }
      programCount
      one: programs(first: 1) { program { id name providerName isActive } skills { id } }
    }
  }
}"""

# Medical Assistants, by the measure of decision 0007: the five most similar
# occupations that ask more of a worker (no pooled wages in this partnership).
MEDICAL_ASSISTANT_STEPS = [
    ("31-2021", 0.9572),  # Physical Therapist Assistants
    ("29-9091", 0.9475),  # Athletic Trainers
    ("21-1094", 0.9463),  # Community Health Workers
    ("29-2061", 0.9458),  # Licensed Practical and Licensed Vocational Nurses
    ("29-1128", 0.9440),  # Exercise Physiologists
]


async def _steps(
    gql: GraphQLClient, token: str, *, code: str = "31-9092", first: int = 5, **chosen: object
) -> list[dict[str, object]]:
    body = await gql(
        NEXT_STEPS, {"code": code, "first": first, "filter": chosen or None}, token=token
    )
    assert "errors" not in body, body
    steps: list[dict[str, object]] = body["data"]["occupation"]["nextSteps"]
    return steps


async def test_a_medical_assistant_can_become_an_lpn(gql: GraphQLClient, world: World) -> None:
    steps = await _steps(gql, world.tokens["member"])

    assert [(s["occupation"]["code"], s["similarity"]) for s in steps] == MEDICAL_ASSISTANT_STEPS
    lpn = steps[3]
    assert lpn["occupation"]["title"] == "Licensed Practical and Licensed Vocational Nurses"
    assert lpn["score"] == 0.9458  # no wages: the score is the similarity
    assert lpn["upAndOut"] is True  # Healthcare Support (31) to Practitioners (29)
    assert lpn["medianHourlyWage"] is None and lpn["hourlyWageGain"] is None
    assert lpn["skillsToAdd"][:2] == [
        {
            "skill": {"id": "2.C.4.e", "name": "Psychology"},
            "required": 5.52,
            "current": 3.38,
            "shortfall": 2.14,
        },
        {
            "skill": {"id": "2.C.4.a", "name": "Mathematics"},
            "required": 3.11,
            "current": 1.84,
            "shortfall": 1.27,
        },
    ]
    assert lpn["programs"] == []


async def test_active_programs_that_teach_a_skill_at_its_level_are_offered(
    gql: GraphQLClient, world: World, other_world: World, add_program: AddProgram
) -> None:
    # Psychology at 5.52 of 7 is level 4 of 4 (ceil(5.52 x 4 / 7) = ceil(3.15));
    # Mathematics at 3.11 is level 2 (ceil(1.78)).
    nursing = await add_program(world, "Practical Nursing", [("2.C.4.e", 4), ("2.C.4.a", 2)])
    await add_program(world, "Intro to Psychology", [("2.C.4.e", 3)])  # below level 4
    await add_program(world, "Draft Nursing", [("2.C.4.e", 4)], status=ProgramStatus.DRAFT)
    await add_program(world, "Old Math", [("2.C.4.a", 4)], status=ProgramStatus.DISCONTINUED)
    math = await add_program(world, "College Algebra", [("2.C.4.a", 3)])
    await add_program(other_world, "Their Nursing", [("2.C.4.e", 4), ("2.C.4.a", 4)])

    steps = await _steps(gql, world.tokens["member"])

    lpn = next(s for s in steps if s["occupation"]["code"] == "29-2061")
    nursing_match = {
        "program": {
            "id": global_id("TrainingProgram", nursing),
            "name": "Practical Nursing",
            "providerName": "alpha college",
            "isActive": True,
        },
        "skills": [{"id": "2.C.4.a"}, {"id": "2.C.4.e"}],
    }
    math_match = {
        "program": {
            "id": global_id("TrainingProgram", math),
            "name": "College Algebra",
            "providerName": "alpha college",
            "isActive": True,
        },
        "skills": [{"id": "2.C.4.a"}],
    }
    # The one teaching the most of the skills to add first.
    assert lpn["programs"] == [nursing_match, math_match]
    assert lpn["programCount"] == 2
    assert lpn["one"] == [nursing_match]


async def test_a_bad_number_of_programs_is_refused(gql: GraphQLClient, world: World) -> None:
    body = await gql(
        """{ occupation(code: "31-9092") { nextSteps(first: 1) { programs(first: 21) {
            program { id } } } } }""",
        token=world.tokens["member"],
    )

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["message"] == "Ask for 0 to 20 programs."


async def test_staying_in_the_industry_keeps_the_major_group(
    gql: GraphQLClient, world: World
) -> None:
    steps = await _steps(gql, world.tokens["member"], first=20, includeOtherIndustries=False)

    assert len(steps) == 20 or steps
    assert {s["occupation"]["majorGroup"]["code"] for s in steps} == {"31-0000"}
    assert all(s["upAndOut"] is False for s in steps)
    assert "29-2061" not in {s["occupation"]["code"] for s in steps}


async def test_major_groups_and_minimum_similarity_filter(
    gql: GraphQLClient, world: World, programs_reader: str
) -> None:
    steps = await _steps(gql, programs_reader, first=20, majorGroups=["29-0000"])
    assert steps and {s["occupation"]["majorGroup"]["code"] for s in steps} == {"29-0000"}

    close = await _steps(gql, programs_reader, first=20, minSimilarity=0.95)
    assert [(s["occupation"]["code"], s["similarity"]) for s in close] == [("31-2021", 0.9572)]


async def test_an_occupation_o_net_does_not_rate_has_no_next_steps(
    gql: GraphQLClient, world: World
) -> None:
    assert await _steps(gql, world.tokens["member"], code="11-1031") == []


@pytest.mark.parametrize(
    ("first", "given", "message"),
    [
        (21, {}, "Ask for 1 to 20 steps."),
        (5, {"minSimilarity": 1.5}, "Use a number from 0 to 1."),
        (5, {"minSimilarity": -0.1}, "Use a number from 0 to 1."),
        (5, {"majorGroups": ["29-1000"]}, "'29-1000' is not a major group code (29-0000)."),
        (5, {"majorGroups": ["nurses"]}, "'nurses' is not a major group code (29-0000)."),
        (5, {"majorGroups": ["98-0000"]}, "No major group 98-0000."),
    ],
)
async def test_bad_arguments_are_refused(
    gql: GraphQLClient, world: World, first: int, given: dict[str, object], message: str
) -> None:
    body = await gql(
        NEXT_STEPS,
        {"code": "31-9092", "first": first, "filter": given},
        token=world.tokens["member"],
    )

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["message"] == message
    assert body["data"]["occupation"] is None


async def test_every_problem_is_reported_at_once(gql: GraphQLClient, world: World) -> None:
    body = await gql(
        NEXT_STEPS,
        {"code": "31-9092", "first": 50, "filter": {"minSimilarity": 2, "majorGroups": ["x"]}},
        token=world.tokens["member"],
    )

    assert body["errors"][0]["message"] == (
        "Ask for 1 to 20 steps.; Use a number from 0 to 1.; "
        "'x' is not a major group code (29-0000)."
    )


@pytest.mark.parametrize("person", ["admin", "analyst", "org_admin", "member", "college_member"])
async def test_every_member_reads_next_steps(gql: GraphQLClient, world: World, person: str) -> None:
    steps = await _steps(gql, world.tokens[person], first=1)

    assert [s["occupation"]["code"] for s in steps] == ["31-2021"]


@pytest.mark.parametrize("client", ["reader", "writer"])
async def test_a_partner_app_needs_programs_read(
    gql: GraphQLClient, world: World, client: str
) -> None:
    body = await gql(
        NEXT_STEPS, {"code": "31-9092", "first": 5, "filter": None}, token=world.tokens[client]
    )

    assert error_codes(body) == ["FORBIDDEN"]
    assert body["data"]["occupation"] is None
