"""Attacks on pooled demand releases, one per mechanism of issue 10, written as the
attacker would run them: the member of an employer (world.tokens["member"], posting
for world.organizations["employer"]) edits, withdraws and re-posts its own signals,
a release is published between its steps, and it reads through the API.

Each attack isolates what it can (a difference, a subtraction, a median) and checks
the number against the noise oracle; what it can prove of the truth from a noised
value y isolated to ± slack is [(y-slack)/(1+max), (y+slack)/(1-max)], never inside
±10% of the truth. The LP attacker (tests/demand/lp_attacker.py) then solves every
number read together. The noise secret is fixed, so the numbers are the same each run.
"""

from __future__ import annotations

import itertools
from typing import Any

from coalition.db.engine import SessionFactory
from coalition.demand.models import DemandStatus, SharingLevel, WageUnit
from tests.demand.attack_support import (
    ME,
    Readings,
    as_posting,
    edit,
    fixed_market,
    posting_ids,
    provable,
    read,
    read_everything,
    set_openings,
    within_ten_percent,
)
from tests.demand.lp_attacker import Attacker, Query
from tests.demand.pooled import (
    FEW,
    Noise,
    Posted,
    Signal,
    add_employers,
    add_signals,
    publish,
    summary,
)
from tests.demand.support import CREATE, UPDATE, full_input
from tests.support.graphql import GraphQLClient
from tests.support.world import World, global_id

BREAKDOWNS = [["OCCUPATION"], ["QUARTER"], ["OCCUPATION", "QUARTER"], ["SKILL"]]


async def market(
    owner_sessions: SessionFactory, world: World, names: list[str], signals: list[Signal]
) -> tuple[dict[str, Any], list[Posted], Noise]:
    employers: dict[str, Any] = dict(await fixed_market(owner_sessions, world, names))
    employers[ME] = world.organizations["employer"]
    posted = await add_signals(owner_sessions, world, employers, posting_ids(signals))
    return employers, posted, await Noise.of(owner_sessions, world)


def solve(releases: list[tuple[list[Posted], Readings]], noise: Noise) -> list[Any]:
    """The LP attacker over every release read; each bound checked to hold the truth."""
    factors = {as_posting(p): noise.factor(p) for postings, _ in releases for p in postings}
    attacker = Attacker(ME, 25, lambda posting: factors[posting])
    for number, (postings, readings) in enumerate(releases):
        counted = [as_posting(p) for p in postings if p.counted]
        for query, figures in readings:
            attacker.learn(counted, query, figures)
        attacker.remember(f"r{number}", counted)
    bounds = attacker.bounds()
    assert bounds and all(b.low - 1e-6 <= b.truth <= b.high + 1e-6 for b in bounds)
    return bounds


QUERIES = [
    Query(("OCCUPATION",)),
    Query(("QUARTER",)),
    Query(("OCCUPATION", "QUARTER")),
    Query(("SKILL",)),
    Query(("WORK_BASED_LEARNING",)),
    Query(("DEGREE_REQUIRED",)),
]


async def observe(gql: GraphQLClient, world: World, queries: list[Query] = QUERIES) -> Readings:
    """What the member reads now."""
    return [(query, await read(gql, world.tokens["member"], query)) for query in queries]


def shown_keys(readings: Readings) -> list[list[Any]]:
    """Which keys each query shows (the total's is {})."""
    return [[key for key, openings in figures if openings is not None] for _, figures in readings]


def cell(readings: Readings, group_by: tuple[str, ...], **key: Any) -> int | None:
    for query, figures in readings:
        if query.group_by == group_by and not query.filter:
            for found, openings in figures:
                if found == key:
                    return openings
    raise AssertionError(f"{group_by} {key} not listed")


def listed(readings: Readings, group_by: tuple[str, ...]) -> list[dict[str, Any]]:
    return [
        key
        for query, figures in readings
        if query.group_by == group_by and not query.filter
        for key, _ in figures
        if key
    ]


async def test_1_threshold_probing_with_own_edits_withdrawals_and_reposts(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    # Machinists: v 40, b 6, c 5 (shown: three others, 5 >= 10% of 40). Welders: v 20
    # and b 3 (two others: hidden), with the smaller nurses (v, b, c) as partner. The
    # attacker posts 1 opening in machinists and welders.
    employers, posted, noise = await market(
        owner_sessions,
        world,
        ["v", "b", "c"],
        [
            Signal("v", 40),
            Signal("b", 6),
            Signal("c", 5),
            Signal("v", 20, occupation="51-4121"),
            Signal("b", 3, occupation="51-4121"),
            Signal("v", 10, occupation="29-1141"),
            Signal("b", 9, occupation="29-1141"),
            Signal("c", 8, occupation="29-1141"),
            Signal(ME, 1),
            Signal(ME, 1, occupation="51-4121"),
        ],
    )
    others, mine = posted[:8], posted[8:]
    releases = [(list(posted), await observe(gql, world))]
    for openings in ((30, 60), (2, 1), (400, 900)):
        mine = [await edit(gql, world, p, openings=n) for p, n in zip(mine, openings, strict=True)]
        await publish(owner_sessions, world)
        releases.append((others + mine, await observe(gql, world)))
    for p in mine:
        await edit(gql, world, p, status=DemandStatus.WITHDRAWN)
    reposted = await add_signals(
        owner_sessions,
        world,
        employers,
        [Signal(ME, 7), Signal(ME, 250, occupation="51-4121")],
    )
    releases.append((others + reposted, await observe(gql, world)))

    # What is shown never moves with the attacker's numbers, withdrawals or re-posts.
    patterns = [shown_keys(readings) for _, readings in releases]
    assert patterns == [patterns[0]] * 5
    assert patterns[0][0] == [{"OCCUPATION": "51-4041"}, {}]
    # The machinists less its own noised openings: the others' noised sum (one number,
    # the same every release); v is not isolated, and no bound is within ±10%.
    truth = sum(noise.noised(p) for p in others[:3])
    for postings, readings in releases:
        machinists = cell(readings, ("OCCUPATION",), OCCUPATION="51-4041")
        assert machinists == noise.openings(postings, lambda p: p.signal.occupation == "51-4041")
        own = sum(
            noise.noised(p)
            for p in postings
            if p.signal.employer == ME and p.signal.occupation == "51-4041"
        )
        assert abs(machinists - own - truth) <= 0.5 + 1e-3
    assert [b for b in solve(releases, noise) if b.narrower_than_ten_percent] == []


async def test_2_growing_own_cell_does_not_move_the_secondary_partner(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    # Nurses: v alone (hidden). Machinists (a, b, c, d) and welders (a, b, c) shown; the
    # smaller, welders, is hidden as partner. The attacker grows its own welders cell.
    _, posted, noise = await market(
        owner_sessions,
        world,
        ["v", "a", "b", "c", "d"],
        [
            Signal("v", 30, occupation="29-1141"),
            *(Signal(name, 10 + i) for i, name in enumerate("abcd")),
            *(Signal(name, 5 + i, occupation="51-4121") for i, name in enumerate("abc")),
            Signal(ME, 1, occupation="51-4121"),
        ],
    )
    others, mine = posted[:-1], posted[-1]
    releases = [(list(posted), await observe(gql, world))]
    for openings in (50, 500):
        mine = await edit(gql, world, mine, openings=openings)
        await publish(owner_sessions, world)
        releases.append(([*others, mine], await observe(gql, world)))

    by_occupation = [
        {key["OCCUPATION"]: openings for key, openings in readings[0][1] if key}
        for _, readings in releases
    ]
    # Welders stay the hidden partner (listed: the attacker's own signal is in them);
    # nurses (v alone) are not even listed.
    assert (
        by_occupation
        == [
            {
                "51-4041": noise.openings(others, lambda p: p.signal.occupation == "51-4041"),
                "51-4121": None,
            }
        ]
        * 3
    )
    # The total less the machinists less its own: v plus the welders, noised together.
    total = [cell(readings, ("OCCUPATION",)) for _, readings in releases]
    assert total == [noise.openings(postings) for postings, _ in releases]
    assert [b for b in solve(releases, noise) if b.narrower_than_ten_percent] == []


async def test_3_named_subtraction_leaves_a_noised_remainder(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    # Machinists: v, a, b POOLED and n's 50 NAMED; welders: v POOLED with three NAMED.
    _, posted, noise = await market(
        owner_sessions,
        world,
        ["v", "a", "b", "n"],
        [
            Signal("v", 24),
            Signal("a", 11),
            Signal("b", 9),
            Signal("n", 50, sharing=SharingLevel.NAMED),
            Signal("v", 17, occupation="51-4121"),
            *(
                Signal(name, 10 + i, occupation="51-4121", sharing=SharingLevel.NAMED)
                for i, name in enumerate("abn")
            ),
            *(Signal(name, 5 + i, occupation="29-1141") for i, name in enumerate("vab")),
        ],
    )
    readings = await observe(gql, world)

    named = {
        code: sum(
            p.signal.openings
            for p in posted
            if p.signal.sharing is SharingLevel.NAMED and p.signal.occupation == code
        )
        for code in ("51-4041", "51-4121")
    }
    machinists = cell(readings, ("OCCUPATION",), OCCUPATION="51-4041")
    # Welders hold one POOLED employer: hidden (listed: NAMED signals are in them).
    assert cell(readings, ("OCCUPATION",), OCCUPATION="51-4121") is None
    assert machinists is not None
    remainder = machinists - named["51-4041"]
    pooled = [p for p in posted[:3]]
    assert abs(remainder - sum(noise.noised(p) for p in pooled)) <= 0.5 + 1e-3
    # The POOLED remainder is the noised sum of three employers; v's share of it is not
    # bounded within ±10% (nor anyone's).
    assert [b for b in solve([(posted, readings)], noise) if b.narrower_than_ten_percent] == []


async def test_4_cross_attribute_differencing_recovers_only_noised_values(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    # Machinists: a, b, c with skills X and Y and internships; v with skill X only and
    # no work-based learning. X - Y and (occupation filter, Q1) - (Q1, INTERNSHIP) are v.
    x, y = "2.A.1.e", "2.B.3.h"
    _, posted, noise = await market(
        owner_sessions,
        world,
        ["v", "a", "b", "c"],
        [
            Signal("v", 30, skills=[x]),
            *(
                Signal(name, 20 + i, skills=[x, y], work_based_learning=["INTERNSHIP"])
                for i, name in enumerate("abc")
            ),
            *(Signal(name, 8 + i, occupation="51-4121") for i, name in enumerate("abc")),
        ],
    )
    extra = [
        Query(("QUARTER",), (("occupationCodes", ("51-4041", "51-4121")),)),
        Query(("QUARTER", "WORK_BASED_LEARNING")),
        Query(("OCCUPATION", "SKILL")),
    ]
    readings = await read_everything(gql, world, [as_posting(p) for p in posted], extra)

    skills = {k["SKILL"]: n for k, n in readings_of(readings, ("SKILL",)) if k}
    victim = noise.noised(posted[0])
    # Skills are not split-checked: X - Y is v's noised openings, ± 1 of rounding.
    assert skills[x] is not None and skills[y] is not None
    isolated = skills[x] - skills[y]
    assert abs(isolated - victim) <= 1 + 2e-3
    assert not within_ten_percent(provable(isolated, 1), 30)
    assert [b for b in solve([(posted, readings)], noise) if b.narrower_than_ten_percent] == []


def readings_of(readings: Readings, group_by: tuple[str, ...]) -> list[tuple[dict[str, Any], Any]]:
    return next(f for q, f in readings if q.group_by == group_by and not q.filter)


async def test_5_two_moment_differencing_joins_leaves_and_edits(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    employers, posted, noise = await market(
        owner_sessions,
        world,
        ["v", "a", "b", "c"],
        [Signal("a", 20), Signal("b", 18), Signal("c", 15)],
    )
    queries = [Query(("OCCUPATION",))]
    steps = [(list(posted), await observe(gql, world, queries))]
    joined = await add_signals(
        owner_sessions, world, employers, [Signal("v", 8, external_id="joined")]
    )
    steps.append(([*posted, *joined], await observe(gql, world, queries)))
    edited = await set_openings(owner_sessions, world, joined[0], openings=14)
    await publish(owner_sessions, world)
    steps.append(([*posted, edited], await observe(gql, world, queries)))
    left = await set_openings(owner_sessions, world, posted[0], status=DemandStatus.WITHDRAWN)
    await publish(owner_sessions, world)
    steps.append(([left, *posted[1:], edited], await observe(gql, world, queries)))

    result = [await summary(gql, world.tokens["member"], ["OCCUPATION"])]
    numbers = [cell(readings, ("OCCUPATION",), OCCUPATION="51-4041") for _, readings in steps]
    assert numbers == [noise.openings(p) for p, _ in steps]
    assert None not in numbers
    joins, edits, leaves = (b - a for a, b in itertools.pairwise(numbers))
    # Each difference is one employer's noised change, ± 1 of rounding, and proves no
    # interval within ±10%: v's 8, v's +6, a's -20.
    changes = [
        (joins, 8, noise.noised(joined[0])),
        (edits, 6, noise.noised(edited) - noise.noised(joined[0])),
        (-leaves, 20, noise.noised(posted[0])),
    ]
    for difference, truth, noised in changes:
        assert abs(difference - noised) <= 1 + 2e-3
        assert not within_ten_percent(provable(difference, 1), truth)
    # 3 and 4 employers read alike: the band does not confirm that one joined.
    assert result[0]["cells"][0]["employerCountBand"] == FEW
    assert [b for b in solve(steps, noise) if b.narrower_than_ten_percent] == []


def hourly(cents: int) -> tuple[int, int, WageUnit]:
    return (cents, cents, WageUnit.HOUR)


async def medians(gql: GraphQLClient, world: World, group_by: list[str]) -> dict[Any, int | None]:
    result = await summary(gql, world.tokens["member"], group_by)
    return {
        next(iter(v for v in cell["key"].values() if v)).get("code")
        or next(iter(v for v in cell["key"].values() if v)).get("id"): (
            int(cell["medianWage"]["amountMinor"]) if cell["medianWage"] else None
        )
        for cell in result["cells"]
    }


async def test_6_median_shifting_with_own_low_and_high_wages_recovers_only_noised_wages(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    employers, posted, noise = await market(
        owner_sessions,
        world,
        ["a", "v", "c"],
        [
            Signal("a", 10, wage=hourly(2000)),
            Signal("v", 12, wage=hourly(2500)),
            Signal("c", 9, wage=hourly(3100)),
            Signal(ME, 5),
        ],
    )
    middle = [(await medians(gql, world, ["OCCUPATION"]))["51-4041"]]
    mine = posted[-1]
    for cents in (100, 900_000):  # below every wage, then above every wage
        await edit(gql, world, mine, status=DemandStatus.WITHDRAWN)
        (mine,) = await add_signals(
            owner_sessions, world, employers, [Signal(ME, 5, wage=hourly(cents))]
        )
        middle.append((await medians(gql, world, ["OCCUPATION"]))["51-4041"])

    noised = sorted(
        (round(cents * noise.factor(p, "wage")), cents)
        for p, cents in zip(posted, (2000, 2500, 3100), strict=False)
    )
    assert None not in middle
    second = middle[0]
    first, third = 2 * middle[1] - second, 2 * middle[2] - second
    recovered = [first, second, third]
    # All three competitors' wages, but noised: each within 1 cent of its noised value,
    # and what it proves of the true wage is wider than ±10%.
    assert [abs(r - n) <= 1 for r, (n, _) in zip(recovered, noised, strict=True)] == [True] * 3
    assert [
        within_ten_percent(provable(r, 1), truth)
        for r, (_, truth) in zip(recovered, noised, strict=True)
    ] == [False] * 3


async def test_6b_a_mixed_median_does_not_weigh_by_true_openings(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    """v posts 10 machinist openings POOLED (skill X, $20.00) and 30 NAMED (skill Y,
    $30.00: public). b ($10.00) and c ($50.00) post both skills, d ($11.00) and e
    ($60.00) skill Y (so that Y is shown and X needs no partner). v's wage is the median
    of the X cell (its POOLED wage, noised) and of the occupation (its employer wage,
    the two mixed). Were the mix weighed by true openings, 30 x (3000 - m)/(m - x)
    would be v's POOLED openings, exactly."""
    x, y = "2.A.1.e", "2.B.3.h"
    _, posted, noise = await market(
        owner_sessions,
        world,
        ["v", "b", "c", "d", "e"],
        [
            Signal("v", 10, skills=[x], wage=hourly(2000)),
            Signal("v", 30, skills=[y], wage=hourly(3000), sharing=SharingLevel.NAMED),
            Signal("b", 12, skills=[x, y], wage=hourly(1000)),
            Signal("c", 9, skills=[x, y], wage=hourly(5000)),
            Signal("d", 8, skills=[y], wage=hourly(1100)),
            Signal("e", 7, skills=[y], wage=hourly(6000)),
        ],
    )
    by_skill = await medians(gql, world, ["SKILL"])
    by_occupation = await medians(gql, world, ["OCCUPATION"])

    pooled, mixed = by_skill[x], by_occupation["51-4041"]
    assert pooled == round(2000 * noise.factor(posted[0], "wage"))
    assert mixed is not None

    def openings(m: float, p: float) -> float:
        return 30 * (3000 - m) / (m - p)

    solved = (openings(mixed + 0.5, pooled - 0.5), openings(mixed - 0.5, pooled + 0.5))
    assert not within_ten_percent(solved, 10), solved


async def test_a_lone_employers_keys_are_not_listed_nor_probed_with_own_signals(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    lone = {
        "occupation": "29-1141",
        "quarter": "2027Q3",
        "degree": True,
        "work_based_learning": ["APPRENTICESHIP"],
        "skills": ["ES.teamwork"],
    }
    employers, _, _ = await market(
        owner_sessions,
        world,
        ["v", "a", "b", "c"],
        [Signal("v", 12, **lone), *(Signal(name, 10 + i) for i, name in enumerate("abc"))],
    )
    names = ["OCCUPATION", "QUARTER", "DEGREE_REQUIRED", "WORK_BASED_LEARNING", "SKILL"]
    readings = await observe(gql, world, [Query((name,)) for name in names])

    keys = {str(k) for n in names for key in listed(readings, (n,)) for k in key.values()}
    assert keys & {"29-1141", "2027Q3", "True", "APPRENTICESHIP", "ES.teamwork"} == set()

    # The attacker posts 1 opening with the lone employer's attributes and 1 with
    # attributes nobody else has (47-2111, 2027Q4): the two must read alike.
    control = {
        "occupation": "47-2111",
        "quarter": "2027Q4",
        "degree": True,
        "work_based_learning": ["INTERNSHIP"],
        "skills": ["2.A.1.e"],
    }
    await add_signals(
        owner_sessions, world, employers, [Signal(ME, 1, **lone), Signal(ME, 1, **control)]
    )
    probed = await observe(gql, world, [Query(("OCCUPATION",)), Query(("QUARTER",))])
    read_as = {
        k["OCCUPATION" if "OCCUPATION" in k else "QUARTER"]: n is None
        for _, figures in probed
        for k, n in figures
        if k
    }
    assert read_as["29-1141"] == read_as["47-2111"], read_as
    assert read_as["2027Q3"] == read_as["2027Q4"], read_as


SIGNAL_TIMES = """query($id: ID!) { demandSignal(id: $id) { version createdAt updatedAt
  openings sharingLevel history { edges { node { version } } } } }"""


async def test_a_named_signal_shows_no_history_from_while_it_was_pooled(
    gql: GraphQLClient, world: World
) -> None:
    owner = world.tokens["other_org_admin"]
    created = await gql(
        CREATE,
        {
            "input": full_input(world)
            | {
                "organizationId": global_id("Organization", world.organizations["other_employer"]),
                "sharingLevel": "POOLED",
            }
        },
        token=owner,
    )
    signal_id = created["data"]["createDemandSignal"]["demandSignal"]["id"]
    for change in ({"openings": 9}, {"openings": 14}, {"sharingLevel": "NAMED"}):
        body = await gql(UPDATE, {"input": {"id": signal_id} | change}, token=owner)
        assert body["data"]["updateDemandSignal"]["userErrors"] == [], body

    seen = {
        person: (await gql(SIGNAL_TIMES, {"id": signal_id}, token=world.tokens[person]))["data"][
            "demandSignal"
        ]
        for person in ("member", "other_org_admin")
    }

    member, owner_view = seen["member"], seen["other_org_admin"]
    assert (owner_view["version"], member["version"]) == (4, 1)
    assert member["openings"] == 14 and member["history"] is None
    assert member["createdAt"] > owner_view["createdAt"]
    assert member["createdAt"] <= member["updatedAt"] == owner_view["updatedAt"]
    assert [e["node"]["version"] for e in owner_view["history"]["edges"]] == [4, 3, 2, 1]


async def test_a_signal_turning_named_does_not_unmask_its_pooled_past(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    """v posts 300 POOLED, edits to 400 (a release each), then shares it NAMED. The
    releases before and after it turned NAMED differ by 400 x (f - 1), which gives the
    factor of its 400; were that the factor of its 300 too (one per signal), the first
    two releases would give the 300 to within 1%."""
    _, posted, noise = await market(
        owner_sessions,
        world,
        ["v", "a", "b", "c"],
        [Signal("v", 300), Signal("a", 100), Signal("b", 120), Signal("c", 90)],
    )
    queries = [Query(("OCCUPATION",))]
    first = cell(await observe(gql, world, queries), ("OCCUPATION",), OCCUPATION="51-4041")
    edited = await set_openings(owner_sessions, world, posted[0], openings=400)
    await publish(owner_sessions, world)
    second = cell(await observe(gql, world, queries), ("OCCUPATION",), OCCUPATION="51-4041")
    await set_openings(owner_sessions, world, posted[0], sharing=SharingLevel.NAMED)
    await publish(owner_sessions, world)
    third = cell(await observe(gql, world, queries), ("OCCUPATION",), OCCUPATION="51-4041")
    assert None not in (first, second, third)
    assert first is not None and second is not None and third is not None

    factors = (1 + (second - third - 1) / 400, 1 + (second - third + 1) / 400)
    assert factors[0] <= noise.factor(edited) <= factors[1]
    # One factor for both: 300 = 400 + (first - second) / f, over f and ± 1 of rounding.
    ends = [400 + (first - second + d) / f for d in (-1, 1) for f in factors]
    assert not within_ten_percent((min(ends), max(ends)), 300), (min(ends), max(ends))
    # What it does isolate: first - third + 400 is the 300 noised by its own factor.
    isolated = first - third + 400
    assert abs(isolated - noise.noised(posted[0])) <= 1 + 2e-3
    assert not within_ten_percent(provable(isolated, 1), 300)


async def test_a_filtered_total_does_not_tell_whether_a_competitor_is_there(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    # The reader posts 1 opening in a cell a lone competitor uses (51-4121) and 1 in a
    # cell nobody else uses (47-2111), then reads the total filtered to each.
    employers = await add_employers(owner_sessions, world, ["lone"])
    await add_signals(
        owner_sessions, world, employers, [Signal("lone", 30, occupation="51-4121")], release=False
    )
    mine = {"employer": world.organizations["employer"]}
    await add_signals(
        owner_sessions,
        world,
        mine,
        [
            Signal("employer", 1, occupation="51-4121"),
            Signal("employer", 1, occupation="47-2111"),
        ],
    )

    beside = await summary(
        gql, world.tokens["member"], ["QUARTER"], {"occupationCodes": ["51-4121"]}
    )
    alone = await summary(
        gql, world.tokens["member"], ["QUARTER"], {"occupationCodes": ["47-2111"]}
    )

    assert beside["total"] == alone["total"]
    assert beside["total"]["suppressed"] is True
    assert [cell["suppressed"] for cell in beside["cells"]] == [
        cell["suppressed"] for cell in alone["cells"]
    ]
