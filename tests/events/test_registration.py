"""Registering for events: anonymous registration of a PUBLIC event, the waitlist and
its promotion, the same email twice, what is refused, the rate limit and its hashes."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr

from coalition.auth.principal import public_principal
from coalition.config import Settings
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.events import rate_limit, registrations
from coalition.events.models import (
    AttendanceMode,
    EventStatus,
    RegistrationAttempt,
    RegistrationStatus,
    Visibility,
)
from coalition.events.registrations import CODE_ALPHABET, hash_token, lock_event
from tests.events.registration_support import (
    CANCEL,
    REGISTER,
    add_event,
    attempts_of,
    person,
    registrations_of,
    set_event,
    tenant_header,
)
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.world import World, global_id


async def test_an_anonymous_person_registers_and_gets_a_confirmation_once(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    event_id = await add_event(owner_sessions, world, capacity_in_person=10)

    body = await gql(
        REGISTER, {"input": person(event_id, "Ada@Example.ORG")}, headers=tenant_header(world)
    )

    answer = body["data"]["registerForEvent"]
    assert answer["userErrors"] == []
    assert answer["alreadyRegistered"] is False
    receipt = answer["receipt"]
    assert (receipt["status"], receipt["attendance"]) == ("CONFIRMED", "IN_PERSON")
    confirmation = receipt["confirmation"]
    assert len(confirmation["code"]) == 8
    assert set(confirmation["code"]) <= set(CODE_ALPHABET)
    assert confirmation["qrCodeSvg"].startswith("<svg")
    [row] = await registrations_of(owner_sessions, world, event_id)
    assert receipt["registrationId"] == global_id("Registration", row.id)
    assert row.email == "ada@example.org"
    assert row.token_hash == hashlib.sha256(confirmation["token"].encode()).hexdigest()
    assert confirmation["token"] not in (row.token_hash, row.code)
    assert (row.arrival, row.code, row.consent_to_contact) == (1, confirmation["code"], True)


async def test_past_the_capacity_people_wait_and_a_cancellation_seats_the_first(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    event_id = await add_event(owner_sessions, world, capacity_in_person=2)
    headers = tenant_header(world)
    tokens = []
    for number in range(4):
        body = await gql(
            REGISTER, {"input": person(event_id, f"p{number}@example.org")}, headers=headers
        )
        receipt = body["data"]["registerForEvent"]["receipt"]
        tokens.append(receipt["confirmation"]["token"])
        assert receipt["status"] == ("CONFIRMED" if number < 2 else "WAITLISTED")

    body = await gql(CANCEL, {"input": {"token": tokens[0]}}, headers=headers)

    assert body["data"]["cancelRegistration"]["receipt"]["status"] == "CANCELLED"
    rows = await registrations_of(owner_sessions, world, event_id)
    assert [(row.email, row.status) for row in rows] == [
        ("p0@example.org", RegistrationStatus.CANCELLED),
        ("p1@example.org", RegistrationStatus.CONFIRMED),
        ("p2@example.org", RegistrationStatus.CONFIRMED),
        ("p3@example.org", RegistrationStatus.WAITLISTED),
    ]
    again = await gql(CANCEL, {"input": {"token": tokens[0]}}, headers=headers)
    assert error_codes_of(again, "cancelRegistration") == ["ALREADY_CANCELLED"]
    unknown = await gql(CANCEL, {"input": {"token": "not-a-token"}}, headers=headers)
    assert error_codes_of(unknown, "cancelRegistration") == ["NOT_FOUND"]


def error_codes_of(body: dict[str, object], field: str) -> list[str]:
    data = body["data"]
    assert isinstance(data, dict)
    return [error["code"] for error in data[field]["userErrors"]]


async def test_the_same_email_returns_the_registration_it_has_without_a_token(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    event_id = await add_event(owner_sessions, world)
    headers = tenant_header(world)
    first = await gql(REGISTER, {"input": person(event_id, "ada@example.org")}, headers=headers)

    second = await gql(
        REGISTER,
        {"input": person(event_id, " ADA@example.org ", name="Someone Else", phone=None)},
        headers=headers,
    )

    answer = second["data"]["registerForEvent"]
    assert answer["alreadyRegistered"] is True
    assert answer["receipt"]["confirmation"] is None
    assert (
        answer["receipt"]["registrationId"]
        == (first["data"]["registerForEvent"]["receipt"]["registrationId"])
    )
    [row] = await registrations_of(owner_sessions, world, event_id)
    assert (row.name, row.phone, row.arrival) == ("Ada Lovelace", "+1 (312) 555-0100", 1)


async def test_a_cancelled_person_registering_again_takes_a_new_place_at_the_end(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    event_id = await add_event(owner_sessions, world, capacity_in_person=1)
    headers = tenant_header(world)
    ada = await gql(REGISTER, {"input": person(event_id, "ada@example.org")}, headers=headers)
    await gql(REGISTER, {"input": person(event_id, "bo@example.org")}, headers=headers)
    old = ada["data"]["registerForEvent"]["receipt"]["confirmation"]
    await gql(CANCEL, {"input": {"token": old["token"]}}, headers=headers)

    again = await gql(REGISTER, {"input": person(event_id, "ada@example.org")}, headers=headers)

    receipt = again["data"]["registerForEvent"]["receipt"]
    assert again["data"]["registerForEvent"]["alreadyRegistered"] is False
    assert receipt["status"] == "WAITLISTED"  # bo took the seat ada left
    assert receipt["confirmation"]["token"] != old["token"]
    rows = await registrations_of(owner_sessions, world, event_id)
    assert [(row.email, row.arrival, row.status) for row in rows] == [
        ("bo@example.org", 2, RegistrationStatus.CONFIRMED),
        ("ada@example.org", 3, RegistrationStatus.WAITLISTED),
    ]
    stale = await gql(CANCEL, {"input": {"token": old["token"]}}, headers=headers)
    assert error_codes_of(stale, "cancelRegistration") == ["NOT_FOUND"]


async def test_closed_ended_and_missing_events_are_refused_and_nothing_is_registered(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    headers = tenant_header(world)
    cases = {
        EventStatus.CANCELLED: "EVENT_CLOSED",
        EventStatus.COMPLETED: "EVENT_CLOSED",
        EventStatus.DRAFT: "NOT_FOUND",  # the public never sees a draft
    }
    for status, code in cases.items():
        event_id = await add_event(owner_sessions, world, status=status)
        body = await gql(REGISTER, {"input": person(event_id)}, headers=headers)
        assert error_codes_of(body, "registerForEvent") == [code], status
        assert await registrations_of(owner_sessions, world, event_id) == []
    ended = await add_event(owner_sessions, world, starts_in=timedelta(hours=-5), hours=2)
    body = await gql(REGISTER, {"input": person(ended)}, headers=headers)
    assert error_codes_of(body, "registerForEvent") == ["EVENT_CLOSED"]
    members_only = await add_event(owner_sessions, world, visibility=Visibility.MEMBERS)
    body = await gql(REGISTER, {"input": person(members_only)}, headers=headers)
    assert error_codes_of(body, "registerForEvent") == ["NOT_FOUND"]
    missing = await gql(
        REGISTER, {"input": person(world.id) | {"eventId": "not an id"}}, headers=headers
    )
    assert error_codes_of(missing, "registerForEvent") == ["NOT_FOUND"]


async def test_bad_names_emails_phones_and_attendance_are_user_errors(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    event_id = await add_event(owner_sessions, world)
    headers = tenant_header(world)

    body = await gql(
        REGISTER,
        {"input": person(event_id, "not-an-email", name="   ", phone="call me maybe")},
        headers=headers,
    )
    errors = body["data"]["registerForEvent"]["userErrors"]
    assert sorted((tuple(e["field"]), e["code"]) for e in errors) == [
        (("input", "email"), "INVALID"),
        (("input", "name"), "BLANK"),
        (("input", "phone"), "INVALID"),
    ]
    long_name = await gql(REGISTER, {"input": person(event_id, name="x" * 201)}, headers=headers)
    assert error_codes_of(long_name, "registerForEvent") == ["TOO_LONG"]
    online = await gql(REGISTER, {"input": person(event_id, attendance="ONLINE")}, headers=headers)
    assert error_codes_of(online, "registerForEvent") == ["INVALID"]
    mixed = await add_event(owner_sessions, world, mode=AttendanceMode.MIXED)
    unsaid = await gql(REGISTER, {"input": person(mixed)}, headers=headers)
    assert error_codes_of(unsaid, "registerForEvent") == ["REQUIRED"]
    assert await registrations_of(owner_sessions, world, event_id) == []
    # Each refused registration still counted as an attempt (it outlives the savepoint).
    assert len(await attempts_of(owner_sessions, world, event_id)) == 3


async def test_in_person_and_online_seats_are_counted_apart(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    event_id = await add_event(
        owner_sessions, world, mode=AttendanceMode.MIXED, capacity_in_person=1, capacity_online=1
    )
    headers = tenant_header(world)
    statuses = []
    for number, attendance in enumerate(["IN_PERSON", "ONLINE", "ONLINE", "IN_PERSON"]):
        body = await gql(
            REGISTER,
            {"input": person(event_id, f"p{number}@example.org", attendance=attendance)},
            headers=headers,
        )
        statuses.append(body["data"]["registerForEvent"]["receipt"]["status"])
    assert statuses == ["CONFIRMED", "CONFIRMED", "WAITLISTED", "WAITLISTED"]


async def test_members_register_for_members_events_and_partner_apps_may_not(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    event_id = await add_event(owner_sessions, world, visibility=Visibility.MEMBERS)

    body = await gql(REGISTER, {"input": person(event_id)}, token=world.tokens["college_member"])
    assert body["data"]["registerForEvent"]["receipt"]["status"] == "CONFIRMED"

    refused = await gql(
        REGISTER, {"input": person(event_id, "b@x.org")}, token=world.tokens["writer"]
    )
    assert error_codes(refused) == ["FORBIDDEN"]
    assert len(await registrations_of(owner_sessions, world, event_id)) == 1


async def test_the_eleventh_attempt_from_one_address_is_refused_and_writes_nothing(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    event_id = await add_event(owner_sessions, world)
    other_event = await add_event(owner_sessions, world)
    headers = tenant_header(world)
    for number in range(10):
        body = await gql(
            REGISTER, {"input": person(event_id, f"p{number}@example.org")}, headers=headers
        )
        assert body["data"]["registerForEvent"]["userErrors"] == []

    body = await gql(REGISTER, {"input": person(event_id, "late@example.org")}, headers=headers)

    assert error_codes_of(body, "registerForEvent") == ["RATE_LIMITED"]
    assert len(await registrations_of(owner_sessions, world, event_id)) == 10
    assert len(await attempts_of(owner_sessions, world, event_id)) == 10
    elsewhere = await gql(REGISTER, {"input": person(other_event)}, headers=headers)
    assert elsewhere["data"]["registerForEvent"]["userErrors"] == []
    member = await gql(
        REGISTER, {"input": person(event_id, "m@example.org")}, token=world.tokens["member"]
    )
    assert member["data"]["registerForEvent"]["userErrors"] == []


async def test_the_event_limit_counts_every_address_and_old_attempts_are_pruned(
    settings: Settings, world: World, owner_sessions: SessionFactory
) -> None:
    event_id = await add_event(owner_sessions, world)
    tight = settings.model_copy(
        update={"registration_attempts_per_event": 3, "registration_event_window_seconds": 60}
    )
    now = datetime.now(UTC)
    async with tenant_transaction(owner_sessions, world.id) as session:
        session.add(
            RegistrationAttempt(
                tenant_id=world.id,
                event_id=event_id,
                address_hash="0" * 64,
                attempted_at=now - timedelta(hours=1),
            )
        )
    outcomes = []
    for number in range(4):
        async with tenant_transaction(owner_sessions, world.id) as session:
            await lock_event(session, public_principal(world.id), event_id)
            try:
                await rate_limit.admit(
                    session,
                    tight,
                    tenant_id=world.id,
                    event_id=event_id,
                    address=f"10.0.0.{number}",
                    now=now,
                )
                outcomes.append("admitted")
            except registrations.InvalidInput as error:
                outcomes.append(error.errors[0].code)
    assert outcomes == ["admitted", "admitted", "admitted", "RATE_LIMITED"]
    attempts = await attempts_of(owner_sessions, world, event_id)
    assert len(attempts) == 3  # the hour-old one was pruned
    assert {a.address_hash for a in attempts} == {
        rate_limit.address_hash(tight, f"10.0.0.{n}") for n in range(3)
    }


def test_addresses_are_kept_as_keyed_hashes(settings: Settings) -> None:
    keyed = settings.model_copy(update={"registration_address_secret": SecretStr("s3cret")})

    hashed = rate_limit.address_hash(keyed, "203.0.113.7")

    assert hashed == hmac.new(b"s3cret", b"203.0.113.7", hashlib.sha256).hexdigest()
    assert hashed != hashlib.sha256(b"203.0.113.7").hexdigest()
    assert rate_limit.address_hash(settings, "203.0.113.7") not in (hashed, "203.0.113.7")


async def test_fill_from_waitlist_seats_the_first_waiting_when_capacity_rises(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    event_id = await add_event(owner_sessions, world, capacity_in_person=1)
    headers = tenant_header(world)
    for number in range(4):
        await gql(REGISTER, {"input": person(event_id, f"p{number}@example.org")}, headers=headers)
    await set_event(owner_sessions, world, event_id, capacity_in_person=3)

    async with tenant_transaction(owner_sessions, world.id) as session:
        event = await lock_event(session, public_principal(world.id), event_id)
        assert event is not None
        promoted = await registrations.fill_from_waitlist(session, event)

    assert [row.email for row in promoted] == ["p1@example.org", "p2@example.org"]
    rows = await registrations_of(owner_sessions, world, event_id)
    assert [row.status for row in rows] == [RegistrationStatus.CONFIRMED] * 3 + [
        RegistrationStatus.WAITLISTED
    ]
    assert hash_token("x") == hashlib.sha256(b"x").hexdigest()


async def test_a_check_in_code_already_taken_at_the_event_is_drawn_again(
    gql: GraphQLClient,
    world: World,
    owner_sessions: SessionFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    event_id = await add_event(owner_sessions, world)
    drawn = iter(["AAAA2222", "AAAA2222", "BBBB3333"])
    monkeypatch.setattr(registrations, "_candidate_code", lambda: next(drawn))
    headers = tenant_header(world)

    first = await gql(REGISTER, {"input": person(event_id, "a@example.org")}, headers=headers)
    second = await gql(REGISTER, {"input": person(event_id, "b@example.org")}, headers=headers)

    codes = [
        body["data"]["registerForEvent"]["receipt"]["confirmation"]["code"]
        for body in (first, second)
    ]
    assert codes == ["AAAA2222", "BBBB3333"]
