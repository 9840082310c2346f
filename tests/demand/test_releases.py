"""Releases of pooled demand: who may publish, how often, that they are frozen, the schedule.

Pooled numbers are read from the newest release, so an employer's edits show only
in the next one, and an earlier release reads the same forever.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from coalition.audit.models import AuditEvent
from coalition.db.engine import SessionFactory, create_session_factory
from coalition.db.session import tenant_transaction
from coalition.demand.jobs import publish_due_releases
from coalition.demand.models import DemandRelease, DemandReleaseCell, DemandSignal
from coalition.tenancy.models import Tenant
from tests.demand.pooled import (
    Noise,
    Signal,
    add_employers,
    add_signals,
    by_occupation,
    publish,
    summary,
)
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.world import World

PUBLISH = """
mutation { publishDemandRelease {
  release { id publishedAt madeBy rule { minEmployers pPercent } }
  userErrors { field message code }
} }"""
NODE = "query($id: ID!) { node(id: $id) { id ... on DemandRelease { madeBy } } }"


async def releases_of(owner_sessions: SessionFactory, world: World) -> list[DemandRelease]:
    async with tenant_transaction(owner_sessions, world.id) as session:
        found = await session.scalars(
            select(DemandRelease)
            .where(DemandRelease.tenant_id == world.id)
            .order_by(DemandRelease.published_at)
        )
        return list(found)


async def three_employers(owner_sessions: SessionFactory, world: World) -> list[Any]:
    employers = await add_employers(owner_sessions, world, ["a", "b", "c"])
    return await add_signals(
        owner_sessions,
        world,
        employers,
        [Signal("a", 10), Signal("b", 14), Signal("c", 9)],
        release=False,
    )


async def test_the_convener_publishes_at_most_once_per_interval(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    await three_employers(owner_sessions, world)

    first = await gql(PUBLISH, token=world.tokens["admin"])
    again = await gql(PUBLISH, token=world.tokens["admin"])

    payload = first["data"]["publishDemandRelease"]
    assert payload["userErrors"] == []
    assert payload["release"]["madeBy"] == "CONVENER"
    assert payload["release"]["rule"] == {"minEmployers": 3, "pPercent": 10}
    refused = again["data"]["publishDemandRelease"]
    assert refused["release"] is None
    assert [error["code"] for error in refused["userErrors"]] == ["TOO_SOON"]
    assert "6 hours apart" in refused["userErrors"][0]["message"]
    assert len(await releases_of(owner_sessions, world)) == 1
    async with tenant_transaction(owner_sessions, world.id) as session:
        actions = list(
            await session.scalars(
                select(AuditEvent.object_type).where(
                    AuditEvent.tenant_id == world.id,
                    AuditEvent.action == "demand.publish_release",
                )
            )
        )
    assert actions == ["DemandRelease"]


async def test_only_partnership_admins_may_publish(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory, demand_reader: str
) -> None:
    await three_employers(owner_sessions, world)
    tokens = [world.tokens[name] for name in ("analyst", "member", "org_admin", "writer")]

    bodies = [await gql(PUBLISH, token=token) for token in [*tokens, demand_reader]]

    assert [error_codes(body) for body in bodies] == [["FORBIDDEN"]] * 5
    assert await releases_of(owner_sessions, world) == []


async def test_a_release_is_frozen_and_an_earlier_one_reads_the_same_forever(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    posted = await three_employers(owner_sessions, world)
    await publish(owner_sessions, world)
    noise = await Noise.of(owner_sessions, world)
    first = await summary(gql, world.tokens["analyst"], ["OCCUPATION"])
    async with tenant_transaction(owner_sessions, world.id) as session:
        await session.execute(
            update(DemandSignal)
            .where(DemandSignal.tenant_id == world.id, DemandSignal.id == posted[0].id)
            .values(openings=25)
        )
    unchanged = await summary(gql, world.tokens["analyst"], ["OCCUPATION"])
    await publish(owner_sessions, world)
    latest = await summary(gql, world.tokens["analyst"], ["OCCUPATION"])
    earlier = await summary(
        gql, world.tokens["analyst"], ["OCCUPATION"], release=first["release"]["id"]
    )

    assert unchanged == first
    assert by_occupation(first)["51-4041"][0] == noise.openings(posted)
    assert by_occupation(latest)["51-4041"][0] != by_occupation(first)["51-4041"][0]
    assert earlier == first
    assert latest["release"]["id"] != first["release"]["id"]


async def test_a_release_of_another_partnership_reads_as_missing(
    gql: GraphQLClient, world: World, other_world: World, owner_sessions: SessionFactory
) -> None:
    await three_employers(owner_sessions, world)
    await publish(owner_sessions, world)
    mine = await summary(gql, world.tokens["analyst"], ["OCCUPATION"])
    release_id = mine["release"]["id"]

    read = (
        "query($r: ID) { demandSummary(groupBy: [OCCUPATION], release: $r) { cells { openings } } }"
    )
    theirs = await gql(
        read,
        {"r": release_id},
        token=other_world.tokens["admin"],
    )
    garbage = await gql(
        read,
        {"r": "not-an-id"},
        token=other_world.tokens["admin"],
    )
    node_here = await gql(NODE, {"id": release_id}, token=world.tokens["member"])
    node_there = await gql(NODE, {"id": release_id}, token=other_world.tokens["admin"])

    assert theirs["data"] is None
    assert error_codes(theirs) == ["NOT_FOUND"]
    assert garbage["data"] is None
    assert error_codes(garbage) == ["BAD_USER_INPUT"]
    assert node_here["data"]["node"] == {"id": release_id, "madeBy": "OPERATOR"}
    assert node_there["data"]["node"] is None


async def test_the_schedule_releases_each_partnership_when_due(
    world: World, other_world: World, owner_sessions: SessionFactory, app_engine: AsyncEngine
) -> None:
    await three_employers(owner_sessions, world)
    async with owner_sessions() as session, session.begin():
        await session.execute(
            update(Tenant)
            .where(Tenant.id == other_world.id)
            .values(settings={"releases": {"every_hours": 48, "min_interval_hours": 6}})
        )
    # As the server runs it: the API's role, under row-level security.
    app_sessions = create_session_factory(app_engine)

    both = {world.id, other_world.id}
    first = await publish_due_releases(app_sessions, both)
    second = await publish_due_releases(app_sessions, both)
    mine = await releases_of(owner_sessions, world)
    # Backdate: a day later this partnership is due again, the other (48 hours) is not.
    for each in (world, other_world):
        async with tenant_transaction(owner_sessions, each.id) as session:
            await session.execute(
                update(DemandRelease)
                .where(DemandRelease.tenant_id == each.id)
                .values(published_at=DemandRelease.published_at - func.make_interval(0, 0, 0, 1))
            )
    await publish_due_releases(app_sessions, both)

    assert first == 2
    assert second == 0
    assert [release.made_by for release in mine] == ["SCHEDULE"]
    assert len(await releases_of(owner_sessions, world)) == 2
    assert len(await releases_of(owner_sessions, other_world)) == 1
    async with tenant_transaction(owner_sessions, world.id) as session:
        cells = await session.scalar(
            select(func.count())
            .select_from(DemandReleaseCell)
            .where(DemandReleaseCell.tenant_id == world.id)
        )
    assert cells == 6  # a fine cell per employer (three), in each of the two releases
