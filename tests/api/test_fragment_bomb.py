"""A fragment bomb is refused before validation, without delaying anyone else; a wrongly
typed page size is the type error it is.

``fragment F1 on Query { ...F0 ...F0 }`` and so on doubles at every level: 40 levels
expand to 2^40 fields, and every rule that walks an operation through its fragments
(depth, aliases, cost) used to take that long, on the event loop every request shares.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import httpx
from graphql import parse, validate
from starlette.applications import Starlette

from coalition.api.limits import cost_rule, expansion_errors
from coalition.config import Settings
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.live_server import live_server
from tests.support.world import World

BOMB_REFUSED = {
    "data": None,
    "errors": [
        {
            "message": "This document holds more than 10000 fields and fragment spreads once "
            "its fragments are expanded. Spread fewer fragments.",
            "extensions": {"code": "QUERY_LIMIT_EXCEEDED"},
        }
    ],
}


def bomb(levels: int) -> str:
    """A query whose fragments expand to 2^levels fields."""
    fragments = ["fragment F0 on Query { __typename }"]
    fragments += [
        f"fragment F{level} on Query {{ ...F{level - 1} ...F{level - 1} }}"
        for level in range(1, levels + 1)
    ]
    return f"query {{ ...F{levels} }} " + " ".join(fragments)


async def test_a_fragment_bomb_is_refused_before_validation(
    gql: GraphQLClient, world: World, service_calls: Counter[str]
) -> None:
    response = await gql.post(bomb(40), token=world.tokens["admin"])

    assert response.status_code == 200
    assert response.json() == BOMB_REFUSED  # no cost either: no rule ever priced it
    assert dict(service_calls) == {}


async def test_a_document_just_under_the_limit_runs(
    gql: GraphQLClient, world: World, settings: Settings
) -> None:
    # given 2^11 fields reached through 2^12 - 1 spreads (6,143 selections), and the default
    assert settings.max_selections == 10_000

    body = await gql(bomb(11), token=world.tokens["admin"])

    assert body == {"data": {"__typename": "Query"}}


async def test_one_more_level_is_refused(gql: GraphQLClient, world: World) -> None:
    response = await gql.post(bomb(12), token=world.tokens["admin"])  # 12,287 selections

    assert response.json() == BOMB_REFUSED


async def test_a_document_of_several_fragments_runs(
    gql: GraphQLClient, world: World, service_calls: Counter[str]
) -> None:
    query = """
    query Directory { organizations(first: 2) { ...Page } again: organizations(first: 1) {
      ...Page } }
    fragment Page on OrganizationConnection { totalCount edges { ...Edge } }
    fragment Edge on OrganizationEdge { node { ...Organization } }
    fragment Organization on Organization { ...Name kind }
    fragment Name on Organization { name }
    """

    response = await gql.post(query, token=world.tokens["admin"])

    body = response.json()
    assert "errors" not in body
    assert body["data"]["organizations"]["totalCount"] == 4
    assert len(body["data"]["organizations"]["edges"]) == 2
    assert len(body["data"]["again"]["edges"]) == 1
    assert set(body["data"]["again"]["edges"][0]["node"]) == {"name", "kind"}
    # each field once per parent, pages multiplying: (1 + 2 x 5) + (1 + 1 x 5)
    assert body["extensions"]["cost"]["requestedQueryCost"] == 17
    assert service_calls["list_organizations"] == 2


async def test_a_cycle_of_fragments_is_graphql_cores_error_alone(
    gql: GraphQLClient, world: World
) -> None:
    # given fragments that all spread each other: the depth limiter would walk every path
    names = ["A", "B", "C", "D", "E", "G", "H", "I"]
    fragments = " ".join(
        f"fragment {name} on Query {{ __typename "
        + " ".join(f"...{other}" for other in names if other != name)
        + " }"
        for name in names
    )

    started = time.perf_counter()
    body = await gql(f"{{ ...A }} {fragments}", token=world.tokens["admin"])
    elapsed = time.perf_counter() - started

    assert body["data"] is None
    assert set(error_codes(body)) == {"GRAPHQL_VALIDATION_FAILED"}
    assert body["errors"][0]["message"] == "Cannot spread fragment 'A' within itself via 'B'."
    assert elapsed < 2.0


def test_a_fragment_chain_longer_than_the_recursion_limit_is_counted(app: Starlette) -> None:
    chain = " ".join(f"fragment F{n} on Query {{ ...F{n - 1} }}" for n in range(1, 3_000))
    document = parse(f"{{ ...F2999 }} fragment F0 on Query {{ __typename }} {chain}")

    errors = expansion_errors(app.state.schema._schema, document, max_selections=2_999)

    assert [error.message for error in errors] == [
        "This document holds more than 2999 fields and fragment spreads once its fragments "
        "are expanded. Spread fewer fragments."
    ]


def test_the_cost_rule_prices_each_fragment_once(app: Starlette) -> None:
    # given the bomb, validated by the cost rule alone (as if nothing refused it first)
    costs: dict[str | None, int] = {}
    rule = cost_rule({}, max_page_size=100, max_cost=20_000, costs=costs)

    started = time.perf_counter()
    errors = validate(app.state.schema._schema, parse(bomb(40)), [rule])
    elapsed = time.perf_counter() - started

    assert costs == {None: 2**40}
    assert [error.message for error in errors] == [
        f"This operation could return {2**40} objects; the limit is 20000. Ask for smaller pages."
    ]
    assert elapsed < 0.5


# --- nobody waits for a bomb ------------------------------------------------------------


async def _answer(client: httpx.AsyncClient, query: str) -> tuple[float, dict[str, object]]:
    started = time.perf_counter()
    response = await client.post("/graphql", json={"query": query})
    return time.perf_counter() - started, response.json()


async def test_a_request_sent_with_bombs_answers_within_100_ms(app: Starlette) -> None:
    # 18 levels: before the expansion limit, validating this held the loop for seconds
    async with live_server(app) as client:
        # the connections, opened first: a bomb on a new one would arrive after the probe
        await asyncio.gather(*(_answer(client, "{ __typename }") for _ in range(4)))
        for _ in range(5):
            # when bombs are on their way
            bombs = [asyncio.create_task(_answer(client, bomb(18))) for _ in range(3)]
            await asyncio.sleep(0.05)
            # then a simple request still answers at once
            elapsed, body = await asyncio.wait_for(_answer(client, "{ __typename }"), 10)
            assert body["data"] == {"__typename": "Query"}
            assert elapsed < 0.1
            answers = await asyncio.wait_for(asyncio.gather(*bombs), 10)
            assert [answer for _, answer in answers] == [BOMB_REFUSED] * 3
