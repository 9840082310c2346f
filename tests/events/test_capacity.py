"""Changing an event's capacity: never below the people confirmed, and more seats are
filled from the waitlist at once, first come first seated."""

from __future__ import annotations

from coalition.db.engine import SessionFactory
from coalition.events.models import RegistrationStatus
from tests.events.registration_support import (
    REGISTER,
    person,
    registrations_of,
    tenant_header,
)
from tests.events.support import UPDATE_EVENT, add_event
from tests.support.graphql import GraphQLClient
from tests.support.world import World, global_id


async def test_raising_the_capacity_seats_the_first_people_waiting(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    event_id = await add_event(owner_sessions, world, capacity_in_person=2)
    for index in range(5):
        body = await gql(
            REGISTER,
            {"input": person(event_id, email=f"p{index}@example.org")},
            headers=tenant_header(world),
        )
        assert body["data"]["registerForEvent"]["userErrors"] == []
    update = {"input": {"id": global_id("Event", event_id), "capacityInPerson": 4}}

    lowered = await gql(
        UPDATE_EVENT,
        {"input": {"id": global_id("Event", event_id), "capacityInPerson": 1}},
        token=world.tokens["org_admin"],
    )
    raised = await gql(UPDATE_EVENT, update, token=world.tokens["org_admin"])

    [error] = lowered["data"]["updateEvent"]["userErrors"]
    assert (error["field"], error["code"]) == (["capacityInPerson"], "CAPACITY_BELOW_CONFIRMED")
    assert raised["data"]["updateEvent"]["userErrors"] == []
    rows = sorted(await registrations_of(owner_sessions, world, event_id), key=lambda r: r.arrival)
    assert [(r.email, r.status) for r in rows] == [
        ("p0@example.org", RegistrationStatus.CONFIRMED),
        ("p1@example.org", RegistrationStatus.CONFIRMED),
        ("p2@example.org", RegistrationStatus.CONFIRMED),
        ("p3@example.org", RegistrationStatus.CONFIRMED),
        ("p4@example.org", RegistrationStatus.WAITLISTED),
    ]
