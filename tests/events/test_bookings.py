"""Booking places in sessions and interview slots: by the confirmation token with no
login, within capacity even when many book at once, never two rooms at one time."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.events import service
from coalition.events.models import SessionKind
from tests.demand.support import principal_of
from tests.events.registration_support import CANCEL, REGISTER, add_event, person, tenant_header
from tests.support.graphql import GraphQLClient
from tests.support.world import World, global_id

BOOK = """mutation($input: BookEventSessionInput!) { bookEventSession(input: $input) {
  session { title } alreadyBooked userErrors { field code } } }"""
PLACES = """query($id: ID!) { event(id: $id) { sessions { title placesLeft } } }"""


async def _session(
    sessions: SessionFactory,
    world: World,
    event_id: uuid.UUID,
    title: str,
    *,
    capacity: int,
    offset: int = 0,
) -> uuid.UUID:
    async with tenant_transaction(sessions, world.id) as session:
        event = await service.managed_event(session, principal_of(world, "org_admin"), event_id)
        made = await service.add_session(
            session,
            principal_of(world, "org_admin"),
            event_id=event_id,
            exhibitor_id=None,
            fields={
                "kind": SessionKind.GROUP,
                "title": title,
                "starts_at": event.starts_at + timedelta(minutes=offset),
                "ends_at": event.starts_at + timedelta(minutes=offset + 30),
                "capacity": capacity,
            },
        )
        return made.id


async def _register(gql: GraphQLClient, world: World, event_id: uuid.UUID, email: str) -> str:
    body = await gql(
        REGISTER, {"input": person(event_id, email=email)}, headers=tenant_header(world)
    )
    token: str = body["data"]["registerForEvent"]["receipt"]["confirmation"]["token"]
    return token


async def test_a_person_books_a_session_with_the_token_once(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    event_id = await add_event(owner_sessions, world)
    session_id = await _session(owner_sessions, world, event_id, "Workshop", capacity=2)
    token = await _register(gql, world, event_id, "ada@example.org")
    variables = {"input": {"sessionId": global_id("EventSession", session_id), "token": token}}

    first = await gql(BOOK, variables, headers=tenant_header(world))
    again = await gql(BOOK, variables, headers=tenant_header(world))
    places = await gql(PLACES, {"id": global_id("Event", event_id)}, token=world.tokens["member"])

    assert first["data"]["bookEventSession"] == {
        "session": {"title": "Workshop"},
        "alreadyBooked": False,
        "userErrors": [],
    }
    assert again["data"]["bookEventSession"]["alreadyBooked"] is True
    assert places["data"]["event"]["sessions"] == [{"title": "Workshop", "placesLeft": 1}]


async def test_many_booking_the_last_places_at_once_never_overbook(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    event_id = await add_event(owner_sessions, world)
    session_id = await _session(owner_sessions, world, event_id, "Interviews", capacity=3)
    tokens = [await _register(gql, world, event_id, f"p{i}@example.org") for i in range(8)]

    answers = await asyncio.gather(
        *(
            gql(
                BOOK,
                {"input": {"sessionId": global_id("EventSession", session_id), "token": token}},
                headers=tenant_header(world),
            )
            for token in tokens
        )
    )

    codes = sorted(
        (a["data"]["bookEventSession"]["userErrors"] or [{"code": "OK"}])[0]["code"]
        for a in answers
    )
    assert codes == ["OK"] * 3 + ["SESSION_FULL"] * 5


async def test_overlapping_sessions_a_forged_token_and_a_cancelled_person_are_refused(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    event_id = await add_event(owner_sessions, world)
    first = await _session(owner_sessions, world, event_id, "Workshop", capacity=5)
    clash = await _session(owner_sessions, world, event_id, "Panel", capacity=5, offset=15)
    token = await _register(gql, world, event_id, "ada@example.org")

    def book(session_id: uuid.UUID, given: str) -> dict[str, object]:
        return {"input": {"sessionId": global_id("EventSession", session_id), "token": given}}

    await gql(BOOK, book(first, token), headers=tenant_header(world))
    overlapping = await gql(BOOK, book(clash, token), headers=tenant_header(world))
    forged = await gql(BOOK, book(clash, "not-a-token"), headers=tenant_header(world))
    await gql(CANCEL, {"input": {"token": token}}, headers=tenant_header(world))
    cancelled = await gql(BOOK, book(clash, token), headers=tenant_header(world))
    places = await gql(PLACES, {"id": global_id("Event", event_id)}, token=world.tokens["member"])

    def code(body: dict) -> str:  # type: ignore[type-arg]
        return str(body["data"]["bookEventSession"]["userErrors"][0]["code"])

    assert code(overlapping) == "OVERLAPS"
    assert code(forged) == "NOT_FOUND"
    assert code(cancelled) == "NOT_REGISTERED"
    # The cancelled person's place in the workshop is free again.
    assert {s["title"]: s["placesLeft"] for s in places["data"]["event"]["sessions"]} == {
        "Workshop": 5,
        "Panel": 5,
    }
