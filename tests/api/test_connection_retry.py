"""A query whose database connection dies mid-flight is run again; a mutation is not, and
is answered 503 RETRYABLE (SECURITY.md item 33). The connection is killed from outside
with pg_terminate_backend while the request waits on a table lock held by a test
connection."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from tests.support.graphql import GraphQLClient, error_codes
from tests.support.world import World, global_id

WAIT = 15.0
QUERY = "{ organizations(first: 10) { totalCount edges { node { name } } } }"
MUTATION = """mutation($id: ID!) { updateOrganization(input: {id: $id, city: "Killed"}) {
    organization { city } userErrors { code } } }"""


@asynccontextmanager
async def organizations_locked(engine: AsyncEngine) -> AsyncIterator[tuple[AsyncConnection, int]]:
    """Hold an ACCESS EXCLUSIVE lock on organizations until the block ends."""
    async with engine.connect() as conn:
        transaction = await conn.begin()
        await conn.execute(text("LOCK TABLE organizations IN ACCESS EXCLUSIVE MODE"))
        me = (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        try:
            yield conn, int(me)
        finally:
            await transaction.rollback()


async def _blocked_by(engine: AsyncEngine, blocker: int) -> int:
    async with asyncio.timeout(WAIT):
        while True:
            async with engine.connect() as conn:
                found = (
                    (
                        await conn.execute(
                            text(
                                "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                "AND :b = ANY(pg_blocking_pids(pid))"
                            ),
                            {"b": blocker},
                        )
                    )
                    .scalars()
                    .all()
                )
            if found:
                assert len(found) == 1, found
                return int(found[0])
            await asyncio.sleep(0.02)


async def _kill(engine: AsyncEngine, pid: int) -> None:
    async with engine.connect() as killer:
        killed = (
            await killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        ).scalar_one()
    assert killed is True


async def test_a_query_whose_connection_dies_is_answered_on_a_fresh_one(
    gql: GraphQLClient, world: World, admin_engine: AsyncEngine
) -> None:
    async with organizations_locked(admin_engine) as (_, me):
        request = asyncio.create_task(gql(QUERY, token=world.tokens["admin"]))
        await _kill(admin_engine, await _blocked_by(admin_engine, me))
    body = await asyncio.wait_for(request, WAIT)

    assert "errors" not in body, body
    assert body["data"]["organizations"]["totalCount"] == len(world.organizations)


async def test_a_mutation_whose_connection_dies_is_not_run_again(
    gql: GraphQLClient, world: World, admin_engine: AsyncEngine
) -> None:
    employer = global_id("Organization", world.organizations["employer"])
    async with organizations_locked(admin_engine) as (_, me):
        request = asyncio.create_task(
            gql.post(MUTATION, {"id": employer}, token=world.tokens["admin"])
        )
        await _kill(admin_engine, await _blocked_by(admin_engine, me))
    response = await asyncio.wait_for(request, WAIT)

    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert error_codes(response.json()) == ["RETRYABLE"]
    assert response.json()["data"] is None
    after = await gql(
        "query($id: ID!) { node(id: $id) { ... on Organization { city } } }",
        {"id": employer},
        token=world.tokens["admin"],
    )
    assert after["data"]["node"]["city"] != "Killed"
