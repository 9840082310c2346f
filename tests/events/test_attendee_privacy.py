"""Attendees' personal data: the organizer's people see everything, an approved
exhibitor's people the consenting registrations' name, email and phone, everyone else
nothing (an empty connection; ``node(id:)`` null); the data is in no audit event and no
log line; the connection runs a fixed number of statements."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from starlette.applications import Starlette

from coalition.config import Settings
from coalition.db.engine import SessionFactory
from coalition.events.models import ExhibitorStatus
from tests.events.registration_support import (
    CANCEL,
    CHECK_IN,
    REGISTER,
    add_event,
    add_exhibitor,
    audit_of,
    events_reader_token,
    person,
    registrations_of,
    tenant_header,
)
from tests.support.graphql import GraphQLClient
from tests.support.statements import StatementCounter, without_tenant_filter
from tests.support.world import World, global_id

FIELDS = """
  id name email phone accessibilityNeeds consentToContact attendance status arrival code
  walkIn checkedInAt cancelledAt createdAt
"""
OF_EVENT = f"""
query($id: ID!) {{
  event(id: $id) {{ registrations(first: 50) {{ totalCount edges {{ node {{ {FIELDS} }} }} }} }}
}}"""
NODE = f"query($id: ID!) {{ node(id: $id) {{ ... on Registration {{ {FIELDS} }} }} }}"
CONTACT_ONLY = {"accessibilityNeeds", "consentToContact", "attendance", "status", "arrival"} | {
    "code",
    "walkIn",
    "checkedInAt",
    "cancelledAt",
    "createdAt",
}


async def _event_with_people(
    gql: GraphQLClient, world: World, sessions: SessionFactory
) -> tuple[str, list[str]]:
    """An event of the employer where other_employer exhibits (approved) and college's
    request was declined, with a consenting, a non-consenting and a cancelled consenting
    registration. Returns the event's and the registrations' global IDs."""
    event_id = await add_event(sessions, world)
    await add_exhibitor(sessions, world, event_id, "other_employer")
    await add_exhibitor(sessions, world, event_id, "college", ExhibitorStatus.DECLINED)
    headers = tenant_header(world)
    ids = []
    for email, consent in (
        ("yes@example.org", True),
        ("no@example.org", False),
        ("gone@example.org", True),
    ):
        body = await gql(
            REGISTER, {"input": person(event_id, email, consentToContact=consent)}, headers=headers
        )
        receipt = body["data"]["registerForEvent"]["receipt"]
        ids.append(receipt["registrationId"])
        if email.startswith("gone"):
            await gql(
                CANCEL, {"input": {"token": receipt["confirmation"]["token"]}}, headers=headers
            )
    return global_id("Event", event_id), ids


async def _seen(gql: GraphQLClient, token: str, event: str) -> list[dict[str, Any]]:
    body = await gql(OF_EVENT, {"id": event}, token=token)
    assert "errors" not in body, body
    connection = body["data"]["event"]["registrations"]
    assert connection["totalCount"] == len(connection["edges"])
    return [edge["node"] for edge in connection["edges"]]


async def test_the_organizers_people_see_everyone_with_every_field(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    event, ids = await _event_with_people(gql, world, owner_sessions)
    for caller in ("org_admin", "member"):
        seen = await _seen(gql, world.tokens[caller], event)
        assert [(row["email"], row["status"]) for row in seen] == [
            ("yes@example.org", "CONFIRMED"),
            ("no@example.org", "CONFIRMED"),
            ("gone@example.org", "CANCELLED"),
        ]
        assert seen[1]["accessibilityNeeds"] == "Step-free entrance"
        assert len(seen[1]["code"]) == 8
        node = await gql(NODE, {"id": ids[1]}, token=world.tokens[caller])
        assert node["data"]["node"]["email"] == "no@example.org"


async def test_an_approved_exhibitors_people_see_consenting_contacts_only(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    event, ids = await _event_with_people(gql, world, owner_sessions)

    [contact] = await _seen(gql, world.tokens["other_org_admin"], event)

    assert (contact["name"], contact["email"], contact["phone"]) == (
        "Ada Lovelace",
        "yes@example.org",
        "+1 (312) 555-0100",
    )
    assert {key for key, value in contact.items() if value is None} == CONTACT_ONLY
    shown = await gql(NODE, {"id": ids[0]}, token=world.tokens["other_org_admin"])
    assert shown["data"]["node"]["email"] == "yes@example.org"
    for hidden in ids[1:]:
        body = await gql(NODE, {"id": hidden}, token=world.tokens["other_org_admin"])
        assert body == {"data": {"node": None}}


@pytest.mark.parametrize("caller", ["admin", "analyst", "college_admin", "college_member"])
async def test_everyone_else_sees_no_one(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory, caller: str
) -> None:
    event, ids = await _event_with_people(gql, world, owner_sessions)

    assert await _seen(gql, world.tokens[caller], event) == []
    for registration in ids:
        body = await gql(NODE, {"id": registration}, token=world.tokens[caller])
        assert body == {"data": {"node": None}}


async def test_partner_apps_and_other_partnerships_see_no_one(
    app: Starlette,
    settings: Settings,
    gql: GraphQLClient,
    world: World,
    other_world: World,
    owner_sessions: SessionFactory,
) -> None:
    event, ids = await _event_with_people(gql, world, owner_sessions)
    events_app = await events_reader_token(app, owner_sessions, settings, world)

    assert await _seen(gql, events_app, event) == []
    body = await gql(
        "query($id: ID!) { event(id: $id) { attendance { total { registered } } } }",
        {"id": event},
        token=events_app,
    )
    assert body == {"data": {"event": {"attendance": None}}}
    for token in (events_app, world.tokens["writer"], other_world.tokens["admin"]):
        for registration in ids:
            assert await gql(NODE, {"id": registration}, token=token) == {"data": {"node": None}}
    other = await gql(OF_EVENT, {"id": event}, token=other_world.tokens["admin"])
    assert other == {"data": {"event": None}}


async def test_attendee_data_is_in_no_audit_event_and_no_log_line(
    gql: GraphQLClient,
    world: World,
    owner_sessions: SessionFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    email, name, phone = "zq-private-7731@example.org", "Zephyrine Quillfeather", "+1 555 987 6543"
    event_id = await add_event(owner_sessions, world, capacity_in_person=1)
    headers = tenant_header(world)
    caplog.set_level(logging.DEBUG)
    await gql(REGISTER, {"input": person(event_id, "first@example.org")}, headers=headers)
    body = await gql(
        REGISTER,
        {"input": person(event_id, email.upper(), name=name, phone=phone)},
        headers=headers,
    )
    token = body["data"]["registerForEvent"]["receipt"]["confirmation"]["token"]
    await gql(REGISTER, {"input": person(event_id, email, name="x" * 300)}, headers=headers)
    [first, _] = await registrations_of(owner_sessions, world, event_id)
    await gql(
        CANCEL,
        {"input": {"registrationId": global_id("Registration", first.id)}},
        token=world.tokens["member"],
    )
    code = (await registrations_of(owner_sessions, world, event_id))[1].code
    await gql(
        CHECK_IN,
        {"input": {"eventId": global_id("Event", event_id), "code": code}},
        token=world.tokens["member"],
    )

    events = await audit_of(owner_sessions, world)
    assert sorted(e.action for e in events if e.action.startswith("registration.")) == [
        "registration.cancelled",
        "registration.checked_in",
        "registration.created",
        "registration.created",
        "registration.promoted",
    ]
    for audit in events:
        text = repr((audit.actor_label, audit.action, audit.object_type, audit.changes)).lower()
        for secret in (email, name.lower(), phone, token.lower()):
            assert secret not in text
    logged = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records).lower()
    for secret in (email, name.lower(), "987 6543", token.lower()):
        assert secret not in logged


async def test_a_list_of_events_with_their_people_runs_a_fixed_number_of_statements(
    gql: GraphQLClient,
    world: World,
    owner_sessions: SessionFactory,
    count_statements: StatementCounter,
) -> None:
    organizer = global_id("Organization", world.organizations["employer"])
    query = f"""{{ events(first: 20, filter: {{ organizerId: "{organizer}" }}) {{
      edges {{ node {{ attendance {{ total {{ registered }} }}
        registrations(first: 50) {{ totalCount edges {{ node {{ {FIELDS} }} }} }} }} }} }} }}"""

    async def run() -> tuple[int, int]:
        count_statements.statements.clear()
        body = await gql(query, token=world.tokens["member"])
        assert "errors" not in body, body
        edges = body["data"]["events"]["edges"]
        people = sum(len(edge["node"]["registrations"]["edges"]) for edge in edges)
        assert without_tenant_filter(count_statements.statements) == []
        return len(edges) * 100 + people, count_statements.count

    for number in range(2):
        event_id = await add_event(owner_sessions, world)
        await gql(
            REGISTER, {"input": person(event_id, f"a{number}@x.org")}, headers=tenant_header(world)
        )
    few = await run()
    for number in range(4):
        event_id = await add_event(owner_sessions, world)
        for who in range(3):
            await gql(
                REGISTER,
                {"input": person(event_id, f"b{number}{who}@x.org")},
                headers=tenant_header(world),
            )
    many = await run()

    assert (few[0], many[0]) == (202, 614)
    assert many[1] == few[1]
