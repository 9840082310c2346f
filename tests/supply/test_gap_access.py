"""skillsGap: who may read it, bad input, and a fixed number of SQL statements."""

from __future__ import annotations

from datetime import date

import pytest
from starlette.applications import Starlette

from coalition.auth.scopes import DEMAND_READ, PROGRAMS_READ
from coalition.config import Settings
from coalition.db.engine import SessionFactory
from tests.demand.pooled import publish
from tests.supply.gap_support import (
    BOTH_SCOPES,
    CNC,
    GAP,
    MACHINISTS,
    OPERATION,
    REPAIRING,
    CohortRow,
    ProgramRow,
    add_programs,
    app_token,
    figures,
    fixture_demand,
    fixture_programs,
    gap_of,
    load_reference,
)
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.statements import StatementCounter, without_tenant_filter
from tests.support.world import PEOPLE, World


async def _fixture(owner_sessions: SessionFactory, world: World) -> None:
    await load_reference(owner_sessions)
    await fixture_demand(owner_sessions, world)
    await add_programs(owner_sessions, world, fixture_programs())


async def test_every_member_and_apps_with_both_scopes_read_the_same_gap(
    app: Starlette,
    gql: GraphQLClient,
    owner_sessions: SessionFactory,
    settings: Settings,
    world: World,
) -> None:
    await _fixture(owner_sessions, world)
    expected = figures(await gap_of(gql, world.tokens["admin"]))
    both = await app_token(app, owner_sessions, settings, world, BOTH_SCOPES)

    # No one of these holds a signal of the fixture, so every reader is decided alike.
    for person in PEOPLE:
        assert figures(await gap_of(gql, world.tokens[person])) == expected, person
    assert figures(await gap_of(gql, both)) == expected


@pytest.mark.parametrize("scopes", [["read"], [PROGRAMS_READ], [DEMAND_READ]])
async def test_apps_without_both_scopes_are_refused(
    app: Starlette,
    gql: GraphQLClient,
    owner_sessions: SessionFactory,
    settings: Settings,
    world: World,
    scopes: list[str],
) -> None:
    await _fixture(owner_sessions, world)
    token = await app_token(app, owner_sessions, settings, world, scopes)

    body = await gql(GAP, {"from": "2027Q1", "to": "2027Q4", "groupBy": "OCCUPATION"}, token=token)

    assert error_codes(body) == ["FORBIDDEN"]
    assert body["data"] is None


async def test_anonymous_callers_are_refused(gql: GraphQLClient) -> None:
    body = await gql(GAP, {"from": "2027Q1", "to": "2027Q4", "groupBy": "OCCUPATION"})

    assert error_codes(body) == ["UNAUTHENTICATED"]


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"from": "2027Q4", "to": "2027Q1"}, "to must not be before from."),
        ({"from": "2027Q1", "to": "2032Q1"}, "The horizon is at most 20 quarters."),
        ({"from": "2027Q5", "to": "2028Q1"}, "The quarter must be Q1, Q2, Q3 or Q4."),
        ({"from": "2027Q1", "to": "next year"}, "A quarter is written like 2027Q1."),
        (
            {"filter": {"occupationCodes": [MACHINISTS, "99-9999"]}},
            "Unknown code '99-9999'.",
        ),
        (
            {"filter": {"majorGroupCodes": ["51-4000"]}},
            "Unknown code '51-4000'.",
        ),
        (
            {"groupBy": "SKILL", "filter": {"skillIds": ["9.Z.9"]}},
            "Unknown code '9.Z.9'.",
        ),
        (
            {"filter": {"skillIds": [OPERATION]}},
            "skillIds filters rows grouped by SKILL.",
        ),
        ({"release": "not-an-id"}, "No release with this ID."),
    ],
)
async def test_bad_input_is_refused_saying_why(
    gql: GraphQLClient,
    owner_sessions: SessionFactory,
    world: World,
    variables: dict[str, object],
    message: str,
) -> None:
    await load_reference(owner_sessions)
    given = {"from": "2027Q1", "to": "2027Q4", "groupBy": "OCCUPATION"} | variables

    body = await gql(GAP, given, token=world.tokens["admin"])

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["data"] is None
    assert message in body["errors"][0]["message"], body


async def test_a_release_of_another_partnership_reads_like_a_missing_one(
    gql: GraphQLClient, owner_sessions: SessionFactory, world: World, other_world: World
) -> None:
    await _fixture(owner_sessions, world)
    ours = await gap_of(gql, world.tokens["admin"])

    body = await gql(
        GAP,
        {
            "from": "2027Q1",
            "to": "2027Q4",
            "groupBy": "OCCUPATION",
            "release": ours["release"]["id"],
        },
        token=other_world.tokens["admin"],
    )

    assert error_codes(body) == ["NOT_FOUND"]
    assert body["data"] is None


async def _count(gql: GraphQLClient, token: str, counter: StatementCounter, group_by: str) -> int:
    counter.statements.clear()
    await gap_of(gql, token, group_by)
    assert without_tenant_filter(counter.statements) == []
    return counter.count


@pytest.mark.parametrize("group_by", ["OCCUPATION", "SKILL"])
async def test_the_number_of_statements_does_not_grow_with_programs_and_cohorts(
    gql: GraphQLClient,
    owner_sessions: SessionFactory,
    world: World,
    count_statements: StatementCounter,
    group_by: str,
) -> None:
    await _fixture(owner_sessions, world)
    few = await _count(gql, world.tokens["college_member"], count_statements, group_by)
    await add_programs(
        owner_sessions,
        world,
        [
            ProgramRow(
                f"Program {number}",
                [MACHINISTS, CNC][: 1 + number % 2],
                {OPERATION: 1 + number % 4, REPAIRING: 2},
                [CohortRow(date(2027, 1 + number % 12, 1), seats=10 + number, rate="75")] * 3,
            )
            for number in range(30)
        ],
    )
    await publish(owner_sessions, world)  # a new release: its answer is computed again

    many = await _count(gql, world.tokens["college_member"], count_statements, group_by)

    assert many == few
