"""Attacks on the public listing GET /public/<slug>/programs.jsonld: slugs no
partnership could have, odd paging, other methods. Each answers a clear 4xx (or the
first page), never a 500, and never a DRAFT or another partnership's program."""

from __future__ import annotations

import httpx
import pytest

from coalition.db.engine import SessionFactory
from coalition.supply import public
from coalition.supply.models import ProgramStatus
from tests.supply.gap_support import MACHINISTS, ProgramRow, add_programs, load_reference
from tests.support.world import World

ODD_SLUGS = [
    "%00",
    "alpha%00",
    "..%2F..%2Fetc%2Fpasswd",
    "..",
    "%C3%A9t%C3%A9",
    "%ED%A0%80",
    "a" * 5000,
    "%20",
    "-",
]


@pytest.mark.parametrize("slug", ODD_SLUGS, ids=range(len(ODD_SLUGS)))
async def test_a_slug_no_partnership_could_have_is_not_found(
    http: httpx.AsyncClient, slug: str
) -> None:
    response = await http.get(f"/public/{slug}/programs.jsonld")

    assert response.status_code == 404


async def test_the_slug_is_matched_exactly(
    http: httpx.AsyncClient, owner_sessions: SessionFactory, world: World
) -> None:
    await load_reference(owner_sessions)
    await add_programs(owner_sessions, world, [ProgramRow("Machining", [MACHINISTS])])

    upper = await http.get(f"/public/{world.slug.upper()}/programs.jsonld")
    padded = await http.get(f"/public/%20{world.slug}/programs.jsonld")
    exact = await http.get(f"/public/{world.slug}/programs.jsonld")

    assert (upper.status_code, padded.status_code, exact.status_code) == (404, 404, 200)


async def test_paging_arguments_it_does_not_take_change_nothing_and_a_bad_cursor_is_400(
    http: httpx.AsyncClient, owner_sessions: SessionFactory, world: World
) -> None:
    await load_reference(owner_sessions)
    await add_programs(
        owner_sessions,
        world,
        [
            ProgramRow("Machining", [MACHINISTS]),
            ProgramRow("Draft", [MACHINISTS], status=ProgramStatus.DRAFT),
        ],
    )
    base = f"/public/{world.slug}/programs.jsonld"

    huge = await http.get(f"{base}?page={10**30}&first=-1")
    cursors = [await http.get(f"{base}?after={after}") for after in ("%00", "x" * 5000, "-1")]

    assert huge.status_code == 200
    assert [n["ceterms:name"]["en-US"] for n in huge.json()["@graph"]] == ["Machining"]
    assert [r.status_code for r in cursors] == [400, 400, 400]


async def test_only_get_and_head_are_answered(http: httpx.AsyncClient, world: World) -> None:
    path = f"/public/{world.slug}/programs.jsonld"

    head = await http.head(path)
    others = [await http.request(method, path) for method in ("POST", "PUT", "DELETE")]

    assert (head.status_code, head.content) == (200, b"")
    assert [r.status_code for r in others] == [405, 405, 405]


async def test_the_next_link_does_not_name_the_host_a_request_claims(
    http: httpx.AsyncClient,
    owner_sessions: SessionFactory,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The page is cacheable (public, 5 minutes): a Link built from a forged Host header
    # would send the next reader of a shared cache elsewhere.
    await load_reference(owner_sessions)
    await add_programs(owner_sessions, world, [ProgramRow(f"P{n}", [MACHINISTS]) for n in range(3)])
    monkeypatch.setattr(public, "PAGE_SIZE", 2)

    response = await http.get(
        f"/public/{world.slug}/programs.jsonld", headers={"Host": "evil.example"}
    )

    link = response.headers["link"]
    assert link.startswith(f"</public/{world.slug}/programs.jsonld?after=")
    assert "evil" not in link
