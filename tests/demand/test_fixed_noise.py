"""The noise bounds are fixed by a partnership's first release of pooled demand.

The attack it stops: the same signal's factor comes from one secret number mapped onto
the bounds, so two releases blurred with different bounds give two equations in the
one true value (found with 10-25% then 20-40%: the true 37 openings, exactly).
"""

from __future__ import annotations

from coalition.db.engine import SessionFactory
from tests.demand.pooled import Noise, Signal, add_employers, add_signals, publish, set_disclosure
from tests.support.graphql import GraphQLClient
from tests.support.world import World

CHANGE = """mutation($low: Int, $high: Int, $k: Int) {
  updateTenantSettings(input: {noiseMinPercent: $low, noiseMaxPercent: $high, minEmployers: $k})
  { userErrors { field code message } } }"""


async def test_the_first_release_fixes_the_noise_and_settings_cannot_move_it(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    before = await gql(CHANGE, {"low": 15, "high": 30}, token=world.tokens["admin"])
    employers = await add_employers(owner_sessions, world, ["a", "b", "c"])
    posted = await add_signals(
        owner_sessions, world, employers, [Signal("a", 37), Signal("b", 20), Signal("c", 25)]
    )
    first = await Noise.of(owner_sessions, world)

    refused = await gql(CHANGE, {"low": 20, "high": 40}, token=world.tokens["admin"])
    unchanged = await gql(CHANGE, {"low": 15, "high": 30, "k": 4}, token=world.tokens["admin"])
    # Even a hand-edited setting does not move the noise of later releases.
    await set_disclosure(owner_sessions, world, noise_min_percent=20, noise_max_percent=40)
    await publish(owner_sessions, world)
    later = await Noise.of(owner_sessions, world)

    assert before["data"]["updateTenantSettings"]["userErrors"] == []
    assert (first.low, first.high) == (15, 30)
    errors = refused["data"]["updateTenantSettings"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [
        (["noiseMinPercent"], "FIXED"),
        (["noiseMaxPercent"], "FIXED"),
    ]
    assert "fixed at 15% to 30%" in errors[0]["message"]
    assert unchanged["data"]["updateTenantSettings"]["userErrors"] == []
    assert (later.low, later.high) == (15, 30)
    assert [later.factor(p) for p in posted] == [first.factor(p) for p in posted]
