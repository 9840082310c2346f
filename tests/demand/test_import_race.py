"""Three imports of one new file at once (an upload retried while the first still
runs): each signal is made once, and every import answers cleanly."""

from __future__ import annotations

import asyncio

from tests.demand.support import EXAMPLE, IMPORT, DemandRows, import_input
from tests.support.graphql import GraphQLClient
from tests.support.world import World


async def test_three_imports_of_one_new_file_at_once_make_each_signal_once(
    gql: GraphQLClient, world: World, demand_rows: DemandRows
) -> None:
    text = EXAMPLE.read_text()

    bodies = await asyncio.gather(
        *(gql(IMPORT, import_input(world, text), token=world.tokens["member"]) for _ in range(3))
    )

    assert [body.get("errors") for body in bodies] == [None, None, None]
    assert [b["data"]["importDemandSignals"]["userErrors"] for b in bodies] == [[], [], []]
    signals = (await demand_rows(world.id))["demand_signals"]
    keys = [s["external_id"] for s in signals if s["external_id"]]
    assert len(keys) == len(set(keys)) == 10
