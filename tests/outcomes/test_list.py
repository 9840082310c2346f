"""participantRecords: by entry date, paged, filtered by program, initiative and exit
dates."""

from __future__ import annotations

from datetime import date

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.funds.models.initiatives import Initiative
from tests.outcomes.support import LIST, CollegeProgram, add_record
from tests.support.graphql import GraphQLClient
from tests.support.world import World, global_id


async def _listed(
    gql: GraphQLClient, world: World, chosen: dict[str, str] | None = None
) -> list[str]:
    body = await gql(
        LIST,
        {"org": global_id("Organization", world.organizations["college"]), "filter": chosen},
        token=world.tokens["college_admin"],
    )
    return [e["node"]["participantIdentifier"] for e in body["data"]["participantRecords"]["edges"]]


async def test_records_filter_by_program_initiative_and_exit_dates(
    gql: GraphQLClient,
    world: World,
    owner_sessions: SessionFactory,
    college_program: CollegeProgram,
) -> None:
    initiative = Initiative(tenant_id=world.id, name="CNC pathway", starts_on=date(2025, 7, 1))
    async with tenant_transaction(owner_sessions, world.id) as session:
        session.add(initiative)
    program = college_program.program_id
    await add_record(owner_sessions, world, participant_identifier="A", entry_date=date(2026, 1, 5))
    await add_record(
        owner_sessions,
        world,
        participant_identifier="B",
        entry_date=date(2026, 1, 6),
        program_id=program,
        exit_date=date(2026, 3, 31),
    )
    await add_record(
        owner_sessions,
        world,
        participant_identifier="C",
        entry_date=date(2026, 1, 7),
        program_id=program,
        initiative_id=initiative.id,
        exit_date=date(2026, 4, 1),
    )

    assert await _listed(gql, world) == ["A", "B", "C"]
    assert await _listed(gql, world, {"programId": global_id("TrainingProgram", program)}) == [
        "B",
        "C",
    ]
    assert await _listed(gql, world, {"initiativeId": global_id("Initiative", initiative.id)}) == [
        "C"
    ]
    assert await _listed(gql, world, {"exitedFrom": "2026-04-01"}) == ["C"]
    assert await _listed(gql, world, {"exitedTo": "2026-03-31"}) == ["B"]
    assert await _listed(gql, world, {"programId": "not-an-id"}) == []


async def test_records_page_through_by_entry_date(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    for day in (3, 1, 2):
        await add_record(
            owner_sessions, world, participant_identifier=f"P{day}", entry_date=date(2026, 2, day)
        )
    query = LIST.replace("first: 50", "first: 2")
    variables = {"org": global_id("Organization", world.organizations["college"])}
    token = world.tokens["college_admin"]

    first = (await gql(query, variables, token=token))["data"]["participantRecords"]
    after = first["pageInfo"]["endCursor"]
    second = (await gql(query, variables | {"after": after}, token=token))["data"][
        "participantRecords"
    ]

    assert [e["node"]["participantIdentifier"] for e in first["edges"]] == ["P1", "P2"]
    assert [e["node"]["participantIdentifier"] for e in second["edges"]] == ["P3"]
    assert (first["totalCount"], second["pageInfo"]["hasNextPage"]) == (3, False)
