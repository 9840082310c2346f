"""An attacker reading skillsGap learns no more than demandSummary tells it.

The attacker is a competitor employer's member. Between releases it posts, raises and
turns NAMED its own machinists' openings, beside two competitors who stay below the
rule's three employers, then a third competitor joins. At every step each row of the
gap is held to demandSummary's answer to the same reader for the same horizon: a row
is shown exactly when that cell is, with its openings; otherwise it carries no demand,
no gap and no ratio, and reads exactly as it did before the attacker's edits (its
supply is the programs' and is public).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from coalition.db.engine import SessionFactory
from coalition.demand.models import SharingLevel
from tests.demand.pooled import Signal, add_employers, add_signals, summary
from tests.supply.gap_support import (
    MACHINISTS,
    OPERATION,
    WELDERS,
    CohortRow,
    ProgramRow,
    add_programs,
    gap_of,
    load_reference,
)
from tests.support.graphql import GraphQLClient
from tests.support.world import World

HORIZON = {"quarterFrom": "2027Q1", "quarterTo": "2027Q4"}


async def _held_to_summary(gql: GraphQLClient, token: str, group_by: str) -> dict[str, Any]:
    """The gap as ``token`` reads it, after checking each row against demandSummary."""
    gap = await gap_of(gql, token, group_by)
    pooled = await summary(gql, token, [group_by], HORIZON)
    cells = {}
    for cell in pooled["cells"]:
        key = cell["key"]["occupation"] or cell["key"]["skill"]
        cells[key.get("code") or key.get("id")] = cell
    for row in gap["rows"]:
        cell = cells.get(row["code"])
        if cell is None or cell["suppressed"]:
            assert (row["hidden"], row["demand"], row["gap"], row["ratio"]) == (
                True,
                None,
                None,
                None,
            ), row
        else:
            assert row["hidden"] is False
            assert row["demand"] == cell["openings"]
            assert row["gap"] == cell["openings"] - row["expectedCompleters"]
    shown = {code for code, cell in cells.items() if not cell["suppressed"]}
    assert shown <= {row["code"] for row in gap["rows"] if not row["hidden"]}
    return {row["code"]: row for row in gap["rows"]}


def _demand(row: dict[str, Any]) -> tuple[Any, ...]:
    """What a row tells of demand (its supply may move with the reader's own NAMED
    signals' levels: they are public, and the reader's own)."""
    return row["hidden"], row["demand"], row["gap"], row["ratio"]


async def test_own_edits_and_releases_tell_a_competitor_nothing_the_summary_does_not(
    gql: GraphQLClient, owner_sessions: SessionFactory, world: World
) -> None:
    await load_reference(owner_sessions)
    await add_programs(
        owner_sessions,
        world,
        [
            ProgramRow(
                "Machining",
                [MACHINISTS],
                {OPERATION: 1},
                [CohortRow(date(2027, 3, 1), seats=20, rate="50")],  # 10
            )
        ],
    )
    employers = await add_employers(owner_sessions, world, ["x", "y", "z"])
    employers["me"] = world.organizations["employer"]
    token = world.tokens["member"]

    async def step(signals: list[Signal]) -> tuple[dict[str, Any], dict[str, Any]]:
        await add_signals(owner_sessions, world, employers, signals)
        return (
            await _held_to_summary(gql, token, "OCCUPATION"),
            await _held_to_summary(gql, token, "SKILL"),
        )

    before = await step(
        [
            Signal("x", 30, MACHINISTS, skills=[OPERATION]),
            Signal("y", 20, MACHINISTS, skills=[OPERATION]),
        ]
    )
    hidden = {"code": MACHINISTS, "hidden": True, "demand": None, "gap": None, "ratio": None}
    assert {k: before[0][MACHINISTS][k] for k in hidden} == hidden
    assert before[0][MACHINISTS]["expectedCompleters"] == 10.0
    assert before[1][OPERATION]["hidden"] is True

    # Its own POOLED openings, then more, then some NAMED, then a lone welder signal:
    # each a new release; nothing the gap shows moves.
    for signals in (
        [Signal("me", 100, MACHINISTS, skills=[OPERATION])],
        [Signal("me", 1, MACHINISTS, skills=[OPERATION])],
        [Signal("me", 7, MACHINISTS, sharing=SharingLevel.NAMED, skills=[OPERATION])],
        [Signal("me", 3, WELDERS, skills=[OPERATION])],
    ):
        after = await step(signals)
        assert after[0][MACHINISTS] == before[0][MACHINISTS]
        assert _demand(after[1][OPERATION]) == _demand(before[1][OPERATION])
        # Its own welders cell reads hidden, as it would beside a lone competitor.
        assert WELDERS not in after[0] or after[0][WELDERS]["hidden"] is True

    # A third competitor: the cell passes the rule and is shown, as demandSummary shows it.
    shown = await step([Signal("z", 25, MACHINISTS, skills=[OPERATION])])
    assert shown[0][MACHINISTS]["hidden"] is False
    assert shown[0][MACHINISTS]["demand"] is not None
