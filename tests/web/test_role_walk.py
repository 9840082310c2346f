"""Every page as every person: never a server error, and nothing shown that the person's
own GraphQL cannot read.

Each demo person walks the site from the home page (every link two clicks deep). Every
page answers 200, or 403 when the schema refused the person; every object a page names
by its global id (in a link or a form) is one that the person's GraphQL, over ``/graphql``
with their own token, returns from ``nodes``; every form that posts carries the CSRF token.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from graphql import GraphQLInterfaceType, build_schema
from starlette.applications import Starlette

from coalition.db.engine import SessionFactory
from coalition.ids import parse_global_id
from tests.web.conftest import SignIn, email, token_for
from tests.web.walk import PEOPLE, global_ids, walk

SDL = build_schema((Path(__file__).resolve().parents[2] / "graphql/schema.graphql").read_text())
NODE = SDL.get_type("Node")
assert isinstance(NODE, GraphQLInterfaceType)
NODE_TYPES = frozenset(t.name for t in SDL.get_implementations(NODE).objects)
POST_FORM = re.compile(r'<form[^>]*method="post"[^>]*>(.*?)</form>', re.DOTALL | re.IGNORECASE)
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"


@pytest.mark.parametrize("person", PEOPLE)
async def test_every_page_shows_only_what_the_persons_graphql_reads(
    web: httpx.AsyncClient,
    sign_in: SignIn,
    app: Starlette,
    owner_sessions: SessionFactory,
    person: str,
) -> None:
    await sign_in(web, email(person))
    shown: dict[str, set[str]] = {}
    unprotected: list[str] = []

    async def get(path: str) -> tuple[int, str]:
        response = await web.get(path)
        if response.status_code == 200:
            unprotected.extend(
                path for form in POST_FORM.findall(response.text) if 'name="csrf"' not in form
            )
            shown[path] = {
                token
                for token in global_ids(response.text)
                if (parse_global_id(token) or ("", None))[0] in NODE_TYPES
            }
        return response.status_code, response.text

    pages = await walk(get)
    assert len(pages) > 1, "the home page links to nothing"
    assert not unprotected, f"forms without the CSRF token on {unprotected}"
    wrong = {path: status for path, status in pages.items() if status not in (200, 403)}
    assert not wrong, f"pages that failed for {person}: {wrong}"

    token = await token_for(app, owner_sessions, email(person))
    every_id = sorted(set().union(*shown.values()))
    readable: set[str] = set()
    for start in range(0, len(every_id), 100):
        batch = every_id[start : start + 100]
        response = await web.post(
            "/graphql",
            json={"query": NODES, "variables": {"ids": batch}},
            headers={"Authorization": f"Bearer {token}"},
        )
        readable |= {node["id"] for node in response.json()["data"]["nodes"] if node}
    leaks = {path: ids - readable for path, ids in shown.items() if ids - readable}
    assert not leaks, f"{person} was shown objects their GraphQL cannot read: {leaks}"
