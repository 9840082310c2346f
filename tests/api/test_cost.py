"""Each operation's cost in ``extensions.cost``, and a default limit a convener's views fit.

The cost counts every field once per parent object it could be asked for, and
page sizes multiply down the tree (``api/limits.py``).
"""

from __future__ import annotations

from collections import Counter

import httpx

from coalition.app import create_app
from coalition.config import Settings
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.world import World

LIMIT = "QUERY_LIMIT_EXCEEDED"

# The convener's directory: every organization with its people (20 each, the default page).
DIRECTORY = (
    "{ organizations(first: 50) { edges { node { id name memberships { edges { node "
    "{ id role user { id email } } } } } } } }"
)
# 100 organizations x 100 memberships x 100 memberships of each membership's organization.
CUBE = (
    "{ organizations(first: 100) { edges { node { memberships(first: 100) { edges { node "
    "{ organization { memberships(first: 100) { edges { node { id } } } } } } } } } } }"
)


def cost(requested: int, maximum: int = 20_000) -> dict[str, dict[str, int]]:
    return {"cost": {"requestedQueryCost": requested, "maximumQueryCost": maximum}}


async def test_the_default_limit_fits_a_conveners_directory(
    gql: GraphQLClient, world: World, settings: Settings
) -> None:
    # given the default limit
    assert settings.max_query_cost == 20_000

    # when the convener asks for every organization with its people
    response = await gql.post(DIRECTORY, token=world.tokens["admin"])

    # then it runs, and says what it cost: 1 + 50 x 5 + 50 x 20 x 6 objects
    body = response.json()
    assert "errors" not in body
    assert [
        len(edge["node"]["memberships"]["edges"]) for edge in body["data"]["organizations"]["edges"]
    ] == [2, 2, 2, 1]
    assert body["extensions"] == cost(7_251)


async def test_a_million_nested_objects_are_refused_with_their_cost(
    gql: GraphQLClient, world: World, service_calls: Counter[str]
) -> None:
    response = await gql.post(CUBE, token=world.tokens["admin"])

    body = response.json()
    assert body["data"] is None
    assert error_codes(body) == [LIMIT]
    assert body["errors"][0]["message"] == (
        "This operation could return 3040301 objects; the limit is 20000. Ask for smaller pages."
    )
    assert body["extensions"] == cost(3_040_301)
    assert dict(service_calls) == {}


async def test_a_refused_page_size_still_reports_the_cost(gql: GraphQLClient, world: World) -> None:
    response = await gql.post(
        "{ organizations(first: 101) { totalCount } }", token=world.tokens["admin"]
    )

    body = response.json()
    assert error_codes(body) == [LIMIT]
    # An out-of-range page size is priced as one object, and refused for itself.
    assert body["extensions"] == cost(2)


async def test_the_named_operation_is_the_one_priced(gql: GraphQLClient, world: World) -> None:
    document = (
        "query Small { tenant { name } } "
        "query Large { organizations(first: 10) { edges { node { id name } } } }"
    )

    small = (
        await gql.http.post(
            "/graphql",
            json={"query": document, "operationName": "Small"},
            headers={"Authorization": f"Bearer {world.tokens['admin']}"},
        )
    ).json()
    large = (
        await gql.http.post(
            "/graphql",
            json={"query": document, "operationName": "Large"},
            headers={"Authorization": f"Bearer {world.tokens['admin']}"},
        )
    ).json()

    assert small["extensions"] == cost(2)
    assert large["extensions"] == cost(1 + 10 * 4)


async def test_a_mutation_reports_its_cost(gql: GraphQLClient, world: World) -> None:
    response = await gql.post(
        'mutation { createOrganization(input: {name: "Costed", kind: EMPLOYER}) '
        "{ organization { id } userErrors { code } } }",
        token=world.tokens["admin"],
    )

    body = response.json()
    assert body["data"]["createOrganization"]["userErrors"] == []
    assert body["extensions"] == cost(5)


async def test_a_document_that_does_not_parse_has_no_cost(gql: GraphQLClient, world: World) -> None:
    response = await gql.post("{ organizations(first: ", token=world.tokens["admin"])

    body = response.json()
    assert error_codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "extensions" not in body


async def test_a_configured_limit_is_enforced_and_reported(
    settings: Settings, world: World
) -> None:
    # given an app whose limit is 40 objects
    application = create_app(
        settings.model_copy(update={"max_query_cost": 40}), configure_logs=False
    )
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as http:
            gql = GraphQLClient(http)

            # when one operation costs 40 and another 41
            at_limit = await gql.post(
                "{ organizations(first: 13) { edges { node { id } } } }",
                token=world.tokens["admin"],
            )
            over = await gql.post(
                "{ organizations(first: 10) { edges { node { id name } } } }",
                token=world.tokens["admin"],
            )

    # then the first runs and the second is refused, each with its cost and that limit
    assert "errors" not in at_limit.json()
    assert at_limit.json()["extensions"] == cost(40, 40)
    assert error_codes(over.json()) == [LIMIT]
    assert over.json()["extensions"] == cost(41, 40)
