"""Text holding U+0000 is refused before anything runs: PostgreSQL cannot store it, and
letting it reach a statement was a server error (found by the schema fuzz test)."""

from __future__ import annotations

import pytest

from tests.support.graphql import GraphQLClient
from tests.support.world import World

CREATE = """mutation($name: String!) { createOrganization(input: {name: $name, kind: EMPLOYER}) {
    organization { id } userErrors { code } } }"""


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (CREATE, {"name": "Shop\x00"}),
        (CREATE, {"name": "Shop", "unused": ["\x00"]}),
        (
            'mutation { createOrganization(input: {name: "Shop\\u0000", kind: EMPLOYER}) '
            "{ organization { id } } }",
            None,
        ),
        ('{ industry(code: "\\u0000") { title } }', None),
        ('{ industry(code: "a\\u{0}b") { title } }', None),
        ('{ industry(code: "a\\u{000000}b") { title } }', None),
    ],
)
async def test_text_with_a_nul_character_is_a_bad_request(
    gql: GraphQLClient, world: World, query: str, variables: dict[str, object] | None
) -> None:
    response = await gql.post(query, variables, token=world.tokens["admin"])

    assert response.status_code == 400
    body = response.json()
    assert [error["extensions"]["code"] for error in body["errors"]] == ["BAD_REQUEST"]
    assert "U+0000" in body["errors"][0]["message"]


async def test_other_escapes_still_pass(gql: GraphQLClient, world: World) -> None:
    body = await gql(
        CREATE, {"name": "Shop \u00e9\u2603 \\u0000 as text"}, token=world.tokens["admin"]
    )

    assert body["data"]["createOrganization"]["userErrors"] == []


@pytest.mark.parametrize("literal", ['"Shop \\\\u0000"', '"""Shop \\u0000"""'])
async def test_a_backslash_u_that_is_not_an_escape_is_plain_text(
    gql: GraphQLClient, world: World, literal: str
) -> None:
    # An escaped backslash, or a block string (which has no escapes), spells the six
    # characters "\u0000", not U+0000.
    body = await gql(
        f"mutation {{ createOrganization(input: {{name: {literal}, kind: EMPLOYER}}) "
        "{ organization { name } userErrors { code } } }",
        token=world.tokens["admin"],
    )

    assert body["data"]["createOrganization"]["organization"]["name"] == "Shop \\u0000"
