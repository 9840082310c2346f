"""The list of a member's participant records runs a fixed number of SQL statements,
whatever the number of records (DESIGN.md: no N+1)."""

from __future__ import annotations

from coalition.db.engine import SessionFactory
from tests.outcomes.support import RECORD, add_record
from tests.support.graphql import GraphQLClient
from tests.support.statements import StatementCounter, without_tenant_filter
from tests.support.world import World, global_id

RECORDS = f"""query($org: ID!) {{ participantRecords(organizationId: $org, first: 50) {{
  totalCount edges {{ node {{ {RECORD} }} }} }} }}"""


async def _count(gql: GraphQLClient, world: World, counter: StatementCounter, expected: int) -> int:
    counter.statements.clear()
    body = await gql(
        RECORDS,
        {"org": global_id("Organization", world.organizations["college"])},
        token=world.tokens["college_admin"],
    )
    assert body["data"]["participantRecords"]["totalCount"] == expected
    assert without_tenant_filter(counter.statements) == []
    return counter.count


async def test_records_with_every_field_take_the_same_statements_for_1_or_12(
    gql: GraphQLClient,
    world: World,
    owner_sessions: SessionFactory,
    count_statements: StatementCounter,
) -> None:
    await add_record(owner_sessions, world, participant_identifier="S-0")
    one = await _count(gql, world, count_statements, 1)
    for index in range(1, 12):
        await add_record(
            owner_sessions,
            world,
            participant_identifier=f"S-{index}",
            occupation_code="51-4041",
            barriers=["LOW_INCOME"],
        )
    twelve = await _count(gql, world, count_statements, 12)

    assert (one, twelve) == (one, one)
    assert one == 5
