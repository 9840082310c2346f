"""The vocabulary through GraphQL: occupations, skill profiles, skills, industries."""

from __future__ import annotations

import pytest

from tests.support.graphql import GraphQLClient, error_codes
from tests.support.statements import StatementCounter
from tests.support.world import World

OCCUPATIONS = """
query($search: String, $first: Int, $after: String) {
  occupations(search: $search, first: $first, after: $after) {
    totalCount
    edges { node { code title } }
    pageInfo { hasNextPage endCursor }
  }
}"""

OCCUPATION = """
query($code: String!) {
  occupation(code: $code) {
    code title definition
    majorGroup { code title } minorGroup { code title } broadGroup { code title }
    onetOccupations { code title }
    aliases
    skillProfile {
      hasRatings source onetCode
      skills { skill { id name kind } importance level }
      technical: skills(kind: TECHNICAL) { skill { name } importance }
    }
  }
}"""


@pytest.fixture(autouse=True)
def _loaded(reference_data: dict[str, int]) -> None:
    """Every test here reads the full reference data."""


async def test_search_machin_finds_machinists(gql: GraphQLClient, world: World) -> None:
    body = await gql(OCCUPATIONS, {"search": "machin", "first": 100}, token=world.tokens["member"])

    connection = body["data"]["occupations"]
    found = {edge["node"]["code"]: edge["node"]["title"] for edge in connection["edges"]}
    assert found["51-4041"] == "Machinists"
    assert connection["totalCount"] == len(found)
    assert connection["pageInfo"]["hasNextPage"] is False


async def test_a_code_prefix_lists_its_codes_in_order(gql: GraphQLClient, world: World) -> None:
    body = await gql(OCCUPATIONS, {"search": "29-11", "first": 5}, token=world.tokens["reader"])

    connection = body["data"]["occupations"]
    assert [edge["node"]["code"] for edge in connection["edges"]] == [
        "29-1122",
        "29-1123",
        "29-1124",
        "29-1125",
        "29-1126",
    ]
    assert connection["totalCount"] == 14
    assert connection["pageInfo"]["hasNextPage"] is True

    after = connection["pageInfo"]["endCursor"]
    body = await gql(
        OCCUPATIONS, {"search": "29-11", "first": 5, "after": after}, token=world.tokens["reader"]
    )
    assert [edge["node"]["code"] for edge in body["data"]["occupations"]["edges"]] == [
        "29-1127",
        "29-1128",
        "29-1129",
        "29-1131",
        "29-1141",
    ]


async def test_an_occupation_with_its_groups_titles_and_skill_profile(
    gql: GraphQLClient, world: World
) -> None:
    body = await gql(OCCUPATION, {"code": "51-4041"}, token=world.tokens["analyst"])

    occupation = body["data"]["occupation"]
    assert (occupation["code"], occupation["title"]) == ("51-4041", "Machinists")
    assert occupation["definition"].startswith("Set up and operate a variety of machine tools")
    assert occupation["majorGroup"] == {"code": "51-0000", "title": "Production Occupations"}
    assert occupation["minorGroup"] == {
        "code": "51-4000",
        "title": "Metal Workers and Plastic Workers",
    }
    assert occupation["broadGroup"] == {"code": "51-4040", "title": "Machinists"}
    assert occupation["onetOccupations"] == [{"code": "51-4041.00", "title": "Machinists"}]
    # BLS's illustrative examples first, then the other direct-match titles.
    assert occupation["aliases"] == [
        "Automotive Machinist",
        "Gear Machinist",
        "Production Machinist",
        "CNC Machinist",
        "Manual Lathe Machinist",
        "Precision Machinist",
        "Tool Room Machinist",
    ]
    profile = occupation["skillProfile"]
    assert (profile["hasRatings"], profile["source"], profile["onetCode"]) == (
        True,
        "O*NET 29.3",
        "51-4041.00",
    )
    assert len(profile["skills"]) == 68
    assert profile["technical"][0] == {
        "skill": {"name": "Operation and Control"},
        "importance": 3.25,
    }
    operation = next(s for s in profile["skills"] if s["skill"]["id"] == "2.B.3.h")
    assert operation == {
        "skill": {"id": "2.B.3.h", "name": "Operation and Control", "kind": "TECHNICAL"},
        "importance": 3.25,
        "level": 3.38,
    }
    importances = [s["importance"] for s in profile["skills"]]
    assert importances == sorted(importances, reverse=True)


async def test_an_onet_code_finds_the_soc_occupation(gql: GraphQLClient, world: World) -> None:
    body = await gql(
        """query { occupation(code: "29-1141.01") { code title
        onetOccupations { code } } }""",
        token=world.tokens["member"],
    )

    occupation = body["data"]["occupation"]
    assert (occupation["code"], occupation["title"]) == ("29-1141", "Registered Nurses")
    assert [o["code"] for o in occupation["onetOccupations"]] == [
        "29-1141.00",
        "29-1141.01",
        "29-1141.02",
        "29-1141.03",
        "29-1141.04",
    ]


async def test_a_code_without_ratings_says_so(gql: GraphQLClient, world: World) -> None:
    body = await gql(OCCUPATION, {"code": "15-1252"}, token=world.tokens["member"])

    occupation = body["data"]["occupation"]
    assert occupation["title"] == "Software Developers"
    assert occupation["skillProfile"] == {
        "hasRatings": False,
        "source": None,
        "onetCode": None,
        "skills": [],
        "technical": [],
    }


async def test_an_unknown_code_is_null(gql: GraphQLClient, world: World) -> None:
    body = await gql(OCCUPATION, {"code": "51-4049"}, token=world.tokens["member"])

    assert body == {"data": {"occupation": None}}


async def test_nested_fields_of_a_page_cost_a_fixed_number_of_statements(
    gql: GraphQLClient, world: World, count_statements: StatementCounter
) -> None:
    query = """query($first: Int) { occupations(search: "51-", first: $first) { edges { node {
        code aliases onetOccupations { code } skillProfile { hasRatings skills { importance } }
    } } } }"""
    await gql(query, {"first": 2}, token=world.tokens["member"])
    small = count_statements.count

    body = await gql(query, {"first": 40}, token=world.tokens["member"])

    assert len(body["data"]["occupations"]["edges"]) == 40
    assert count_statements.count - small == small


async def test_skills_by_kind_and_search(gql: GraphQLClient, world: World) -> None:
    query = """query($kind: SkillKind, $search: String) {
      skills(kind: $kind, search: $search, first: 50) {
        totalCount edges { node { id name kind category onetElementId osnRsdUri lightcastId } }
      } }"""

    knowledge = await gql(query, {"kind": "KNOWLEDGE"}, token=world.tokens["reader"])
    mechanical = await gql(query, {"search": "mechan"}, token=world.tokens["reader"])

    assert knowledge["data"]["skills"]["totalCount"] == 33
    assert mechanical["data"]["skills"]["edges"] == [
        {
            "node": {
                "id": "2.C.3.e",
                "name": "Mechanical",
                "kind": "KNOWLEDGE",
                "category": "Engineering and Technology",
                "onetElementId": "2.C.3.e",
                "osnRsdUri": None,
                "lightcastId": None,
            }
        }
    ]


async def test_industry_by_code(gql: GraphQLClient, world: World) -> None:
    query = "query($code: String!) { industry(code: $code) { code title level } }"

    shop = await gql(query, {"code": "332710"}, token=world.tokens["member"])
    sector = await gql(query, {"code": "33"}, token=world.tokens["member"])
    missing = await gql(query, {"code": "339998"}, token=world.tokens["member"])

    assert shop["data"]["industry"] == {
        "code": "332710",
        "title": "Machine Shops",
        "level": "National Industry",
    }
    assert sector["data"]["industry"] == {
        "code": "31-33",
        "title": "Manufacturing",
        "level": "Sector",
    }
    assert missing["data"]["industry"] is None


async def test_reading_the_vocabulary_needs_a_token(gql: GraphQLClient) -> None:
    body = await gql(OCCUPATIONS, {"search": "machin"})

    assert body["data"] is None
    assert error_codes(body) == ["UNAUTHENTICATED"]
