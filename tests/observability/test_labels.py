"""No series of /metrics carries an ID, a global ID or an email, whatever the requests
held; with tenant labels on, a partnership is labelled by its slug, and only so many."""

from __future__ import annotations

import re
import uuid

import httpx

from coalition.db.engine import SessionFactory
from coalition.ids import parse_global_id
from coalition.telemetry.labels import OTHER, TenantLabels
from tests.observability.support import Scrape, scrape
from tests.support.graphql import GraphQLClient
from tests.support.world import World, global_id

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
BARE_UUID = re.compile(r"^[0-9a-f]{32}$", re.IGNORECASE)
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", re.IGNORECASE)


def offending_labels(page: Scrape, known_ids: list[uuid.UUID]) -> list[str]:
    found = []
    for sample in page.samples:
        for key, value in sample.labels.items():
            if (
                UUID.search(value)
                or BARE_UUID.match(value)
                or EMAIL.search(value)
                or parse_global_id(value) is not None
                or any(known.hex in value.replace("-", "") for known in known_ids)
            ):
                found.append(f"{sample.name} {key}={value}")
    return found


async def test_no_series_carries_an_id_a_global_id_or_an_email(
    labelled_http: httpx.AsyncClient, world: World
) -> None:
    gql = GraphQLClient(labelled_http)
    admin = world.tokens["admin"]
    organization = world.organizations["employer"]
    user = world.users["member"]
    ids = [global_id("Organization", organization), global_id("User", user)]
    # Given requests that carry IDs, global IDs and emails in every place a client can
    await gql("query($id: ID!) { node(id: $id) { id } }", {"id": ids[0]}, token=admin)
    await gql("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids}, token=admin)
    await gql(f'{{ node(id: "{ids[1]}") {{ id }} }}', token=admin)
    await gql(
        'mutation { createOrganization(input: {name: "mail@example.org", kind: EMPLOYER}) '
        "{ userErrors { code } } }",
        token=world.tokens["member"],
    )
    await gql(f"query Q_{organization.hex} {{ organizations {{ totalCount }} }}", token=admin)
    await labelled_http.get(f"/graphql/{organization}")
    await labelled_http.get("/people/someone@example.org")
    await labelled_http.get(f"/node/{ids[0]}")
    await gql("{ organizations { totalCount } }", headers={"X-Coalition-Tenant": world.slug})

    # When the metrics are read
    page = await scrape(labelled_http)

    # Then no label holds any of them, and the partnership is there by its slug
    known = [world.id, organization, user, *world.memberships.values(), *world.clients.values()]
    assert offending_labels(page, known) == []
    tenants = {s.labels["tenant"] for s in page.samples if "tenant" in s.labels}
    assert world.slug in tenants


def test_the_scan_catches_what_it_is_for() -> None:
    identifier = uuid.uuid4()
    text = "\n".join(
        [
            "# TYPE probe counter",
            f'probe_total{{a="{identifier}"}} 1',
            f'probe_total{{a="{identifier.hex}"}} 1',
            f'probe_total{{a="{global_id("User", identifier)}"}} 1',
            'probe_total{a="x@example.org"} 1',
            'probe_total{a="/graphql"} 1',
            f'probe_total{{a="{"ab" * 32}"}} 1',
        ]
    )

    assert len(offending_labels(Scrape(text), [])) == 4


async def test_tenant_labels_stop_at_the_limit(
    owner_sessions: SessionFactory, world: World, other_world: World
) -> None:
    labels = TenantLabels(owner_sessions, enabled=True, limit=1)

    first = await labels.label(world.id)
    second = await labels.label(other_world.id)

    assert (first, second) == (world.slug, OTHER)
    assert await labels.label(world.id) == world.slug
    assert await labels.label(uuid.uuid4()) == ""


async def test_tenant_labels_are_empty_when_off(
    owner_sessions: SessionFactory, world: World
) -> None:
    labels = TenantLabels(owner_sessions, enabled=False, limit=10)

    assert await labels.label(world.id) == ""
