"""Memberships: adding people by email, the last partnership admin, and the new person's token."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette

from coalition.auth.scopes import USER_SCOPES
from coalition.auth.tokens import USER_TOKEN_CLIENT_ID, issue_access_token
from coalition.config import Settings
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.world import World, global_id
from tests.tenancy.support import Snapshot

ADD = """mutation($input: AddMembershipInput!) { addMembership(input: $input) {
    membership { id role user { id email displayName } organization { id name } }
    userErrors { field message code } } }"""
REMOVE = """mutation($id: ID!) { removeMembership(input: {id: $id}) {
    membership { id role } userErrors { field message code } } }"""
VIEWER = """{ viewer { kind label roles user { email displayName }
    memberships { id role organization { name } } } }"""


def _add_input(world: World, email: str, role: str = "MEMBER", **extra: Any) -> dict[str, Any]:
    organization = global_id("Organization", world.organizations["employer"])
    return {"input": {"organizationId": organization, "email": email, "role": role, **extra}}


def _codes(payload: dict[str, Any]) -> list[tuple[list[str], str]]:
    return [(error["field"], error["code"]) for error in payload["userErrors"]]


async def test_adding_a_new_person_creates_the_user_with_a_lowercased_email(
    gql: GraphQLClient, world: World, snapshot: Snapshot
) -> None:
    # given
    before = await snapshot(world.id)

    # when
    body = await gql(
        ADD,
        _add_input(world, "  New.Person@X.example ", displayName="New Person"),
        token=world.tokens["admin"],
    )

    # then
    payload = body["data"]["addMembership"]
    assert payload["userErrors"] == []
    membership = payload["membership"]
    assert membership["role"] == "MEMBER"
    assert membership["user"]["email"] == "new.person@x.example"
    assert membership["user"]["displayName"] == "New Person"
    assert membership["organization"]["name"] == "alpha employer"
    after = await snapshot(world.id)
    [user] = [row for row in after["users"] if row not in before["users"]]
    [row] = [row for row in after["memberships"] if row not in before["memberships"]]
    assert user["email"] == "new.person@x.example"
    assert global_id("User", user["id"]) == membership["user"]["id"]
    assert (row["user_id"], row["organization_id"], row["role"]) == (
        user["id"],
        world.organizations["employer"],
        "MEMBER",
    )
    assert len(after["users"]) == len(before["users"]) + 1
    assert len(after["memberships"]) == len(before["memberships"]) + 1


async def test_an_existing_person_gets_a_second_membership_without_a_new_user(
    gql: GraphQLClient, world: World, snapshot: Snapshot
) -> None:
    # given: the analyst (at the convener) joins the employer too
    before = await snapshot(world.id)

    # when
    body = await gql(
        ADD, _add_input(world, f"ANALYST@{world.slug.upper()}.example"), token=world.tokens["admin"]
    )

    # then
    payload = body["data"]["addMembership"]
    assert payload["userErrors"] == []
    assert payload["membership"]["user"]["id"] == global_id("User", world.users["analyst"])
    after = await snapshot(world.id)
    assert after["users"] == before["users"]
    assert len(after["memberships"]) == len(before["memberships"]) + 1


async def test_adding_the_same_person_again_is_taken(
    gql: GraphQLClient, world: World, snapshot: Snapshot
) -> None:
    # given
    first = await gql(ADD, _add_input(world, "new.person@x.example"), token=world.tokens["admin"])
    assert first["data"]["addMembership"]["userErrors"] == []
    before = await snapshot(world.id)

    # when: the same address in other letters' case, and another role
    body = await gql(
        ADD,
        _add_input(world, "NEW.PERSON@X.EXAMPLE", "ORGANIZATION_ADMIN"),
        token=world.tokens["admin"],
    )

    # then
    payload = body["data"]["addMembership"]
    assert payload["membership"] is None
    assert _codes(payload) == [(["email"], "TAKEN")]
    assert await snapshot(world.id) == before


async def test_an_invalid_email_is_refused_and_nothing_is_written(
    gql: GraphQLClient, world: World, snapshot: Snapshot
) -> None:
    # given
    before = await snapshot(world.id)

    # when
    body = await gql(ADD, _add_input(world, "not-an-address"), token=world.tokens["admin"])

    # then
    payload = body["data"]["addMembership"]
    assert payload["membership"] is None
    assert _codes(payload) == [(["email"], "INVALID")]
    assert await snapshot(world.id) == before


async def test_the_last_partnership_admin_cannot_be_removed(
    gql: GraphQLClient, world: World, snapshot: Snapshot
) -> None:
    # given: the admin is the partnership's only PARTNERSHIP_ADMIN
    before = await snapshot(world.id)

    # when
    body = await gql(
        REMOVE,
        {"id": global_id("Membership", world.memberships["admin"])},
        token=world.tokens["admin"],
    )

    # then
    assert "errors" not in body, body
    payload = body["data"]["removeMembership"]
    assert payload["membership"] is None
    assert _codes(payload) == [(["id"], "LAST_ADMIN")]
    assert await snapshot(world.id) == before


async def test_a_partnership_admin_can_be_removed_when_another_remains(
    gql: GraphQLClient, world: World, snapshot: Snapshot
) -> None:
    # given: a second partnership admin
    added = await gql(
        ADD,
        _add_input(world, "second.admin@x.example", "PARTNERSHIP_ADMIN"),
        token=world.tokens["admin"],
    )
    assert added["data"]["addMembership"]["userErrors"] == []
    before = await snapshot(world.id)

    # when
    body = await gql(
        REMOVE,
        {"id": global_id("Membership", world.memberships["admin"])},
        token=world.tokens["admin"],
    )

    # then
    assert "errors" not in body, body
    payload = body["data"]["removeMembership"]
    assert payload["userErrors"] == []
    assert payload["membership"] == {
        "id": global_id("Membership", world.memberships["admin"]),
        "role": "PARTNERSHIP_ADMIN",
    }
    after = await snapshot(world.id)
    assert after["memberships"] == [
        row for row in before["memberships"] if row["id"] != world.memberships["admin"]
    ]


async def test_an_organization_admin_may_not_grant_partnership_admin(
    gql: GraphQLClient, world: World, snapshot: Snapshot
) -> None:
    # given
    before = await snapshot(world.id)

    # when
    body = await gql(
        ADD,
        _add_input(world, "climber@x.example", "PARTNERSHIP_ADMIN"),
        token=world.tokens["org_admin"],
    )

    # then
    assert error_codes(body) == ["FORBIDDEN"]
    assert body["data"] is None
    assert await snapshot(world.id) == before


async def test_an_organization_admin_adds_a_member_to_their_own_organization(
    gql: GraphQLClient, world: World
) -> None:
    # when
    body = await gql(
        ADD, _add_input(world, "apprentice@x.example"), token=world.tokens["org_admin"]
    )

    # then
    payload = body["data"]["addMembership"]
    assert payload["userErrors"] == []
    assert payload["membership"]["role"] == "MEMBER"
    assert payload["membership"]["organization"]["name"] == "alpha employer"


async def test_the_added_person_signs_in_and_sees_the_membership(
    gql: GraphQLClient, world: World, app: Starlette, settings: Settings, snapshot: Snapshot
) -> None:
    # given
    body = await gql(ADD, _add_input(world, "New.Person@X.example"), token=world.tokens["admin"])
    membership = body["data"]["addMembership"]["membership"]
    [user] = [
        row for row in (await snapshot(world.id))["users"] if row["email"] == "new.person@x.example"
    ]
    key = await app.state.keys.signer()
    token = issue_access_token(
        key,
        settings,
        tenant_id=world.id,
        subject=str(user["id"]),
        client_id=USER_TOKEN_CLIENT_ID,
        scopes=USER_SCOPES,
    )

    # when
    viewer = await gql(VIEWER, token=token)

    # then
    assert viewer == {
        "data": {
            "viewer": {
                "kind": "USER",
                "label": "new.person@x.example",
                "roles": ["MEMBER"],
                "user": {"email": "new.person@x.example", "displayName": "new.person"},
                "memberships": [
                    {
                        "id": membership["id"],
                        "role": "MEMBER",
                        "organization": {"name": "alpha employer"},
                    }
                ],
            }
        }
    }


async def test_an_organization_lists_its_memberships_oldest_first(
    gql: GraphQLClient, world: World
) -> None:
    # given
    await gql(ADD, _add_input(world, "apprentice@x.example"), token=world.tokens["admin"])
    query = """query($id: ID!) { organization(id: $id) { memberships(first: 10) {
        totalCount edges { node { role user { email } } } } } }"""

    # when
    body = await gql(
        query,
        {"id": global_id("Organization", world.organizations["employer"])},
        token=world.tokens["member"],
    )

    # then
    assert "errors" not in body, body
    connection = body["data"]["organization"]["memberships"]
    assert connection["totalCount"] == 3
    people = [(edge["node"]["user"]["email"], edge["node"]["role"]) for edge in connection["edges"]]
    # The fixture's two memberships share one transaction's created_at, so their order is
    # the tie-break on ID; the new membership comes after both.
    assert sorted(people[:2]) == [
        (f"member@{world.slug}.example", "MEMBER"),
        (f"org_admin@{world.slug}.example", "ORGANIZATION_ADMIN"),
    ]
    assert people[2:] == [("apprentice@x.example", "MEMBER")]


async def test_an_existing_member_and_a_bad_name_are_reported_at_once(
    gql: GraphQLClient, world: World, snapshot: Snapshot
) -> None:
    # given the member already belongs to the employer
    before = await snapshot(world.id)

    # when
    body = await gql(
        ADD,
        _add_input(world, f"member@{world.slug}.example", displayName="x" * 201),
        token=world.tokens["admin"],
    )

    # then
    assert _codes(body["data"]["addMembership"]) == [
        (["displayName"], "TOO_LONG"),
        (["email"], "TAKEN"),
    ]
    assert await snapshot(world.id) == before
