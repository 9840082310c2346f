"""Global IDs: own objects resolve; another tenant's behave exactly like ones that never existed."""

from __future__ import annotations

import base64
import uuid
from typing import Any

import pytest

from tests.support.graphql import GraphQLClient
from tests.support.world import World, global_id

NODE = """
query($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Organization { name kind }
    ... on Membership { role user { displayName } organization { name } }
    ... on User { displayName email }
    ... on ApiClient { name clientId }
    ... on Tenant { slug }
  }
}"""
NODES = """
query($ids: [ID!]!) {
  nodes(ids: $ids) {
    __typename id
    ... on Organization { name }
    ... on Membership { role }
    ... on User { displayName }
  }
}"""
ORGANIZATION = "query($id: ID!) { organization(id: $id) { id name } }"
NOTHING = {"data": {"node": None}}


def own_object(world: World, type_name: str) -> uuid.UUID:
    return {
        "Organization": world.organizations["employer"],
        "Membership": world.memberships["member"],
        "User": world.users["member"],
        "ApiClient": world.clients["reader"],
        "Tenant": world.id,
    }[type_name]


def expected_node(world: World, type_name: str) -> dict[str, Any]:
    object_id = global_id(type_name, own_object(world, type_name))
    label = world.slug.split("-")[0]
    nodes: dict[str, dict[str, Any]] = {
        "Organization": {
            "__typename": "Organization",
            "id": object_id,
            "name": f"{label} employer",
            "kind": "EMPLOYER",
        },
        "Membership": {
            "__typename": "Membership",
            "id": object_id,
            "role": "MEMBER",
            "user": {"displayName": "member"},
            "organization": {"name": f"{label} employer"},
        },
        "User": {
            "__typename": "User",
            "id": object_id,
            "displayName": "member",
            "email": f"member@{world.slug}.example",
        },
        "ApiClient": {
            "__typename": "ApiClient",
            "id": object_id,
            "name": f"{label} reader",
            "clientId": world.client_id("reader"),
        },
        "Tenant": {"__typename": "Tenant", "id": object_id, "slug": world.slug},
    }
    return nodes[type_name]


def malformed_ids(type_name: str) -> list[str]:
    def encode(raw: str) -> str:
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    return [
        "not-an-id",
        "",
        encode(f"{type_name}:not-a-uuid"),
        encode(type_name),
        encode(f"{type_name}:{uuid.uuid4()}:extra"),
        "%%%",
        "T3Jn",
    ]


TYPES = ["Organization", "Membership", "User"]


@pytest.mark.parametrize("type_name", [*TYPES, "ApiClient", "Tenant"])
async def test_node_returns_the_callers_own_objects(
    gql: GraphQLClient, world: World, type_name: str
) -> None:
    object_id = global_id(type_name, own_object(world, type_name))

    body = await gql(NODE, {"id": object_id}, token=world.tokens["admin"])

    assert body == {"data": {"node": expected_node(world, type_name)}}


@pytest.mark.parametrize("type_name", [*TYPES, "ApiClient", "Tenant"])
async def test_another_tenants_id_is_like_one_that_never_existed(
    gql: GraphQLClient, world: World, other_world: World, type_name: str
) -> None:
    foreign = global_id(type_name, own_object(other_world, type_name))
    random = global_id(type_name, uuid.uuid4())

    foreign_body = await gql(NODE, {"id": foreign}, token=world.tokens["admin"])
    random_body = await gql(NODE, {"id": random}, token=world.tokens["admin"])
    malformed_bodies = [
        await gql(NODE, {"id": bad}, token=world.tokens["admin"])
        for bad in malformed_ids(type_name)
    ]

    assert foreign_body == NOTHING
    assert random_body == NOTHING
    assert malformed_bodies == [NOTHING] * len(malformed_ids(type_name))


@pytest.mark.parametrize("type_name", TYPES)
async def test_an_id_of_the_wrong_type_finds_nothing(
    gql: GraphQLClient, world: World, type_name: str
) -> None:
    # The right UUID under another type's name: the type is part of the ID.
    other_type = {"Organization": "User", "Membership": "Organization", "User": "Membership"}
    disguised = global_id(other_type[type_name], own_object(world, type_name))

    body = await gql(NODE, {"id": disguised}, token=world.tokens["admin"])

    assert body == NOTHING


async def test_nodes_keeps_order_and_nulls_what_the_caller_cannot_see(
    gql: GraphQLClient, world: World, other_world: World
) -> None:
    ids = [
        global_id("Organization", world.organizations["college"]),
        global_id("Organization", other_world.organizations["college"]),
        global_id("Membership", world.memberships["admin"]),
        global_id("Membership", other_world.memberships["admin"]),
        global_id("User", world.users["analyst"]),
        global_id("User", other_world.users["analyst"]),
        global_id("User", uuid.uuid4()),
        "garbage",
    ]

    body = await gql(NODES, {"ids": ids}, token=world.tokens["analyst"])

    assert body == {
        "data": {
            "nodes": [
                {"__typename": "Organization", "id": ids[0], "name": "alpha college"},
                None,
                {"__typename": "Membership", "id": ids[2], "role": "PARTNERSHIP_ADMIN"},
                None,
                {"__typename": "User", "id": ids[4], "displayName": "analyst"},
                None,
                None,
                None,
            ]
        }
    }


async def test_nodes_sees_the_same_from_the_other_side(
    gql: GraphQLClient, world: World, other_world: World
) -> None:
    ids = [
        global_id("Organization", world.organizations["employer"]),
        global_id("Organization", other_world.organizations["employer"]),
    ]

    body = await gql(NODES, {"ids": ids}, token=other_world.tokens["member"])

    assert body == {
        "data": {
            "nodes": [
                None,
                {"__typename": "Organization", "id": ids[1], "name": "beta employer"},
            ]
        }
    }


@pytest.mark.parametrize(
    ("caller", "visible"),
    [
        ("admin", True),
        ("analyst", False),
        ("org_admin", False),
        ("member", False),
        ("reader", False),
        ("writer", False),
    ],
)
async def test_an_api_client_node_is_for_partnership_admins_only(
    gql: GraphQLClient, world: World, caller: str, visible: bool
) -> None:
    client = global_id("ApiClient", world.clients["reader"])

    body = await gql(NODE, {"id": client}, token=world.tokens[caller])

    assert body == ({"data": {"node": expected_node(world, "ApiClient")}} if visible else NOTHING)


async def test_a_tenant_node_is_only_the_callers_own(
    gql: GraphQLClient, world: World, other_world: World
) -> None:
    own = await gql(NODE, {"id": global_id("Tenant", world.id)}, token=world.tokens["member"])
    other = await gql(
        NODE, {"id": global_id("Tenant", other_world.id)}, token=world.tokens["admin"]
    )

    assert own == {"data": {"node": expected_node(world, "Tenant")}}
    assert other == NOTHING


async def test_a_partner_app_sees_no_email(gql: GraphQLClient, world: World) -> None:
    user = global_id("User", world.users["member"])

    body = await gql(NODE, {"id": user}, token=world.tokens["reader"])

    assert body == {"data": {"node": {**expected_node(world, "User"), "email": None}}}


async def test_organization_by_id_finds_only_own_organizations(
    gql: GraphQLClient, world: World, other_world: World
) -> None:
    own = global_id("Organization", world.organizations["convener"])
    missing = [
        global_id("Organization", other_world.organizations["convener"]),
        global_id("Organization", uuid.uuid4()),
        global_id("Membership", world.memberships["admin"]),
        global_id("User", world.organizations["convener"]),
        *malformed_ids("Organization"),
    ]

    found = await gql(ORGANIZATION, {"id": own}, token=world.tokens["analyst"])
    not_found = [
        await gql(ORGANIZATION, {"id": bad}, token=world.tokens["analyst"]) for bad in missing
    ]

    assert found == {"data": {"organization": {"id": own, "name": "alpha convener"}}}
    assert not_found == [{"data": {"organization": None}}] * len(missing)
