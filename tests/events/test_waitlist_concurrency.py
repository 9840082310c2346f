"""No overbooking under concurrency, over a real server on loopback: registrations of one
event take their places one at a time, in arrival order (the event's row lock)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from coalition.config import Settings
from coalition.db.engine import SessionFactory
from coalition.events.models import RegistrationStatus
from tests.events.registration_support import (
    CANCEL,
    REGISTER,
    add_event,
    person,
    registrations_of,
    roomy_app,
    tenant_header,
)
from tests.support.live_server import live_server
from tests.support.world import World, global_id


async def _post(
    client: httpx.AsyncClient, world: World, document: str, given: dict[str, Any]
) -> dict[str, Any]:
    response = await client.post(
        "/graphql",
        json={"query": document, "variables": {"input": given}},
        headers=tenant_header(world),
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body["data"]


async def test_fifty_at_once_for_the_last_ten_seats_confirm_exactly_ten_in_arrival_order(
    settings: Settings, world: World, owner_sessions: SessionFactory
) -> None:
    event_id = await add_event(owner_sessions, world, capacity_in_person=15)
    async with roomy_app(settings) as app, live_server(app) as client:
        for number in range(5):
            await _post(client, world, REGISTER, person(event_id, f"early{number}@example.org"))

        answers = await asyncio.gather(
            *(
                _post(client, world, REGISTER, person(event_id, f"p{number}@example.org"))
                for number in range(50)
            ),
            *(
                _post(client, world, REGISTER, person(event_id, "Twin@Example.org"))
                for _ in range(5)
            ),
        )

    twins = [answer["registerForEvent"] for answer in answers[50:]]
    assert [twin["alreadyRegistered"] for twin in twins].count(False) == 1
    assert len({twin["receipt"]["registrationId"] for twin in twins}) == 1
    rows = await registrations_of(owner_sessions, world, event_id)
    assert len(rows) == 5 + 50 + 1
    assert [row.arrival for row in rows] == list(range(1, 57))
    confirmed = [row.arrival for row in rows if row.status is RegistrationStatus.CONFIRMED]
    waitlisted = [row.arrival for row in rows if row.status is RegistrationStatus.WAITLISTED]
    assert (confirmed, waitlisted) == (list(range(1, 16)), list(range(16, 57)))
    # What each caller was told is what was stored.
    told = {
        answer["registerForEvent"]["receipt"]["registrationId"]: answer["registerForEvent"][
            "receipt"
        ]["status"]
        for answer in answers
    }
    stored = {global_id("Registration", row.id): row.status.value for row in rows[5:]}
    assert told == stored
    assert list(told.values()).count("CONFIRMED") == 10


async def test_cancellations_at_once_seat_exactly_as_many_waiting_in_order(
    settings: Settings, world: World, owner_sessions: SessionFactory
) -> None:
    event_id = await add_event(owner_sessions, world, capacity_in_person=10)
    async with roomy_app(settings) as app, live_server(app) as client:
        tokens = []
        for number in range(30):
            data = await _post(
                client, world, REGISTER, person(event_id, f"p{number:02}@example.org")
            )
            tokens.append(data["registerForEvent"]["receipt"]["confirmation"]["token"])

        cancelled = await asyncio.gather(
            *(_post(client, world, CANCEL, {"token": token}) for token in tokens[:6]),
            *(_post(client, world, CANCEL, {"token": token}) for token in tokens[20:24]),
        )

    assert [c["cancelRegistration"]["userErrors"] for c in cancelled] == [[]] * 10
    rows = await registrations_of(owner_sessions, world, event_id)
    by_status = {
        status: [row.email for row in rows if row.status is status] for status in RegistrationStatus
    }
    # 6 seats freed: the first 6 still waiting (p10..p15) took them; p20..p23 left the queue.
    assert by_status[RegistrationStatus.CONFIRMED] == [f"p{n:02}@example.org" for n in range(6, 16)]
    assert by_status[RegistrationStatus.WAITLISTED] == [
        f"p{n:02}@example.org" for n in (16, 17, 18, 19, 24, 25, 26, 27, 28, 29)
    ]
    assert len(by_status[RegistrationStatus.CANCELLED]) == 10
