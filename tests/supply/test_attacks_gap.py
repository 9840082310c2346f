"""Attacks on skillsGap's and providerGap's arguments: every bad horizon is one clear
userError (BAD_USER_INPUT) naming what is wrong, never a 500 and never rows; a
narrowing filter gives exactly the unfiltered rows it keeps."""

from __future__ import annotations

import pytest

from coalition.db.engine import SessionFactory
from coalition.demand.quarters import QuarterError, parse_quarter
from tests.supply.gap_support import (
    GAP,
    add_programs,
    fixture_demand,
    fixture_programs,
    gap_of,
    load_reference,
)
from tests.support.graphql import GraphQLClient
from tests.support.world import World

BAD_HORIZONS = [
    ("2027Q4", "2027Q1", "to must not be before from."),
    ("2027Q1", "2032Q1", "The horizon is at most 20 quarters."),
    ("2027Q1", "9999Q4", "The year must be between 2000 and 2100."),
    ("2027Q5", "2027Q4", "The quarter must be Q1, Q2, Q3 or Q4."),
    ("", "2027Q4", "A quarter is written like 2027Q1."),
    ("2027", "2027Q4", "A quarter is written like 2027Q1."),
    ("-2027Q1", "2027Q4", "A quarter is written like 2027Q1."),
    ("2027Q1" * 2000, "2027Q4", "A quarter is written like 2027Q1."),
    # Other scripts' digits are not a year.
    ("\uff12\uff10\uff12\uff17Q1", "2027Q4", "A quarter is written like 2027Q1."),
    ("\u0662\u0660\u0662\u0667Q1", "2027Q4", "A quarter is written like 2027Q1."),
]


@pytest.mark.parametrize(("start", "end", "message"), BAD_HORIZONS, ids=range(len(BAD_HORIZONS)))
async def test_a_bad_horizon_is_one_clear_error(
    gql: GraphQLClient, world: World, start: str, end: str, message: str
) -> None:
    for group_by in ("OCCUPATION", "SKILL"):
        body = await gql(
            GAP,
            {"from": start, "to": end, "groupBy": group_by, "filter": None},
            token=world.tokens["member"],
        )

        assert body["data"] is None
        [error] = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert error["message"].split("; ")[0] == message


def test_only_ascii_digits_make_a_year() -> None:
    assert parse_quarter(" 2027q2 ").isoformat() == "2027-04-01"
    with pytest.raises(QuarterError):
        parse_quarter("\uff12\uff10\uff12\uff17Q1")


async def test_a_skill_filter_keeps_exactly_the_unfiltered_rows_of_those_skills(
    gql: GraphQLClient, owner_sessions: SessionFactory, world: World
) -> None:
    await load_reference(owner_sessions)
    await add_programs(owner_sessions, world, fixture_programs())
    await fixture_demand(owner_sessions, world)
    token = world.tokens["member"]

    everything = await gap_of(gql, token, "SKILL")
    codes = sorted(row["code"] for row in everything["rows"])
    kept = codes[::2]
    narrowed = await gap_of(gql, token, "SKILL", gap_filter={"skillIds": kept})

    assert len(codes) >= 2
    assert narrowed["rows"] == [row for row in everything["rows"] if row["code"] in kept]
