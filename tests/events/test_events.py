"""Posting, publishing, changing and cancelling events, and who sees them."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from coalition.audit.models import AuditEvent
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.events.models import EventStatus
from tests.events.support import (
    CANCEL,
    COMPLETE,
    CREATE_EVENT,
    ONE_EVENT,
    PUBLISH,
    UPDATE_EVENT,
    add_event,
    event_input,
)
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.world import World, global_id

LIST = """query($filter: EventFilter) { events(first: 20, filter: $filter) {
  totalCount edges { node { title } } } }"""


async def test_an_organization_admin_posts_a_draft_and_publishes_it(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    body = await gql(CREATE_EVENT, event_input(world), token=world.tokens["org_admin"])

    payload = body["data"]["createEvent"]
    assert payload["userErrors"] == []
    event = payload["event"]
    assert event["status"] == "DRAFT"
    assert event["organizer"] == {"name": f"{world.slug.split('-')[0]} employer"}
    assert event["startsAt"] == "2027-04-15T15:00:00+00:00"
    assert event["localStartsAt"] == "2027-04-15T10:00:00-05:00"
    assert event["venue"] == {
        "name": "Union Hall Local 12",
        "address": None,
        "city": "Springfield",
        "postalCode": "62701",
    }
    assert event["occupationCodes"] == ["51-4041"]
    assert event["sequence"] == 0

    published = await gql(PUBLISH, {"id": event["id"]}, token=world.tokens["org_admin"])

    assert published["data"]["publishEvent"]["event"]["status"] == "PUBLISHED"
    assert published["data"]["publishEvent"]["event"]["sequence"] == 1
    async with tenant_transaction(owner_sessions, world.id) as session:
        actions = list(
            await session.scalars(
                select(AuditEvent.action).where(AuditEvent.object_type == "Event")
            )
        )
    assert sorted(actions) == ["event.create", "event.update"]


async def test_every_problem_of_a_new_event_comes_at_once(gql: GraphQLClient, world: World) -> None:
    body = await gql(
        CREATE_EVENT,
        event_input(
            world,
            endsAt="2027-04-15T09:00:00-05:00",
            timeZone="Mars/Olympus_Mons",
            venue=None,
            capacityOnline=10,
            occupationCodes=["99-9999"],
            accessibility={"languages": ["english!"]},
        ),
        token=world.tokens["org_admin"],
    )

    errors = {(tuple(e["field"]), e["code"]) for e in body["data"]["createEvent"]["userErrors"]}
    # Fields that fail their own checks are reported; the rules between fields wait.
    assert errors == {
        (("timeZone",), "INVALID"),
        (("accessibility", "languages", "0"), "INVALID"),
        (("occupationCodes", "0"), "NOT_FOUND"),
    }
    assert body["data"]["createEvent"]["event"] is None


async def test_the_rules_between_fields_are_checked_on_the_event_as_changed(
    gql: GraphQLClient, world: World
) -> None:
    body = await gql(
        CREATE_EVENT,
        event_input(
            world,
            endsAt="2027-04-15T09:00:00-05:00",
            venue=None,
            capacityOnline=10,
            occupationCodes=["99-9999"],
        ),
        token=world.tokens["org_admin"],
    )

    errors = {(tuple(e["field"]), e["code"]) for e in body["data"]["createEvent"]["userErrors"]}
    assert errors == {
        (("endsAt",), "OUT_OF_RANGE"),
        (("venue",), "REQUIRED"),
        (("capacityOnline",), "INVALID"),
        (("occupationCodes", "0"), "NOT_FOUND"),
    }


async def test_a_time_without_an_offset_is_refused(gql: GraphQLClient, world: World) -> None:
    body = await gql(
        CREATE_EVENT,
        event_input(world, startsAt="2027-04-15T10:00:00"),
        token=world.tokens["org_admin"],
    )

    [error] = body["data"]["createEvent"]["userErrors"]
    assert (error["field"], error["code"]) == (["startsAt"], "INVALID")


async def test_a_draft_is_seen_only_by_its_organizer_and_the_convener(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory, events_reader: str
) -> None:
    event_id = await add_event(owner_sessions, world, status=EventStatus.DRAFT)
    variables = {"id": global_id("Event", event_id)}

    seen = {
        person: (await gql(ONE_EVENT, variables, token=world.tokens[person]))["data"]["event"]
        is not None
        for person in ("org_admin", "member", "admin", "other_org_admin", "college_member")
    }
    app = await gql(ONE_EVENT, variables, token=events_reader)

    assert seen == {
        "org_admin": True,
        "member": True,
        "admin": True,
        "other_org_admin": False,
        "college_member": False,
    }
    assert app["data"]["event"] is None


async def test_a_published_event_is_seen_by_members_and_apps_with_events_read(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory, events_reader: str
) -> None:
    await add_event(owner_sessions, world)

    member = await gql(LIST, token=world.tokens["college_member"])
    app = await gql(LIST, token=events_reader)
    reader = await gql(LIST, token=world.tokens["reader"])

    assert member["data"]["events"]["totalCount"] == 1
    assert app["data"]["events"]["totalCount"] == 1
    assert error_codes(reader) == ["FORBIDDEN"]


async def test_another_partnership_never_sees_an_event(
    gql: GraphQLClient, world: World, other_world: World, owner_sessions: SessionFactory
) -> None:
    event_id = await add_event(owner_sessions, world)

    one = await gql(
        ONE_EVENT, {"id": global_id("Event", event_id)}, token=other_world.tokens["admin"]
    )
    listed = await gql(LIST, token=other_world.tokens["admin"])
    changed = await gql(
        UPDATE_EVENT,
        {"input": {"id": global_id("Event", event_id), "title": "Mine now"}},
        token=other_world.tokens["admin"],
    )

    assert one["data"]["event"] is None
    assert listed["data"]["events"]["totalCount"] == 0
    assert changed["data"]["updateEvent"]["userErrors"][0]["code"] == "NOT_FOUND"


async def test_a_change_bumps_the_sequence_and_no_change_does_not(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    event_id = await add_event(owner_sessions, world)
    variables = {"input": {"id": global_id("Event", event_id), "title": "Renamed fair"}}

    first = await gql(UPDATE_EVENT, variables, token=world.tokens["org_admin"])
    again = await gql(UPDATE_EVENT, variables, token=world.tokens["org_admin"])

    assert first["data"]["updateEvent"]["event"]["sequence"] == 2
    assert again["data"]["updateEvent"]["event"]["sequence"] == 2


async def test_only_the_organizer_admins_and_the_convener_change_an_event(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory, events_reader: str
) -> None:
    event_id = await add_event(owner_sessions, world)
    variables = {"input": {"id": global_id("Event", event_id), "title": "Hijacked"}}

    codes = {
        who: error_codes(await gql(UPDATE_EVENT, variables, token=token))
        for who, token in (
            ("member", world.tokens["member"]),
            ("other_org_admin", world.tokens["other_org_admin"]),
            ("writer", world.tokens["writer"]),
            ("events_reader", events_reader),
        )
    }
    convener = await gql(UPDATE_EVENT, variables, token=world.tokens["admin"])

    assert codes == {
        "member": ["FORBIDDEN"],
        "other_org_admin": ["FORBIDDEN"],
        "writer": ["FORBIDDEN"],
        "events_reader": ["FORBIDDEN"],
    }
    assert convener["data"]["updateEvent"]["userErrors"] == []


async def test_a_cancelled_event_takes_no_change_and_a_future_one_cannot_complete(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    future = await add_event(owner_sessions, world)
    cancelled = await add_event(owner_sessions, world, title="Called off")
    token = world.tokens["org_admin"]

    early = await gql(COMPLETE, {"id": global_id("Event", future)}, token=token)
    await gql(CANCEL, {"id": global_id("Event", cancelled)}, token=token)
    after = await gql(
        UPDATE_EVENT,
        {"input": {"id": global_id("Event", cancelled), "title": "Back on"}},
        token=token,
    )

    assert early["data"]["completeEvent"]["userErrors"][0]["code"] == "NOT_STARTED"
    assert after["data"]["updateEvent"]["userErrors"][0]["code"] == "EVENT_CLOSED"


async def test_the_filter_narrows_by_time_kind_occupation_mode_and_access(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    await add_event(owner_sessions, world, title="Fair")
    await add_event(
        owner_sessions,
        world,
        title="Webinar",
        kind="INFORMATION_SESSION",
        attendance_mode="ONLINE",
        venue=None,
        online_url="https://meet.example.org/webinar",
        capacity_in_person=None,
        occupation_codes=[],
        accessibility={"captioning": True, "languages": ["en", "es"]},
        starts_at=datetime(2027, 6, 1, 15, tzinfo=UTC),
        ends_at=datetime(2027, 6, 1, 16, tzinfo=UTC),
    )
    token = world.tokens["member"]

    async def titles(**chosen: object) -> list[str]:
        body = await gql(LIST, {"filter": chosen}, token=token)
        return [edge["node"]["title"] for edge in body["data"]["events"]["edges"]]

    assert await titles() == ["Fair", "Webinar"]
    assert await titles(kinds=["INFORMATION_SESSION"]) == ["Webinar"]
    assert await titles(occupationCode="51-4041") == ["Fair"]
    assert await titles(attendanceMode="ONLINE") == ["Webinar"]
    assert await titles(accessibility=["CAPTIONING"]) == ["Webinar"]
    assert await titles(language="es") == ["Webinar"]
    assert await titles(**{"from": "2027-05-01T00:00:00Z"}) == ["Webinar"]
    assert await titles(to="2027-05-01T00:00:00Z") == ["Fair"]


async def test_json_ld_is_the_public_listing_s_schema_org_event(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    event_id = await add_event(owner_sessions, world)

    body = await gql(
        "query($id: ID!) { event(id: $id) { jsonLd } }",
        {"id": global_id("Event", event_id)},
        token=world.tokens["member"],
    )

    document = body["data"]["event"]["jsonLd"]
    assert document["@context"] == "https://schema.org"
    assert document["@type"] == "Event"
    assert document["name"] == "Spring Manufacturing Job Fair"
    assert document["startDate"] == "2027-04-15T10:00:00-05:00"
    assert document["eventStatus"] == "https://schema.org/EventScheduled"
    assert document["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert document["location"]["@type"] == "Place"
    assert document["maximumAttendeeCapacity"] == 100
    assert document["url"].endswith(f"/public/{world.slug}/events/{event_id}")
