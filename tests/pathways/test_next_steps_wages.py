"""Next steps with the partnership's pooled wages: a step's wage gain comes from the
released, disclosure-checked pooled demand (here NAMED signals, public as they are),
and moves the step up the ranking."""

from __future__ import annotations

from coalition.db.engine import SessionFactory
from coalition.demand.models import SharingLevel, WageUnit
from tests.demand.pooled import Signal, add_employers, add_signals
from tests.support.graphql import GraphQLClient
from tests.support.world import World

NEXT_STEPS = """
query {
  occupation(code: "31-9092") {
    nextSteps(first: 5) {
      occupation { code } similarity score
      medianHourlyWage { amountMinor currency } hourlyWageGain { amountMinor currency }
    }
  }
}"""


async def test_a_shown_wage_gain_raises_a_step(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    employers = await add_employers(owner_sessions, world, ["Clinic", "Hospital"])
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
            Signal(
                "Hospital",
                2,
                occupation="29-2061",
                sharing=SharingLevel.NAMED,
                wage=(2800, 3000, WageUnit.HOUR),
            ),
        ],
    )

    body = await gql(NEXT_STEPS, token=world.tokens["member"])

    steps = body["data"]["occupation"]["nextSteps"]
    # 0.9458 + 0.05 x (2900 - 1900) / 1900 = 0.9458 + 0.0263 = 0.9721: first.
    assert steps[0] == {
        "occupation": {"code": "29-2061"},
        "similarity": 0.9458,
        "score": 0.9721,
        "medianHourlyWage": {"amountMinor": "2900", "currency": "USD"},
        "hourlyWageGain": {"amountMinor": "1000", "currency": "USD"},
    }
    assert [s["occupation"]["code"] for s in steps[1:]] == [
        "31-2021",
        "29-9091",
        "21-1094",
        "29-1128",
    ]
    assert all(s["score"] == s["similarity"] for s in steps[1:])


async def test_a_lower_wage_is_no_step_up(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    employers = await add_employers(owner_sessions, world, ["Clinic", "Gym"])
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
                wage=(2000, 2000, WageUnit.HOUR),
            ),
            Signal(
                "Gym",
                1,
                occupation="31-2021",
                sharing=SharingLevel.NAMED,
                wage=(1500, 1700, WageUnit.HOUR),
            ),
        ],
    )

    body = await gql(NEXT_STEPS, token=world.tokens["member"])

    codes = [s["occupation"]["code"] for s in body["data"]["occupation"]["nextSteps"]]
    # 31-2021 pays less: it drops out; the sixth (21-1091, Health Education Specialists) comes in.
    assert codes == ["29-9091", "21-1094", "29-2061", "29-1128", "21-1091"]
