"""Operation limits (depth, aliases, tokens, page sizes, cost), all checked before resolvers run.

``service_calls`` wraps the tenancy service's reads: a refused operation must
leave every one of them uncalled, and each accepted twin shows the spy counts.
"""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

import pytest
from graphql import Source, TokenKind
from graphql.language.lexer import Lexer

from coalition.config import Settings
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.world import World, global_id

LIMIT = "QUERY_LIMIT_EXCEEDED"

# A path down the schema that can go as deep as needed, and a scalar to end at each step.
_STEPS = ["organizations(first: 1)", "edges", "node"]
_CYCLE = ["memberships(first: 1)", "edges", "node", "organization"]
_LEAF = {
    "organizations(first: 1)": "totalCount",
    "memberships(first: 1)": "totalCount",
    "edges": "cursor",
    "node": "id",
    "organization": "id",
}


def _nest(path: list[str], leaf: str | None = None) -> str:
    inner = leaf or _LEAF[path[-1]]
    for field in reversed(path):
        inner = f"{field} {{ {inner} }}"
    return inner


def deep_query(depth: int, *, in_fragment: bool = False) -> str:
    """A query whose deepest field is at ``depth`` (the root field is at depth 0)."""
    path = (_STEPS + _CYCLE * depth)[:depth]
    if not in_fragment:
        return f"{{ {_nest(path)} }}"
    head, tail = path[:3], path[3:]
    return f"{{ {_nest(head, '...Deep')} }} fragment Deep on Organization {{ {_nest(tail)} }}"


def token_count(query: str) -> int:
    lexer = Lexer(Source(query))
    count = 0
    while lexer.advance().kind != TokenKind.EOF:
        count += 1
    return count


def query_of_tokens(total: int) -> str:
    """An inexpensive, valid query of exactly ``total`` tokens."""
    base = "{ organizations(first: 1, filter: {kinds: [%s]}) { totalCount } }"
    padding = total - token_count(base % "")
    query = base % " ".join(["EMPLOYER"] * padding)
    assert token_count(query) == total
    return query


def assert_refused(body: dict[str, Any], calls: Counter[str], codes: list[str]) -> None:
    assert body["data"] is None
    assert error_codes(body) == codes
    assert dict(calls) == {}


# --- depth, aliases, tokens -------------------------------------------------------------


async def test_depth_at_the_limit_is_accepted(
    gql: GraphQLClient, world: World, settings: Settings, service_calls: Counter[str]
) -> None:
    body = await gql(deep_query(settings.max_query_depth), token=world.tokens["admin"])

    assert "errors" not in body
    assert len(body["data"]["organizations"]["edges"]) == 1
    assert service_calls["list_organizations"] == 1
    assert service_calls["memberships_of_organizations"] == 1


async def test_depth_over_the_limit_is_refused(
    gql: GraphQLClient, world: World, settings: Settings, service_calls: Counter[str]
) -> None:
    body = await gql(deep_query(settings.max_query_depth + 1), token=world.tokens["admin"])

    assert_refused(body, service_calls, ["GRAPHQL_VALIDATION_FAILED"])
    assert body["errors"][0]["message"] == (
        f"'anonymous' exceeds maximum operation depth of {settings.max_query_depth}"
    )


async def test_depth_inside_fragments_counts(
    gql: GraphQLClient, world: World, settings: Settings, service_calls: Counter[str]
) -> None:
    query = deep_query(settings.max_query_depth + 1, in_fragment=True)

    body = await gql(query, token=world.tokens["admin"])

    assert_refused(body, service_calls, ["GRAPHQL_VALIDATION_FAILED"])


def aliased(count: int) -> str:
    return (
        "{ "
        + " ".join(f"a{index}: organizations(first: 1) {{ totalCount }}" for index in range(count))
        + " }"
    )


async def test_aliases_at_the_limit_are_accepted(
    gql: GraphQLClient, world: World, settings: Settings, service_calls: Counter[str]
) -> None:
    body = await gql(aliased(settings.max_aliases), token=world.tokens["admin"])

    assert "errors" not in body
    assert len(body["data"]) == settings.max_aliases
    assert service_calls["list_organizations"] == settings.max_aliases


async def test_aliases_over_the_limit_are_refused(
    gql: GraphQLClient, world: World, settings: Settings, service_calls: Counter[str]
) -> None:
    body = await gql(aliased(settings.max_aliases + 1), token=world.tokens["admin"])

    assert_refused(body, service_calls, ["GRAPHQL_VALIDATION_FAILED"])
    assert body["errors"][0]["message"] == (
        f"{settings.max_aliases + 1} aliases found. Allowed: {settings.max_aliases}"
    )


async def test_tokens_at_the_limit_are_accepted(
    gql: GraphQLClient, world: World, settings: Settings, service_calls: Counter[str]
) -> None:
    body = await gql(query_of_tokens(settings.max_tokens), token=world.tokens["admin"])

    assert body == {"data": {"organizations": {"totalCount": 2}}}
    assert service_calls["list_organizations"] == 1


async def test_tokens_over_the_limit_are_refused(
    gql: GraphQLClient, world: World, settings: Settings, service_calls: Counter[str]
) -> None:
    body = await gql(query_of_tokens(settings.max_tokens + 1), token=world.tokens["admin"])

    assert_refused(body, service_calls, ["GRAPHQL_VALIDATION_FAILED"])
    assert body["errors"][0]["message"] == (
        f"Syntax Error: Document contains more than {settings.max_tokens} tokens. Parsing aborted."
    )


# --- page sizes -------------------------------------------------------------------------

PAGED = {
    "organizations": "organizations(first: %s) { totalCount }",
    "apiClients": "apiClients(first: %s) { totalCount }",
    "auditEvents": "auditEvents(first: %s) { totalCount }",
    "memberships": "organizations(first: 1) { edges { node { memberships(first: %s) "
    "{ totalCount } } } }",
}


@pytest.mark.parametrize("field", sorted(PAGED))
@pytest.mark.parametrize("first", [101, 0, -1, 2_147_483_647])
@pytest.mark.parametrize("as_variable", [False, True], ids=["literal", "variable"])
async def test_a_page_size_out_of_range_is_refused(
    gql: GraphQLClient,
    world: World,
    service_calls: Counter[str],
    field: str,
    first: int,
    as_variable: bool,
) -> None:
    if as_variable:
        query, variables = f"query($first: Int!) {{ {PAGED[field] % '$first'} }}", {"first": first}
    else:
        query, variables = f"{{ {PAGED[field] % first} }}", None

    body = await gql(query, variables, token=world.tokens["admin"])

    assert_refused(body, service_calls, [LIMIT])


@pytest.mark.parametrize("default", [101, 0])
async def test_a_variable_default_out_of_range_is_refused(
    gql: GraphQLClient, world: World, service_calls: Counter[str], default: int
) -> None:
    query = f"query($first: Int = {default}) {{ organizations(first: $first) {{ totalCount }} }}"

    body = await gql(query, token=world.tokens["admin"])

    assert_refused(body, service_calls, [LIMIT])


async def test_a_page_size_at_the_limit_is_accepted(
    gql: GraphQLClient, world: World, service_calls: Counter[str]
) -> None:
    query = f"query($first: Int!) {{ {PAGED['organizations'] % '$first'} }}"

    body = await gql(query, {"first": 100}, token=world.tokens["admin"])

    assert body == {"data": {"organizations": {"totalCount": 4}}}
    assert service_calls["list_organizations"] == 1


# A page size that is no GraphQL Int is graphql-core's type error, never a limit error.
WRONGLY_TYPED = {
    "string-literal": (
        '{ organizations(first: "10") { totalCount } }',
        None,
        'Int cannot represent non-integer value: "10"',
        "GRAPHQL_VALIDATION_FAILED",
    ),
    "float-literal": (
        "{ organizations(first: 10.5) { totalCount } }",
        None,
        "Int cannot represent non-integer value: 10.5",
        "GRAPHQL_VALIDATION_FAILED",
    ),
    "over-32-bit-literal": (
        "{ organizations(first: 99999999999) { totalCount } }",
        None,
        "Int cannot represent non 32-bit signed integer value: 99999999999",
        "GRAPHQL_VALIDATION_FAILED",
    ),
    "string-variable": (
        "query($first: Int!) { organizations(first: $first) { totalCount } }",
        {"first": "10"},
        "Variable '$first' has invalid value: Int cannot represent non-integer value: '10'",
        "BAD_USER_INPUT",
    ),
    "boolean-variable": (
        "query($first: Int!) { organizations(first: $first) { totalCount } }",
        {"first": True},
        "Variable '$first' has invalid value: Int cannot represent non-integer value: True",
        "BAD_USER_INPUT",
    ),
    "over-32-bit-variable": (
        "query($first: Int!) { organizations(first: $first) { totalCount } }",
        {"first": 2**40},
        "Variable '$first' has invalid value: "
        f"Int cannot represent non 32-bit signed integer value: {2**40}",
        "BAD_USER_INPUT",
    ),
    "variable-declared-string": (
        "query($first: String!) { organizations(first: $first) { totalCount } }",
        {"first": "10"},
        "Variable '$first' of type 'String!' used in position expecting type 'Int!'.",
        "GRAPHQL_VALIDATION_FAILED",
    ),
}


@pytest.mark.parametrize("case", list(WRONGLY_TYPED))
async def test_a_wrongly_typed_page_size_is_a_type_error(
    gql: GraphQLClient, world: World, service_calls: Counter[str], case: str
) -> None:
    query, variables, message, code = WRONGLY_TYPED[case]

    body = await gql(query, variables, token=world.tokens["admin"])

    assert_refused(body, service_calls, [code])
    assert [error["message"] for error in body["errors"]] == [message]


def nodes_query(count: int) -> str:
    ids = ", ".join(f'"{global_id("Organization", uuid.uuid4())}"' for _ in range(count))
    return f"{{ nodes(ids: [{ids}]) {{ id }} }}"


async def test_nodes_with_too_many_ids_are_refused(
    gql: GraphQLClient, world: World, settings: Settings, service_calls: Counter[str]
) -> None:
    body = await gql(nodes_query(settings.max_page_size + 1), token=world.tokens["admin"])

    assert_refused(body, service_calls, [LIMIT])


async def test_nodes_with_too_many_ids_in_a_variable_are_refused(
    gql: GraphQLClient, world: World, settings: Settings, service_calls: Counter[str]
) -> None:
    ids = [global_id("Organization", uuid.uuid4()) for _ in range(settings.max_page_size + 1)]

    body = await gql(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids}, token=world.tokens["admin"]
    )

    assert_refused(body, service_calls, [LIMIT])


async def test_nodes_with_ids_at_the_limit_are_accepted(
    gql: GraphQLClient, world: World, settings: Settings
) -> None:
    body = await gql(nodes_query(settings.max_page_size), token=world.tokens["admin"])

    assert body == {"data": {"nodes": [None] * settings.max_page_size}}


# --- cost -------------------------------------------------------------------------------

MEMBERS = "memberships(first: %d) { edges { node { user { id } } } }"
BOMB = "{ organizations(first: 100) { edges { node { %s } } } }" % (MEMBERS % 100)

BOMBS = {
    "plain": BOMB,
    "named-fragment": "{ organizations(first: 100) { edges { node { ...People } } } } "
    "fragment People on Organization { %s }" % (MEMBERS % 100),
    "inline-fragment": "{ organizations(first: 100) { edges { node { "
    "... on Organization { %s } } } } }" % (MEMBERS % 100),
    "root-fragment": f"query {{ ...Everything }} fragment Everything on Query {BOMB}",
    "nested-fragments": "{ organizations(first: 100) { edges { ...Edge } } } "
    "fragment Edge on OrganizationEdge { node { ...People } } "
    "fragment People on Organization { %s }" % (MEMBERS % 100),
    # Each spread of a fragment costs again: one costs 10,151 (under the default limit of
    # 20,000), both 20,302.
    "repeated-spreads": "{ a: organizations(first: 50) { edges { node { ...People } } } "
    "b: organizations(first: 50) { edges { node { ...People } } } } "
    "fragment People on Organization { %s }" % (MEMBERS % 50),
    "variables": "query($outer: Int!, $inner: Int!) { organizations(first: $outer) { "
    "edges { node { memberships(first: $inner) { edges { node { user { id } } } "
    "} } } } }",
    # Unset, $inner takes its default (100: costs 30,301), not the schema's default page
    # size (20: would cost 6,301).
    "variable-default": "query($inner: Int = 100) { organizations(first: 100) { edges { node { "
    "memberships(first: $inner) { edges { node { id } } } } } } }",
}


@pytest.mark.parametrize("name", list(BOMBS))
async def test_a_nested_cost_bomb_is_refused(
    gql: GraphQLClient, world: World, service_calls: Counter[str], name: str
) -> None:
    variables = {"outer": 100, "inner": 100} if name == "variables" else None

    body = await gql(BOMBS[name], variables, token=world.tokens["admin"])

    assert_refused(body, service_calls, [LIMIT])


@pytest.mark.parametrize(
    "query",
    [
        "{ organizations(first: 10) { edges { node { %s } } } }" % (MEMBERS % 10),
        "{ organizations(first: 10) { edges { node { ...People } } } } "
        "fragment People on Organization { %s }" % (MEMBERS % 10),
    ],
    ids=["plain", "fragment"],
)
async def test_a_modest_nested_query_is_accepted(
    gql: GraphQLClient, world: World, service_calls: Counter[str], query: str
) -> None:
    body = await gql(query, token=world.tokens["admin"])

    assert "errors" not in body
    members = [
        len(edge["node"]["memberships"]["edges"]) for edge in body["data"]["organizations"]["edges"]
    ]
    assert members == [2, 2, 2, 1]  # college, convener, employer, other_employer
    assert service_calls["list_organizations"] == 1
    assert service_calls["memberships_of_organizations"] == 1
