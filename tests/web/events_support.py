"""Helpers of the events pages' tests: GraphQL run in-process as a demo person (to set
up events and to check what the pages show against what that person's GraphQL reads)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette

from coalition.api.inprocess import execute
from coalition.db.engine import SessionFactory
from tests.web.conftest import email, person_ids

ORGANIZATION = """
query { viewer { memberships { organization { id kind } } } }
"""

CREATE = """
mutation ($input: CreateEventInput!) {
  createEvent(input: $input) { event { id } userErrors { field message } }
}
"""

PUBLISH = """
mutation ($id: ID!) {
  publishEvent(input: {id: $id}) { event { id status } userErrors { message } }
}
"""

REGISTER = """
mutation ($input: RegisterForEventInput!) {
  registerForEvent(input: $input) {
    receipt { registrationId status confirmation { code token } }
    userErrors { field message }
  }
}
"""

EVENT = """
query ($id: ID!, $search: String) {
  event(id: $id) {
    id title status startsAt endsAt timeZone capacityInPerson visibility
    attendance { total { registered waitlisted checkedIn } }
    exhibitors { id status organization { name } }
    registrations(first: 100, search: $search) {
      totalCount
      edges { node { id name email status code checkedInAt walkIn } }
    }
  }
}
"""


async def as_person(
    app: Starlette, sessions: SessionFactory, person: str, query: str, **variables: Any
) -> dict[str, Any]:
    """The data of ``query`` run as the demo person (``union-admin``, or an email), which
    must have no errors."""
    address = person if "@" in person else email(person)
    tenant_id, user_id = await person_ids(sessions, address)
    answer = await execute(
        app.state,
        tenant_id=uuid.UUID(tenant_id),
        user_id=uuid.UUID(user_id),
        query=query,
        variables=variables or None,
    )
    assert not answer.errors, answer.errors
    return answer.data or {}


async def anonymous(
    app: Starlette, sessions: SessionFactory, slug: str, query: str, **variables: Any
) -> dict[str, Any]:
    tenant_id = await app.state.authenticator.named_tenant(slug)
    answer = await execute(
        app.state, tenant_id=tenant_id, user_id=None, query=query, variables=variables or None
    )
    assert not answer.errors, answer.errors
    return answer.data or {}


async def organization_of(app: Starlette, sessions: SessionFactory, person: str, kind: str) -> str:
    data = await as_person(app, sessions, person, ORGANIZATION)
    found = [
        m["organization"]["id"]
        for m in data["viewer"]["memberships"]
        if m["organization"]["kind"] == kind
    ]
    assert found, f"{person} has no {kind}"
    return str(found[0])


async def small_event(
    app: Starlette,
    sessions: SessionFactory,
    *,
    capacity: int = 1,
    title: str | None = None,
    person: str = "union-admin",
    kind: str = "WORKER_ORGANIZATION",
    publish: bool = True,
    visibility: str = "PUBLIC",
) -> str:
    """A new in-person event of the union, ``capacity`` places, published: its ID."""
    organization = await organization_of(app, sessions, person, kind)
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=10)
    created = await as_person(
        app,
        sessions,
        person,
        CREATE,
        input={
            "organizationId": organization,
            "kind": "HIRING_HALL",
            "title": title or f"Small hall {uuid.uuid4().hex[:8]}",
            "startsAt": starts.isoformat(),
            "endsAt": (starts + timedelta(hours=3)).isoformat(),
            "timeZone": "America/Detroit",
            "attendanceMode": "IN_PERSON",
            "venue": {"name": "Union Hall", "city": "Muskegon"},
            "capacityInPerson": capacity,
            "visibility": visibility,
        },
    )
    assert not created["createEvent"]["userErrors"], created
    event_id = str(created["createEvent"]["event"]["id"])
    if publish:
        published = await as_person(app, sessions, person, PUBLISH, id=event_id)
        assert published["publishEvent"]["event"]["status"] == "PUBLISHED"
    return event_id


async def event_as(
    app: Starlette, sessions: SessionFactory, person: str, event_id: str, search: str | None = None
) -> dict[str, Any]:
    data = await as_person(app, sessions, person, EVENT, id=event_id, search=search)
    return dict(data["event"])


def raw_form(data: dict[str, str]) -> dict[str, Any]:
    """httpx arguments posting ``data`` as a form even with a lone surrogate in it (sent
    as its UTF-8-like bytes, as a broken client would)."""
    body = urlencode(data, encoding="utf-8", errors="surrogatepass")
    return {
        "content": body.encode(),
        "headers": {"content-type": "application/x-www-form-urlencoded"},
    }
