"""The API survives the database dropping its idle connections (SECURITY.md item 33)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from coalition.config import Settings
from tests.support.graphql import GraphQLClient
from tests.support.world import World

QUERY = "{ organizations { totalCount } }"


async def test_requests_succeed_after_the_server_kills_idle_connections(
    gql: GraphQLClient, world: World, owner_engine: AsyncEngine, settings: Settings
) -> None:
    before = await gql(QUERY, token=world.tokens["member"])
    async with owner_engine.connect() as connection:
        killed = (
            await connection.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE usename = :role AND datname = current_database()"
                ),
                {"role": settings.app_role},
            )
        ).scalar_one()

    after = await gql(QUERY, token=world.tokens["member"])

    assert killed >= 1
    assert before == after == {"data": {"organizations": {"totalCount": 4}}}
