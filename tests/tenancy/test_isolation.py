"""With a token of tenant A, tenant B's IDs behave as if they did not exist.

Every query and mutation given B's ID answers exactly as for a random ID, B's rows are
unchanged afterwards, and A's lists never include B's rows.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from tests.support.graphql import GraphQLClient
from tests.support.world import World, global_id
from tests.tenancy.support import Snapshot

USER_ERRORS = "userErrors { field message code }"

NODE = """query($id: ID!) { node(id: $id) { id __typename } }"""
NODES = """query($ids: [ID!]!) { nodes(ids: $ids) { id __typename } }"""
ORGANIZATION = """query($id: ID!) { organization(id: $id) { id name } }"""

MUTATIONS: dict[str, tuple[str, Callable[[str], dict[str, Any]]]] = {
    "updateOrganization": (
        f"""mutation($id: ID!) {{ updateOrganization(input: {{id: $id, city: "Holland"}}) {{
            organization {{ id city }} {USER_ERRORS} }} }}""",
        lambda id_: {"id": id_},
    ),
    "archiveOrganization": (
        f"""mutation($id: ID!) {{ archiveOrganization(input: {{id: $id}}) {{
            organization {{ id }} {USER_ERRORS} }} }}""",
        lambda id_: {"id": id_},
    ),
    "addMembership": (
        f"""mutation($id: ID!) {{ addMembership(input: {{organizationId: $id,
            email: "intruder@example.org", role: MEMBER}}) {{
            membership {{ id }} {USER_ERRORS} }} }}""",
        lambda id_: {"id": id_},
    ),
    "removeMembership": (
        f"""mutation($id: ID!) {{ removeMembership(input: {{id: $id}}) {{
            membership {{ id }} {USER_ERRORS} }} }}""",
        lambda id_: {"id": id_},
    ),
    "revokeApiClient": (
        f"""mutation($id: ID!) {{ revokeApiClient(input: {{id: $id}}) {{
            apiClient {{ id }} {USER_ERRORS} }} }}""",
        lambda id_: {"id": id_},
    ),
}

# Which of B's objects each mutation is given, as (global ID type, how to find the UUID).
TARGETS: dict[str, tuple[str, Callable[[World], uuid.UUID]]] = {
    "updateOrganization": ("Organization", lambda w: w.organizations["employer"]),
    "archiveOrganization": ("Organization", lambda w: w.organizations["employer"]),
    "addMembership": ("Organization", lambda w: w.organizations["employer"]),
    "removeMembership": ("Membership", lambda w: w.memberships["member"]),
    "revokeApiClient": ("ApiClient", lambda w: w.clients["writer"]),
}

NODE_TARGETS: dict[str, Callable[[World], uuid.UUID]] = {
    "Organization": lambda w: w.organizations["employer"],
    "User": lambda w: w.users["admin"],
    "Membership": lambda w: w.memberships["admin"],
    "ApiClient": lambda w: w.clients["reader"],
    "Tenant": lambda w: w.id,
}


def _masked(body: dict[str, Any], *ids: str) -> str:
    text = json.dumps(body, sort_keys=True)
    for value in ids:
        text = text.replace(value, "<ID>")
    return text


async def _foreign_and_random(
    gql: GraphQLClient,
    query: str,
    variables: Callable[[str], dict[str, Any]],
    token: str,
    foreign: str,
    random: str,
) -> tuple[dict[str, Any], dict[str, Any]]:
    foreign_body = await gql(query, variables(foreign), token=token)
    random_body = await gql(query, variables(random), token=token)
    return foreign_body, random_body


@pytest.mark.parametrize("type_name", list(NODE_TARGETS))
async def test_node_with_a_foreign_id_is_null_like_a_random_one(
    gql: GraphQLClient, world: World, other_world: World, snapshot: Snapshot, type_name: str
) -> None:
    # given
    foreign = global_id(type_name, NODE_TARGETS[type_name](other_world))
    random = global_id(type_name, uuid.uuid4())
    before = await snapshot(other_world.id)

    # when
    foreign_body, random_body = await _foreign_and_random(
        gql, NODE, lambda id_: {"id": id_}, world.tokens["admin"], foreign, random
    )

    # then
    assert foreign_body == {"data": {"node": None}}
    assert _masked(foreign_body, foreign) == _masked(random_body, random)
    assert await snapshot(other_world.id) == before


async def test_nodes_with_foreign_ids_are_null_like_random_ones(
    gql: GraphQLClient, world: World, other_world: World
) -> None:
    # given
    foreign = [global_id(name, find(other_world)) for name, find in NODE_TARGETS.items()]
    random = [global_id(name, uuid.uuid4()) for name in NODE_TARGETS]
    own = global_id("Organization", world.organizations["employer"])

    # when
    foreign_body = await gql(NODES, {"ids": [*foreign, own]}, token=world.tokens["admin"])
    random_body = await gql(NODES, {"ids": [*random, own]}, token=world.tokens["admin"])

    # then
    assert foreign_body == {
        "data": {"nodes": [None] * 5 + [{"id": own, "__typename": "Organization"}]}
    }
    assert _masked(foreign_body, *foreign) == _masked(random_body, *random)


async def test_organization_with_a_foreign_id_is_null_like_a_random_one(
    gql: GraphQLClient, world: World, other_world: World
) -> None:
    # given
    foreign = global_id("Organization", other_world.organizations["employer"])
    random = global_id("Organization", uuid.uuid4())

    # when
    foreign_body, random_body = await _foreign_and_random(
        gql, ORGANIZATION, lambda id_: {"id": id_}, world.tokens["admin"], foreign, random
    )

    # then
    assert foreign_body == {"data": {"organization": None}}
    assert _masked(foreign_body, foreign) == _masked(random_body, random)


@pytest.mark.parametrize("mutation", list(MUTATIONS))
async def test_mutation_with_a_foreign_id_fails_like_a_random_one(
    gql: GraphQLClient, world: World, other_world: World, snapshot: Snapshot, mutation: str
) -> None:
    # given
    query, variables = MUTATIONS[mutation]
    type_name, find = TARGETS[mutation]
    foreign = global_id(type_name, find(other_world))
    random = global_id(type_name, uuid.uuid4())
    before_other = await snapshot(other_world.id)
    before_own = await snapshot(world.id)

    # when
    foreign_body, random_body = await _foreign_and_random(
        gql, query, variables, world.tokens["admin"], foreign, random
    )

    # then
    field = "organizationId" if mutation == "addMembership" else "id"
    payload = foreign_body["data"][mutation]
    assert "errors" not in foreign_body
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [([field], "NOT_FOUND")]
    assert _masked(foreign_body, foreign) == _masked(random_body, random)
    assert await snapshot(other_world.id) == before_other
    assert await snapshot(world.id) == before_own


ORGANIZATIONS = """{ organizations(first: 100, filter: {includeArchived: true}) {
    totalCount edges { node { id name } } } }"""
API_CLIENTS = """{ apiClients(first: 100) { totalCount edges { node { id name clientId } } } }"""
AUDIT_EVENTS = """{ auditEvents(first: 100) { totalCount edges { node {
    actorId actorLabel action objectId } } } }"""
CREATE = """mutation($name: String!) { createOrganization(input: {name: $name, kind: EMPLOYER}) {
    organization { id } userErrors { code } } }"""


def _foreign_strings(other: World) -> list[str]:
    """Every name and ID of B that could leak: raw UUIDs, global IDs, client IDs, slug."""
    strings = [other.slug, str(other.id), other.slug.split("-")[0], "Beta Only Shop"]
    for type_name, ids in (
        ("Organization", other.organizations),
        ("User", other.users),
        ("Membership", other.memberships),
        ("ApiClient", other.clients),
    ):
        for object_id in ids.values():
            strings += [str(object_id), global_id(type_name, object_id)]
    strings += [other.client_id(name) for name in other.clients]
    return strings


async def test_lists_never_include_the_other_tenants_rows(
    gql: GraphQLClient, world: World, other_world: World
) -> None:
    # given: both partnerships have an audit trail
    created = await gql(CREATE, {"name": "Beta Only Shop"}, token=other_world.tokens["admin"])
    assert created["data"]["createOrganization"]["userErrors"] == []
    await gql(CREATE, {"name": "alpha only shop"}, token=world.tokens["admin"])

    # when
    organizations = await gql(ORGANIZATIONS, token=world.tokens["admin"])
    clients = await gql(API_CLIENTS, token=world.tokens["admin"])
    events = await gql(AUDIT_EVENTS, token=world.tokens["admin"])

    # then
    names = [edge["node"]["name"] for edge in organizations["data"]["organizations"]["edges"]]
    # All lowercase: the order is then the same under the C and the en_US collations.
    assert names == [
        "alpha college",
        "alpha convener",
        "alpha employer",
        "alpha only shop",
        "alpha other_employer",
    ]
    assert organizations["data"]["organizations"]["totalCount"] == 5
    client_names = [edge["node"]["name"] for edge in clients["data"]["apiClients"]["edges"]]
    assert sorted(client_names) == ["alpha reader", "alpha writer"]
    assert clients["data"]["apiClients"]["totalCount"] == 2
    audit = [edge["node"] for edge in events["data"]["auditEvents"]["edges"]]
    assert [(e["action"], e["actorLabel"]) for e in audit] == [
        ("organization.create", f"admin@{world.slug}.example")
    ]
    assert created["data"]["createOrganization"]["organization"]["id"] not in json.dumps(events)
    for body in (organizations, clients, events):
        text = json.dumps(body)
        assert [value for value in _foreign_strings(other_world) if value in text] == []
