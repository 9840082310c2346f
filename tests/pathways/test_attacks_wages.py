"""Attacks on nextSteps' pooled wages: a competitor's wage that pooled demand hides
must not show through medianHourlyWage, hourlyWageGain, the score or the ranking,
however the hidden wage or the reader's own signals change between releases."""

from __future__ import annotations

from typing import Any

from coalition.db.engine import SessionFactory
from coalition.demand.models import SharingLevel, WageUnit
from tests.demand.pooled import Signal, add_employers, add_signals
from tests.support.graphql import GraphQLClient
from tests.support.world import World

NEXT_STEPS = """
query {
  occupation(code: "31-9092") {
    nextSteps(first: 8) {
      occupation { code } similarity score
      medianHourlyWage { amountMinor currency } hourlyWageGain { amountMinor currency }
    }
  }
}"""


async def _steps(gql: GraphQLClient, token: str) -> list[dict[str, Any]]:
    body = await gql(NEXT_STEPS, token=token)
    assert "errors" not in body, body
    steps: list[dict[str, Any]] = body["data"]["occupation"]["nextSteps"]
    return steps


async def test_a_hidden_competitor_wage_moves_nothing(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    employers = await add_employers(owner_sessions, world, ["Clinic", "Hospital"])
    employers["me"] = world.organizations["employer"]
    token = world.tokens["member"]
    # The current occupation's wage is public (NAMED); the lone hospital's LPN wage is
    # POOLED, so pooled demand hides its cell.
    await add_signals(
        owner_sessions,
        world,
        employers,
        [
            Signal(
                "Clinic",
                3,
                occupation="31-9092",
                sharing=SharingLevel.NAMED,
                wage=(1800, 2000, WageUnit.HOUR),
            ),
            Signal("Hospital", 2, occupation="29-2061", wage=(2800, 3000, WageUnit.HOUR)),
        ],
    )
    before = await _steps(gql, token)
    lpn = next(s for s in before if s["occupation"]["code"] == "29-2061")
    assert lpn == {
        "occupation": {"code": "29-2061"},
        "similarity": 0.9458,
        "score": 0.9458,
        "medianHourlyWage": None,
        "hourlyWageGain": None,
    }

    # The hidden wage doubles, drops below the current one, and the reader posts its
    # own LPN wages at both extremes: each a new release; the answer does not move.
    for signals in (
        [Signal("Hospital", 2, occupation="29-2061", wage=(6000, 6000, WageUnit.HOUR))],
        [Signal("Hospital", 2, occupation="29-2061", wage=(900, 900, WageUnit.HOUR))],
        [Signal("me", 1, occupation="29-2061", wage=(100, 100, WageUnit.HOUR))],
        [Signal("me", 40, occupation="29-2061", wage=(99000, 99000, WageUnit.HOUR))],
    ):
        await add_signals(owner_sessions, world, employers, signals)
        assert await _steps(gql, token) == before
