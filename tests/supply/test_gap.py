"""skillsGap and providerGap: exact figures on a fixture partnership, worked out by hand.

The fixture (gap_support): over 2027Q1-2027Q4,

- demand (NAMED, so published exactly): machinists 40 openings over the year (skills
  Operation and Control at level 3, Equipment Maintenance at 2), welders 12 in 2027Q2
  (Operation and Control and Repairing, level 2), CNC operators 30 in 2028Q1 (after
  the horizon); team assemblers 25 from one POOLED employer: suppressed (k = 3).
- supply: "Machining and welding" targets machinists and welders, teaches Operation and
  Control at 3 and Equipment Maintenance at 2; its cohorts ending in 2027: 20 seats x
  80% = 16 and 15 enrolled (of 20 seats) x 60% = 9, so 25 completers, 12.5 to each
  occupation (the cancelled cohort and those ending outside 2027 count nothing).
  "Team assembly": 10 x 50% = 5 to team assemblers, Operation and Control at level 1.
  A DRAFT program's 100 completers count nothing.
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette

from coalition.config import Settings
from coalition.db.engine import SessionFactory
from tests.supply.gap_support import (
    ASSEMBLERS,
    MACHINISTS,
    MAINTENANCE,
    OPERATION,
    PROVIDER,
    REPAIRING,
    WELDERS,
    add_programs,
    figures,
    fixture_demand,
    fixture_programs,
    gap_of,
    load_reference,
)
from tests.support.graphql import GraphQLClient
from tests.support.world import World, global_id


async def _fixture(owner_sessions: SessionFactory, world: World) -> list[Any]:
    await load_reference(owner_sessions)
    await fixture_demand(owner_sessions, world)
    return await add_programs(owner_sessions, world, fixture_programs())


async def test_gap_by_occupation_splits_a_cohort_over_its_programs_occupations(
    gql: GraphQLClient, owner_sessions: SessionFactory, world: World
) -> None:
    await _fixture(owner_sessions, world)

    result = await gap_of(gql, world.tokens["admin"])

    assert result["groupBy"] == "OCCUPATION"
    assert (result["from"], result["to"]) == ("2027Q1", "2027Q4")
    assert result["release"] is not None
    # Machinists: 40 - 12.5 = 27.5, ratio 40 / 12.5 = 3.2; welders: 12 - 12.5 = -0.5,
    # 12 / 12.5 = 0.96; team assemblers hidden (their 5 completers shown).
    assert figures(result) == [
        (MACHINISTS, False, 40, 12.5, 27.5, 3.2),
        (WELDERS, False, 12, 12.5, -0.5, 0.96),
        (ASSEMBLERS, True, None, 5.0, None, None),
    ]
    assert result["rows"][0]["title"] == "Machinists"
    assert result["rows"][0]["demandedLevel"] is None


async def test_gap_by_skill_counts_programs_at_or_above_the_demanded_level(
    gql: GraphQLClient, owner_sessions: SessionFactory, world: World
) -> None:
    await _fixture(owner_sessions, world)

    result = await gap_of(gql, world.tokens["admin"], "SKILL")

    # Operation and Control: demand 40 + 12 = 52 at level 3 (machinists' NAMED signal);
    # only "Machining and welding" (level 3) counts, each of its 25 completers once:
    # gap 27, ratio 2.08 (team assembly teaches it at 1). Equipment Maintenance: 40 at
    # level 2 against the same 25: 15, 1.6. Repairing: 12, nobody teaches it.
    assert figures(result) == [
        (OPERATION, False, 52, 25.0, 27.0, 2.08),
        (MAINTENANCE, False, 40, 25.0, 15.0, 1.6),
        (REPAIRING, False, 12, 0.0, 12.0, None),
    ]
    assert [row["demandedLevel"] for row in result["rows"]] == [3, 2, 2]
    assert result["rows"][0]["title"] == "Operation and Control"


async def test_a_shorter_horizon_and_filters(
    gql: GraphQLClient, owner_sessions: SessionFactory, world: World
) -> None:
    await _fixture(owner_sessions, world)

    # 2027Q2-Q3: machinists 10 + 10, welders 12; the cohort ending 2027-06-30 (16
    # completers, 8 to each) and team assembly's (5).
    middle = await gap_of(gql, world.tokens["admin"], start="2027Q2", end="2027Q3")
    only_welders = await gap_of(
        gql, world.tokens["admin"], gap_filter={"occupationCodes": [WELDERS]}
    )
    repairing = await gap_of(
        gql, world.tokens["admin"], "SKILL", gap_filter={"skillIds": [REPAIRING]}
    )

    assert figures(middle) == [
        (MACHINISTS, False, 20, 8.0, 12.0, 2.5),
        (WELDERS, False, 12, 8.0, 4.0, 1.5),
        (ASSEMBLERS, True, None, 5.0, None, None),
    ]
    assert figures(only_welders) == [(WELDERS, False, 12, 12.5, -0.5, 0.96)]
    assert figures(repairing) == [(REPAIRING, False, 12, 0.0, 12.0, None)]


async def test_the_providers_view(
    gql: GraphQLClient, owner_sessions: SessionFactory, world: World
) -> None:
    programs = await _fixture(owner_sessions, world)

    body = await gql(
        PROVIDER, {"from": "2027Q1", "to": "2027Q4"}, token=world.tokens["college_member"]
    )

    view = body["data"]["providerGap"]
    assert view["organizationId"] == global_id("Organization", world.organizations["college"])
    assert [
        (p["programId"], p["name"], p["meetsShortage"], p["occupations"], p["skills"])
        for p in view["programs"]
    ] == [
        (
            global_id("TrainingProgram", programs[0]),
            "Machining and welding",
            True,
            [{"code": MACHINISTS, "gap": 27.5}, {"code": WELDERS, "gap": -0.5}],
            [{"code": OPERATION, "gap": 27.0}, {"code": MAINTENANCE, "gap": 15.0}],
        ),
        (
            global_id("TrainingProgram", programs[1]),
            "Team assembly",
            False,
            [{"code": ASSEMBLERS, "gap": None}],
            [],
        ),
    ]
    assert view["untaughtSkills"] == [{"code": REPAIRING, "demand": 12, "demandedLevel": 2}]


async def test_the_provider_view_of_another_organization_is_the_conveners(
    gql: GraphQLClient, owner_sessions: SessionFactory, world: World
) -> None:
    await _fixture(owner_sessions, world)
    college = global_id("Organization", world.organizations["college"])
    variables = {"from": "2027Q1", "to": "2027Q4", "organizationId": college}

    convener = await gql(PROVIDER, variables, token=world.tokens["admin"])
    employer = await gql(PROVIDER, variables, token=world.tokens["member"])
    own_default = await gql(
        PROVIDER, {"from": "2027Q1", "to": "2027Q4"}, token=world.tokens["member"]
    )
    app = await gql(PROVIDER, variables, token=world.tokens["reader"])

    assert len(convener["data"]["providerGap"]["programs"]) == 2
    assert employer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # The employer's member belongs to no provider: it must name one (and may not).
    assert own_default["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert app["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_other_tenants_programs_and_demand_never_count(
    app: Starlette,
    gql: GraphQLClient,
    owner_sessions: SessionFactory,
    settings: Settings,
    world: World,
    other_world: World,
) -> None:
    await _fixture(owner_sessions, world)

    theirs = await gap_of(gql, other_world.tokens["admin"])
    theirs_by_skill = await gap_of(gql, other_world.tokens["admin"], "SKILL")

    assert theirs["rows"] == []
    assert theirs_by_skill["rows"] == []
    assert theirs["release"] is None
