"""Concurrency attacks over a real server on loopback: the organizer lowering an event's
capacity while people register, and the time zones PostgreSQL must know for the public
list's ``from``/``to`` (its ``timezone()`` on the stored zone)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sqlalchemy import select, text

from coalition.config import Settings
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.errors import InvalidInput
from coalition.events import validation
from coalition.events.models import Event, RegistrationStatus
from tests.events.registration_support import (
    REGISTER,
    person,
    registrations_of,
    roomy_app,
    tenant_header,
)
from tests.events.support import add_event
from tests.support.live_server import live_server
from tests.support.world import World, global_id

LOWER = """mutation($input: UpdateEventInput!) {
  updateEvent(input: $input) { event { capacityInPerson } userErrors { code } } }"""


async def _post(
    client: httpx.AsyncClient, document: str, given: dict[str, Any], headers: dict[str, str]
) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"query": document, "variables": {"input": given}}, headers=headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body["data"]


async def test_lowering_the_capacity_while_people_register_never_overbooks(
    settings: Settings, world: World, owner_sessions: SessionFactory
) -> None:
    event_id = await add_event(owner_sessions, world, capacity_in_person=20)
    organizer = {"Authorization": f"Bearer {world.tokens['org_admin']}"}
    lowers = [{"id": global_id("Event", event_id), "capacityInPerson": n} for n in range(19, 4, -1)]
    async with roomy_app(settings) as app, live_server(app) as client:
        answers = await asyncio.gather(
            *(
                _post(client, REGISTER, person(event_id, f"p{n}@example.org"), tenant_header(world))
                for n in range(40)
            ),
            *(_post(client, LOWER, given, organizer) for given in lowers),
        )

    changes = [answer["updateEvent"] for answer in answers[40:]]
    assert all(
        change["event"] is not None
        or change["userErrors"] == [{"code": "CAPACITY_BELOW_CONFIRMED"}]
        for change in changes
    ), changes
    async with tenant_transaction(owner_sessions, world.id) as session:
        capacity = await session.scalar(
            select(Event.capacity_in_person).where(Event.id == event_id)
        )
    rows = await registrations_of(owner_sessions, world, event_id)
    confirmed = [row.arrival for row in rows if row.status is RegistrationStatus.CONFIRMED]
    waiting = [row.arrival for row in rows if row.status is RegistrationStatus.WAITLISTED]
    assert capacity is not None and len(confirmed) <= capacity
    # The first arrivals hold the seats; everyone else waits, none lost.
    assert confirmed == list(range(1, len(confirmed) + 1))
    assert len(confirmed) + len(waiting) == 40


async def test_a_time_zone_the_database_does_not_know_is_refused(
    owner_sessions: SessionFactory, world: World
) -> None:
    # An event in a zone Python knows and PostgreSQL does not (their tzdata releases
    # differ: the embedded server's is older) would make the public list's from/to
    # filter (timezone(event.time_zone, ...)) fail for the whole tenant.
    async with owner_sessions() as session:
        known = set(await session.scalars(text("SELECT name FROM pg_timezone_names")))
    unknown = sorted(
        zone
        for zone in validation.time_zones()
        if zone not in known and not _problems_of_zone(zone)
    )[:5]

    for zone in [*unknown, "America/Chicago"]:
        try:
            await add_event(owner_sessions, world, time_zone=zone)
        except InvalidInput as error:
            assert zone in unknown, zone
            assert [e.field for e in error.errors] == [("timeZone",)]
        else:
            assert zone not in unknown, zone


def _problems_of_zone(zone: str) -> list[Any]:
    return [
        error
        for error in validation.event_fields({"time_zone": zone}, current=None)[1]
        if error.field == ("timeZone",)
    ]
