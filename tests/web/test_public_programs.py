"""The public program list, ``/p/<slug>/programs``: no login, the partnership's ACTIVE
programs only (never a draft, never another partnership's), and a 404 when the
partnership switched its public listing off or does not exist."""

from __future__ import annotations

import re
import uuid

import httpx
from sqlalchemy import select, update
from starlette.applications import Starlette

from coalition.db.engine import SessionFactory
from coalition.tenancy.models import Tenant
from tests.web.conftest import LAKESHORE, email
from tests.web.provider_support import graphql_as

ACTIVE = """
{ trainingPrograms(first: 100, filter: {status: ACTIVE}) { totalCount edges { node { name } } } }
"""
DRAFTS = """
{ trainingPrograms(first: 100, filter: {status: DRAFT}) { edges { node { name } } } }
"""


async def all_pages(web: httpx.AsyncClient, path: str) -> list[str]:
    names: list[str] = []
    for _ in range(50):
        page = await web.get(path)
        assert page.status_code == 200, page.text
        names += re.findall(r'<h2 id="program-\d+">([^<]+)</h2>', page.text)
        found = re.search(r'<p class="pager"><a href="([^"]+)">Next page</a>', page.text)
        if found is None:
            return names
        path = found.group(1)
    raise AssertionError("more than 50 pages")


async def test_anyone_sees_the_partnerships_active_programs(
    web: httpx.AsyncClient, app: Starlette, owner_sessions: SessionFactory
) -> None:
    names = await all_pages(web, f"/p/{LAKESHORE}/programs")

    data = await graphql_as(app, owner_sessions, email("admin"), ACTIVE)
    active = sorted(edge["node"]["name"] for edge in data["trainingPrograms"]["edges"])
    drafts = await graphql_as(app, owner_sessions, email("admin"), DRAFTS)
    assert sorted(names) == active
    assert not {e["node"]["name"] for e in drafts["trainingPrograms"]["edges"]} & set(names)
    page = await web.get(f"/p/{LAKESHORE}/programs")
    assert "Training programs of Lakeshore Advanced Manufacturing Partnership" in page.text
    assert "Sign out" not in page.text


async def test_another_partnerships_programs_are_not_listed(
    web: httpx.AsyncClient, app: Starlette, owner_sessions: SessionFactory
) -> None:
    names = await all_pages(web, "/p/metro-healthcare/programs")

    lakeshore = await graphql_as(app, owner_sessions, email("admin"), ACTIVE)
    metro = await graphql_as(app, owner_sessions, email("admin", "metro-healthcare"), ACTIVE)
    metro_names = sorted(e["node"]["name"] for e in metro["trainingPrograms"]["edges"])
    assert sorted(names) == metro_names
    only_lakeshore = {e["node"]["name"] for e in lakeshore["trainingPrograms"]["edges"]}
    assert only_lakeshore - set(metro_names)  # the check below has something to find
    assert not (only_lakeshore - set(metro_names)) & set(names)


async def test_a_partnership_that_switched_the_listing_off_answers_404(
    web: httpx.AsyncClient, owner_sessions: SessionFactory
) -> None:
    async with owner_sessions() as session:
        settings = await session.scalar(select(Tenant.settings).where(Tenant.slug == LAKESHORE))
    assert settings is not None
    try:
        async with owner_sessions() as session, session.begin():
            await session.execute(
                update(Tenant)
                .where(Tenant.slug == LAKESHORE)
                .values(settings={**settings, "public_programs": False})
            )
        page = await web.get(f"/p/{LAKESHORE}/programs")
        assert page.status_code == 404
        assert "Lakeshore" not in page.text
    finally:
        async with owner_sessions() as session, session.begin():
            await session.execute(
                update(Tenant).where(Tenant.slug == LAKESHORE).values(settings=settings)
            )
    assert (await web.get(f"/p/{LAKESHORE}/programs")).status_code == 200


async def test_unknown_partnerships_and_cursors_are_404_not_errors(web: httpx.AsyncClient) -> None:
    assert (await web.get("/p/no-such-partnership/programs")).status_code == 404
    assert (await web.get("/p/NOT%00A%20SLUG/programs")).status_code == 404
    assert (await web.get(f"/p/{LAKESHORE}/programs?after=nonsense")).status_code == 404
    after = str(uuid.UUID(int=2**128 - 1))
    last = await web.get(f"/p/{LAKESHORE}/programs?after={after}")
    assert last.status_code == 200 and "No programs are listed yet." in last.text
