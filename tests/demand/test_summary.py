"""demandSummary through GraphQL: what is counted, keys and order, wages, errors.

Signals are written directly as the owner (the ORM), for employers made in the
test's world, so each test controls exactly who stands behind each cell. The
attacks on the disclosure rule are in test_summary_attacks.py.
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
    HIDDEN,
    SUMMARY,
    Signal,
    add_employers,
    add_signals,
    by_occupation,
    set_disclosure,
    shown,
    summary,
)
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.statements import StatementCounter
from tests.support.world import World


async def machinists_and_welders(owner_sessions: SessionFactory, world: World) -> None:
    """Machinists: 4 employers (shown). Welders: 3 employers (shown). Team assemblers:
    one employer (hidden), so the smaller shown cell (welders) is hidden too."""
    employers = await add_employers(owner_sessions, world, ["a", "b", "c", "d"])
    await add_signals(
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
    await machinists_and_welders(owner_sessions, world)

    result = await summary(gql, world.tokens["admin"], ["OCCUPATION"])

    assert [cell["key"]["occupation"] for cell in result["cells"]] == [
        {"code": "51-2092", "title": "Team Assemblers"},
        {"code": "51-4041", "title": "Machinists"},
        {"code": "51-4121", "title": "Welders, Cutters, Solderers, and Brazers"},
    ]
    assert by_occupation(result) == {
        "51-2092": HIDDEN,
        "51-4041": (42, 4, False),
        "51-4121": HIDDEN,
    }
    assert shown(result["total"]) == (90, 4, False)
    assert result["rule"] == {"minEmployers": 3, "maxSharePercent": 80}
    assert result["cells"][1]["key"] | {"occupation": None} == {
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
    employers = await add_employers(owner_sessions, world, ["a", "b", "c", "d"])
    await add_signals(
        owner_sessions,
        world,
        employers,
        [
            Signal("a", 10),
            Signal("b", 10, sharing=SharingLevel.NAMED),
            Signal("c", 10),
            Signal("d", 500, sharing=SharingLevel.PRIVATE),
            Signal("d", 600, status=DemandStatus.DRAFT),
            Signal("d", 700, status=DemandStatus.FILLED),
            Signal("d", 800, status=DemandStatus.WITHDRAWN, sharing=SharingLevel.NAMED),
        ],
    )

    result = await summary(gql, world.tokens["analyst"], ["OCCUPATION"])

    assert by_occupation(result) == {"51-4041": (30, 3, False)}
    assert shown(result["total"]) == (30, 3, False)


async def test_major_group_quarter_and_degree_keys(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    employers = await add_employers(owner_sessions, world, ["a", "b", "c"])
    await add_signals(
        owner_sessions,
        world,
        employers,
        [
            Signal(name, 5, occupation=occupation, quarter="2027Q2", degree=True)
            for name in employers
            for occupation in ("51-4041", "51-4121")
        ],
    )

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
        ({"code": "51-0000", "title": "Production Occupations"}, "2027Q2", True, (30, 3, False)),
    ]


async def test_skills_overlap_and_work_based_learning_counts_none(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    employers = await add_employers(owner_sessions, world, ["a", "b", "c"])
    await add_signals(
        owner_sessions,
        world,
        employers,
        [
            Signal(name, 4, skills=["2.B.3.h", "2.A.1.e"], work_based_learning=["INTERNSHIP"])
            for name in employers
        ]
        + [Signal(name, 2) for name in employers],
    )

    skills = await summary(gql, world.tokens["member"], ["SKILL"])
    learning = await summary(gql, world.tokens["member"], ["WORK_BASED_LEARNING"])

    assert [(cell["key"]["skill"], shown(cell)) for cell in skills["cells"]] == [
        ({"id": "2.A.1.e", "name": "Mathematics"}, (12, 3, False)),
        ({"id": "2.B.3.h", "name": "Operation and Control"}, (12, 3, False)),
    ]
    assert shown(skills["total"]) == (18, 3, False)
    assert [(cell["key"]["workBasedLearning"], shown(cell)) for cell in learning["cells"]] == [
        ("INTERNSHIP", (12, 3, False)),
        ("NONE", (6, 3, False)),
    ]


async def test_median_wage_is_hourly_midpoints_rounded_half_to_even(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    employers = await add_employers(owner_sessions, world, ["a", "b", "c", "d"])
    await add_signals(
        owner_sessions,
        world,
        employers,
        [
            Signal("a", 5, wage=(2000, 2401, WageUnit.HOUR)),  # 2200.5 -> 2200
            Signal("b", 5, wage=(4_000_000, 5_164_480, WageUnit.YEAR)),  # 4_582_240 / 2080 = 2203
            Signal("c", 5, wage=(2301, 2302, WageUnit.HOUR)),  # 2301.5 -> 2302
            Signal("d", 5, wage=(2001, 2002, WageUnit.HOUR)),  # 2001.5 -> 2002
        ],
    )

    result = await summary(gql, world.tokens["member"], ["OCCUPATION"])

    # 2002, 2200, 2203, 2302: the median (2200 + 2203) / 2 = 2201.5 rounds to 2202.
    assert result["cells"][0]["medianWage"] == {"amountMinor": "2202", "currency": "USD"}
    assert result["total"]["medianWage"] == {"amountMinor": "2202", "currency": "USD"}


async def test_no_median_when_fewer_than_k_employers_give_a_wage(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    employers = await add_employers(owner_sessions, world, ["a", "b", "c"])
    await add_signals(
        owner_sessions,
        world,
        employers,
        [
            Signal("a", 5, wage=(2000, 2000, WageUnit.HOUR)),
            Signal("b", 5, wage=(3000, 3000, WageUnit.HOUR)),
            Signal("c", 5),
        ],
    )

    result = await summary(gql, world.tokens["member"], ["OCCUPATION"])

    assert shown(result["cells"][0]) == (15, 3, False)
    assert result["cells"][0]["medianWage"] is None


async def test_a_partnership_with_k_4_hides_cells_of_three(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    employers = await add_employers(owner_sessions, world, ["a", "b", "c", "d"])
    await add_signals(
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
    before = await summary(gql, world.tokens["admin"], ["OCCUPATION"])

    await set_disclosure(owner_sessions, world, min_employers=4, max_share_percent=80)
    after = await summary(gql, world.tokens["admin"], ["OCCUPATION"])

    assert by_occupation(before) == {
        "47-2111": (63, 3, False),
        "51-4041": (42, 4, False),
        "51-4121": (18, 3, False),
    }
    assert by_occupation(after) == {"47-2111": HIDDEN, "51-4041": (42, 4, False), "51-4121": HIDDEN}
    assert shown(after["total"]) == (123, 4, False)
    assert after["rule"] == {"minEmployers": 4, "maxSharePercent": 80}


async def test_analyst_member_and_demand_reader_may_read_a_reader_client_may_not(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory, demand_reader: str
) -> None:
    await machinists_and_welders(owner_sessions, world)
    tokens = {name: world.tokens[name] for name in ("analyst", "member", "other_org_admin")}

    results = {name: await summary(gql, token, ["OCCUPATION"]) for name, token in tokens.items()}
    by_client = await summary(gql, demand_reader, ["OCCUPATION"])
    refused = await gql(SUMMARY, {"groupBy": ["OCCUPATION"]}, token=world.tokens["reader"])

    assert {name: shown(result["total"]) for name, result in results.items()} == {
        "analyst": (90, 4, False),
        "member": (90, 4, False),
        "other_org_admin": (90, 4, False),
    }
    assert shown(by_client["total"]) == (90, 4, False)
    assert refused["data"] is None
    assert error_codes(refused) == ["FORBIDDEN"]


async def test_another_partnership_sees_none_of_it(
    gql: GraphQLClient, world: World, other_world: World, owner_sessions: SessionFactory
) -> None:
    await machinists_and_welders(owner_sessions, world)

    result = await summary(gql, other_world.tokens["admin"], ["OCCUPATION"])

    assert result["cells"] == []
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
    # The request's tenant, the caller (user and memberships), the rule, memory for the
    # aggregate's hash table, the aggregate, the titles of the occupations it found.
    assert read[1:] == [
        "users",
        "memberships",
        "tenants",
        "SET LOCAL work_mem = '64MB'",
        "demand_signals",
        "occupations",
    ]
    assert "GROUP BY" in count_statements.statements[-2]
