"""demandSummary through GraphQL: what is counted, keys and order, wages, errors.

Signals are written directly as the owner (the ORM), for employers made in the
test's world, so each test controls exactly who stands behind each cell, then a
release is published. The published openings are the noised ones: ``Noise``
computes them from the partnership's secret. The attacks are in
test_summary_attacks.py and test_release_*.py.
"""

from __future__ import annotations

import re

from coalition.db.engine import SessionFactory
from coalition.demand.models import (
    DemandStatus,
    SharingLevel,
    WageUnit,
)
from tests.demand.pooled import (
    FEW,
    HIDDEN,
    SUMMARY,
    Noise,
    Posted,
    Signal,
    add_employers,
    add_signals,
    by_occupation,
    publish,
    set_disclosure,
    shown,
    summary,
)
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.statements import StatementCounter
from tests.support.world import World


async def machinists_and_welders(owner_sessions: SessionFactory, world: World) -> list[Posted]:
    """Machinists: 4 employers (shown). Welders: 3 employers (shown). Team assemblers:
    one employer (hidden), so the smaller shown cell (welders) is hidden too."""
    employers = await add_employers(owner_sessions, world, ["a", "b", "c", "d"])
    return await add_signals(
        owner_sessions,
        world,
        employers,
        [
            Signal("a", 10),
            Signal("b", 12),
            Signal("c", 9),
            Signal("d", 11),
            Signal("a", 5, occupation="51-4121"),
            Signal("b", 6, occupation="51-4121"),
            Signal("c", 7, occupation="51-4121"),
            Signal("d", 30, occupation="51-2092"),
        ],
    )


async def test_cells_come_in_key_order_with_titles_and_the_total(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    posted = await machinists_and_welders(owner_sessions, world)
    noise = await Noise.of(owner_sessions, world)

    result = await summary(gql, world.tokens["admin"], ["OCCUPATION"])

    # The hidden cells (a lone employer's, and its partner) are not even listed.
    assert [cell["key"]["occupation"] for cell in result["cells"]] == [
        {"code": "51-4041", "title": "Machinists"},
    ]
    machinists = noise.openings(posted, lambda p: p.signal.occupation == "51-4041")
    assert by_occupation(result) == {"51-4041": (machinists, FEW, False)}
    assert shown(result["total"]) == (noise.openings(posted), FEW, False)
    assert result["rule"] == {
        "minEmployers": 3,
        "pPercent": 10,
        "noiseMinPercent": 10,
        "noiseMaxPercent": 25,
    }
    assert result["release"]["madeBy"] == "OPERATOR"
    assert result["cells"][0]["key"] | {"occupation": None} == {
        "occupation": None,
        "majorGroup": None,
        "skill": None,
        "quarter": None,
        "workBasedLearning": None,
        "isDegreeRequired": None,
    }


async def test_private_draft_filled_and_withdrawn_signals_never_count(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    employers = await add_employers(owner_sessions, world, ["a", "b", "c", "d", "e"])
    posted = await add_signals(
        owner_sessions,
        world,
        employers,
        [
            Signal("a", 10),
            Signal("b", 10),
            Signal("c", 10),
            Signal("e", 10, sharing=SharingLevel.NAMED),
            Signal("d", 500, sharing=SharingLevel.PRIVATE),
            Signal("d", 600, status=DemandStatus.DRAFT),
            Signal("d", 700, status=DemandStatus.FILLED),
            Signal("d", 800, status=DemandStatus.WITHDRAWN, sharing=SharingLevel.NAMED),
        ],
    )
    noise = await Noise.of(owner_sessions, world)

    result = await summary(gql, world.tokens["analyst"], ["OCCUPATION"])

    expected = noise.openings(posted)
    assert [p.signal.employer for p in posted if p.counted] == ["a", "b", "c", "e"]
    assert by_occupation(result) == {"51-4041": (expected, FEW, False)}
    assert shown(result["total"]) == (expected, FEW, False)
    assert 30 * 0.75 + 10 <= expected <= 30 * 1.25 + 10


async def test_the_noise_is_permanent_bounded_away_from_one_and_named_is_exact(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    employers = await add_employers(owner_sessions, world, [f"e{i}" for i in range(12)])
    posted = await add_signals(
        owner_sessions,
        world,
        employers,
        [Signal(f"e{i}", 100, occupation="51-4041") for i in range(12)]
        + [Signal(f"e{i}", 40, occupation="51-4121", external_id=f"p{i}") for i in range(6)]
        + [Signal("e11", 7, occupation="51-4121", sharing=SharingLevel.NAMED)],
    )
    noise = await Noise.of(owner_sessions, world)
    first = await summary(gql, world.tokens["analyst"], ["OCCUPATION"])
    # A second release of the same signals: the same distortion, nothing averages away.
    await publish(owner_sessions, world)
    second = await summary(gql, world.tokens["analyst"], ["OCCUPATION"])

    factors = [noise.factor(p) for p in posted]
    assert all(0.75 <= f <= 0.90 or 1.10 <= f <= 1.25 for f in factors[:-1])
    assert factors[-1] == 1.0
    assert by_occupation(first) == by_occupation(second)
    assert first["release"]["id"] != second["release"]["id"]
    assert by_occupation(first)["51-4041"][0] == noise.openings(
        posted, lambda p: p.signal.occupation == "51-4041"
    )
    assert by_occupation(first)["51-4121"][0] == noise.openings(
        posted, lambda p: p.signal.occupation == "51-4121"
    )


async def test_major_group_quarter_and_degree_keys(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    employers = await add_employers(owner_sessions, world, ["a", "b", "c"])
    posted = await add_signals(
        owner_sessions,
        world,
        employers,
        [
            Signal(name, 5 + i, occupation=occupation, quarter="2027Q2", degree=True)
            for i, name in enumerate(employers)
            for occupation in ("51-4041", "51-4121")
        ],
    )
    noise = await Noise.of(owner_sessions, world)

    result = await summary(
        gql, world.tokens["member"], ["MAJOR_GROUP", "QUARTER", "DEGREE_REQUIRED"]
    )

    assert [
        (
            cell["key"]["majorGroup"],
            cell["key"]["quarter"],
            cell["key"]["isDegreeRequired"],
            shown(cell),
        )
        for cell in result["cells"]
    ] == [
        (
            {"code": "51-0000", "title": "Production Occupations"},
            "2027Q2",
            True,
            (noise.openings(posted), FEW, False),
        ),
    ]


async def test_a_signal_counts_in_every_quarter_of_its_horizon(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    employers = await add_employers(owner_sessions, world, ["a", "b", "c"])
    posted = await add_signals(
        owner_sessions,
        world,
        employers,
        [
            Signal("a", 40, quarter="2027Q1", until="2027Q4"),
            Signal("b", 44, quarter="2027Q1", until="2027Q4"),
            Signal("c", 30, quarter="2027Q2", until="2027Q3"),
        ],
    )
    noise = await Noise.of(owner_sessions, world)

    result = await summary(gql, world.tokens["analyst"], ["QUARTER"])

    def in_quarter(quarter: str) -> int:
        total = sum(noise.noised(p, quarter) for p in posted)
        return round(total)

    quarters = {cell["key"]["quarter"]: cell["openings"] for cell in result["cells"]}
    # Q1 and Q4 hold two employers: hidden, and not listed. Q2 and Q3 hold three, but
    # the total is shown, so Q1 and Q4 together (two employers) need a partner: Q2 (the
    # smaller by truth, ties by key) is hidden too.
    assert quarters == {"2027Q3": in_quarter("2027Q3")}
    assert result["total"]["openings"] == noise.openings(posted)


async def test_skills_overlap_and_work_based_learning_counts_none(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    employers = await add_employers(owner_sessions, world, ["a", "b", "c"])
    posted = await add_signals(
        owner_sessions,
        world,
        employers,
        [
            Signal(name, 4 + i, skills=["2.B.3.h", "2.A.1.e"], work_based_learning=["INTERNSHIP"])
            for i, name in enumerate(employers)
        ]
        + [Signal(name, 2 + i) for i, name in enumerate(employers)],
    )
    noise = await Noise.of(owner_sessions, world)

    skills = await summary(gql, world.tokens["member"], ["SKILL"])
    learning = await summary(gql, world.tokens["member"], ["WORK_BASED_LEARNING"])

    with_skills = noise.openings(posted, lambda p: bool(p.signal.skills))
    without = noise.openings(posted, lambda p: not p.signal.skills)
    assert [(cell["key"]["skill"], shown(cell)) for cell in skills["cells"]] == [
        ({"id": "2.A.1.e", "name": "Mathematics"}, (with_skills, FEW, False)),
        ({"id": "2.B.3.h", "name": "Operation and Control"}, (with_skills, FEW, False)),
    ]
    assert shown(skills["total"]) == (noise.openings(posted), FEW, False)
    assert [(cell["key"]["workBasedLearning"], shown(cell)) for cell in learning["cells"]] == [
        ("INTERNSHIP", (with_skills, FEW, False)),
        ("NONE", (without, FEW, False)),
    ]


async def test_median_wage_is_over_each_employers_noised_wage(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    employers = await add_employers(owner_sessions, world, ["a", "b", "c", "d"])
    posted = await add_signals(
        owner_sessions,
        world,
        employers,
        [
            Signal("a", 5, wage=(2000, 2401, WageUnit.HOUR)),
            Signal("b", 5, wage=(4_000_000, 5_164_480, WageUnit.YEAR)),
            Signal("c", 5, wage=(2301, 2302, WageUnit.HOUR)),
            Signal("d", 5, wage=(2001, 2002, WageUnit.HOUR)),
        ],
    )
    noise = await Noise.of(owner_sessions, world)

    result = await summary(gql, world.tokens["member"], ["OCCUPATION"])

    hourly = [2200.5, 4_582_240 / 2080, 2301.5, 2001.5]
    wages = sorted(
        round(wage * noise.factor(p, "wage")) for wage, p in zip(hourly, posted, strict=True)
    )
    middle = (wages[1] + wages[2]) / 2
    assert result["cells"][0]["medianWage"]["currency"] == "USD"
    assert abs(int(result["cells"][0]["medianWage"]["amountMinor"]) - middle) <= 0.5
    assert result["total"]["medianWage"] == result["cells"][0]["medianWage"]


async def test_no_median_when_fewer_than_k_employers_give_a_wage(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    employers = await add_employers(owner_sessions, world, ["a", "b", "c"])
    posted = await add_signals(
        owner_sessions,
        world,
        employers,
        [
            Signal("a", 5, wage=(2000, 2000, WageUnit.HOUR)),
            Signal("b", 6, wage=(3000, 3000, WageUnit.HOUR)),
            Signal("c", 7),
        ],
    )
    noise = await Noise.of(owner_sessions, world)

    result = await summary(gql, world.tokens["member"], ["OCCUPATION"])

    assert shown(result["cells"][0]) == (noise.openings(posted), FEW, False)
    assert result["cells"][0]["medianWage"] is None


async def test_a_new_rule_applies_from_the_next_release(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    employers = await add_employers(owner_sessions, world, ["a", "b", "c", "d"])
    posted = await add_signals(
        owner_sessions,
        world,
        employers,
        [
            Signal("a", 10),
            Signal("b", 12),
            Signal("c", 9),
            Signal("d", 11),
            Signal("a", 5, occupation="51-4121"),
            Signal("b", 6, occupation="51-4121"),
            Signal("c", 7, occupation="51-4121"),
            Signal("b", 20, occupation="47-2111"),
            Signal("c", 21, occupation="47-2111"),
            Signal("d", 22, occupation="47-2111"),
        ],
    )
    noise = await Noise.of(owner_sessions, world)
    before = await summary(gql, world.tokens["admin"], ["OCCUPATION"])
    await set_disclosure(owner_sessions, world, min_employers=4)
    unchanged = await summary(gql, world.tokens["admin"], ["OCCUPATION"])
    await publish(owner_sessions, world)
    after = await summary(gql, world.tokens["admin"], ["OCCUPATION"])

    def of(code: str) -> tuple[int, str, bool]:
        return (noise.openings(posted, lambda p: p.signal.occupation == code), FEW, False)

    assert by_occupation(before) == {code: of(code) for code in ("47-2111", "51-4041", "51-4121")}
    assert unchanged == before
    assert by_occupation(after) == {"51-4041": of("51-4041")}
    assert shown(after["total"]) == (noise.openings(posted), FEW, False)
    assert after["rule"]["minEmployers"] == 4


async def test_analyst_member_and_demand_reader_may_read_a_reader_client_may_not(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory, demand_reader: str
) -> None:
    posted = await machinists_and_welders(owner_sessions, world)
    noise = await Noise.of(owner_sessions, world)
    tokens = {name: world.tokens[name] for name in ("analyst", "member", "other_org_admin")}

    results = {name: await summary(gql, token, ["OCCUPATION"]) for name, token in tokens.items()}
    by_client = await summary(gql, demand_reader, ["OCCUPATION"])
    refused = await gql(SUMMARY, {"groupBy": ["OCCUPATION"]}, token=world.tokens["reader"])

    total = (noise.openings(posted), FEW, False)
    assert {name: shown(result["total"]) for name, result in results.items()} == {
        "analyst": total,
        "member": total,
        "other_org_admin": total,
    }
    assert shown(by_client["total"]) == total
    assert refused["data"] is None
    assert error_codes(refused) == ["FORBIDDEN"]


async def test_another_partnership_sees_none_of_it(
    gql: GraphQLClient, world: World, other_world: World, owner_sessions: SessionFactory
) -> None:
    await machinists_and_welders(owner_sessions, world)

    result = await summary(gql, other_world.tokens["admin"], ["OCCUPATION"])

    assert result["cells"] == []
    assert result["release"] is None
    assert shown(result["total"]) == HIDDEN


async def test_bad_group_by_and_quarters_are_refused(gql: GraphQLClient, world: World) -> None:
    cases = [
        ([], None),
        (["OCCUPATION", "OCCUPATION"], None),
        (["OCCUPATION", "QUARTER", "SKILL", "DEGREE_REQUIRED"], None),
        (["OCCUPATION"], {"quarterFrom": "2027Q5"}),
        (["OCCUPATION"], {"quarterFrom": "2027Q3", "quarterTo": "2027Q1"}),
    ]

    bodies = [
        await gql(
            SUMMARY, {"groupBy": group_by, "filter": demand_filter}, token=world.tokens["admin"]
        )
        for group_by, demand_filter in cases
    ]

    assert [body["data"] for body in bodies] == [None] * len(cases)
    assert [error_codes(body) for body in bodies] == [["BAD_USER_INPUT"]] * len(cases)


async def test_one_aggregate_whatever_the_number_of_cells(
    gql: GraphQLClient,
    world: World,
    owner_sessions: SessionFactory,
    count_statements: StatementCounter,
) -> None:
    await machinists_and_welders(owner_sessions, world)

    await summary(
        gql,
        world.tokens["admin"],
        ["OCCUPATION", "QUARTER"],
        {"isDegreeRequired": False, "quarterFrom": "2027Q1"},
    )

    read = [
        match.group(1) if (match := re.search(r"\bFROM (\w+)", statement)) else statement
        for statement in count_statements.statements
    ]
    # The request's tenant, the caller (user and memberships), the newest release, which
    # of the caller's organizations have signals in it, memory for the aggregate's hash
    # table, the release's cells, the occupations' titles.
    assert read[1:] == [
        "users",
        "memberships",
        "demand_releases",
        "demand_release_cells",
        "SET LOCAL work_mem = '64MB'",
        "demand_release_cells",
        "occupations",
    ]
    assert "GROUP BY" in count_statements.statements[-2]


async def test_readers_without_signals_in_a_release_share_one_answer(
    gql: GraphQLClient,
    world: World,
    owner_sessions: SessionFactory,
    count_statements: StatementCounter,
    demand_reader: str,
) -> None:
    await machinists_and_welders(owner_sessions, world)
    first = await summary(gql, world.tokens["admin"], ["OCCUPATION"])
    count_statements.statements.clear()

    by_analyst = await summary(gql, world.tokens["analyst"], ["OCCUPATION"])
    by_app = await summary(gql, demand_reader, ["OCCUPATION"])
    by_member = await summary(gql, world.tokens["member"], ["OCCUPATION"])

    # The same release, the same question, no signals of their own in it: the answer is
    # the one already made (no aggregate of the cells is read again).
    assert by_analyst == by_app == by_member == first
    aggregates = [s for s in count_statements.statements if "GROUP BY" in s]
    assert aggregates == []
