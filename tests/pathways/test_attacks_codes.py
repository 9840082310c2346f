"""Attacks on similarity, skillGapTo and nextSteps with codes and counts nobody should
send: each answers null, an empty list or one clear error, never a 500."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.graphql import GraphQLClient
from tests.support.world import World

OCCUPATION = """
query($code: String!) {
  occupation(code: $code) { code nextSteps(first: 3) { occupation { code } } }
}
"""
COMPARE = """
query($other: String!) {
  occupation(code: "31-9092") { similarity(code: $other) skillGapTo(code: $other) { shortfall } }
}"""
STEPS = """
query($first: Int!) {
  occupation(code: "31-9092") { nextSteps(first: $first) { occupation { code } } }
}
"""

FULLWIDTH = "\uff13\uff11-\uff19\uff10\uff19\uff12"  # 31-9092 in fullwidth digits
NO_SUCH = ["", " ", "x", "x" * 10000, "99-9999", "31-909", "31-9092.0", FULLWIDTH]


async def _as_member(gql: GraphQLClient, world: World, query: str, **variables: Any) -> Any:
    return await gql(query, variables, token=world.tokens["member"])


@pytest.mark.parametrize("code", NO_SUCH, ids=range(len(NO_SUCH)))
async def test_no_such_occupation_is_null(gql: GraphQLClient, world: World, code: str) -> None:
    body = await _as_member(gql, world, OCCUPATION, code=code)

    assert body == {"data": {"occupation": None}}


async def test_an_o_net_code_reads_as_its_soc_code(gql: GraphQLClient, world: World) -> None:
    soc = await _as_member(gql, world, OCCUPATION, code="31-9092")
    onet = await _as_member(gql, world, OCCUPATION, code=" 31-9092.00 ")

    assert onet == soc
    assert soc["data"]["occupation"]["code"] == "31-9092"


@pytest.mark.parametrize("other", NO_SUCH, ids=range(len(NO_SUCH)))
async def test_comparing_with_no_such_occupation_is_one_clear_error(
    gql: GraphQLClient, world: World, other: str
) -> None:
    body = await _as_member(gql, world, COMPARE, other=other)

    assert body["data"] == {"occupation": None}
    assert sorted(e["path"][-1] for e in body["errors"]) == ["similarity", "skillGapTo"]
    assert {(e["message"], e["extensions"]["code"]) for e in body["errors"]} == {
        ("No occupation with this code.", "BAD_USER_INPUT")
    }


@pytest.mark.parametrize(
    ("first", "code"),
    [
        (0, "QUERY_LIMIT_EXCEEDED"),
        (-1, "QUERY_LIMIT_EXCEEDED"),
        (10**9, "QUERY_LIMIT_EXCEEDED"),
        (21, "BAD_USER_INPUT"),
    ],
)
async def test_a_count_out_of_range_is_refused(
    gql: GraphQLClient, world: World, first: int, code: str
) -> None:
    body = await _as_member(gql, world, STEPS, first=first)

    assert [e["extensions"]["code"] for e in body["errors"]] == [code]
    assert not body.get("data") or body["data"] == {"occupation": None}
