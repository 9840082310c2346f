"""GET /public/<slug>/events and /events/<id>: public events as schema.org JSON-LD, paged
and filtered; and the iCalendar feed's caching (ETag, If-None-Match, invalidation)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import pytest

from coalition.db.engine import SessionFactory
from coalition.events import public
from coalition.events.models import AttendanceMode, EventStatus, Visibility
from tests.events.feed_support import EventRow, add_events, change_event, names, parsed
from tests.support.statements import StatementCounter, without_tenant_filter
from tests.support.world import World, global_id

ISSUER = "http://127.0.0.1:8000"
SCHEMA = "https://schema.org/"


def _by_name(response: httpx.Response) -> dict[str, dict[str, Any]]:
    return {node["name"]: node for node in response.json()["@graph"]}


async def test_an_event_as_schema_org_json_ld_field_by_field(
    http: httpx.AsyncClient, owner_sessions: SessionFactory, world: World
) -> None:
    (fair,) = await add_events(
        owner_sessions,
        world,
        [
            EventRow(
                "Spring job fair",
                mode=AttendanceMode.MIXED,
                extra={
                    "capacity_in_person": 200,
                    "capacity_online": 50,
                    "languages": ["en", "es"],
                    "step_free_access": True,
                },
            )
        ],
    )

    response = await http.get(f"/public/{world.slug}/events/{fair}")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/ld+json"
    url = f"{ISSUER}/public/{world.slug}/events/{fair}"
    assert response.json() == {
        "@context": "https://schema.org",
        "@type": "Event",
        "@id": url,
        "url": url,
        "identifier": global_id("Event", fair),
        "name": "Spring job fair",
        "description": "About Spring job fair.",
        "keywords": "JOB_FAIR",
        "startDate": "2027-03-13T10:00:00-06:00",
        "endDate": "2027-03-13T14:00:00-06:00",
        "eventAttendanceMode": SCHEMA + "MixedEventAttendanceMode",
        "eventStatus": SCHEMA + "EventScheduled",
        "location": [
            {
                "@type": "Place",
                "name": "Union Hall",
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": "100 Main St",
                    "addressLocality": "Springfield",
                    "postalCode": "62701",
                },
                "amenityFeature": [
                    {
                        "@type": "LocationFeatureSpecification",
                        "name": "Step-free access",
                        "value": True,
                    }
                ],
            },
            {"@type": "VirtualLocation", "url": "https://meet.example/fair"},
        ],
        "organizer": {"@type": "Organization", "name": "alpha employer"},
        "isAccessibleForFree": True,
        "maximumAttendeeCapacity": 250,
        "inLanguage": ["en", "es"],
    }


async def test_the_list_gives_modes_statuses_capacities_and_offsets(
    http: httpx.AsyncClient, owner_sessions: SessionFactory, world: World
) -> None:
    await add_events(
        owner_sessions,
        world,
        [
            EventRow("In person, before DST", extra={"capacity_in_person": 80}),
            EventRow(
                "Online, after DST",
                starts=datetime(2027, 3, 15, 10, 0),
                mode=AttendanceMode.ONLINE,
                extra={"capacity_online": 30, "capacity_in_person": 999},
            ),
            EventRow(
                "Across the change",
                starts=datetime(2027, 3, 14, 0, 30),
                hours=3,
                status=EventStatus.CANCELLED,
            ),
            EventRow("Done", status=EventStatus.COMPLETED, mode=AttendanceMode.MIXED),
        ],
    )

    response = await http.get(f"/public/{world.slug}/events")

    assert response.status_code == 200
    assert response.json()["@context"] == "https://schema.org"
    nodes = _by_name(response)
    before, after = nodes["In person, before DST"], nodes["Online, after DST"]
    across, done = nodes["Across the change"], nodes["Done"]
    assert "@context" not in before
    assert (before["startDate"], before["endDate"]) == (
        "2027-03-13T10:00:00-06:00",
        "2027-03-13T14:00:00-06:00",
    )
    assert (after["startDate"], after["endDate"]) == (
        "2027-03-15T10:00:00-05:00",
        "2027-03-15T14:00:00-05:00",
    )
    assert (across["startDate"], across["endDate"]) == (
        "2027-03-14T00:30:00-06:00",
        "2027-03-14T04:30:00-05:00",
    )
    assert before["eventAttendanceMode"] == SCHEMA + "OfflineEventAttendanceMode"
    assert before["location"]["@type"] == "Place"
    assert before["maximumAttendeeCapacity"] == 80
    assert after["eventAttendanceMode"] == SCHEMA + "OnlineEventAttendanceMode"
    assert after["location"] == {"@type": "VirtualLocation", "url": "https://meet.example/fair"}
    assert after["maximumAttendeeCapacity"] == 30  # the in-person figure does not apply
    assert across["eventStatus"] == SCHEMA + "EventCancelled"
    assert "maximumAttendeeCapacity" not in across  # unlimited
    assert done["eventStatus"] == SCHEMA + "EventScheduled"
    assert "maximumAttendeeCapacity" not in done  # one of its two ways is unlimited
    assert "inLanguage" not in done
    starts = [node["startDate"] for node in response.json()["@graph"]]
    assert starts == sorted(starts)


async def test_pages_follow_the_next_link_in_start_order(
    http: httpx.AsyncClient,
    owner_sessions: SessionFactory,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await add_events(
        owner_sessions,
        world,
        [EventRow(f"E{n}", starts=datetime(2027, 4, 1 + n % 3, 9, 0)) for n in range(7)],
    )
    monkeypatch.setattr(public, "PAGE_SIZE", 3)

    seen: list[str] = []
    response = await http.get(f"/public/{world.slug}/events")
    pages = 1
    while "link" in response.headers:
        seen += [node["name"] for node in response.json()["@graph"]]
        link = response.headers["link"]
        assert link.startswith(f"</public/{world.slug}/events?after=")
        assert link.endswith('>; rel="next"')
        response = await http.get(link[1 : link.index(">")])
        pages += 1
    seen += [node["name"] for node in response.json()["@graph"]]

    assert pages == 3
    assert sorted(seen) == [f"E{n}" for n in range(7)]
    assert len(set(seen)) == 7


async def test_from_and_to_keep_the_events_of_those_local_dates(
    http: httpx.AsyncClient, owner_sessions: SessionFactory, world: World
) -> None:
    await add_events(
        owner_sessions,
        world,
        [
            EventRow("March 13", starts=datetime(2027, 3, 13, 10, 0)),
            # 21:00 CDT on March 15 is March 16 in UTC: the local date counts.
            EventRow("March 15 evening", starts=datetime(2027, 3, 15, 21, 0), hours=2),
            EventRow("March 20", starts=datetime(2027, 3, 20, 10, 0)),
        ],
    )
    events = f"/public/{world.slug}/events"

    assert names(await http.get(f"{events}?from=2027-03-14")) == ["March 15 evening", "March 20"]
    assert names(await http.get(f"{events}?to=2027-03-15")) == ["March 13", "March 15 evening"]
    assert names(await http.get(f"{events}?from=2027-03-14&to=2027-03-15")) == ["March 15 evening"]
    assert names(await http.get(f"{events}?from=2027-03-16&to=2027-03-19")) == []


async def test_a_change_changes_the_etag_and_the_body(
    http: httpx.AsyncClient, owner_sessions: SessionFactory, world: World
) -> None:
    fair, _ = await add_events(owner_sessions, world, [EventRow("Fair"), EventRow("Other")])
    feed = f"/public/{world.slug}/events.ics"

    first = await http.get(feed)
    cached = await http.get(feed)
    await change_event(owner_sessions, world, fair, title="Spring fair (new room)")
    changed = await http.get(feed)
    with_old = await http.get(feed, headers={"If-None-Match": first.headers["etag"]})
    with_new = await http.get(feed, headers={"If-None-Match": changed.headers["etag"]})

    assert first.headers["cache-control"] == "public, max-age=60"
    assert cached.headers["etag"] == first.headers["etag"]
    assert cached.content == first.content
    assert changed.headers["etag"] != first.headers["etag"]
    assert sorted(str(e["SUMMARY"]) for e in parsed(changed).events) == [
        "Other",
        "Spring fair (new room)",
    ]
    renamed = next(e for e in parsed(changed).events if str(e["SUMMARY"]) != "Other")
    assert renamed["SEQUENCE"] == 1
    assert with_old.status_code == 200
    assert with_old.content == changed.content
    assert with_new.status_code == 304
    assert with_new.content == b""
    assert with_new.headers["etag"] == changed.headers["etag"]


async def test_an_event_leaving_the_feed_changes_the_etag(
    http: httpx.AsyncClient, owner_sessions: SessionFactory, world: World
) -> None:
    fair, _ = await add_events(owner_sessions, world, [EventRow("Fair"), EventRow("Other")])
    feed = f"/public/{world.slug}/events.ics"
    first = await http.get(feed)

    await change_event(owner_sessions, world, fair, visibility=Visibility.MEMBERS)
    after = await http.get(feed, headers={"If-None-Match": first.headers["etag"]})

    assert after.status_code == 200
    assert [str(e["SUMMARY"]) for e in parsed(after).events] == ["Other"]


@pytest.mark.parametrize(
    "header",
    ["{etag}", "W/{etag}", '"nope", {etag}', '"nope",W/{etag} , "other"', "*"],
)
async def test_if_none_match_in_its_forms_answers_304(
    http: httpx.AsyncClient, owner_sessions: SessionFactory, world: World, header: str
) -> None:
    await add_events(owner_sessions, world, [EventRow("Fair")])
    feed = f"/public/{world.slug}/events.ics"
    etag = (await http.get(feed)).headers["etag"]

    response = await http.get(feed, headers={"If-None-Match": header.format(etag=etag)})

    assert response.status_code == 304
    assert response.headers["etag"] == etag


async def test_a_different_etag_gets_the_body(
    http: httpx.AsyncClient, owner_sessions: SessionFactory, world: World
) -> None:
    await add_events(owner_sessions, world, [EventRow("Fair")])

    response = await http.get(
        f"/public/{world.slug}/events.ics", headers={"If-None-Match": '"0123", W/"abc"'}
    )

    assert response.status_code == 200
    assert [str(e["SUMMARY"]) for e in parsed(response).events] == ["Fair"]


async def test_the_feed_runs_the_same_statements_for_any_number_of_events(
    http: httpx.AsyncClient,
    owner_sessions: SessionFactory,
    world: World,
    other_world: World,
    count_statements: StatementCounter,
) -> None:
    await add_events(owner_sessions, world, [EventRow("One")])
    await add_events(owner_sessions, other_world, [EventRow(f"E{n}") for n in range(12)])

    counts = []
    for slug in (world.slug, other_world.slug):
        for path in ("events.ics", "events"):
            before = count_statements.count
            response = await http.get(f"/public/{slug}/{path}")
            assert response.status_code == 200
            counts.append(count_statements.count - before)
    before = count_statements.count
    await http.get(f"/public/{world.slug}/events.ics")  # cached: no events read
    cached = count_statements.count - before

    # The slug's tenant, SET LOCAL, the fingerprint, the events (with their organizers);
    # the list has no fingerprint.
    assert counts == [4, 3, 4, 3]
    assert cached == 3
    assert without_tenant_filter(count_statements.statements) == []
