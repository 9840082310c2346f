"""GET /public/<slug>/events.ics and /events/<id>.ics: the public events as iCalendar,
parsed back with icalendar and compared field by field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from coalition.db.engine import SessionFactory
from coalition.events.models import AttendanceMode, EventStatus
from tests.events.feed_support import (
    CHICAGO,
    UPDATED,
    EventRow,
    add_events,
    ago,
    parsed,
    summaries,
)
from tests.support.world import World

ISSUER = "http://127.0.0.1:8000"


async def test_each_public_event_is_a_vevent_with_every_field(
    http: httpx.AsyncClient, owner_sessions: SessionFactory, world: World
) -> None:
    fair, online, cancelled = await add_events(
        owner_sessions,
        world,
        [
            EventRow(
                "Spring job fair",
                sequence=3,
                extra={"step_free_access": True, "captioning": True, "languages": ["en", "es"]},
            ),
            EventRow("Online info session", mode=AttendanceMode.ONLINE),
            EventRow("Cancelled hiring hall", status=EventStatus.CANCELLED, sequence=2),
        ],
    )

    calendar = parsed(await http.get(f"/public/{world.slug}/events.ics"))

    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["X-WR-CALNAME"]) == "Partnership alpha"
    by_uid = {str(event["UID"]): event for event in calendar.events}
    assert sorted(by_uid) == sorted(
        f"{event_id}@{world.slug}.coalition" for event_id in (fair, online, cancelled)
    )
    event = by_uid[f"{fair}@{world.slug}.coalition"]
    assert str(event["SUMMARY"]) == "Spring job fair"
    assert event["DTSTART"].params["TZID"] == CHICAGO
    assert event["DTEND"].params["TZID"] == CHICAGO
    assert event["DTSTART"].to_ical() == b"20270313T100000"
    assert event["DTEND"].to_ical() == b"20270313T140000"
    assert event.start == datetime(2027, 3, 13, 16, 0, tzinfo=UTC)
    assert str(event["LOCATION"]) == "Union Hall, 100 Main St, Springfield, 62701"
    assert str(event["URL"]) == f"{ISSUER}/public/{world.slug}/events/{fair}"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event["SEQUENCE"] == 3
    assert event["LAST-MODIFIED"].dt == UPDATED
    assert event["DTSTAMP"].dt == UPDATED
    assert [str(c) for c in event["CATEGORIES"].cats] == ["JOB_FAIR"]
    assert str(event["DESCRIPTION"]) == (
        "About Spring job fair.\n\nOrganized by alpha employer.\n\n"
        "Accessibility: Step-free access, Captioning.\n\nLanguages: en, es."
    )
    link = by_uid[f"{online}@{world.slug}.coalition"]
    assert str(link["LOCATION"]) == "https://meet.example/fair"
    assert "Join online: https://meet.example/fair" in str(link["DESCRIPTION"])
    gone = by_uid[f"{cancelled}@{world.slug}.coalition"]
    assert str(gone["STATUS"]) == "CANCELLED"
    assert gone["SEQUENCE"] == 2
    assert [zone.tz_name for zone in calendar.timezones] == [CHICAGO]


async def test_local_times_and_offsets_follow_the_change_to_daylight_time(
    http: httpx.AsyncClient, owner_sessions: SessionFactory, world: World
) -> None:
    # America/Chicago springs forward at 2027-03-14 02:00 (CST -06:00 to CDT -05:00).
    before, after, across = await add_events(
        owner_sessions,
        world,
        [
            EventRow("Before", starts=datetime(2027, 3, 13, 10, 0)),
            EventRow("After", starts=datetime(2027, 3, 15, 10, 0)),
            EventRow("Across", starts=datetime(2027, 3, 14, 0, 30), hours=3),
        ],
    )

    calendar = parsed(await http.get(f"/public/{world.slug}/events.ics"))

    by_uid = {str(event["UID"]).split("@")[0]: event for event in calendar.events}
    ics = {
        name: (by_uid[str(event_id)]["DTSTART"].to_ical(), by_uid[str(event_id)]["DTEND"].to_ical())
        for name, event_id in (("before", before), ("after", after), ("across", across))
    }
    assert ics == {
        "before": (b"20270313T100000", b"20270313T140000"),
        "after": (b"20270315T100000", b"20270315T140000"),
        # 00:30 CST + 3 hours is 04:30 CDT (the hour from 02:00 does not exist).
        "across": (b"20270314T003000", b"20270314T043000"),
    }
    assert by_uid[str(before)].start.utcoffset() == timedelta(hours=-6)
    assert by_uid[str(after)].start.utcoffset() == timedelta(hours=-5)
    assert by_uid[str(across)].start.utcoffset() == timedelta(hours=-6)
    assert by_uid[str(across)].end.utcoffset() == timedelta(hours=-5)
    # Three hours elapse (Python subtracts two times of one zone as wall clocks: 4 hours).
    span = by_uid[str(across)].end.astimezone(UTC) - by_uid[str(across)].start.astimezone(UTC)
    assert span == timedelta(hours=3)
    zone = calendar.timezones[0]
    assert zone.tz_name == CHICAGO
    assert b"TZOFFSETTO:-0500" in zone.to_ical()
    # The change is described (icalendar names the first local time of the new offset).
    assert b"20270314T030000" in zone.to_ical()


async def test_one_vtimezone_for_each_zone_used(
    http: httpx.AsyncClient, owner_sessions: SessionFactory, world: World
) -> None:
    await add_events(
        owner_sessions,
        world,
        [
            EventRow("Chicago", time_zone=CHICAGO),
            EventRow("Chicago again", time_zone=CHICAGO),
            EventRow("Denver", time_zone="America/Denver"),
            EventRow("UTC", time_zone="UTC"),
        ],
    )

    calendar = parsed(await http.get(f"/public/{world.slug}/events.ics"))

    assert sorted(zone.tz_name for zone in calendar.timezones) == [CHICAGO, "America/Denver"]
    utc = next(event for event in calendar.events if str(event["SUMMARY"]) == "UTC")
    assert utc["DTSTART"].to_ical() == b"20270313T100000Z"
    assert calendar.get_missing_tzids() == set()


async def test_events_that_ended_long_ago_drop_out_of_the_feed(
    http: httpx.AsyncClient, owner_sessions: SessionFactory, world: World
) -> None:
    await add_events(
        owner_sessions,
        world,
        [
            EventRow("Ended 80 days ago", starts=ago(80), status=EventStatus.COMPLETED),
            EventRow("Ended 100 days ago", starts=ago(100), status=EventStatus.COMPLETED),
        ],
    )

    calendar = parsed(await http.get(f"/public/{world.slug}/events.ics"))

    assert summaries(calendar) == ["Ended 80 days ago"]
    assert str(calendar.events[0]["STATUS"]) == "CONFIRMED"


async def test_one_event_as_its_own_calendar(
    http: httpx.AsyncClient, owner_sessions: SessionFactory, world: World
) -> None:
    fair, _ = await add_events(
        owner_sessions, world, [EventRow("Spring job fair", sequence=1), EventRow("Other")]
    )

    response = await http.get(f"/public/{world.slug}/events/{fair}.ics")
    calendar = parsed(response)

    assert summaries(calendar) == ["Spring job fair"]
    event = calendar.events[0]
    assert str(event["UID"]) == f"{fair}@{world.slug}.coalition"
    assert event["SEQUENCE"] == 1
    assert [zone.tz_name for zone in calendar.timezones] == [CHICAGO]
    again = await http.get(
        f"/public/{world.slug}/events/{fair}.ics",
        headers={"If-None-Match": response.headers["etag"]},
    )
    assert again.status_code == 304
    assert again.content == b""


async def test_an_empty_feed_is_a_valid_calendar(
    http: httpx.AsyncClient, owner_sessions: SessionFactory, world: World
) -> None:
    calendar = parsed(await http.get(f"/public/{world.slug}/events.ics"))

    assert calendar.events == []
    assert str(calendar["PRODID"]) == "-//Coalition//Events feed//EN"
