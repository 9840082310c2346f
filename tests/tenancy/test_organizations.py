from __future__ import annotations

from tests.support.graphql import GraphQLClient, error_codes
from tests.support.world import World, global_id

LIST = """
query($first: Int, $after: String, $filter: OrganizationFilter) {
  organizations(first: $first, after: $after, filter: $filter) {
    totalCount
    edges { cursor node { id name kind } }
    pageInfo { hasNextPage endCursor }
  }
}"""

CREATE = """
mutation($input: CreateOrganizationInput!) {
  createOrganization(input: $input) {
    organization { id name kind employeeCount sizeBand isSme naicsCode city website }
    userErrors { field message code }
  }
}"""


async def test_admin_creates_an_organization(gql: GraphQLClient, world: World) -> None:
    body = await gql(
        CREATE,
        {
            "input": {
                "name": "  Bay Machining  ",
                "kind": "EMPLOYER",
                "employeeCount": 12,
                "naicsCode": "332710",
                "city": "Muskegon",
                "website": "https://bay.example",
            }
        },
        token=world.tokens["admin"],
    )

    payload = body["data"]["createOrganization"]
    assert payload["userErrors"] == []
    assert payload["organization"]["name"] == "Bay Machining"
    assert payload["organization"]["sizeBand"] == "SMALL"
    assert payload["organization"]["isSme"] is True


async def test_walking_pages_returns_every_row_once_in_order(
    gql: GraphQLClient, world: World
) -> None:
    for index in range(7):
        await gql(
            CREATE,
            {"input": {"name": f"Shop {index:02d}", "kind": "EMPLOYER"}},
            token=world.tokens["admin"],
        )
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        body = await gql(LIST, {"first": 3, "after": after}, token=world.tokens["member"])
        connection = body["data"]["organizations"]
        assert connection["totalCount"] == 11
        seen += [edge["node"]["name"] for edge in connection["edges"]]
        pages += 1
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]

    assert pages == 4
    assert len(seen) == 11
    assert seen == sorted(seen)
    assert len(set(seen)) == 11


async def test_filter_by_kind_and_search(gql: GraphQLClient, world: World) -> None:
    body = await gql(
        LIST, {"filter": {"kinds": ["EMPLOYER"], "search": "other"}}, token=world.tokens["analyst"]
    )

    names = [edge["node"]["name"] for edge in body["data"]["organizations"]["edges"]]
    assert names == ["alpha other_employer"]


async def test_first_above_the_cap_is_refused(gql: GraphQLClient, world: World) -> None:
    body = await gql(LIST, {"first": 101}, token=world.tokens["admin"])

    assert body["data"] is None
    assert error_codes(body) == ["QUERY_LIMIT_EXCEEDED"]


async def test_archived_organizations_leave_the_list(gql: GraphQLClient, world: World) -> None:
    archive = """mutation($id: ID!) { archiveOrganization(input: {id: $id}) {
        organization { archivedAt } userErrors { code } } }"""
    college = global_id("Organization", world.organizations["college"])

    body = await gql(archive, {"id": college}, token=world.tokens["admin"])
    listed = await gql(LIST, {}, token=world.tokens["admin"])

    assert body["data"]["archiveOrganization"]["userErrors"] == []
    names = [edge["node"]["name"] for edge in listed["data"]["organizations"]["edges"]]
    assert "alpha college" not in names
    assert listed["data"]["organizations"]["totalCount"] == 3


async def test_an_unknown_naics_code_is_refused(gql: GraphQLClient, world: World) -> None:
    body = await gql(
        CREATE,
        {"input": {"name": "Nowhere Inc", "kind": "EMPLOYER", "naicsCode": "999999"}},
        token=world.tokens["admin"],
    )

    payload = body["data"]["createOrganization"]
    assert payload["organization"] is None
    assert payload["userErrors"] == [
        {
            "field": ["naicsCode"],
            "code": "INVALID",
            "message": "naicsCode is not a NAICS 2022 code.",
        }
    ]
