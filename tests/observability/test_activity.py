"""The domain activity counters: each moves when the transaction that did the thing
commits, and not when it rolls back."""

from __future__ import annotations

import httpx
import pytest

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.demand import jobs
from coalition.telemetry import activity
from tests.events.registration_support import REGISTER, add_event, person, tenant_header
from tests.observability.support import scrape
from tests.supply.support import IMPORT, PROGRAMS_EXAMPLE
from tests.support.graphql import GraphQLClient
from tests.support.world import World, global_id

POSTINGS = "coalition_ledger_postings_total"
PUBLISH = "mutation { publishDemandRelease { release { id } userErrors { code } } }"


class Boom(RuntimeError):
    pass


async def test_a_count_moves_only_when_its_transaction_commits(
    http: httpx.AsyncClient, owner_sessions: SessionFactory, world: World
) -> None:
    before = await scrape(http)

    async with tenant_transaction(owner_sessions, world.id) as session:
        activity.ledger_posted(session, kind="PROBE_COMMITTED")
        activity.ledger_posted(session, kind="PROBE_COMMITTED")
    with pytest.raises(Boom):
        async with tenant_transaction(owner_sessions, world.id) as session:
            activity.ledger_posted(session, kind="PROBE_ROLLED_BACK")
            raise Boom
    async with owner_sessions() as session:
        await session.begin()
        activity.ledger_posted(session, kind="PROBE_CLOSED")
    # The same session again, after its rolled-back transaction: nothing left over.
    async with owner_sessions() as session:
        async with session.begin():
            activity.ledger_posted(session, kind="PROBE_ROLLED_BACK")
            await session.rollback()
        async with session.begin():
            pass

    after = await scrape(http)
    for kind, moved in [("PROBE_COMMITTED", 2), ("PROBE_ROLLED_BACK", 0), ("PROBE_CLOSED", 0)]:
        assert after.value(POSTINGS, kind=kind) - before.value(POSTINGS, kind=kind) == moved


async def test_a_published_release_is_counted_once(
    http: httpx.AsyncClient, gql: GraphQLClient, world: World
) -> None:
    series = {"made_by": "CONVENER", "tenant": ""}
    before = await scrape(http)

    await gql(PUBLISH, token=world.tokens["admin"])
    await gql(PUBLISH, token=world.tokens["admin"])  # TOO_SOON: nothing published

    after = await scrape(http)
    name = "coalition_demand_releases_total"
    assert after.value(name, **series) - before.value(name, **series) == 1


async def test_a_scheduled_release_that_fails_is_counted(
    http: httpx.AsyncClient,
    owner_sessions: SessionFactory,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def failing(*_: object) -> bool:
        raise Boom

    monkeypatch.setattr(jobs, "release_is_due", failing)
    before = await scrape(http)

    made = await jobs.publish_due_releases(owner_sessions, only={world.id})

    after = await scrape(http)
    name = "coalition_demand_release_failures_total"
    assert made == 0
    assert after.value(name) - before.value(name) == 1


async def test_registrations_by_status_with_the_partnership_slug(
    labelled_http: httpx.AsyncClient, owner_sessions: SessionFactory, world: World
) -> None:
    gql = GraphQLClient(labelled_http)
    event_id = await add_event(owner_sessions, world, capacity_in_person=1)
    headers = tenant_header(world)
    before = await scrape(labelled_http)

    await gql(REGISTER, {"input": person(event_id, "first@example.org")}, headers=headers)
    await gql(REGISTER, {"input": person(event_id, "second@example.org")}, headers=headers)
    await gql(REGISTER, {"input": person(event_id, "first@example.org")}, headers=headers)

    after = await scrape(labelled_http)
    name = "coalition_event_registrations_total"
    for status, moved in [("confirmed", 1), ("waitlisted", 1)]:
        labels = {"status": status, "tenant": world.slug}
        assert after.value(name, **labels) - before.value(name, **labels) == moved


async def test_imports_by_outcome_and_their_rows(
    http: httpx.AsyncClient, gql: GraphQLClient, world: World
) -> None:
    variables = {
        "organizationId": global_id("Organization", world.organizations["college"]),
        "csv": PROGRAMS_EXAMPLE.read_text(),
    }
    token = world.tokens["college_admin"]
    before = await scrape(http)

    good = await gql(IMPORT, {"input": variables}, token=token)
    bad = await gql(IMPORT, {"input": variables | {"csv": "name\nno cip code\n"}}, token=token)

    after = await scrape(http)
    assert good["data"]["importTrainingPrograms"]["importedCount"] == 3
    assert bad["data"]["importTrainingPrograms"]["rowErrors"] != []
    kind = {"kind": "training_programs", "tenant": ""}
    for name, labels, moved in [
        ("coalition_imports_total", {**kind, "outcome": "imported"}, 1),
        ("coalition_imports_total", {**kind, "outcome": "refused"}, 1),
        ("coalition_imported_rows_total", kind, 3),
    ]:
        assert after.value(name, **labels) - before.value(name, **labels) == moved
