"""The public events endpoints under attack: DRAFT, MEMBERS and other partnerships'
events never show (by title, in every format), and hostile slugs, IDs, cursors, dates
and headers get a 4xx, never a 5xx."""

from __future__ import annotations

import uuid

import httpx
import pytest

from coalition.db.engine import SessionFactory
from coalition.events.models import EventStatus, Visibility
from tests.events.feed_support import EventRow, add_events, names, parsed, summaries
from tests.support.world import World

PATHS = ("events.ics", "events", "events/{id}.ics", "events/{id}")


async def _hidden_and_shown(
    owner_sessions: SessionFactory, world: World, other_world: World
) -> dict[str, uuid.UUID]:
    ids = await add_events(
        owner_sessions,
        world,
        [
            EventRow("Shown"),
            EventRow("Secret draft", status=EventStatus.DRAFT),
            EventRow("Members only", visibility=Visibility.MEMBERS),
            EventRow(
                "Cancelled members", visibility=Visibility.MEMBERS, status=EventStatus.CANCELLED
            ),
        ],
    )
    (theirs,) = await add_events(owner_sessions, other_world, [EventRow("Theirs")])
    return dict(zip(("shown", "draft", "members", "cancelled_members"), ids, strict=True)) | {
        "theirs": theirs
    }


async def test_draft_members_and_foreign_events_never_show(
    http: httpx.AsyncClient, owner_sessions: SessionFactory, world: World, other_world: World
) -> None:
    ids = await _hidden_and_shown(owner_sessions, world, other_world)
    base = f"/public/{world.slug}"

    feed = await http.get(f"{base}/events.ics")
    listing = await http.get(f"{base}/events")
    hidden = {
        name: [
            await http.get(f"{base}/events/{ids[name]}"),
            await http.get(f"{base}/events/{ids[name]}.ics"),
        ]
        for name in ("draft", "members", "cancelled_members", "theirs")
    }
    unknown = await http.get(f"{base}/events/{uuid.uuid4()}")

    assert summaries(parsed(feed)) == ["Shown"]
    assert names(listing) == ["Shown"]
    for secret in ("Secret draft", "Members only", "Cancelled members", "Theirs"):
        assert secret.encode() not in feed.content
        assert secret not in listing.text
    for responses in hidden.values():
        for response in responses:
            assert response.status_code == 404
            assert response.json() == unknown.json() == {"error": "not_found"}
    theirs_at_home = await http.get(f"/public/{other_world.slug}/events/{ids['theirs']}")
    assert theirs_at_home.json()["name"] == "Theirs"
    assert summaries(parsed(await http.get(f"/public/{other_world.slug}/events.ics"))) == ["Theirs"]


HOSTILE_SLUGS = [
    "%00",
    "alpha%00",
    "a" * 10_000,
    "..",
    "..%2F..%2Fetc",
    "%2E%2E",
    "UPPER",
    "sl%C3%BCg",
    "a%0A",
    "-leading",
    "%F0%9F%98%80",
]


@pytest.mark.parametrize("slug", HOSTILE_SLUGS)
@pytest.mark.parametrize("path", PATHS)
async def test_hostile_slugs_are_not_found(
    http: httpx.AsyncClient, slug: str, path: str, world: World
) -> None:
    response = await http.get(f"/public/{slug}/{path.format(id=uuid.uuid4())}")

    if not response.url.path.startswith("/public/"):
        # ".." is resolved by the client: /public/../events is the web app's /events,
        # which sends a stranger to sign in (or a page it does not have). Nothing
        # public is served either way.
        assert response.status_code in (303, 404)
        assert response.headers.get("location", "/signin").startswith("/signin")
        return
    assert response.status_code == 404


BAD_IDS = ["not-a-uuid", "%00", "{" + str(uuid.uuid4()) + "}", "x" * 5000, "1", "%20" * 36]


@pytest.mark.parametrize("event_id", BAD_IDS)
@pytest.mark.parametrize("suffix", ["", ".ics"])
async def test_bad_event_ids_are_not_found(
    http: httpx.AsyncClient, world: World, event_id: str, suffix: str
) -> None:
    response = await http.get(f"/public/{world.slug}/events/{event_id}{suffix}")

    assert response.status_code == 404
    assert response.json() == {"error": "not_found"}


def _arabic_indic(text: str) -> str:
    """``text`` with its digits in Arabic-Indic script (which ``int()`` reads)."""
    return "".join(chr(0x0660 + int(c)) if c.isdigit() else c for c in text)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("after=not-a-cursor", "after"),
        ("after=", "after"),
        (f"after=20271399T250000000000Z_{uuid.uuid4()}", "after"),
        (f"after={_arabic_indic('20270314')}T150000000000Z_{uuid.uuid4()}", "after"),
        (f"after=20270314T150000000000Z_{str(uuid.uuid4()).upper()}", "after"),
        ("after=" + "9" * 10_000, "after"),
        ("after=%00", "after"),
        ("from=2027-13-01", "from"),
        ("from=2027-02-30", "from"),
        ("from=tomorrow", "from"),
        ("from=", "from"),
        ("from=20270314", "from"),
        (f"from={_arabic_indic('2027-03-14')}", "from"),
        ("from=2027-03-14%00", "from"),
        ("to=2027-03-14T10:00:00", "to"),
        ("from=2027-03-15&to=2027-03-14", "to"),
    ],
)
async def test_bad_list_parameters_are_a_400_naming_the_field(
    http: httpx.AsyncClient, world: World, query: str, field: str
) -> None:
    response = await http.get(f"/public/{world.slug}/events?{query}")

    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_request"
    assert body["field"] == field
    assert body["message"].startswith(field)


async def test_a_forged_cursor_of_a_hidden_event_reveals_nothing(
    http: httpx.AsyncClient, owner_sessions: SessionFactory, world: World, other_world: World
) -> None:
    ids = await _hidden_and_shown(owner_sessions, world, other_world)

    response = await http.get(
        f"/public/{world.slug}/events?after=19700101T000000000000Z_{ids['draft']}"
    )

    assert names(response) == ["Shown"]


@pytest.mark.parametrize(
    "header",
    ['"' + "a" * 6000 + '"', ",,,,", "W/", '"unterminated', "\t*\t", "W/W/W/"],
)
async def test_odd_if_none_match_headers_never_fail(
    http: httpx.AsyncClient, owner_sessions: SessionFactory, world: World, header: str
) -> None:
    await add_events(owner_sessions, world, [EventRow("Fair")])

    response = await http.get(f"/public/{world.slug}/events.ics", headers={"If-None-Match": header})

    assert response.status_code == (304 if header.strip() == "*" else 200)


async def test_a_forged_host_never_reaches_the_feed(
    http: httpx.AsyncClient, owner_sessions: SessionFactory, world: World
) -> None:
    (fair,) = await add_events(owner_sessions, world, [EventRow("Fair")])
    feed = f"/public/{world.slug}/events.ics"

    honest = await http.get(feed)
    forged = await http.get(feed, headers={"Host": "evil.example"})
    listing = await http.get(f"/public/{world.slug}/events", headers={"Host": "evil.example"})

    assert forged.headers["etag"] == honest.headers["etag"]
    assert b"evil" not in forged.content
    assert "evil" not in listing.text
    assert str(parsed(forged).events[0]["URL"]).endswith(f"/public/{world.slug}/events/{fair}")
