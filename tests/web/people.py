"""GraphQL as a demo person, in-process (what a page should show is what this returns), and
a check of a page's forms."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
from starlette.applications import Starlette

from coalition.api.inprocess import Answer, execute
from coalition.db.engine import SessionFactory
from tests.web.conftest import person_ids


async def graphql_as(
    app: Starlette, sessions: SessionFactory, address: str, query: str, **variables: Any
) -> Answer:
    """The answer ``address``'s own GraphQL gives (the same schema the pages run)."""
    tenant_id, user_id = await person_ids(sessions, address)
    return await execute(
        app.state,
        tenant_id=uuid.UUID(tenant_id),
        user_id=uuid.UUID(user_id),
        query=query,
        variables=variables or None,
    )


async def data_as(
    app: Starlette, sessions: SessionFactory, address: str, query: str, **variables: Any
) -> dict[str, Any]:
    answer = await graphql_as(app, sessions, address, query, **variables)
    assert not answer.errors, answer.errors
    assert answer.data is not None
    return answer.data


def every_form_has_the_token(page: httpx.Response) -> None:
    """Each form of the page (the sign-out form's and the page's own) carries the
    session's CSRF token: a form whose macro lost the template's context would not."""
    tokens = re.findall(r'name="csrf" value="([^"]*)"', page.text)
    assert len(tokens) >= 2 and len(set(tokens)) == 1 and tokens[0], tokens
