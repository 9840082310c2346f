"""A NAMED signal shows other members nothing of its life before it became NAMED.

Its employer's people and partnership admins see every version; another member
sees versions counted from the switch, and the switch as when it was posted.
"""

from __future__ import annotations

from typing import Any

from tests.demand.support import CREATE, UPDATE, full_input
from tests.support.graphql import GraphQLClient
from tests.support.world import World

READ = """query($id: ID!) { demandSignal(id: $id) {
  version createdAt updatedAt sharingLevel history { edges { node { version } } } } }"""


async def change(gql: GraphQLClient, world: World, signal_id: str, **fields: Any) -> None:
    body = await gql(UPDATE, {"input": {"id": signal_id} | fields}, token=world.tokens["member"])
    assert body["data"]["updateDemandSignal"]["userErrors"] == [], body


async def read(gql: GraphQLClient, token: str, signal_id: str) -> dict[str, Any]:
    body = await gql(READ, {"id": signal_id}, token=token)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["demandSignal"]
    return result


async def test_edits_made_while_pooled_are_not_counted_for_other_members(
    gql: GraphQLClient, world: World
) -> None:
    created = await gql(
        CREATE,
        {"input": full_input(world) | {"sharingLevel": "POOLED"}},
        token=world.tokens["member"],
    )
    signal_id = created["data"]["createDemandSignal"]["demandSignal"]["id"]
    await change(gql, world, signal_id, openings=5)
    await change(gql, world, signal_id, openings=7)
    hidden_while_pooled = await gql(READ, {"id": signal_id}, token=world.tokens["other_org_admin"])
    await change(gql, world, signal_id, sharingLevel="NAMED")
    outsider_after_switch = await read(gql, world.tokens["other_org_admin"], signal_id)
    await change(gql, world, signal_id, openings=8)

    outsider = await read(gql, world.tokens["other_org_admin"], signal_id)
    owner = await read(gql, world.tokens["member"], signal_id)
    convener = await read(gql, world.tokens["admin"], signal_id)

    assert hidden_while_pooled["data"]["demandSignal"] is None
    assert outsider_after_switch["version"] == 1
    assert outsider_after_switch["createdAt"] == outsider_after_switch["updatedAt"]
    assert outsider["version"] == 2
    assert outsider["createdAt"] == outsider_after_switch["createdAt"]
    assert outsider["updatedAt"] > outsider["createdAt"]
    assert outsider["history"] is None
    assert owner["version"] == convener["version"] == 5
    assert owner["createdAt"] < outsider["createdAt"]
    assert [edge["node"]["version"] for edge in owner["history"]["edges"]] == [5, 4, 3, 2, 1]


async def test_back_to_pooled_and_named_again_starts_over(gql: GraphQLClient, world: World) -> None:
    created = await gql(CREATE, {"input": full_input(world)}, token=world.tokens["member"])
    signal_id = created["data"]["createDemandSignal"]["demandSignal"]["id"]
    posted_named = await read(gql, world.tokens["other_org_admin"], signal_id)
    await change(gql, world, signal_id, sharingLevel="POOLED")
    await change(gql, world, signal_id, openings=9)
    await change(gql, world, signal_id, sharingLevel="NAMED")

    again = await read(gql, world.tokens["other_org_admin"], signal_id)

    assert posted_named["version"] == 1
    assert again["version"] == 1
    assert again["createdAt"] > posted_named["createdAt"]
