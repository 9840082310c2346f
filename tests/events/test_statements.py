"""Lists of events with their exhibitors, openings, sessions, organizers, programs and
outcomes run a fixed number of SQL statements, whatever the number of events (no N+1)."""

from __future__ import annotations

from coalition.db.engine import SessionFactory
from tests.events.support import add_event, add_exhibitor
from tests.support.graphql import GraphQLClient
from tests.support.statements import StatementCounter, without_tenant_filter
from tests.support.world import World

EVENTS = """{ events(first: 50) { edges { node { title organizer { name } occupationCodes
  programs { name } exhibitors { status organization { name } openings { openings } report {
  hires } } sessions { title exhibitor { status } } outcomes { hires } jsonLd } } } }"""


async def _add(sessions: SessionFactory, world: World, count: int) -> None:
    for index in range(count):
        event_id = await add_event(sessions, world, title=f"Fair {index}")
        await add_exhibitor(sessions, world, event_id)
        if index % 2:
            await add_exhibitor(
                sessions, world, event_id, person="college_admin", organization="college"
            )


async def _count(gql: GraphQLClient, token: str, counter: StatementCounter) -> tuple[int, int]:
    counter.statements.clear()
    body = await gql(EVENTS, token=token)
    assert "errors" not in body, body
    events = [edge["node"] for edge in body["data"]["events"]["edges"]]
    assert all(event["exhibitors"] for event in events)
    assert without_tenant_filter(counter.statements) == []
    return len(events), counter.count


async def test_the_statement_count_does_not_grow_with_the_events(
    gql: GraphQLClient,
    world: World,
    owner_sessions: SessionFactory,
    count_statements: StatementCounter,
) -> None:
    await _add(owner_sessions, world, 3)
    few = await _count(gql, world.tokens["member"], count_statements)
    await _add(owner_sessions, world, 12)

    many = await _count(gql, world.tokens["member"], count_statements)

    assert (few[0], many[0]) == (3, 15)
    # The tenant, the caller (2), count, page, organizers and exhibitors' organizations,
    # occupations, programs, exhibitors, openings, report lines, sessions, the sessions'
    # exhibitors, outcomes (events, reports, their lines, the disclosure settings), the
    # partnership's slug (jsonLd's URLs).
    assert many[1] == 17, many
    assert many[1] == few[1], many
