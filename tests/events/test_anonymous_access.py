"""A request with no token that names its partnership may register and cancel by token,
and nothing else: every other query and mutation still answers UNAUTHENTICATED."""

from __future__ import annotations

from coalition.db.engine import SessionFactory
from tests.events.registration_support import (
    CANCEL,
    CHECK_IN,
    REGISTER,
    WALK_IN,
    add_event,
    audit_of,
    person,
    registrations_of,
    tenant_header,
)
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.world import World, global_id

READS = [
    "{ viewer { kind } }",
    "{ organizations(first: 5) { edges { node { id } } } }",
    "{ events(first: 5) { edges { node { id title } } } }",
    "query($id: ID!) { event(id: $id) { id registrations(first: 5) { totalCount } } }",
    "query($id: ID!) { node(id: $id) { id } }",
    "{ auditEvents(first: 5) { edges { node { id } } } }",
]


async def test_an_anonymous_caller_with_a_tenant_reads_nothing(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    event_id = await add_event(owner_sessions, world)
    await gql(REGISTER, {"input": person(event_id)}, headers=tenant_header(world))
    [row] = await registrations_of(owner_sessions, world, event_id)
    for query in READS:
        variables = {"id": global_id("Event", event_id)}
        if "node(id" in query:
            variables = {"id": global_id("Registration", row.id)}
        body = await gql(query, variables if "$id" in query else None, headers=tenant_header(world))
        assert error_codes(body) == ["UNAUTHENTICATED"], query
        assert not any(body["data"].values()) if body.get("data") else True, query


async def test_an_anonymous_caller_changes_nothing_but_its_own_registration(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    event_id = await add_event(owner_sessions, world)
    body = await gql(REGISTER, {"input": person(event_id)}, headers=tenant_header(world))
    receipt = body["data"]["registerForEvent"]["receipt"]
    before = len(await audit_of(owner_sessions, world))
    event = global_id("Event", event_id)
    attempts = [
        (CHECK_IN, {"input": {"eventId": event, "code": receipt["confirmation"]["code"]}}),
        (WALK_IN, {"input": person(event_id, "door@example.org")}),
        (CANCEL, {"input": {"registrationId": receipt["registrationId"]}}),
        (
            "mutation($input: EventIdInput!) "
            "{ cancelEvent(input: $input) { userErrors { code } } }",
            {"input": {"id": event}},
        ),
    ]
    for document, variables in attempts:
        refused = await gql(document, variables, headers=tenant_header(world))
        assert error_codes(refused) == ["UNAUTHENTICATED"], document
    [row] = await registrations_of(owner_sessions, world, event_id)
    assert (row.checked_in_at, row.cancelled_at) == (None, None)
    assert len(await audit_of(owner_sessions, world)) == before


async def test_registering_needs_a_known_partnership_named(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    event_id = await add_event(owner_sessions, world)
    for headers in (
        {},
        {"X-Coalition-Tenant": "no-such-partnership"},
        {"X-Coalition-Tenant": "Bad_Slug%00"},
    ):
        body = await gql(REGISTER, {"input": person(event_id)}, headers=headers)
        assert error_codes(body) == ["UNAUTHENTICATED"], headers
        message = body["errors"][0]["message"]
        assert "X-Coalition-Tenant" in message
    assert await registrations_of(owner_sessions, world, event_id) == []


async def test_one_partnerships_name_does_not_reach_another_partnerships_event(
    gql: GraphQLClient, world: World, other_world: World, owner_sessions: SessionFactory
) -> None:
    event_id = await add_event(owner_sessions, world)

    body = await gql(REGISTER, {"input": person(event_id)}, headers=tenant_header(other_world))

    errors = body["data"]["registerForEvent"]["userErrors"]
    assert [error["code"] for error in errors] == ["NOT_FOUND"]
    assert await registrations_of(owner_sessions, world, event_id) == []


async def test_a_members_token_wins_over_the_tenant_header(
    gql: GraphQLClient, world: World, other_world: World, owner_sessions: SessionFactory
) -> None:
    event_id = await add_event(owner_sessions, world)
    body = await gql(
        REGISTER,
        {"input": person(event_id)},
        token=world.tokens["member"],
        headers=tenant_header(other_world),
    )
    assert body["data"]["registerForEvent"]["receipt"]["status"] == "CONFIRMED"
