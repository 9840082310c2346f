"""The public events pages over HTTP, with no login: the partnership's upcoming public
events with the calendar link, one event with its registration form (places left and the
waitlist said honestly), the confirmation, cancelling by its key; unknown partnerships,
other partnerships' and members-only events are not found; hostile input is refused
with a 4xx."""

from __future__ import annotations

import re

import httpx
from starlette.applications import Starlette

from coalition.db.engine import SessionFactory
from tests.web.conftest import LAKESHORE, csrf_of, email
from tests.web.events_support import event_as, raw_form, small_event

METRO = "metro-healthcare"


def event_path(event_id: str, slug: str = LAKESHORE) -> str:
    return f"/p/{slug}/events/{event_id}"


async def register(
    web: httpx.AsyncClient, event_id: str, name: str, address: str, **more: str
) -> httpx.Response:
    page = await web.get(event_path(event_id))
    assert page.status_code == 200
    return await web.post(
        event_path(event_id),
        data={"csrf": csrf_of(page.text), "name": name, "email": address, **more},
    )


async def test_the_events_page_lists_the_public_events_and_the_calendar(
    web: httpx.AsyncClient, app: Starlette, owner_sessions: SessionFactory
) -> None:
    members_only = await small_event(
        app, owner_sessions, title="Members only hall", visibility="MEMBERS"
    )
    draft = await small_event(app, owner_sessions, title="Draft hall", publish=False)
    page = await web.get(f"/p/{LAKESHORE}/events")
    assert page.status_code == 200
    assert "Events of Lakeshore" in page.text
    assert f'href="/public/{LAKESHORE}/events.ics"' in page.text
    assert "Spring Manufacturing Job Fair" in page.text
    assert "Welding Hiring Hall" not in page.text  # held 40 days ago
    assert "Registered Apprenticeship Briefing for Members" not in page.text
    assert "Members only hall" not in page.text and "Draft hall" not in page.text
    assert "Healthcare Careers Job Fair" not in page.text  # the other partnership's
    assert 'class="site-header"' in page.text and "Sign out" not in page.text
    for hidden in (members_only, draft):
        assert (await web.get(event_path(hidden))).status_code == 404
    links = re.findall(rf'href="/p/{LAKESHORE}/events/([A-Za-z0-9_-]+)"', page.text)
    assert links
    for event_id in links:
        assert (await web.get(event_path(event_id))).status_code == 200
    calendar = await web.get(f"/public/{LAKESHORE}/events.ics")
    assert calendar.status_code == 200 and "Spring Manufacturing Job Fair" in calendar.text


async def test_unknown_partnerships_and_other_partnerships_events_are_not_found(
    web: httpx.AsyncClient, app: Starlette, owner_sessions: SessionFactory
) -> None:
    metro = await small_event(
        app, owner_sessions, person=email("union-admin", METRO), title="Metro hall"
    )
    assert (await web.get(event_path(metro, METRO))).status_code == 200
    assert (await web.get(event_path(metro))).status_code == 404
    assert (await web.get("/p/no-such-partnership/events")).status_code == 404
    assert (await web.get(event_path(metro, "no-such-partnership"))).status_code == 404
    assert (await web.get(event_path("not-an-id"))).status_code == 404
    assert (await web.get(f"/p/{LAKESHORE}/events?after=garbage")).status_code == 404
    ours = await small_event(app, owner_sessions, title="Our hall")
    page = await web.get(event_path(ours))
    # Registering for it under this partnership's address is refused too, and writes nothing.
    response = await web.post(
        event_path(metro),
        data={"csrf": csrf_of(page.text), "name": "Stray", "email": "stray@example.org"},
    )
    assert response.status_code == 404
    seen = await event_as(app, owner_sessions, email("union-admin", METRO), metro)
    assert seen["registrations"]["totalCount"] == 0


async def test_registering_shows_the_confirmation_and_the_waitlist_honestly(
    web: httpx.AsyncClient, app: Starlette, owner_sessions: SessionFactory
) -> None:
    hall = await small_event(app, owner_sessions, capacity=1)
    page = await web.get(event_path(hall))
    assert "1 of 1 left" in page.text and "waitlist" not in page.text

    seated = await register(web, hall, "Ada Lovelace", "ada@example.org")
    assert seated.status_code == 200
    assert "You are registered" in seated.text and "You have a place" in seated.text
    code = re.search(r'id="confirmation-code">([A-Z0-9]+)<', seated.text)
    assert code is not None
    assert 'src="data:image/svg+xml' in seated.text
    assert "Cancel my registration" in seated.text

    full = await web.get(event_path(hall))
    assert "The event is full: you will be on the waitlist, number 1." in full.text
    waiting = await register(web, hall, "Grace Hopper", "grace@example.org")
    assert waiting.status_code == 200
    assert "The event is full: you are on the waitlist, number 1." in waiting.text
    fuller = await web.get(event_path(hall))
    assert "you will be on the waitlist, number 2." in fuller.text
    assert "Full: 1 person is on the waitlist" in fuller.text
    second = await register(web, hall, "Adam Smith", "adam@example.org")
    assert "you are on the waitlist, number 2." in second.text

    again = await register(web, hall, "Ada L.", "ADA@example.org")
    assert again.status_code == 200 and "This email was already registered" in again.text
    assert 'id="confirmation-code"' not in again.text

    seen = await event_as(app, owner_sessions, "union-admin", hall)
    people = {e["node"]["name"]: e["node"] for e in seen["registrations"]["edges"]}
    assert {name: p["status"] for name, p in people.items()} == {
        "Ada Lovelace": "CONFIRMED",
        "Grace Hopper": "WAITLISTED",
        "Adam Smith": "WAITLISTED",
    }
    assert people["Ada Lovelace"]["code"] == code.group(1)


async def test_cancelling_with_the_key_gives_the_place_to_the_first_person_waiting(
    web: httpx.AsyncClient, app: Starlette, owner_sessions: SessionFactory
) -> None:
    hall = await small_event(app, owner_sessions, capacity=1)
    seated = await register(web, hall, "Ada Lovelace", "ada@example.org")
    token = re.search(r'name="token" value="([^"]+)"', seated.text)
    assert token is not None
    await register(web, hall, "Grace Hopper", "grace@example.org")
    form = await web.get(event_path(hall) + "/cancel")
    assert form.status_code == 200
    wrong = await web.post(
        event_path(hall) + "/cancel", data={"csrf": csrf_of(form.text), "token": "not-a-token"}
    )
    assert wrong.status_code == 400 and 'aria-invalid="true"' in wrong.text
    cancelled = await web.post(
        event_path(hall) + "/cancel", data={"csrf": csrf_of(form.text), "token": token.group(1)}
    )
    assert cancelled.status_code == 303
    assert cancelled.headers["location"] == event_path(hall) + "?done=cancelled"
    after = await web.get(cancelled.headers["location"])
    assert "Your registration is cancelled." in after.text
    seen = await event_as(app, owner_sessions, "union-admin", hall)
    people = {e["node"]["name"]: e["node"]["status"] for e in seen["registrations"]["edges"]}
    assert people == {"Ada Lovelace": "CANCELLED", "Grace Hopper": "CONFIRMED"}


async def test_hostile_registrations_are_refused_with_a_4xx_and_write_nothing(
    web: httpx.AsyncClient, app: Starlette, owner_sessions: SessionFactory
) -> None:
    hall = await small_event(app, owner_sessions, capacity=5)
    page = await web.get(event_path(hall))
    csrf = csrf_of(page.text)
    base = {"csrf": csrf, "name": "Ada", "email": "ada@example.org"}
    for hostile in (
        {**base, "name": "\x00"},
        {**base, "name": "\ud800"},
        {**base, "name": "A" * 20_000},
        {**base, "name": "A" * 20_001},
        {**base, "email": "ada\x00@example.org\ud800"},
        {**base, "attendance": "ON\x00LINE", "name": ""},
    ):
        response = await web.post(event_path(hall), **raw_form(hostile))
        assert 400 <= response.status_code < 500, (hostile["name"][:10], response.status_code)
    blank = await web.post(event_path(hall), data={**base, "name": "", "email": "nope"})
    assert blank.status_code == 400 and 'aria-invalid="true"' in blank.text
    forged = await web.post(event_path(hall), data={**base, "csrf": "forged"})
    assert forged.status_code == 400
    missing = await web.post(event_path(hall), data={"name": "Ada", "email": "ada@example.org"})
    assert missing.status_code == 400
    seen = await event_as(app, owner_sessions, "union-admin", hall)
    assert seen["registrations"]["totalCount"] == 0
