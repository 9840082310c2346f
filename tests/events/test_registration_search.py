"""``Event.registrations(search:)``, the check-in screen's search: by name (any case,
anywhere in it, LIKE's wildcards only themselves) or by check-in code for the
organizer's people; an approved exhibitor's people search the consenting people's names
only (they never see codes, so a code finds no one); a search costs no extra statement."""

from __future__ import annotations

from coalition.db.engine import SessionFactory
from tests.events.registration_support import (
    REGISTER,
    add_event,
    add_exhibitor,
    person,
    tenant_header,
)
from tests.support.graphql import GraphQLClient
from tests.support.statements import StatementCounter
from tests.support.world import World, global_id

SEARCH = """
query($id: ID!, $search: String) {
  event(id: $id) {
    registrations(first: 50, search: $search) { totalCount edges { node { name } } }
  }
}"""
PEOPLE = [
    ("Ada Lovelace", True),
    ("Adam Smith", False),
    ("Grace Hopper", True),
    ("100%_Real", True),
]


async def _event(
    gql: GraphQLClient, world: World, sessions: SessionFactory
) -> tuple[str, dict[str, str]]:
    event_id = await add_event(sessions, world)
    await add_exhibitor(sessions, world, event_id, "other_employer")
    codes = {}
    for index, (name, consent) in enumerate(PEOPLE):
        body = await gql(
            REGISTER,
            {
                "input": person(
                    event_id, f"p{index}@example.org", name=name, consentToContact=consent
                )
            },
            headers=tenant_header(world),
        )
        codes[name] = body["data"]["registerForEvent"]["receipt"]["confirmation"]["code"]
    return global_id("Event", event_id), codes


async def _names(gql: GraphQLClient, token: str, event: str, search: str | None) -> list[str]:
    body = await gql(SEARCH, {"id": event, "search": search}, token=token)
    assert "errors" not in body, body
    connection = body["data"]["event"]["registrations"]
    assert connection["totalCount"] == len(connection["edges"])
    return [edge["node"]["name"] for edge in connection["edges"]]


async def test_the_organizers_people_search_by_name_or_code(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    event, codes = await _event(gql, world, owner_sessions)
    token = world.tokens["org_admin"]
    assert await _names(gql, token, event, "ADA") == ["Ada Lovelace", "Adam Smith"]
    assert await _names(gql, token, event, "  hopper ") == ["Grace Hopper"]
    assert await _names(gql, token, event, codes["Adam Smith"].lower()) == ["Adam Smith"]
    assert await _names(gql, token, event, "%") == ["100%_Real"]
    assert await _names(gql, token, event, "_") == ["100%_Real"]
    assert await _names(gql, token, event, "nobody") == []
    assert len(await _names(gql, token, event, "")) == 4
    assert len(await _names(gql, token, event, None)) == 4


async def test_an_exhibitors_people_find_consenting_names_but_never_by_code(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    event, codes = await _event(gql, world, owner_sessions)
    token = world.tokens["other_org_admin"]
    assert await _names(gql, token, event, "ada") == ["Ada Lovelace"]  # Adam did not consent
    for name in ("Ada Lovelace", "Grace Hopper"):
        assert await _names(gql, token, event, codes[name]) == []
    assert await _names(gql, world.tokens["college_admin"], event, "ada") == []


async def test_a_search_runs_no_more_statements_than_the_list(
    gql: GraphQLClient,
    world: World,
    owner_sessions: SessionFactory,
    count_statements: StatementCounter,
) -> None:
    event, _ = await _event(gql, world, owner_sessions)
    counts = []
    for search in (None, "ada"):
        count_statements.statements.clear()
        await _names(gql, world.tokens["org_admin"], event, search)
        counts.append(count_statements.count)
    assert counts[0] == counts[1]
