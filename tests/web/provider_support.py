"""Helpers of the provider and outcomes page tests: GraphQL as a demo person (through the
in-process schema, not the pages), a person's organization, and posting a form."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from starlette.applications import Starlette

from coalition.api.inprocess import execute
from coalition.db.engine import SessionFactory
from tests.web.conftest import csrf_of, person_ids

ORGANIZATIONS = "{ viewer { memberships { organization { id name kind } } } }"


async def graphql_as(
    app: Starlette, sessions: SessionFactory, address: str, query: str, **variables: Any
) -> dict[str, Any]:
    """The data of ``query`` run as the person ``address``; fails on any error."""
    tenant_id, user_id = await person_ids(sessions, address)
    answer = await execute(
        app.state,
        tenant_id=uuid.UUID(tenant_id),
        user_id=uuid.UUID(user_id),
        query=query,
        variables=variables or None,
    )
    assert not answer.errors, answer.errors
    assert answer.data is not None
    return answer.data


async def organization_of(app: Starlette, sessions: SessionFactory, address: str) -> dict[str, Any]:
    data = await graphql_as(app, sessions, address, ORGANIZATIONS)
    organization: dict[str, Any] = data["viewer"]["memberships"][0]["organization"]
    return organization


async def token_of(web: httpx.AsyncClient, path: str) -> str:
    """The CSRF token of the page's own form (in its main content, not the header's
    sign-out form), so a form that lost its token fails the test."""
    page = await web.get(path)
    assert page.status_code == 200, page.text
    return csrf_of(page.text.split('<main id="main"', 1)[1])


async def session_token(web: httpx.AsyncClient) -> str:
    """The session's CSRF token (from the home page's sign-out form), for posting to a
    page whose form the person is not shown."""
    return csrf_of((await web.get("/")).text)


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"
