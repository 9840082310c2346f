"""The funder's pool page updates live: its stream (``/funds/<pool>/live``) sends a
``refresh`` at each ledger posting, made through any server, to people whose GraphQL reads
the pool, and to nobody else; in Chromium, the summary changes without a reload."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from starlette.applications import Starlette

from coalition.db.engine import SessionFactory
from tests.web.conftest import Browsing, csrf_of, email, person_ids
from tests.web.events_support import small_event
from tests.web.people import data_as

FUNDER = email("funder")
EMPLOYER = email("employer-admin")
POOLS = "{ fundPools(first: 5) { edges { node { id summary { matched { formatted } } } } } }"
CHOICES = """
{ organizations(first: 50) { edges { node { id name } } }
  initiatives(first: 20) { edges { node { id } } } }
"""
RECORD = """
mutation($input: RecordContributionInput!) {
  recordContribution(input: $input) { contribution { id } userErrors { message } } }
"""
VERIFY = """
mutation($id: ID!, $key: String!) {
  verifyContribution(input: {contributionId: $id, idempotencyKey: $key}) {
    userErrors { message } } }
"""


async def _pool(app: Starlette, sessions: SessionFactory) -> dict[str, Any]:
    data = await data_as(app, sessions, FUNDER, POOLS)
    return dict(data["fundPools"]["edges"][0]["node"])


async def _record(app: Starlette, sessions: SessionFactory, pool: str, cents: str) -> str:
    choices = await data_as(app, sessions, EMPLOYER, CHOICES)
    precision = next(
        e["node"]["id"]
        for e in choices["organizations"]["edges"]
        if e["node"]["name"] == "Precision Tool & Die"
    )
    data = await data_as(
        app,
        sessions,
        EMPLOYER,
        RECORD,
        input={
            "idempotencyKey": str(uuid.uuid4()),
            "initiativeId": choices["initiatives"]["edges"][0]["node"]["id"],
            "organizationId": precision,
            "poolId": pool,
            "kind": "CASH",
            "purpose": "TRAINING_COSTS",
            "amount": {"amountMinor": cents, "currency": "USD"},
            "contributedOn": "2026-11-02",
        },
    )
    assert data["recordContribution"]["userErrors"] == []
    return str(data["recordContribution"]["contribution"]["id"])


async def _verify(app: Starlette, sessions: SessionFactory, contribution: str) -> None:
    data = await data_as(app, sessions, FUNDER, VERIFY, id=contribution, key=str(uuid.uuid4()))
    assert data["verifyContribution"]["userErrors"] == []


@asynccontextmanager
async def _signed_in(
    base: str, sessions: SessionFactory, address: str
) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=base, timeout=httpx.Timeout(10.0)) as client:
        tenant_id, user_id = await person_ids(sessions, address)
        slug = address.split("@")[1].removesuffix(".example")
        page = await client.get(f"/signin?partnership={slug}")
        response = await client.post(
            "/signin/demo",
            data={
                "csrf": csrf_of(page.text),
                "tenant": tenant_id,
                "person": user_id,
                "next": "/",
            },
        )
        assert response.status_code == 303
        yield client


async def _first_event(stream: httpx.Response) -> list[str]:
    lines: list[str] = []
    async for line in stream.aiter_lines():
        if line.startswith(":"):
            continue
        if not line and lines:
            return lines
        if line:
            lines.append(line)
    return lines


async def test_a_posting_reaches_the_funders_open_pool_page_stream(
    app: Starlette, owner_sessions: SessionFactory, web_server: str
) -> None:
    pool = await _pool(app, owner_sessions)
    contribution = await _record(app, owner_sessions, pool["id"], "12300")
    async with _signed_in(web_server, owner_sessions, FUNDER) as funder:
        async with funder.stream("GET", f"/funds/{pool['id']}/live") as stream:
            assert stream.status_code == 200
            assert stream.headers["content-type"].startswith("text/event-stream")
            reading = asyncio.create_task(_first_event(stream))
            await asyncio.sleep(0.2)
            await _verify(app, owner_sessions, contribution)
            event = await asyncio.wait_for(reading, timeout=2)
    assert event[0] == "event: refresh"
    assert any(line.startswith("data: ") for line in event)


async def test_no_stream_for_someone_whose_graphql_does_not_read_the_pool(
    app: Starlette, owner_sessions: SessionFactory, web_server: str
) -> None:
    pool = await _pool(app, owner_sessions)
    async with _signed_in(
        web_server, owner_sessions, email("funder", "metro-healthcare")
    ) as stranger:
        response = await stranger.get(f"/funds/{pool['id']}/live")
        assert response.status_code == 404
    async with _signed_in(web_server, owner_sessions, FUNDER) as funder:
        assert (await funder.get("/funds/not-an-id/live")).status_code == 404


async def test_the_summary_changes_in_the_open_page_without_a_reload(
    browsing: Browsing, app: Starlette, owner_sessions: SessionFactory
) -> None:
    pool = await _pool(app, owner_sessions)
    contribution = await _record(app, owner_sessions, pool["id"], "45600")
    tab = await browsing.signed_in(FUNDER)
    await tab.open(f"/funds/{pool['id']}")
    before = await tab.page.inner_text("#matched-figure")
    await tab.page.wait_for_timeout(500)  # the page's EventSource connects
    await _verify(app, owner_sessions, contribution)
    await tab.page.wait_for_function(
        "(before) => document.querySelector('#matched-figure').innerText !== before",
        arg=before,
        timeout=5000,
    )
    after = (await _pool(app, owner_sessions))["summary"]["matched"]["formatted"]
    assert await tab.page.inner_text("#matched-figure") == after
    assert "Updated" in await tab.page.inner_text("#live-status")
    await tab.check("pool page after a live update")


WALK_IN = """
mutation($input: RegisterWalkInInput!) {
  registerWalkIn(input: $input) { registration { id } userErrors { message } } }
"""


async def test_a_check_in_at_another_phone_appears_on_the_open_check_in_screen(
    browsing: Browsing, app: Starlette, owner_sessions: SessionFactory
) -> None:
    event = await small_event(app, owner_sessions, capacity=5)
    tab = await browsing.signed_in(email("union-admin"), phone=True)
    await tab.open(f"/events/{event}/check-in")
    assert "Nobody has registered yet." in await tab.page.inner_text("#registrations")
    await tab.page.wait_for_timeout(500)  # the page's EventSource connects
    data = await data_as(
        app,
        owner_sessions,
        email("union-admin"),
        WALK_IN,
        input={"eventId": event, "name": "Rosa Live", "email": "rosa.live@example.org"},
    )
    assert data["registerWalkIn"]["userErrors"] == []
    await tab.page.wait_for_function(
        "() => document.querySelector('#registrations').innerText.includes('Rosa Live')",
        timeout=5000,
    )
    await tab.check("check-in screen after a live update")


async def test_no_check_in_stream_for_someone_who_cannot_read_the_registrations(
    app: Starlette, owner_sessions: SessionFactory, web_server: str
) -> None:
    event = await small_event(app, owner_sessions, capacity=5)
    async with _signed_in(web_server, owner_sessions, email("employer-member")) as outsider:
        response = await outsider.get(f"/events/{event}/check-in/live")
        assert response.status_code in (403, 404)
