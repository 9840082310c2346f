"""demandSignals with nested occupation, skills, employer and history runs a fixed
number of SQL statements, whatever the number of signals (DESIGN.md: no N+1)."""

from __future__ import annotations

from tests.demand.support import PostSignal
from tests.support.graphql import GraphQLClient
from tests.support.statements import StatementCounter
from tests.support.world import World

QUERY = """{ demandSignals(first: 50) { edges { node {
  occupation { title } skills { skill { name } level } organization { name }
  history(first: 5) { totalCount } } } } }"""
OCCUPATIONS = ["51-4041", "51-4121", "51-9161", "49-9041", "51-2092"]
SHARING = ["PRIVATE", "POOLED", "NAMED"]


async def _post(world: World, post_signal: PostSignal, start: int, count: int) -> None:
    for index in range(start, start + count):
        await post_signal(
            world,
            person="member" if index % 2 else "admin",
            occupation_code=OCCUPATIONS[index % len(OCCUPATIONS)],
            sharing_level=SHARING[index % len(SHARING)] if index % 2 else "POOLED",
            skills=[("2.B.3.h", 1 + index % 4), ("2.A.1.a", 2)][: 1 + index % 2],
        )


async def _count(gql: GraphQLClient, token: str, counter: StatementCounter) -> tuple[int, int]:
    counter.statements.clear()
    body = await gql(QUERY, token=token)
    assert "errors" not in body, body
    edges = body["data"]["demandSignals"]["edges"]
    assert all(edge["node"]["history"] == {"totalCount": 1} for edge in edges)
    assert all(edge["node"]["organization"] == {"name": "alpha employer"} for edge in edges)
    return len(edges), counter.count


async def test_the_statement_count_does_not_grow_with_the_signals(
    gql: GraphQLClient, world: World, post_signal: PostSignal, count_statements: StatementCounter
) -> None:
    await _post(world, post_signal, 0, 5)
    few = await _count(gql, world.tokens["member"], count_statements)
    await _post(world, post_signal, 5, 45)

    many = await _count(gql, world.tokens["member"], count_statements)

    assert few[0] == 5
    assert many[0] == 50
    assert many[1] == few[1]
    # The tenant, the caller (2), count, page, occupations, skills, employers, history (2).
    assert many[1] == 10
