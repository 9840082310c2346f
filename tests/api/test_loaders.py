"""DataLoaders: statement counts that do not grow with the items, and concurrent siblings."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.tenancy.models import Membership, Organization, OrganizationKind, Role, User
from tests.support.graphql import GraphQLClient
from tests.support.statements import StatementCounter
from tests.support.world import World, global_id

LIST = """
{
  organizations(first: 50) {
    edges { node {
      name
      memberships(first: 5) {
        totalCount
        edges { node { role user { displayName email } organization { name } } }
      }
    } }
  }
}"""


async def add_organizations(
    sessions: SessionFactory, world: World, count: int, *, members: int, prefix: str
) -> list[uuid.UUID]:
    """``count`` organizations named ``prefix NN``, each with ``members`` new people."""
    ids: list[uuid.UUID] = []
    async with tenant_transaction(sessions, world.id) as session:
        for index in range(count):
            organization = Organization(
                tenant_id=world.id,
                id=uuid.uuid4(),
                name=f"{prefix} {index:02d}",
                kind=OrganizationKind.EMPLOYER,
            )
            session.add(organization)
            ids.append(organization.id)
        await session.flush()
        for organization_id in ids:
            await add_members(session, world, organization_id, members)
    return ids


async def add_members(
    session: Any, world: World, organization_id: uuid.UUID, count: int
) -> list[uuid.UUID]:
    membership_ids: list[uuid.UUID] = []
    for _ in range(count):
        user = User(
            tenant_id=world.id,
            id=uuid.uuid4(),
            email=f"{uuid.uuid4().hex[:12]}@{world.slug}.example",
            display_name="Added",
        )
        session.add(user)
        await session.flush()
        membership = Membership(
            tenant_id=world.id,
            id=uuid.uuid4(),
            user_id=user.id,
            organization_id=organization_id,
            role=Role.MEMBER,
        )
        session.add(membership)
        membership_ids.append(membership.id)
    await session.flush()
    return membership_ids


async def test_statements_do_not_grow_with_organizations(
    gql: GraphQLClient,
    world: World,
    owner_sessions: SessionFactory,
    count_statements: StatementCounter,
) -> None:
    # Given 5 organizations (4 of the world, 1 added), and a warmed-up pool.
    await add_organizations(owner_sessions, world, 1, members=2, prefix="Batch A")
    await gql(LIST, token=world.tokens["admin"])
    count_statements.statements.clear()

    # When the list is read with 5, then with 50 organizations.
    small = await gql(LIST, token=world.tokens["admin"])
    with_five = count_statements.count
    await add_organizations(owner_sessions, world, 45, members=2, prefix="Batch B")
    count_statements.statements.clear()
    large = await gql(LIST, token=world.tokens["admin"])
    with_fifty = count_statements.count

    # Then both returned everything, with the same number of statements.
    assert "errors" not in small and "errors" not in large
    assert len(small["data"]["organizations"]["edges"]) == 5
    edges = large["data"]["organizations"]["edges"]
    assert len(edges) == 50
    added = [edge["node"] for edge in edges if edge["node"]["name"].startswith("Batch")]
    assert len(added) == 46
    assert {node["memberships"]["totalCount"] for node in added} == {2}
    assert all(
        member["node"]["organization"]["name"] == node["name"]
        and member["node"]["user"]["displayName"] == "Added"
        and member["node"]["user"]["email"].endswith(f"@{world.slug}.example")
        for node in added
        for member in node["memberships"]["edges"]
    )
    assert with_fifty == with_five


async def test_nodes_statements_do_not_grow_with_ids(
    gql: GraphQLClient,
    world: World,
    owner_sessions: SessionFactory,
    count_statements: StatementCounter,
) -> None:
    organizations = await add_organizations(owner_sessions, world, 30, members=0, prefix="N")
    query = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
    ids = [global_id("Organization", organization) for organization in organizations]
    await gql(query, {"ids": ids[:1]}, token=world.tokens["admin"])

    count_statements.statements.clear()
    few = await gql(query, {"ids": ids[:3]}, token=world.tokens["admin"])
    with_three = count_statements.count
    count_statements.statements.clear()
    many = await gql(query, {"ids": ids}, token=world.tokens["admin"])
    with_thirty = count_statements.count

    assert few == {"data": {"nodes": [{"id": each} for each in ids[:3]]}}
    assert many == {"data": {"nodes": [{"id": each} for each in ids]}}
    assert with_thirty == with_three


CONCURRENT = """
query($ids: [ID!]!, $organization: ID!) {
  a: organizations(first: 10) { edges { node { name
       memberships { totalCount edges { node { role user { displayName } } } } } } }
  b: viewer { label user { displayName } memberships { role organization { name } } }
  c: tenant { name }
  d: nodes(ids: $ids) { id ... on User { displayName } ... on Membership { role } }
  e: organization(id: $organization) { name memberships(first: 1) { totalCount } }
  f: organizations(first: 1) { totalCount }
}"""


async def test_sibling_fields_load_at_once_on_one_connection(
    gql: GraphQLClient, world: World
) -> None:
    ids = [
        global_id("User", world.users["member"]),
        global_id("Membership", world.memberships["org_admin"]),
        global_id("Organization", world.organizations["college"]),
    ]
    variables = {
        "ids": ids,
        "organization": global_id("Organization", world.organizations["employer"]),
    }

    bodies = await asyncio.gather(
        *(
            gql(CONCURRENT, variables, token=world.tokens[person])
            for person in ("admin", "analyst", "member", "org_admin")
        )
    )

    for body, person in zip(bodies, ("admin", "analyst", "member", "org_admin"), strict=True):
        assert "errors" not in body, body["errors"]
        data = body["data"]
        assert [
            (
                edge["node"]["name"],
                edge["node"]["memberships"]["totalCount"],
                sorted(
                    (member["node"]["role"], member["node"]["user"]["displayName"])
                    for member in edge["node"]["memberships"]["edges"]
                ),
            )
            for edge in data["a"]["edges"]
        ] == [
            (
                "alpha college",
                2,
                [("MEMBER", "college_member"), ("ORGANIZATION_ADMIN", "college_admin")],
            ),
            ("alpha convener", 2, [("ANALYST", "analyst"), ("PARTNERSHIP_ADMIN", "admin")]),
            ("alpha employer", 2, [("MEMBER", "member"), ("ORGANIZATION_ADMIN", "org_admin")]),
            ("alpha other_employer", 1, [("ORGANIZATION_ADMIN", "other_org_admin")]),
        ]
        assert data["b"]["label"] == f"{person}@{world.slug}.example"
        assert data["b"]["user"] == {"displayName": person}
        assert len(data["b"]["memberships"]) == 1
        assert data["c"] == {"name": "Partnership alpha"}
        assert data["d"] == [
            {"id": ids[0], "displayName": "member"},
            {"id": ids[1], "role": "ORGANIZATION_ADMIN"},
            {"id": ids[2]},
        ]
        assert data["e"] == {"name": "alpha employer", "memberships": {"totalCount": 2}}
        assert data["f"] == {"totalCount": 4}


MEMBERS_PAGE = """
query($id: ID!, $after: String) {
  organization(id: $id) {
    memberships(first: 2, after: $after) {
      totalCount
      edges { cursor node { id } }
      pageInfo { hasNextPage endCursor }
    }
  }
}"""


async def test_walking_memberships_returns_each_once_in_order(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    # Given 5 memberships written in one transaction (the same created_at, so the ID
    # decides), after the college's own 2 (written with the world, earlier).
    college = world.organizations["college"]
    async with tenant_transaction(owner_sessions, world.id) as session:
        created = await add_members(session, world, college, 5)

    seen: list[str] = []
    after = None
    pages = 0
    for _ in range(10):
        body = await gql(
            MEMBERS_PAGE,
            {"id": global_id("Organization", college), "after": after},
            token=world.tokens["analyst"],
        )
        connection = body["data"]["organization"]["memberships"]
        assert connection["totalCount"] == 7
        seen += [edge["node"]["id"] for edge in connection["edges"]]
        pages += 1
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]

    own = [world.memberships["college_admin"], world.memberships["college_member"]]
    assert pages == 4
    # The world's two first (written earlier), then the five; each group by ID.
    assert seen == [global_id("Membership", each) for each in [*sorted(own), *sorted(created)]]


async def test_different_pages_of_memberships_in_one_request(
    gql: GraphQLClient, world: World
) -> None:
    query = """query($c: ID!, $e: ID!) {
      c: organization(id: $c) { memberships(first: 1) { edges { cursor node { id } } } }
      e: organization(id: $e) { memberships(first: 1) { edges { cursor node { id } } } }
    }"""
    ids = {
        "c": global_id("Organization", world.organizations["convener"]),
        "e": global_id("Organization", world.organizations["employer"]),
    }
    first = await gql(query, ids, token=world.tokens["member"])
    cursors = {key: first["data"][key]["memberships"]["edges"][0]["cursor"] for key in ids}
    paged = """query($c: ID!, $e: ID!, $ca: String, $ea: String) {
      c: organization(id: $c) { memberships(first: 5, after: $ca) { edges { node { id } } } }
      e: organization(id: $e) { memberships(first: 5, after: $ea) { edges { node { id } } } }
    }"""

    second = await gql(
        paged, {**ids, "ca": cursors["c"], "ea": cursors["e"]}, token=world.tokens["member"]
    )

    firsts = {key: first["data"][key]["memberships"]["edges"][0]["node"]["id"] for key in ids}
    seconds = {
        key: [edge["node"]["id"] for edge in second["data"][key]["memberships"]["edges"]]
        for key in ids
    }
    assert {key: sorted([firsts[key], *seconds[key]]) for key in ids} == {
        "c": sorted([global_id("Membership", world.memberships[p]) for p in ("admin", "analyst")]),
        "e": sorted(
            [global_id("Membership", world.memberships[p]) for p in ("org_admin", "member")]
        ),
    }
