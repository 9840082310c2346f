"""Three imports of one new file at once (an upload retried while the first still
runs): each signal is made once, and every import answers cleanly."""

from __future__ import annotations

import asyncio

from tests.demand.support import CREATE, EXAMPLE, IMPORT, DemandRows, full_input, import_input
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


async def test_five_creates_with_one_external_id_at_once_make_one_signal(
    gql: GraphQLClient, world: World, demand_rows: DemandRows
) -> None:
    """A client that retries a post before the first answer arrives: one signal, and
    every other answer a TAKEN userError (the unique index alone made those a 500)."""
    payload = {"input": full_input(world) | {"externalId": "REQ-retry-1"}}

    bodies = await asyncio.gather(
        *(gql(CREATE, payload, token=world.tokens["member"]) for _ in range(5))
    )

    assert [body.get("errors") for body in bodies] == [None] * 5
    answers = [body["data"]["createDemandSignal"] for body in bodies]
    made = [a for a in answers if a["demandSignal"] is not None]
    refused = [a["userErrors"] for a in answers if a["demandSignal"] is None]
    assert len(made) == 1
    taken = "Another signal of this employer has the externalId 'REQ-retry-1'."
    assert refused == [[{"field": ["externalId"], "message": taken, "code": "TAKEN"}]] * 4
    signals = (await demand_rows(world.id))["demand_signals"]
    assert [s["external_id"] for s in signals] == ["REQ-retry-1"]
