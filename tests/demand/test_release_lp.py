"""The LP attacker (tests/demand/lp_attacker.py) against pooled demand: every number a
member can read over a sequence of releases and queries, its own data, NAMED signals
and non-negativity, solved together; no other employer's openings in any fine cell are
bounded more narrowly than ±10% of the truth.

Two versions: through the API against the database (a small market, three releases
with the attacker's edits between), and a fast one driving ``figures.published`` with
rows from the release builder's Python twin, under Hypothesis over random partnerships
of 3 to 30 employers.
"""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from coalition.db.engine import SessionFactory
from coalition.demand.models import DemandStatus, SharingLevel
from coalition.disclosure.rule import DisclosureRule
from tests.demand.attack_support import as_posting, edit, read_everything, set_openings
from tests.demand.lp_attacker import (
    SLACK,
    Attacker,
    Posting,
    Query,
    Twin,
    every_query,
    read_release,
)
from tests.demand.pooled import Noise, Posted, Signal, add_employers, add_signals, publish
from tests.support.graphql import GraphQLClient
from tests.support.world import World

ME = "me"
OCCUPATIONS = ("51-4041", "51-4121", "29-1141")
QUARTERS = ("2027Q1", "2027Q2", "2027Q3", "2027Q4")
SKILLS = ("2.A.1.e", "2.B.3.h", "ES.teamwork")
KINDS = ("INTERNSHIP", "APPRENTICESHIP")


def posting(draw: st.DrawFn, employer: str, key: str) -> Posting:
    first = draw(st.integers(0, 3))
    last = draw(st.integers(first, min(first + 1, 3)))
    return Posting(
        employer=employer,
        key=key,
        openings=draw(st.integers(1, 60)),
        occupation=draw(st.sampled_from(OCCUPATIONS)),
        first=QUARTERS[first],
        last=QUARTERS[last],
        degree=draw(st.booleans()),
        work_based_learning=frozenset(draw(st.sets(st.sampled_from(KINDS), max_size=1))),
        skills=tuple(sorted(draw(st.sets(st.sampled_from(SKILLS), max_size=2)))),
        named=draw(st.integers(0, 9)) == 9,
    )


@st.composite
def partnerships(draw: st.DrawFn) -> tuple[bytes, list[list[Posting]]]:
    """A secret and three releases: the market, then the reader's edits (raise,
    withdraw, re-post) and one other employer's edit and one joining."""
    count = draw(st.integers(3, 30))
    first: list[Posting] = []
    for number in range(count):
        for index in range(draw(st.integers(1, 2))):
            first.append(posting(draw, f"e{number}", f"e{number}-{index}"))
    mine = [posting(draw, ME, f"me-{index}") for index in range(2)]
    first += [dataclasses.replace(p, named=False) for p in mine]
    raised = [
        dataclasses.replace(p, openings=p.openings * 5) if p.employer == ME else p for p in first
    ]
    edited = draw(st.integers(0, len(first) - 3))
    if first[edited].employer != ME:
        raised[edited] = dataclasses.replace(first[edited], openings=first[edited].openings + 6)
    third = [p for p in raised if p.key != "me-0"]
    third.append(dataclasses.replace(first[-2], key="me-again", openings=1))
    third.append(posting(draw, f"e{count}", "joiner"))
    secret = draw(st.binary(min_size=32, max_size=32))
    return secret, [first, raised, third]


def attack(secret: bytes, releases: list[list[Posting]]) -> tuple[Attacker, list[Any]]:
    rule = DisclosureRule()
    twin = Twin(secret)
    attacker = Attacker(ME, rule.noise_max_percent, twin.factor)
    for number, postings in enumerate(releases):
        for query, figures in read_release(twin, postings, every_query(postings), ME, rule):
            attacker.learn(postings, query, [(key, f.openings) for key, f in figures])
        attacker.remember(f"r{number}", postings)
    return attacker, attacker.bounds()


@settings(max_examples=30, deadline=None, derandomize=True)
@given(partnerships())
def test_no_sequence_of_releases_bounds_another_employer_within_ten_percent(
    market: tuple[bytes, list[list[Posting]]],
) -> None:
    attacker, bounds = attack(*market)

    assert bounds, "every partnership has other employers' POOLED signals"
    assert attacker.shown > 0
    assert all(b.low - 1e-6 <= b.truth <= b.high + 1e-6 for b in bounds)
    assert [b for b in bounds if b.narrower_than_ten_percent] == []


def true(market: list[Posting], query: Query, key: dict[str, Any]) -> int:
    wanted = tuple(key[name] for name in query.group_by if key)
    return sum(
        p.openings for p in market if not wanted or wanted in set(query.keys(p, p.quarters[0]))
    )


def test_the_lp_attacker_pins_a_joiner_without_noise_and_not_with_it() -> None:
    """The attacker is not toothless: were the numbers published without noise (a model
    the engine refuses), two releases around employer e joining a shown cell with 40
    openings would pin them to 40 ± 1; with the release's noise they are not pinned."""
    before = [
        Posting("a", "a", 10),
        Posting("b", "b", 12),
        Posting("c", "c", 9),
        Posting("d", "d", 11),
        Posting(ME, "m", 4),
    ]
    after = [*before, Posting("e", "e", 40)]
    twin = Twin(hashlib.sha256(b"fixed").digest())
    rule = DisclosureRule()
    queries = [Query(("OCCUPATION",)), Query(("QUARTER",))]
    exact = Attacker(ME, 0, lambda p: 1.0)
    noised = Attacker(ME, rule.noise_max_percent, twin.factor)
    for number, market in enumerate((before, after)):
        for query, figures in read_release(twin, market, queries, ME, rule):
            # Without noise the release would publish the true sums.
            exact.learn(
                market, query, [(k, f.openings and true(market, query, k)) for k, f in figures]
            )
            noised.learn(market, query, [(k, f.openings) for k, f in figures])
        exact.remember(f"r{number}", market)
        noised.remember(f"r{number}", market)

    pinned = {
        b.employer: (round(b.low, 3), round(b.high, 3)) for b in exact.bounds() if b.release == "r1"
    }
    joiner = [b for b in noised.bounds() if b.employer == "e"]

    assert pinned["e"] == (40 - 2 * SLACK, 40 + 2 * SLACK)
    assert [b.narrower_than_ten_percent for b in exact.bounds() if b.employer == "e"] == [True]
    assert [(b.narrower_than_ten_percent, b.low <= 40 <= b.high) for b in joiner] == [(False, True)]


async def test_an_lp_over_three_releases_through_the_api(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    """The member's organization posts, raises, withdraws and re-posts; a competitor edits
    and another joins; the member reads every breakdown after each release."""
    names = ["a", "b", "c", "d", "e"]
    employers = await add_employers(owner_sessions, world, names)
    employers[ME] = world.organizations["employer"]
    market = [
        Signal("a", 40, quarter="2027Q1", until="2027Q2", skills=["2.B.3.h"]),
        Signal("b", 12, degree=True, work_based_learning=["INTERNSHIP"]),
        Signal("c", 9, quarter="2027Q2", skills=["2.B.3.h", "2.A.1.e"]),
        Signal("d", 25, occupation="51-4121", quarter="2027Q1", until="2027Q2"),
        Signal("a", 7, occupation="51-4121"),
        Signal("b", 5, occupation="51-4121", quarter="2027Q2"),
        Signal("c", 14, occupation="51-4121", sharing=SharingLevel.NAMED),
        Signal(ME, 6, skills=["2.B.3.h"]),
        Signal(ME, 3, occupation="51-4121", quarter="2027Q2"),
    ]
    posted = await add_signals(owner_sessions, world, employers, market)
    noise = await Noise.of(owner_sessions, world)
    releases: list[list[Posted]] = [list(posted)]
    results = [await read_everything(gql, world, [as_posting(p) for p in releases[-1]])]

    # The member raises its machinists eightfold; a competitor adds 6 openings.
    raised = await edit(gql, world, posted[7], openings=48)
    grown = await set_openings(owner_sessions, world, posted[1], openings=18)
    await publish(owner_sessions, world)
    releases.append(
        [raised if p is posted[7] else grown if p is posted[1] else p for p in releases[-1]]
    )
    results.append(await read_everything(gql, world, [as_posting(p) for p in releases[-1]]))

    # It withdraws and re-posts; employer e joins.
    await edit(gql, world, posted[8], status=DemandStatus.WITHDRAWN)
    joined = await add_signals(
        owner_sessions,
        world,
        employers,
        [Signal(ME, 30, occupation="51-4121", quarter="2027Q2"), Signal("e", 8)],
    )
    releases.append([p for p in releases[-1] if p.id != posted[8].id] + joined)
    results.append(await read_everything(gql, world, [as_posting(p) for p in releases[-1]]))

    # Versions of one signal share its factor (the oracle keys it by the signal).
    factors = {as_posting(p): noise.factor(p) for release in releases for p in release}
    attacker = Attacker(ME, 25, lambda p: factors[p])
    for number, (release, result) in enumerate(zip(releases, results, strict=True)):
        postings = [as_posting(p) for p in release if p.counted]
        for query, figures in result:
            attacker.learn(postings, query, figures)
        attacker.remember(f"r{number}", postings)
    bounds = attacker.bounds()

    assert attacker.shown >= 100
    assert all(b.low - 1e-6 <= b.truth <= b.high + 1e-6 for b in bounds)
    assert [b for b in bounds if b.narrower_than_ten_percent] == []
