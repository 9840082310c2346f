"""Checking people in at the door: by code or ID, idempotent, refusals, walk-ins beyond
capacity, who may do it, and the counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from coalition.db.engine import SessionFactory
from coalition.events.models import AttendanceMode, RegistrationStatus
from tests.events.registration_support import (
    ATTENDANCE,
    CANCEL,
    CHECK_IN,
    REGISTER,
    WALK_IN,
    add_event,
    audit_actions,
    person,
    registrations_of,
    set_event,
    tenant_header,
)
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.world import World, global_id


async def _register(
    gql: GraphQLClient, world: World, event_id: object, email: str, **more: object
) -> dict:  # type: ignore[type-arg]
    body = await gql(
        REGISTER,
        {"input": person(event_id, email, **more)},
        headers=tenant_header(world),  # type: ignore[arg-type]
    )
    receipt: dict = body["data"]["registerForEvent"]["receipt"]  # type: ignore[type-arg]
    return receipt


def _codes(body: dict, field: str) -> list[str]:  # type: ignore[type-arg]
    return [error["code"] for error in body["data"][field]["userErrors"]]


async def test_staff_check_in_by_code_once_and_again_is_the_same_check_in(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    event_id = await add_event(owner_sessions, world)
    receipt = await _register(gql, world, event_id, "ada@example.org")
    code = receipt["confirmation"]["code"]
    given = {"eventId": global_id("Event", event_id), "code": f" {code.lower()} "}

    first = await gql(CHECK_IN, {"input": given}, token=world.tokens["member"])
    second = await gql(CHECK_IN, {"input": given}, token=world.tokens["org_admin"])

    one, two = first["data"]["checkInRegistration"], second["data"]["checkInRegistration"]
    assert one["userErrors"] == [] and two["userErrors"] == []
    assert (one["alreadyCheckedIn"], two["alreadyCheckedIn"]) == (False, True)
    assert one["registration"]["checkedInAt"] is not None
    assert two["registration"]["checkedInAt"] == one["registration"]["checkedInAt"]
    assert one["registration"]["email"] == "ada@example.org"
    assert await audit_actions(owner_sessions, world, "registration.checked_in") == [
        "registration.checked_in"
    ]
    by_id = await gql(
        CHECK_IN,
        {"input": {"eventId": given["eventId"], "registrationId": receipt["registrationId"]}},
        token=world.tokens["member"],
    )
    assert by_id["data"]["checkInRegistration"]["alreadyCheckedIn"] is True
    cancel = await gql(
        CANCEL, {"input": {"token": receipt["confirmation"]["token"]}}, headers=tenant_header(world)
    )
    assert _codes(cancel, "cancelRegistration") == ["ALREADY_CHECKED_IN"]


async def test_waitlisted_cancelled_and_unknown_people_are_not_checked_in(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    event_id = await add_event(owner_sessions, world, capacity_in_person=1)
    other_event = await add_event(owner_sessions, world)
    await _register(gql, world, event_id, "seated@example.org")
    waiting = await _register(gql, world, event_id, "waiting@example.org")
    elsewhere = await _register(gql, world, other_event, "elsewhere@example.org")
    cancelled = await _register(gql, world, other_event, "gone@example.org")
    await gql(
        CANCEL,
        {"input": {"token": cancelled["confirmation"]["token"]}},
        headers=tenant_header(world),
    )
    event = global_id("Event", event_id)
    cases = [
        ({"eventId": event, "code": waiting["confirmation"]["code"]}, "WAITLISTED"),
        ({"eventId": event, "code": elsewhere["confirmation"]["code"]}, "NOT_REGISTERED"),
        ({"eventId": event, "code": "ZZZZZZZZ"}, "NOT_REGISTERED"),
        ({"eventId": event, "registrationId": elsewhere["registrationId"]}, "NOT_REGISTERED"),
        (
            {
                "eventId": global_id("Event", other_event),
                "registrationId": cancelled["registrationId"],
            },
            "NOT_REGISTERED",
        ),
        ({"eventId": event}, "REQUIRED"),
        ({"eventId": global_id("Event", world.id), "code": "ABC"}, "NOT_FOUND"),
    ]
    for given, code in cases:
        body = await gql(CHECK_IN, {"input": given}, token=world.tokens["member"])
        assert _codes(body, "checkInRegistration") == [code], given
    assert await audit_actions(owner_sessions, world, "registration.checked_in") == []


async def test_only_the_organizers_people_check_in(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    event_id = await add_event(owner_sessions, world)
    receipt = await _register(gql, world, event_id, "ada@example.org")
    given = {"eventId": global_id("Event", event_id), "code": receipt["confirmation"]["code"]}
    for caller in ("admin", "analyst", "other_org_admin", "college_member"):
        body = await gql(CHECK_IN, {"input": given}, token=world.tokens[caller])
        assert error_codes(body) == ["FORBIDDEN"], caller
        walk_in = await gql(
            WALK_IN, {"input": person(event_id, "w@example.org")}, token=world.tokens[caller]
        )
        assert error_codes(walk_in) == ["FORBIDDEN"], caller
    for app in ("reader", "writer"):  # without events:read the event reads as missing
        body = await gql(CHECK_IN, {"input": given}, token=world.tokens[app])
        assert _codes(body, "checkInRegistration") == ["NOT_FOUND"], app
    anonymous = await gql(CHECK_IN, {"input": given}, headers=tenant_header(world))
    assert error_codes(anonymous) == ["UNAUTHENTICATED"]
    [row] = await registrations_of(owner_sessions, world, event_id)
    assert row.checked_in_at is None


async def test_walk_ins_are_seated_beyond_capacity_and_checked_in_at_once(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    event_id = await add_event(owner_sessions, world, capacity_in_person=1)
    await _register(gql, world, event_id, "seated@example.org")
    await _register(gql, world, event_id, "waiting@example.org")

    walk_in = await gql(
        WALK_IN, {"input": person(event_id, "door@example.org")}, token=world.tokens["member"]
    )
    waiting = await gql(
        WALK_IN, {"input": person(event_id, "WAITING@example.org")}, token=world.tokens["member"]
    )
    again = await gql(
        WALK_IN, {"input": person(event_id, "door@example.org")}, token=world.tokens["member"]
    )

    made = walk_in["data"]["registerWalkIn"]["registration"]
    assert (made["status"], made["walkIn"], made["arrival"]) == ("CONFIRMED", True, 3)
    assert made["checkedInAt"] is not None
    seated = waiting["data"]["registerWalkIn"]["registration"]
    assert (seated["status"], seated["walkIn"], seated["arrival"]) == ("CONFIRMED", True, 2)
    assert again["data"]["registerWalkIn"]["alreadyCheckedIn"] is True
    rows = await registrations_of(owner_sessions, world, event_id)
    assert [row.status for row in rows] == [RegistrationStatus.CONFIRMED] * 3
    bad = await gql(
        WALK_IN, {"input": person(event_id, "nope", name="")}, token=world.tokens["member"]
    )
    assert sorted(_codes(bad, "registerWalkIn")) == ["BLANK", "INVALID"]


async def test_counts_per_attendance_and_no_shows_once_the_event_ended(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    event_id = await add_event(
        owner_sessions, world, mode=AttendanceMode.MIXED, capacity_in_person=2, capacity_online=5
    )
    for number in range(3):
        await _register(gql, world, event_id, f"room{number}@example.org", attendance="IN_PERSON")
    for number in range(2):
        await _register(gql, world, event_id, f"web{number}@example.org", attendance="ONLINE")
    await gql(
        WALK_IN,
        {"input": person(event_id, "door@example.org", attendance="IN_PERSON")},
        token=world.tokens["member"],
    )
    await gql(
        CHECK_IN,
        {
            "input": {
                "eventId": global_id("Event", event_id),
                "code": (await registrations_of(owner_sessions, world, event_id))[3].code,
            }
        },
        token=world.tokens["member"],
    )
    event = {"id": global_id("Event", event_id)}

    before = await gql(ATTENDANCE, event, token=world.tokens["org_admin"])
    started = datetime.now(UTC) - timedelta(hours=3)
    await set_event(
        owner_sessions, world, event_id, starts_at=started, ends_at=started + timedelta(hours=1)
    )
    after = await gql(ATTENDANCE, event, token=world.tokens["member"])

    counts = before["data"]["event"]["attendance"]
    assert counts["inPerson"] == {"registered": 3, "waitlisted": 1, "checkedIn": 1, "noShow": 0}
    assert counts["online"] == {"registered": 2, "waitlisted": 0, "checkedIn": 1, "noShow": 0}
    assert counts["total"] == {"registered": 5, "waitlisted": 1, "checkedIn": 2, "noShow": 0}
    assert after["data"]["event"]["attendance"]["total"]["noShow"] == 3
    for caller in ("other_org_admin", "college_member", "analyst"):
        hidden = await gql(ATTENDANCE, event, token=world.tokens[caller])
        assert hidden["data"]["event"]["attendance"] is None, caller
    convener = await gql(ATTENDANCE, event, token=world.tokens["admin"])
    assert convener["data"]["event"]["attendance"]["total"]["registered"] == 5
