"""demandTrend: one occupation's pooled openings per quarter of a release, under its rule.

The published openings are noised: ``Noise`` computes them from the partnership's secret."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from coalition.db.engine import SessionFactory
from coalition.demand.models import SharingLevel
from tests.demand.pooled import FEW, Noise, Signal, add_employers, add_signals, shown
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.world import World

TREND = """
query($code: String!, $quarters: Int, $from: String) {
  demandTrend(occupationCode: $code, quarters: $quarters, from: $from) {
    occupation { code title }
    release { id }
    points { key { quarter occupation { code } } openings employerCountBand suppressed }
    total { openings employerCountBand suppressed }
    rule { minEmployers pPercent }
  }
}"""
HIDDEN = (None, None, True)


async def trend(gql: GraphQLClient, token: str, **variables: Any) -> dict[str, Any]:
    body = await gql(TREND, {"code": "51-4041"} | variables, token=token)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["demandTrend"]
    return result


def points(result: dict[str, Any]) -> list[tuple[str, tuple[int | None, str | None, bool]]]:
    return [(point["key"]["quarter"], shown(point)) for point in result["points"]]


async def test_one_point_per_quarter_in_order_empty_quarters_read_as_suppressed(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    employers = await add_employers(owner_sessions, world, ["a", "b", "c", "d"])
    posted = await add_signals(
        owner_sessions,
        world,
        employers,
        [
            Signal("a", 4, quarter="2027Q2"),
            Signal("b", 5, quarter="2027Q2"),
            Signal("c", 6, quarter="2027Q2"),
            Signal("a", 7, quarter="2027Q4"),
            Signal("b", 8, quarter="2027Q4"),
            Signal("d", 9, quarter="2027Q4"),
            *(Signal(name, 50, quarter="2028Q2") for name in ("a", "b", "c")),  # out of range
            Signal("d", 70, quarter="2027Q3", sharing=SharingLevel.PRIVATE),
        ],
    )

    noise = await Noise.of(owner_sessions, world)

    result = await trend(gql, world.tokens["analyst"], quarters=4, **{"from": "2027Q1"})

    def of(*quarters: str) -> int:
        return noise.openings(posted, lambda p: p.signal.quarter in quarters)

    assert result["occupation"] == {"code": "51-4041", "title": "Machinists"}
    assert points(result) == [
        ("2027Q1", HIDDEN),
        ("2027Q2", (of("2027Q2"), FEW, False)),
        ("2027Q3", HIDDEN),
        ("2027Q4", (of("2027Q4"), FEW, False)),
    ]
    assert [point["key"]["occupation"] for point in result["points"]] == [None] * 4
    assert shown(result["total"]) == (of("2027Q2", "2027Q4"), FEW, False)
    assert result["rule"] == {"minEmployers": 3, "pPercent": 10}


async def test_a_lone_employer_quarter_hides_a_second_one(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    employers = await add_employers(owner_sessions, world, ["a", "b", "c", "d", "x"])
    posted = await add_signals(
        owner_sessions,
        world,
        employers,
        [
            *(Signal(name, 10, quarter="2027Q1") for name in ("a", "b", "c")),
            *(Signal(name, 6, quarter="2027Q2") for name in ("b", "c", "d")),
            *(Signal(name, 20, quarter="2027Q3") for name in ("a", "c", "d")),
            Signal("x", 40, quarter="2027Q4"),
        ],
    )

    noise = await Noise.of(owner_sessions, world)

    result = await trend(gql, world.tokens["member"], quarters=4, **{"from": "2027Q1"})

    def of(*quarters: str) -> int:
        return noise.openings(posted, lambda p: p.signal.quarter in quarters)

    # 2027Q4 (one employer) is hidden; so is the smallest shown quarter, 2027Q2 (18): the
    # two together (58: b, c, d and x) pass the rule.
    assert points(result) == [
        ("2027Q1", (of("2027Q1"), FEW, False)),
        ("2027Q2", HIDDEN),
        ("2027Q3", (of("2027Q3"), FEW, False)),
        ("2027Q4", HIDDEN),
    ]
    assert shown(result["total"]) == (noise.openings(posted), "FROM_5_TO_9", False)


async def test_it_starts_at_the_current_quarter_by_default(
    gql: GraphQLClient, world: World
) -> None:
    today = datetime.now(ZoneInfo("America/Chicago")).date()

    result = await trend(gql, world.tokens["admin"])

    quarter = f"{today.year}Q{(today.month - 1) // 3 + 1}"
    assert result["release"] is None
    assert len(result["points"]) == 8
    assert result["points"][0]["key"]["quarter"] == quarter
    assert shown(result["total"]) == HIDDEN


async def test_bad_arguments_are_refused(gql: GraphQLClient, world: World) -> None:
    cases: list[dict[str, Any]] = [
        {"quarters": 0},
        {"quarters": 21},
        {"code": "99-9999"},
        {"from": "2027Q5"},
        {"code": "not a code"},
    ]

    bodies = [
        await gql(TREND, {"code": "51-4041"} | case, token=world.tokens["admin"]) for case in cases
    ]

    assert [body["data"] for body in bodies] == [None] * len(cases)
    assert [error_codes(body) for body in bodies] == [["BAD_USER_INPUT"]] * len(cases)


async def test_who_may_read_the_trend(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory, demand_reader: str
) -> None:
    employers = await add_employers(owner_sessions, world, ["a", "b", "c"])
    posted = await add_signals(
        owner_sessions,
        world,
        employers,
        [Signal(name, 5 + i, quarter="2027Q1") for i, name in enumerate(employers)],
    )
    noise = await Noise.of(owner_sessions, world)

    by_client = await trend(gql, demand_reader, quarters=1, **{"from": "2027Q1"})
    refused = await gql(TREND, {"code": "51-4041"}, token=world.tokens["reader"])

    assert points(by_client) == [("2027Q1", (noise.openings(posted), FEW, False))]
    assert refused["data"] is None
    assert error_codes(refused) == ["FORBIDDEN"]
