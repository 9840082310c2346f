"""The organizer's pages over HTTP: the events list, posting an event (local times in the
partnership's time zone sent with their offset), managing one (edit, publish, cancel,
exhibitors), and the check-in screen (server-side search by name or code, one button
per person, walk-ins), each against what the person's GraphQL reads."""

from __future__ import annotations

import html
import re

import httpx
from starlette.applications import Starlette

from coalition.db.engine import SessionFactory
from tests.web.conftest import SignIn, csrf_of, email
from tests.web.events_support import (
    REGISTER,
    anonymous,
    as_person,
    event_as,
    organization_of,
    raw_form,
    small_event,
)

JOB_FAIR = "Spring Manufacturing Job Fair"
EVENTS = """
query ($from: DateTime!) {
  events(first: 100, filter: {from: $from}) { totalCount edges { node { id title status } } }
}
"""


def ids_in(text: str) -> list[str]:
    return re.findall(r'href="/events/([A-Za-z0-9_-]+)"', text)


async def job_fair_id(app: Starlette, sessions: SessionFactory) -> str:
    data = await as_person(app, sessions, "union-admin", EVENTS, **{"from": "2000-01-01T00:00:00Z"})
    found = [e["node"]["id"] for e in data["events"]["edges"] if e["node"]["title"] == JOB_FAIR]
    assert len(found) == 1
    return str(found[0])


async def test_the_events_list_shows_the_organizers_events_with_their_counts(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    await sign_in(web, email("union-admin"))
    page = await web.get("/events")
    assert page.status_code == 200
    fair = await event_as(
        app, owner_sessions, "union-admin", await job_fair_id(app, owner_sessions)
    )
    counts = fair["attendance"]["total"]
    assert JOB_FAIR in page.text
    assert (
        f"{counts['registered']} registered, {counts['waitlisted']} waiting, "
        f"{counts['checkedIn']} checked in"
    ) in page.text
    assert counts["waitlisted"] >= 3  # the demo's fair: 43 people for 40 places (or more)
    assert 'href="/events/new"' in page.text
    # The past hiring hall is among the past events, not the upcoming ones.
    assert "Welding Hiring Hall" not in page.text
    past = await web.get("/events?past=1")
    assert past.status_code == 200 and "Welding Hiring Hall" in past.text


async def test_an_employers_member_sees_published_events_but_nothing_to_manage(
    web: httpx.AsyncClient, sign_in: SignIn
) -> None:
    await sign_in(web, email("employer-member"))
    page = await web.get("/events")
    assert page.status_code == 200
    assert JOB_FAIR in page.text
    assert "registered," not in page.text and "Manage" not in page.text
    assert 'href="/events/new"' not in page.text
    form = await web.get("/events/new")
    assert (
        "Only an organization's admins and the partnership's admins post events."
        in html.unescape(form.text)
    )


async def test_posting_an_event_converts_local_times_and_publishing_it_publishes(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    await sign_in(web, email("union-admin"))
    form = await web.get("/events/new")
    assert form.status_code == 200
    assert 'value="America/Detroit"' in form.text  # the partnership's time zone
    response = await web.post(
        "/events/new",
        data={
            "csrf": csrf_of(form.text),
            "kind": "JOB_FAIR",
            "title": "Harbor Job Fair",
            "description": "Meet ten employers.",
            "startsAt": "2027-03-14",
            "startsAtTime": "10:00",
            "endsAt": "2027-03-14",
            "endsAtTime": "14:30",
            "timeZone": "America/Detroit",
            "attendanceMode": "IN_PERSON",
            "name": "Harbor Hall",
            "city": "Muskegon",
            "capacityInPerson": "60",
            "visibility": "PUBLIC",
        },
    )
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.endswith("?done=posted")
    event_id = location.removeprefix("/events/").removesuffix("?done=posted")
    event = await event_as(app, owner_sessions, "union-admin", event_id)
    assert event["title"] == "Harbor Job Fair" and event["status"] == "DRAFT"
    assert event["startsAt"] == "2027-03-14T14:00:00+00:00"  # EDT is UTC-4 in March
    assert event["endsAt"] == "2027-03-14T18:30:00+00:00"
    assert event["capacityInPerson"] == 60 and event["timeZone"] == "America/Detroit"

    manage = await web.get(location)
    assert manage.status_code == 200
    assert "The event is posted as a draft" in manage.text
    assert "Sun, Mar 14, 2027, 10:00 AM EDT" in manage.text
    published = await web.post(
        f"/events/{event_id}/status", data={"csrf": csrf_of(manage.text), "action": "publish"}
    )
    assert published.status_code == 303
    assert (await event_as(app, owner_sessions, "union-admin", event_id))["status"] == "PUBLISHED"


async def test_a_bad_event_shows_the_schemas_errors_and_posts_nothing(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    await sign_in(web, email("union-admin"))
    before = await as_person(
        app, owner_sessions, "union-admin", EVENTS, **{"from": "2000-01-01T00:00:00Z"}
    )
    form = await web.get("/events/new")
    base = {
        "csrf": csrf_of(form.text),
        "kind": "JOB_FAIR",
        "title": "Backwards fair",
        "startsAt": "2027-03-14",
        "startsAtTime": "10:00",
        "endsAt": "2027-03-14",
        "endsAtTime": "09:00",
        "timeZone": "America/Detroit",
        "attendanceMode": "IN_PERSON",
        "name": "Harbor Hall",
        "city": "Muskegon",
        "visibility": "PUBLIC",
    }
    backwards = await web.post("/events/new", data=base)
    assert backwards.status_code == 400
    assert "The event must end after it starts." in backwards.text
    assert 'value="Backwards fair"' in backwards.text  # what the person typed stays
    no_venue = await web.post("/events/new", data={**base, "endsAtTime": "12:00", "name": ""})
    assert no_venue.status_code == 400
    assert "A IN_PERSON event needs a venue with a name and a city." in no_venue.text
    bad_date = await web.post("/events/new", data={**base, "startsAt": "14/03/2027"})
    assert bad_date.status_code == 400 and "Give the start as a date and a time." in bad_date.text
    bad_zone = await web.post("/events/new", data={**base, "timeZone": "Mars/Olympus"})
    assert bad_zone.status_code == 400 and "IANA name" in bad_zone.text
    hostile = await web.post(
        "/events/new",
        **raw_form({**base, "endsAtTime": "12:00", "title": "x\x00\ud800" + "y" * 19_990}),
    )
    assert hostile.status_code == 400
    forged = await web.post("/events/new", data={**base, "endsAtTime": "12:00", "csrf": "forged"})
    assert forged.status_code == 400
    after = await as_person(
        app, owner_sessions, "union-admin", EVENTS, **{"from": "2000-01-01T00:00:00Z"}
    )
    assert after["events"]["totalCount"] == before["events"]["totalCount"]


async def test_a_member_who_administers_nothing_cannot_post_an_event(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    await sign_in(web, email("employer-member"))
    form = await web.get("/events/new")
    employer = await organization_of(app, owner_sessions, "employer-member", "EMPLOYER")
    response = await web.post(
        "/events/new",
        data={
            "csrf": csrf_of(form.text),
            "organizationId": employer,
            "kind": "JOB_FAIR",
            "title": "Our own fair",
            "startsAt": "2027-03-14",
            "startsAtTime": "10:00",
            "endsAt": "2027-03-14",
            "endsAtTime": "12:00",
            "timeZone": "America/Detroit",
            "attendanceMode": "ONLINE",
            "onlineUrl": "https://example.org/fair",
            "visibility": "PUBLIC",
        },
    )
    assert response.status_code == 403
    data = await as_person(
        app, owner_sessions, "union-admin", EVENTS, **{"from": "2000-01-01T00:00:00Z"}
    )
    assert "Our own fair" not in [e["node"]["title"] for e in data["events"]["edges"]]


async def test_managing_an_event_edits_it_and_decides_an_exhibitors_request(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    fair = await job_fair_id(app, owner_sessions)
    await sign_in(web, email("union-admin"))
    page = await web.get(f"/events/{fair}")
    assert page.status_code == 200
    event = await event_as(app, owner_sessions, "union-admin", fair)
    assert f"({event['registrations']['totalCount']})" in page.text
    pending = [x for x in event["exhibitors"] if x["status"] == "REQUESTED"]
    assert len(pending) == 1
    assert html.escape(pending[0]["organization"]["name"]) in page.text
    decided = await web.post(
        f"/events/{fair}/exhibitors",
        data={"csrf": csrf_of(page.text), "exhibitorId": pending[0]["id"], "status": "DECLINED"},
    )
    assert decided.status_code == 303
    after = await event_as(app, owner_sessions, "union-admin", fair)
    assert [x["status"] for x in after["exhibitors"] if x["id"] == pending[0]["id"]] == ["DECLINED"]

    hall = await small_event(app, owner_sessions, capacity=5)
    manage = await web.get(f"/events/{hall}")
    assert 'name="title"' in manage.text
    edited = await web.post(
        f"/events/{hall}/edit",
        data={
            "csrf": csrf_of(manage.text),
            "kind": "HIRING_HALL",
            "title": "Renamed hall",
            "startsAt": "2027-05-01",
            "startsAtTime": "09:00",
            "endsAt": "2027-05-01",
            "endsAtTime": "11:00",
            "timeZone": "America/Detroit",
            "attendanceMode": "IN_PERSON",
            "name": "Union Hall",
            "city": "Muskegon",
            "capacityInPerson": "8",
            "visibility": "PUBLIC",
        },
    )
    assert edited.status_code == 303 and edited.headers["location"].endswith("?done=saved")
    changed = await event_as(app, owner_sessions, "union-admin", hall)
    assert changed["title"] == "Renamed hall" and changed["capacityInPerson"] == 8
    assert changed["startsAt"] == "2027-05-01T13:00:00+00:00"
    bad = await web.post(
        f"/events/{hall}/edit",
        data={
            "csrf": csrf_of(manage.text),
            "kind": "HIRING_HALL",
            "title": "",
            "startsAt": "2027-05-01",
            "startsAtTime": "09:00",
            "endsAt": "2027-05-01",
            "endsAtTime": "11:00",
            "timeZone": "America/Detroit",
            "attendanceMode": "IN_PERSON",
            "name": "Union Hall",
            "city": "Muskegon",
            "visibility": "PUBLIC",
        },
    )
    assert bad.status_code == 400 and "title" in bad.text and "<details open>" in bad.text
    cancelled = await web.post(
        f"/events/{hall}/status", data={"csrf": csrf_of(manage.text), "action": "cancel"}
    )
    assert cancelled.status_code == 303
    assert (await event_as(app, owner_sessions, "union-admin", hall))["status"] == "CANCELLED"


async def test_another_partnerships_event_and_a_stranger_id_are_not_found(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    metro = await small_event(
        app, owner_sessions, person=email("union-admin", "metro-healthcare"), capacity=3
    )
    await sign_in(web, email("union-admin"))
    assert (await web.get(f"/events/{metro}")).status_code == 404
    assert (await web.get(f"/events/{metro}/check-in")).status_code == 404
    assert (await web.get("/events/not-an-id")).status_code == 404
    page = await web.get("/events")
    refused = await web.post(
        f"/events/{metro}/check-in", data={"csrf": csrf_of(page.text), "code": "ABCDEFGH"}
    )
    assert refused.status_code == 404


async def test_the_check_in_screen_searches_checks_in_and_registers_walk_ins(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    hall = await small_event(app, owner_sessions, capacity=2)
    people = ["Ada Lovelace", "Grace Hopper", "Adam Smith"]
    codes = {}
    for name in people:
        data = await anonymous(
            app,
            owner_sessions,
            "lakeshore-manufacturing",
            REGISTER,
            input={
                "eventId": hall,
                "name": name,
                "email": f"{name.split()[0].lower()}@example.org",
            },
        )
        codes[name] = data["registerForEvent"]["receipt"]["confirmation"]["code"]
    await sign_in(web, email("union-admin"))
    screen = await web.get(f"/events/{hall}/check-in")
    assert screen.status_code == 200
    assert 'id="registrations"' in screen.text
    assert all(name in screen.text for name in people)
    assert screen.text.count(">Check in<") == 2 and screen.text.count(">Seat and check in<") == 1

    found = await web.get(f"/events/{hall}/check-in", params={"q": "ada"})
    assert "Ada Lovelace" in found.text and "Adam Smith" in found.text
    assert "Grace Hopper" not in found.text
    by_code = await web.get(f"/events/{hall}/check-in", params={"q": codes["Grace Hopper"].lower()})
    assert "Grace Hopper" in by_code.text and "Ada Lovelace" not in by_code.text
    graphql = await event_as(app, owner_sessions, "union-admin", hall, search="ada")
    assert sorted(e["node"]["name"] for e in graphql["registrations"]["edges"]) == [
        "Ada Lovelace",
        "Adam Smith",
    ]
    for literal in ("%_", "x" * 5000):  # LIKE's wildcards match only themselves
        odd = await web.get(f"/events/{hall}/check-in", params={"q": literal})
        assert odd.status_code == 200 and "Nobody found" in odd.text
    for hostile in ("%00", "%ED%A0%80", "a%00da"):
        odd = await web.get(f"/events/{hall}/check-in?q={hostile}")
        assert odd.status_code == 200

    grace = [e["node"] for e in graphql["registrations"]["edges"]]
    everyone = await event_as(app, owner_sessions, "union-admin", hall)
    ids = {e["node"]["name"]: e["node"]["id"] for e in everyone["registrations"]["edges"]}
    assert grace  # ada's search found two, read above
    checked = await web.post(
        f"/events/{hall}/check-in",
        data={"csrf": csrf_of(screen.text), "registrationId": ids["Ada Lovelace"], "q": "ada"},
    )
    assert checked.status_code == 303
    assert checked.headers["location"] == f"/events/{hall}/check-in?q=ada&done=checked"
    again = await web.post(
        f"/events/{hall}/check-in",
        data={"csrf": csrf_of(screen.text), "registrationId": ids["Ada Lovelace"]},
    )
    assert again.headers["location"].endswith("done=already")
    waiting = await web.post(
        f"/events/{hall}/check-in",
        data={"csrf": csrf_of(screen.text), "registrationId": ids["Adam Smith"], "seat": "1"},
    )
    assert waiting.status_code == 303
    walked = await web.post(
        f"/events/{hall}/walk-in",
        data={"csrf": csrf_of(screen.text), "name": "Walk In", "email": "walk@example.org"},
    )
    assert walked.status_code == 303 and walked.headers["location"].endswith("done=walkin")
    bad_walk = await web.post(
        f"/events/{hall}/walk-in",
        data={"csrf": csrf_of(screen.text), "name": "", "email": "nobody"},
    )
    assert bad_walk.status_code == 400 and 'aria-invalid="true"' in bad_walk.text
    forged = await web.post(
        f"/events/{hall}/walk-in",
        data={"csrf": "forged", "name": "Sneak", "email": "s@example.org"},
    )
    assert forged.status_code == 400

    after = await event_as(app, owner_sessions, "union-admin", hall)
    state = {e["node"]["name"]: e["node"] for e in after["registrations"]["edges"]}
    assert sorted(state) == ["Ada Lovelace", "Adam Smith", "Grace Hopper", "Walk In"]
    assert state["Ada Lovelace"]["checkedInAt"] is not None
    assert state["Adam Smith"]["status"] == "CONFIRMED" and state["Adam Smith"]["checkedInAt"]
    assert state["Walk In"]["walkIn"] is True and state["Walk In"]["checkedInAt"]
    assert state["Grace Hopper"]["checkedInAt"] is None
    assert after["attendance"]["total"] == {"registered": 4, "waitlisted": 0, "checkedIn": 3}
    done = await web.get(f"/events/{hall}/check-in?done=walkin")
    assert "The walk-in is registered and checked in." in done.text


async def test_an_employer_at_the_check_in_screen_sees_nobody_and_checks_in_nobody(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    hall = await small_event(app, owner_sessions, capacity=2)
    data = await anonymous(
        app,
        owner_sessions,
        "lakeshore-manufacturing",
        REGISTER,
        input={"eventId": hall, "name": "Private Person", "email": "private@example.org"},
    )
    code = data["registerForEvent"]["receipt"]["confirmation"]["code"]
    await sign_in(web, email("employer-admin"))
    screen = await web.get(f"/events/{hall}/check-in")
    assert screen.status_code == 200 and "Private Person" not in screen.text
    manage = await web.get(f"/events/{hall}")
    assert manage.status_code == 200 and "Private Person" not in manage.text
    assert "/status" not in manage.text and "Cancel the event" not in manage.text
    refused = await web.post(
        f"/events/{hall}/check-in", data={"csrf": csrf_of(screen.text), "code": code}
    )
    assert refused.status_code == 403
    cancel = await web.post(
        f"/events/{hall}/status", data={"csrf": csrf_of(screen.text), "action": "cancel"}
    )
    assert cancel.status_code == 403
    after = await event_as(app, owner_sessions, "union-admin", hall)
    assert after["status"] == "PUBLISHED"
    assert after["registrations"]["edges"][0]["node"]["checkedInAt"] is None
