"""Attacks on hires traced to events by a rival that organizes the event: once an
event's reports are final its published figures must never change, or the difference
between two answers is one exhibitor's report.

The organizer here is the college (a member, not the convener); the four exhibitors
report hires 3, 5, 4 and 4, so the total (16) and the total without any one of them
both pass the rule (at least three contributors, the p% rule)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from coalition.db.engine import SessionFactory
from tests.events.support import (
    DECIDE,
    OUTCOMES,
    UPDATE_EVENT,
    add_event,
    add_exhibitor,
    move_event,
    report,
)
from tests.support.graphql import GraphQLClient
from tests.support.world import World, global_id

EVENT_OUTCOMES = f"query($id: ID!) {{ event(id: $id) {{ outcomes {{ {OUTCOMES} }} }} }}"
POOLED = "query { eventOutcomes { hires eventsCounted } }"
ORGANIZER = "college_admin"
# (person, organization, hires): the target is other_employer's 5.
EXHIBITORS = (
    ("org_admin", "employer", 3),
    ("other_org_admin", "other_employer", 5),
    ("college_admin", "college", 4),
    ("admin", "convener", 4),
)


async def _final_event(
    sessions: SessionFactory, world: World
) -> tuple[uuid.UUID, dict[str, uuid.UUID]]:
    event_id = await add_event(sessions, world, person=ORGANIZER, organization="college")
    exhibitors = {
        organization: await add_exhibitor(
            sessions, world, event_id, person=person, organization=organization, organizer=ORGANIZER
        )
        for person, organization, _ in EXHIBITORS
    }
    await move_event(sessions, world, event_id, datetime.now(UTC) - timedelta(days=2))
    for person, organization, hires in EXHIBITORS:
        await report(
            sessions,
            world,
            exhibitors[organization],
            person=person,
            interviews=hires * 3,
            offers=hires * 2,
            hires=hires,
        )
    await move_event(sessions, world, event_id, datetime.now(UTC) - timedelta(days=60))
    return event_id, exhibitors


async def _hires(gql: GraphQLClient, world: World, event_id: uuid.UUID) -> Any:
    body = await gql(
        EVENT_OUTCOMES, {"id": global_id("Event", event_id)}, token=world.tokens[ORGANIZER]
    )
    return body["data"]["event"]["outcomes"]["hires"]


async def _pooled(gql: GraphQLClient, world: World) -> Any:
    return (await gql(POOLED, token=world.tokens[ORGANIZER]))["data"]["eventOutcomes"]


async def _decide(gql: GraphQLClient, world: World, exhibitor_id: uuid.UUID, status: str) -> Any:
    variables = {"id": global_id("Exhibitor", exhibitor_id), "status": status}
    body = await gql(DECIDE, variables, token=world.tokens[ORGANIZER])
    return body["data"]["decideExhibitor"]


async def test_declining_an_exhibitor_after_the_event_leaves_the_figures_as_they_were(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    event_id, exhibitors = await _final_event(owner_sessions, world)
    before = (await _hires(gql, world, event_id), await _pooled(gql, world))

    declined = await _decide(gql, world, exhibitors["other_employer"], "DECLINED")
    after = (await _hires(gql, world, event_id), await _pooled(gql, world))

    assert before == (16, {"hires": 16, "eventsCounted": 1})
    assert [e["code"] for e in declined["userErrors"]] == ["EVENT_CLOSED"]
    assert after == before


async def test_moving_an_ended_event_back_to_reopen_it_is_refused(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    # Reopened, the organizer could decline the target, move the event back and subtract.
    event_id, exhibitors = await _final_event(owner_sessions, world)
    ahead = datetime.now(UTC) + timedelta(days=30)
    moved = await gql(
        UPDATE_EVENT,
        {
            "input": {
                "id": global_id("Event", event_id),
                "startsAt": ahead.isoformat(),
                "endsAt": (ahead + timedelta(hours=4)).isoformat(),
            }
        },
        token=world.tokens[ORGANIZER],
    )
    declined = await _decide(gql, world, exhibitors["other_employer"], "DECLINED")

    assert [e["code"] for e in moved["data"]["updateEvent"]["userErrors"]] == ["EVENT_CLOSED"] * 2
    assert [e["code"] for e in declined["userErrors"]] == ["EVENT_CLOSED"]
    assert await _hires(gql, world, event_id) == 16
