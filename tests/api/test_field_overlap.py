"""A document that repeats one response name (or one fragment) many times is refused
before graphql-core's OverlappingFieldsCanBeMerged rule compares its fields pairwise,
without delaying anyone else; ordinary repetition (fragments that share fields) runs.

Before the limit, 600 ``__typename`` took 150 ms to validate and three such documents
at once delayed a simple request past 100 ms.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import httpx
import pytest
from graphql import NoUnusedFragmentsRule, parse, validate
from starlette.applications import Starlette

from coalition.api.overlap import overlap_work, unused_fragment_errors
from coalition.config import Settings
from tests.support.graphql import GraphQLClient
from tests.support.live_server import live_server
from tests.support.world import World

OVERLAP_REFUSED = {
    "data": None,
    "errors": [
        {
            "message": "This document selects the same fields too often: checking that they "
            "merge takes more than 2000 comparisons. Select each field once, and spread fewer "
            "fragments into one selection.",
            "extensions": {"code": "QUERY_LIMIT_EXCEEDED"},
        }
    ],
}


def repeated(field: str, times: int) -> str:
    return "{ " + " ".join([field] * times) + " }"


def fragments_spread(count: int) -> str:
    """``count`` fragments, each of a field of its own, all spread into one selection."""
    spreads = " ".join(f"...F{n}" for n in range(count))
    definitions = " ".join(f"fragment F{n} on Query {{ f{n}: __typename }}" for n in range(count))
    return f"{{ {spreads} }} {definitions}"


NESTED_CHAIN = (
    "organizations { edges { node { memberships { edges { node { organization "
    "{ name name name } } } } } } }"
)
WORST_CASES = {
    "one-name-1900-times": repeated("__typename", 1_900),
    "one-alias-different-arguments": "{ "
    + " ".join(f"a: organizations(first: {n}) {{ totalCount }}" for n in range(1, 116))
    + " }",
    "one-alias-same-arguments": repeated("a: organizations(first: 1) { totalCount }", 115),
    "nested": repeated("organizations { " + " ".join(["totalCount"] * 10) + " }", 40),
    "nested-deep": repeated(NESTED_CHAIN, 60),
    "in-inline-fragments": repeated("... on Query { __typename }", 300),
    "in-fragments": "{ ...A ...B ...C ...D ...E } "
    + " ".join(f"fragment {name} on Query {repeated('__typename', 60)}" for name in "ABCDE"),
    "many-fragments-in-one-selection": fragments_spread(180),
}


@pytest.mark.parametrize("case", list(WORST_CASES))
async def test_a_document_of_many_overlapping_fields_is_refused_at_once(
    gql: GraphQLClient, world: World, service_calls: Counter[str], case: str
) -> None:
    response = await gql.post(WORST_CASES[case], token=world.tokens["admin"])

    # no cost in the answer either: no validation rule ever ran
    assert response.status_code == 200
    assert response.json() == OVERLAP_REFUSED
    assert dict(service_calls) == {}


async def test_a_name_repeated_just_under_the_limit_runs(
    gql: GraphQLClient, world: World, settings: Settings
) -> None:
    # given 63 fields of one name: 63 x 62 / 2 = 1,953 pairs, and the default limit
    assert settings.max_field_comparisons == 2_000

    body = await gql(repeated("__typename", 63), token=world.tokens["admin"])

    assert body == {"data": {"__typename": "Query"}}


async def test_one_more_is_refused(gql: GraphQLClient, world: World) -> None:
    response = await gql.post(repeated("__typename", 64), token=world.tokens["admin"])  # 2,016

    assert response.json() == OVERLAP_REFUSED


async def test_fragments_that_share_fields_run(gql: GraphQLClient, world: World) -> None:
    query = """
    { organizations(first: 2) { edges { node { id ...Names ...Kinds } } } }
    fragment Names on Organization { id name }
    fragment Kinds on Organization { id name kind }
    """

    body = await gql(query, token=world.tokens["admin"])

    edges = body["data"]["organizations"]["edges"]
    assert "errors" not in body
    assert [sorted(edge["node"]) for edge in edges] == [["id", "kind", "name"]] * 2


async def test_an_unused_fragment_is_refused_without_walking_it(
    gql: GraphQLClient, world: World
) -> None:
    # given a fragment bomb that no operation spreads: the expansion limit never sees it
    bomb = " ".join(f"fragment F{n} on Query {{ ...F{n - 1} ...F{n - 1} }}" for n in range(1, 41))
    query = f"{{ __typename }} fragment F0 on Query {{ __typename }} {bomb}"

    started = time.perf_counter()
    body = await gql(query, token=world.tokens["admin"])
    elapsed = time.perf_counter() - started

    # then graphql-core's own error for each of its fragments, found without validation
    assert body["data"] is None
    assert [error["message"] for error in body["errors"]] == [
        f"Fragment 'F{n}' is never used." for n in range(41)
    ]
    assert {error["extensions"]["code"] for error in body["errors"]} == {
        "GRAPHQL_VALIDATION_FAILED"
    }
    assert elapsed < 0.5


@pytest.mark.parametrize(
    ("query", "work"),
    [
        ("{ a: __typename a: __typename a: __typename }", 3),
        ("{ a: __typename b: __typename }", 0),
        ("{ t: tenant { name } t: tenant { name } }", 2),
        ("{ t: tenant { name } u: tenant { name } }", 0),
        ("query X { __typename } query Y { __typename }", 0),
        # two fields (the fragments') x two spreads + one pair of spreads + one pair of fields
        ("{ ...A ...B } fragment A on Query { __typename } fragment B on Query { __typename }", 6),
    ],
)
def test_the_work_counted_is_the_rules_comparisons(query: str, work: int) -> None:
    assert overlap_work(parse(query), cap=10_000) == work


@pytest.mark.parametrize(
    "query",
    [
        "{ __typename } fragment A on Query { __typename }",
        "{ ...A } fragment A on Query { __typename } fragment B on Query { ...A }",
        "{ tenant { ... on Tenant { ...A } } } fragment A on Tenant { name } "
        "fragment B on Tenant { name }",
        "query X { ...A } query Y { __typename } fragment A on Query { __typename } "
        "fragment C on Query { __typename }",
    ],
)
def test_unused_fragments_are_found_as_graphql_core_finds_them(app: Starlette, query: str) -> None:
    document = parse(query)
    expected = validate(app.state.schema._schema, document, [NoUnusedFragmentsRule])

    found = unused_fragment_errors(document)

    assert [error.formatted for error in found] == [error.formatted for error in expected]
    assert len(found) == 1


def test_the_count_stops_once_past_the_cap() -> None:
    assert overlap_work(parse(repeated("__typename", 1_900)), cap=100) == 101


# --- nobody waits for it -----------------------------------------------------------------


async def _answer(client: httpx.AsyncClient, query: str) -> tuple[float, dict[str, object]]:
    started = time.perf_counter()
    response = await client.post("/graphql", json={"query": query})
    return time.perf_counter() - started, response.json()


async def test_a_request_sent_with_overlapping_documents_answers_within_100_ms(
    app: Starlette,
) -> None:
    # Documents of about 250 tokens, each of which took 60 to 90 ms to validate (one of
    # 2,000 tokens takes tens of milliseconds just to parse, whatever it holds: that is
    # the token limit's business, and would blur what this test measures).
    worst = [
        repeated("__typename", 300),
        repeated("tenant { name }", 60),
        "{ ...A ...B ...C ...D } "
        + " ".join(f"fragment {name} on Query {repeated('__typename', 60)}" for name in "ABCD"),
    ]
    async with live_server(app) as client:
        # the connections, opened first: a document on a new one would arrive after the probe
        await asyncio.gather(*(_answer(client, "{ __typename }") for _ in range(4)))
        for _ in range(5):
            # when three such documents are on their way
            sent = [asyncio.create_task(_answer(client, query)) for query in worst]
            await asyncio.sleep(0.05)
            # then a simple request still answers at once
            elapsed, body = await asyncio.wait_for(_answer(client, "{ __typename }"), 10)
            assert body["data"] == {"__typename": "Query"}
            assert elapsed < 0.1
            answers = await asyncio.wait_for(asyncio.gather(*sent), 10)
            assert [answer for _, answer in answers] == [OVERLAP_REFUSED] * 3
