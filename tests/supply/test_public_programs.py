"""GET /public/<slug>/programs.jsonld: a partnership's ACTIVE programs as CTDL JSON-LD,
with no login; 404 for an unknown slug or when the partnership switched it off."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from coalition.config import Settings
from coalition.db.engine import SessionFactory
from coalition.supply import public
from coalition.supply.models import ProgramStatus
from tests.supply.gap_support import (
    CIP_WELDING,
    MACHINISTS,
    WELDERS,
    ProgramRow,
    add_programs,
    load_reference,
)
from tests.support.cli import audit_trail, new_slug, new_tenant, run
from tests.support.graphql import GraphQLClient
from tests.support.world import World

SWITCH = """
mutation($on: Boolean!) {
  updateTenantSettings(input: {publicPrograms: $on}) {
    tenant { settings { publicPrograms } }
    userErrors { field code }
  }
}"""


async def _listing(http: httpx.AsyncClient, slug: str, query: str = "") -> httpx.Response:
    return await http.get(f"/public/{slug}/programs.jsonld{query}")


def _names(response: httpx.Response) -> list[str]:
    document: dict[str, Any] = response.json()
    return sorted(node["ceterms:name"]["en-US"] for node in document["@graph"])


async def _catalog(owner_sessions: SessionFactory, world: World) -> list[Any]:
    await load_reference(owner_sessions)
    return await add_programs(
        owner_sessions,
        world,
        [
            ProgramRow("Machining", [MACHINISTS, WELDERS], hours=320, weeks=16, cost_minor=150000),
            ProgramRow("Welding", [WELDERS], cip_code=CIP_WELDING),
            ProgramRow("Next year's draft", [MACHINISTS], status=ProgramStatus.DRAFT),
            ProgramRow("Old machining", [MACHINISTS], status=ProgramStatus.DISCONTINUED),
        ],
    )


async def test_anyone_reads_the_active_programs_as_a_json_ld_graph(
    http: httpx.AsyncClient, owner_sessions: SessionFactory, world: World
) -> None:
    ids = await _catalog(owner_sessions, world)

    response = await _listing(http, world.slug)

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/ld+json"
    assert "link" not in response.headers
    document = response.json()
    assert document["@context"] == "https://credreg.net/ctdl/schema/context/json"
    assert _names(response) == ["Machining", "Welding"]
    machining = next(n for n in document["@graph"] if n["@id"] == f"urn:uuid:{ids[0]}")
    assert machining["@type"] == "ceterms:LearningProgram"
    assert "@context" not in machining
    assert [a["ceterms:codedNotation"] for a in machining["ceterms:occupationType"]] == [
        MACHINISTS,
        WELDERS,
    ]
    assert machining["ceterms:occupationType"][0]["ceterms:targetNodeName"] == {
        "en-US": "Machinists"
    }
    assert machining["ceterms:instructionalProgramType"][0]["ceterms:targetNodeName"] == {
        "en-US": "Machine Tool Technology/Machinist"
    }
    assert machining["ceterms:offeredBy"][0]["ceterms:name"] == {"en-US": "alpha college"}
    assert machining["ceterms:estimatedCost"][0]["ceterms:price"] == 1500.0


async def test_an_unknown_slug_is_not_found(http: httpx.AsyncClient) -> None:
    response = await _listing(http, "no-such-partnership")

    assert response.status_code == 404
    assert response.json() == {"error": "not_found"}


async def test_no_other_partnerships_programs(
    http: httpx.AsyncClient, owner_sessions: SessionFactory, world: World, other_world: World
) -> None:
    await _catalog(owner_sessions, world)
    await add_programs(owner_sessions, other_world, [ProgramRow("Theirs", [MACHINISTS])])

    ours, theirs = await _listing(http, world.slug), await _listing(http, other_world.slug)

    assert _names(ours) == ["Machining", "Welding"]
    assert _names(theirs) == ["Theirs"]


async def test_the_convener_switches_the_listing_off_and_on(
    http: httpx.AsyncClient, gql: GraphQLClient, owner_sessions: SessionFactory, world: World
) -> None:
    await _catalog(owner_sessions, world)

    refused = await gql(SWITCH, {"on": False}, token=world.tokens["college_admin"])
    off = await gql(SWITCH, {"on": False}, token=world.tokens["admin"])
    while_off = await _listing(http, world.slug)
    on = await gql(SWITCH, {"on": True}, token=world.tokens["admin"])
    while_on = await _listing(http, world.slug)

    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert off["data"]["updateTenantSettings"] == {
        "tenant": {"settings": {"publicPrograms": False}},
        "userErrors": [],
    }
    assert while_off.status_code == 404
    assert while_off.json() == {"error": "not_found"}  # exactly as for an unknown slug
    assert on["data"]["updateTenantSettings"]["tenant"] == {"settings": {"publicPrograms": True}}
    assert while_on.status_code == 200
    assert _names(while_on) == ["Machining", "Welding"]


async def test_pages_follow_the_next_link(
    http: httpx.AsyncClient,
    owner_sessions: SessionFactory,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await load_reference(owner_sessions)
    await add_programs(owner_sessions, world, [ProgramRow(f"P{n}", [MACHINISTS]) for n in range(5)])
    monkeypatch.setattr(public, "PAGE_SIZE", 2)

    names: list[str] = []
    response = await _listing(http, world.slug)
    pages = 1
    while "link" in response.headers:
        names += _names(response)
        link = response.headers["link"]
        assert link.endswith('>; rel="next"')
        response = await http.get(link[1 : link.index(">")])
        pages += 1
    names += _names(response)

    assert pages == 3
    assert sorted(names) == ["P0", "P1", "P2", "P3", "P4"]


async def test_a_bad_cursor_is_refused(http: httpx.AsyncClient, world: World) -> None:
    response = await _listing(http, world.slug, "?after=not-a-uuid")

    assert response.status_code == 400


def test_the_command_line_switches_it_too(cli_env: Settings) -> None:
    slug = new_slug()
    made = new_tenant(slug)

    off = run("tenant", "configure", "--tenant", slug, "--no-public-programs")
    again = run("tenant", "configure", "--tenant", slug, "--no-public-programs")

    assert off.exit_code == 0, off.output
    assert '"public_programs": false' in off.stdout
    assert again.exit_code == 0, again.output
    # One audited change: switching it off again changes nothing.
    changes = [
        entry for entry in audit_trail(cli_env, made) if entry[0] == "tenant.update_settings"
    ]
    assert len(changes) == 1
