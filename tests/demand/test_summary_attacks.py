"""Attacks on one release of pooled demand: no response, nor any combination of them,
gives away a hidden employer's (noised) openings.

Each test posts a small market and publishes a release, then asks everything an
analyst of the partnership could ask (every breakdown, filters aimed at the victim
and at the cells hiding it, trends) and feeds every number shown to an
``Attacker``. A number shown is a sum of noised openings over a set of signals the
attacker can describe (the cell's key and the filter), so the attacker learns
linear equations; a quantity is recoverable exactly when its set is a combination
of the sets learned (rank test over fractions). Even a recovered quantity is
noised (test_release_*.py bound what that gives away); these tests hold the
suppression pattern to its promise. The attacker first checks each equation
against the noise oracle, so the model is honest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from functools import partial
from typing import Any

from coalition.db.engine import SessionFactory
from tests.demand.pooled import (
    SUMMARY,
    Noise,
    Signal,
    add_employers,
    add_signals,
    by_occupation,
    shown,
    summary,
)
from tests.support.graphql import GraphQLClient
from tests.support.world import World

TREND = """
query($code: String!, $from: String, $quarters: Int) {
  demandTrend(occupationCode: $code, from: $from, quarters: $quarters) {
    points { key { quarter } openings employerCountBand suppressed }
    total { openings employerCountBand suppressed }
  }
}"""

MAJOR = {
    "51-4041": "51-0000",
    "51-4121": "51-0000",
    "51-2092": "51-0000",
    "47-2111": "47-0000",
    "29-1141": "29-0000",
}
HIDDEN = (None, None, True)


@dataclass(frozen=True)
class Posted:
    employer: str
    openings: int
    occupation: str
    quarter: str
    degree: bool


def _rank(rows: list[list[Fraction]]) -> int:
    matrix = [row[:] for row in rows]
    rank = 0
    width = len(matrix[0]) if matrix else 0
    for column in range(width):
        pivot = next((r for r in range(rank, len(matrix)) if matrix[r][column] != 0), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        for r in range(len(matrix)):
            if r != rank and matrix[r][column] != 0:
                factor = matrix[r][column] / matrix[rank][column]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[rank], strict=True)]
        rank += 1
    return rank


def _in_filter(signal: Posted, demand_filter: dict[str, Any] | None) -> bool:
    chosen = demand_filter or {}
    return (
        (not chosen.get("occupationCodes") or signal.occupation in chosen["occupationCodes"])
        and (
            not chosen.get("majorGroupCodes")
            or MAJOR[signal.occupation] in chosen["majorGroupCodes"]
        )
        and (chosen.get("quarterFrom") is None or signal.quarter >= chosen["quarterFrom"])
        and (chosen.get("quarterTo") is None or signal.quarter <= chosen["quarterTo"])
        and (chosen.get("isDegreeRequired") is None or signal.degree is chosen["isDegreeRequired"])
    )


def _in_key(signal: Posted, key: dict[str, Any]) -> bool:
    return (
        (key.get("occupation") is None or key["occupation"]["code"] == signal.occupation)
        and (key.get("majorGroup") is None or key["majorGroup"]["code"] == MAJOR[signal.occupation])
        and (key.get("quarter") is None or key["quarter"] == signal.quarter)
        and (key.get("isDegreeRequired") is None or key["isDegreeRequired"] is signal.degree)
    )


def _in_cell(signal: Posted, *, demand_filter: dict[str, Any] | None, key: dict[str, Any]) -> bool:
    return _in_filter(signal, demand_filter) and _in_key(signal, key)


def _in_quarter(signal: Posted, *, occupation: str, quarter: str) -> bool:
    return signal.occupation == occupation and signal.quarter == quarter


class Attacker:
    """Everything shown, as equations over the signals' openings."""

    def __init__(self, signals: list[Posted], noised: list[float]) -> None:
        self.signals = signals
        self.noised = noised
        self.rows: list[list[Fraction]] = []
        self.shown = 0

    def learn(self, member: Callable[[Posted], bool], cell: dict[str, Any]) -> None:
        if cell["suppressed"]:
            assert (cell["openings"], cell["employerCountBand"]) == (None, None)
            return
        vector = [Fraction(int(member(signal))) for signal in self.signals]
        published = sum(y for s, y in zip(self.signals, self.noised, strict=True) if member(s))
        assert abs(cell["openings"] - published) <= 0.5, cell
        self.rows.append(vector)
        self.shown += 1

    def learn_summary(self, result: dict[str, Any], demand_filter: dict[str, Any] | None) -> None:
        for cell in result["cells"]:
            self.learn(partial(_in_cell, demand_filter=demand_filter, key=cell["key"]), cell)
        self.learn(lambda s: _in_filter(s, demand_filter), result["total"])

    def learn_trend(self, result: dict[str, Any], occupation: str, quarters: list[str]) -> None:
        for point in result["points"]:
            self.learn(
                partial(_in_quarter, occupation=occupation, quarter=point["key"]["quarter"]), point
            )
        self.learn(lambda s: s.occupation == occupation and s.quarter in quarters, result["total"])

    def recovers(self, target: Callable[[Posted], bool]) -> bool:
        vector = [Fraction(int(target(signal))) for signal in self.signals]
        return _rank([*self.rows, vector]) == _rank(self.rows)


QUARTERS = ["2027Q1", "2027Q2", "2027Q3", "2027Q4"]
GROUPINGS = [
    ["OCCUPATION"],
    ["MAJOR_GROUP"],
    ["QUARTER"],
    ["DEGREE_REQUIRED"],
    ["OCCUPATION", "QUARTER"],
    ["MAJOR_GROUP", "QUARTER"],
    ["OCCUPATION", "DEGREE_REQUIRED"],
    ["QUARTER", "DEGREE_REQUIRED"],
]


async def post(owner_sessions: SessionFactory, world: World, market: list[Posted]) -> list[float]:
    """Post the market and publish a release; each signal's published (noised) openings."""
    employers = await add_employers(owner_sessions, world, sorted({s.employer for s in market}))
    posted = await add_signals(
        owner_sessions,
        world,
        employers,
        [
            Signal(
                s.employer, s.openings, occupation=s.occupation, quarter=s.quarter, degree=s.degree
            )
            for s in market
        ],
    )
    noise = await Noise.of(owner_sessions, world)
    return [noise.noised(p) for p in posted]


async def attack(
    gql: GraphQLClient, token: str, market: list[Posted], noised: list[float]
) -> Attacker:
    """Ask everything: each breakdown unfiltered and filtered on each occupation, major
    group, quarter and degree value, then every occupation's trend."""
    attacker = Attacker(market, noised)
    occupations = sorted({s.occupation for s in market})
    filters: list[dict[str, Any] | None] = [None]
    filters += [{"occupationCodes": [code]} for code in occupations]
    filters += [{"occupationCodes": [a, b]} for a in occupations for b in occupations if a < b]
    filters += [{"majorGroupCodes": [major]} for major in sorted({MAJOR[c] for c in occupations})]
    filters += [{"quarterFrom": q, "quarterTo": q} for q in QUARTERS[:2]]
    filters += [{"isDegreeRequired": value} for value in (False, True)]
    for group_by in GROUPINGS:
        for demand_filter in filters:
            body = await gql(SUMMARY, {"groupBy": group_by, "filter": demand_filter}, token=token)
            attacker.learn_summary(body["data"]["demandSummary"], demand_filter)
    for code in occupations:
        for first, count in (("2027Q1", 4), ("2027Q1", 1), ("2027Q2", 1)):
            body = await gql(TREND, {"code": code, "from": first, "quarters": count}, token=token)
            span = QUARTERS[QUARTERS.index(first) : QUARTERS.index(first) + count]
            attacker.learn_trend(body["data"]["demandTrend"], code, span)
    return attacker


def market(*extra: Posted) -> list[Posted]:
    """Machinists (3 employers) and welders (4), in 2027Q1; electricians (3) in 2027Q2."""
    return [
        Posted("a", 10, "51-4041", "2027Q1", False),
        Posted("b", 12, "51-4041", "2027Q1", False),
        Posted("c", 9, "51-4041", "2027Q1", False),
        Posted("a", 5, "51-4121", "2027Q1", False),
        Posted("b", 6, "51-4121", "2027Q1", False),
        Posted("c", 7, "51-4121", "2027Q1", False),
        Posted("d", 8, "51-4121", "2027Q1", False),
        Posted("b", 4, "47-2111", "2027Q2", False),
        Posted("c", 5, "47-2111", "2027Q2", False),
        Posted("d", 6, "47-2111", "2027Q2", False),
        *extra,
    ]


async def test_one_employer_alone_in_an_occupation(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    signals = market(Posted("x", 25, "51-2092", "2027Q1", False))
    noised = await post(owner_sessions, world, signals)

    first = await summary(gql, world.tokens["analyst"], ["OCCUPATION"])
    attacker = await attack(gql, world.tokens["analyst"], signals, noised)

    # A lone employer's cell is not even listed.
    assert "51-2092" not in by_occupation(first)
    assert shown(first["total"]) == (round(sum(noised)), "FROM_5_TO_9", False)
    assert not attacker.recovers(lambda s: s.employer == "x")


async def test_two_employers_alone_in_an_occupation(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    signals = market(
        Posted("y", 30, "29-1141", "2027Q1", False), Posted("z", 20, "29-1141", "2027Q1", False)
    )
    noised = await post(owner_sessions, world, signals)

    first = await summary(gql, world.tokens["analyst"], ["OCCUPATION"])
    attacker = await attack(gql, world.tokens["analyst"], signals, noised)

    assert "29-1141" not in by_occupation(first)
    # Either employer knows its own openings: the pair's sum would give the other's.
    assert not attacker.recovers(lambda s: s.occupation == "29-1141")
    assert not attacker.recovers(lambda s: s.employer == "y")


async def test_one_employer_the_runner_up_could_estimate_within_p_percent(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    # 95 + 3 + 2 + 2: the runner-up (3) knows the rest is 4 at most beside the leader's 95
    # (4 < 10% of 95), so it could estimate the leader within 5%.
    signals = [s for s in market() if s.occupation != "51-4041"] + [
        Posted("a", 95, "51-4041", "2027Q1", False),
        Posted("b", 3, "51-4041", "2027Q1", False),
        Posted("c", 2, "51-4041", "2027Q1", False),
        Posted("d", 2, "51-4041", "2027Q1", False),
    ]
    noised = await post(owner_sessions, world, signals)

    first = await summary(gql, world.tokens["analyst"], ["OCCUPATION"])
    attacker = await attack(gql, world.tokens["analyst"], signals, noised)

    assert "51-4041" not in by_occupation(first)
    assert not attacker.recovers(lambda s: s.occupation == "51-4041")
    assert not attacker.recovers(lambda s: s.occupation == "51-4041" and s.employer == "a")


async def test_a_filter_that_drops_one_employer_does_not_isolate_it(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    # Machinists: four employers; only d's signal requires a degree.
    signals = market(Posted("d", 11, "51-4041", "2027Q1", True))
    noised = await post(owner_sessions, world, signals)

    unfiltered = await summary(gql, world.tokens["analyst"], ["OCCUPATION"])
    filtered = await summary(
        gql, world.tokens["analyst"], ["OCCUPATION"], {"isDegreeRequired": False}
    )
    attacker = await attack(gql, world.tokens["analyst"], signals, noised)

    machinists = round(
        sum(y for s, y in zip(signals, noised, strict=True) if s.occupation == "51-4041")
    )
    assert by_occupation(unfiltered)["51-4041"] == (machinists, "FEWER_THAN_5", False)
    assert "51-4041" not in by_occupation(filtered)
    assert shown(filtered["total"]) == HIDDEN
    assert not attacker.recovers(lambda s: s.degree)


async def test_one_small_cell_and_a_shown_total_hide_a_second_cell(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    signals = market(Posted("x", 25, "51-2092", "2027Q1", False))
    noised = await post(owner_sessions, world, signals)

    result = await summary(gql, world.tokens["analyst"], ["OCCUPATION"])
    attacker = await attack(gql, world.tokens["analyst"], signals, noised)

    def of(code: str) -> int:
        return round(sum(y for s, y in zip(signals, noised, strict=True) if s.occupation == code))

    # Electricians (15, the smallest shown cell) are hidden with the lone employer, so the
    # total minus the shown cells is their sum, which passes the rule. Neither is listed.
    assert by_occupation(result) == {
        "51-4041": (of("51-4041"), "FEWER_THAN_5", False),
        "51-4121": (of("51-4121"), "FEWER_THAN_5", False),
    }
    assert shown(result["total"]) == (round(sum(noised)), "FROM_5_TO_9", False)
    assert attacker.recovers(lambda s: s.occupation in ("47-2111", "51-2092"))
    assert not attacker.recovers(lambda s: s.occupation == "51-2092")
    assert not attacker.recovers(lambda s: s.occupation == "47-2111")
