"""Who sees which signal, on every read path; refusals change nothing.

The rule (demand/permissions.py): PRIVATE signals are seen by the employer's own
people; POOLED also by partnership admins; NAMED by every member and by partner apps
with demand:read. DRAFT signals only by the employer's own people. A signal the
caller may not see is exactly like a missing ID.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.demand.support import CREATE, UPDATE, WITHDRAW, DemandRows, PostSignal, full_input
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.world import World, global_id

LIST = "{ demandSignals(first: 50) { totalCount edges { node { id organization { name } } } } }"
BY_ID = "query($id: ID!) { demandSignal(id: $id) { id organization { name } } }"
NODE = "query($id: ID!) { node(id: $id) { id ... on DemandSignal { openings } } }"

VIEWERS = ["member", "org_admin", "other_org_admin", "admin", "analyst", "reader", "demand_reader"]
SEEN_BY: dict[tuple[str, str], set[str]] = {
    ("PRIVATE", "ACTIVE"): {"member", "org_admin"},
    ("POOLED", "ACTIVE"): {"member", "org_admin", "admin"},
    ("NAMED", "ACTIVE"): {
        "member",
        "org_admin",
        "other_org_admin",
        "admin",
        "analyst",
        "demand_reader",
    },
    ("PRIVATE", "DRAFT"): {"member", "org_admin"},
    ("POOLED", "DRAFT"): {"member", "org_admin"},
    ("NAMED", "DRAFT"): {"member", "org_admin"},
}


def _token(world: World, demand_reader: str, viewer: str) -> str:
    return demand_reader if viewer == "demand_reader" else world.tokens[viewer]


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize(("sharing", "status"), list(SEEN_BY))
async def test_each_viewer_sees_exactly_what_the_rule_allows(
    gql: GraphQLClient,
    world: World,
    post_signal: PostSignal,
    demand_reader: str,
    sharing: str,
    status: str,
    viewer: str,
) -> None:
    gid = global_id("DemandSignal", await post_signal(world, sharing_level=sharing, status=status))
    token = _token(world, demand_reader, viewer)

    listed = await gql(LIST, token=token)
    by_id = await gql(BY_ID, {"id": gid}, token=token)
    node = await gql(NODE, {"id": gid}, token=token)

    seen = viewer in SEEN_BY[(sharing, status)]
    if viewer == "reader":
        assert listed["data"] is None
        assert error_codes(listed) == ["FORBIDDEN"]
    else:
        expected = [{"node": {"id": gid, "organization": {"name": "alpha employer"}}}]
        assert listed["data"]["demandSignals"] == {
            "totalCount": 1 if seen else 0,
            "edges": expected if seen else [],
        }
    assert by_id == {
        "data": {
            "demandSignal": {"id": gid, "organization": {"name": "alpha employer"}}
            if seen
            else None
        }
    }
    assert node == {"data": {"node": {"id": gid, "openings": 4} if seen else None}}


async def test_another_tenants_signal_is_exactly_like_a_missing_one(
    gql: GraphQLClient, world: World, other_world: World, post_signal: PostSignal
) -> None:
    foreign = global_id("DemandSignal", await post_signal(other_world, sharing_level="NAMED"))
    missing = global_id("DemandSignal", uuid.uuid4())
    results: dict[str, list[Any]] = {}

    for name, gid in (("foreign", foreign), ("missing", missing)):
        results[name] = [
            await gql(BY_ID, {"id": gid}, token=world.tokens["admin"]),
            await gql(NODE, {"id": gid}, token=world.tokens["admin"]),
            await gql(UPDATE, {"input": {"id": gid, "openings": 2}}, token=world.tokens["admin"]),
            await gql(WITHDRAW, {"id": gid}, token=world.tokens["member"]),
        ]

    assert results["foreign"] == results["missing"]
    assert results["missing"][0] == {"data": {"demandSignal": None}}
    assert results["missing"][2]["data"]["updateDemandSignal"] == {
        "demandSignal": None,
        "userErrors": [
            {"field": ["id"], "message": "No demand signal with this ID.", "code": "NOT_FOUND"}
        ],
    }


async def test_another_tenants_employer_is_exactly_like_a_missing_one(
    gql: GraphQLClient, world: World, other_world: World, demand_rows: DemandRows
) -> None:
    bodies = []
    for organization_id in (other_world.organizations["employer"], uuid.uuid4()):
        given = full_input(world) | {"organizationId": global_id("Organization", organization_id)}
        bodies.append(await gql(CREATE, {"input": given}, token=world.tokens["admin"]))

    assert bodies[0] == bodies[1]
    assert bodies[0]["data"]["createDemandSignal"]["userErrors"] == [
        {
            "field": ["organizationId"],
            "message": "No organization with this ID.",
            "code": "NOT_FOUND",
        }
    ]
    assert (await demand_rows(other_world.id))["demand_signals"] == []


async def test_the_filter_narrows_what_the_caller_sees(
    gql: GraphQLClient, world: World, post_signal: PostSignal
) -> None:
    welders = await post_signal(world, occupation_code="51-4121", sharing_level="NAMED")
    await post_signal(world, sharing_level="NAMED")
    await post_signal(
        world,
        person="other_org_admin",
        organization="other_employer",
        occupation_code="51-4121",
        sharing_level="NAMED",
    )
    await post_signal(world, occupation_code="51-4121", sharing_level="POOLED")
    query = """query($filter: DemandSignalFilter) {
      demandSignals(filter: $filter) { totalCount edges { node { id } } } }"""
    given = {
        "organizationId": global_id("Organization", world.organizations["employer"]),
        "occupationCodes": ["51-4121"],
        "statuses": ["ACTIVE"],
        "sharingLevels": ["NAMED"],
    }

    body = await gql(query, {"filter": given}, token=world.tokens["analyst"])

    assert body["data"]["demandSignals"] == {
        "totalCount": 1,
        "edges": [{"node": {"id": global_id("DemandSignal", welders)}}],
    }


async def test_pages_walk_every_visible_signal_once_newest_first(
    gql: GraphQLClient, world: World, post_signal: PostSignal
) -> None:
    posted = [await post_signal(world, openings=index + 1) for index in range(5)]
    query = """query($after: String) { demandSignals(first: 2, after: $after) {
      totalCount edges { node { openings } } pageInfo { hasNextPage endCursor } } }"""
    seen: list[int] = []
    after = None

    for _ in range(5):
        page = (await gql(query, {"after": after}, token=world.tokens["member"]))["data"]
        seen += [edge["node"]["openings"] for edge in page["demandSignals"]["edges"]]
        if not page["demandSignals"]["pageInfo"]["hasNextPage"]:
            break
        after = page["demandSignals"]["pageInfo"]["endCursor"]

    assert len(posted) == 5
    assert seen == [5, 4, 3, 2, 1]


REFUSALS = [
    ("create", "analyst", "FORBIDDEN"),
    ("create", "other_org_admin", "FORBIDDEN"),
    ("create", "reader", "FORBIDDEN"),
    ("create", "writer", "FORBIDDEN"),
    ("update", "analyst", "FORBIDDEN"),
    ("update", "other_org_admin", "FORBIDDEN"),
    ("update", "writer", "FORBIDDEN"),
    ("withdraw", "analyst", "FORBIDDEN"),
    ("withdraw", "other_org_admin", "FORBIDDEN"),
    ("withdraw", "reader", "FORBIDDEN"),
]


@pytest.mark.parametrize(("mutation", "actor"), [(m, a) for m, a, _ in REFUSALS])
async def test_a_refused_role_changes_nothing(
    gql: GraphQLClient,
    world: World,
    post_signal: PostSignal,
    demand_rows: DemandRows,
    mutation: str,
    actor: str,
) -> None:
    gid = global_id("DemandSignal", await post_signal(world, sharing_level="NAMED"))
    before = await demand_rows(world.id)
    query, variables = {
        "create": (CREATE, {"input": full_input(world)}),
        "update": (UPDATE, {"input": {"id": gid, "openings": 9}}),
        "withdraw": (WITHDRAW, {"id": gid}),
    }[mutation]

    body = await gql(query, variables, token=world.tokens[actor])

    assert body["data"] is None
    assert error_codes(body) == ["FORBIDDEN"]
    assert await demand_rows(world.id) == before


async def test_a_demand_read_client_posts_nothing(
    gql: GraphQLClient, world: World, demand_reader: str, demand_rows: DemandRows
) -> None:
    body = await gql(CREATE, {"input": full_input(world)}, token=demand_reader)

    assert error_codes(body) == ["FORBIDDEN"]
    assert (await demand_rows(world.id))["demand_signals"] == []


async def test_a_partnership_admin_edits_pooled_demand_but_cannot_find_private_demand(
    gql: GraphQLClient, world: World, post_signal: PostSignal
) -> None:
    pooled = global_id("DemandSignal", await post_signal(world, sharing_level="POOLED"))
    private = global_id("DemandSignal", await post_signal(world, sharing_level="PRIVATE"))

    edited = await gql(
        UPDATE, {"input": {"id": pooled, "openings": 6}}, token=world.tokens["admin"]
    )
    hidden = await gql(
        UPDATE, {"input": {"id": private, "openings": 6}}, token=world.tokens["admin"]
    )

    assert edited["data"]["updateDemandSignal"]["demandSignal"]["openings"] == 6
    assert [e["code"] for e in hidden["data"]["updateDemandSignal"]["userErrors"]] == ["NOT_FOUND"]


async def test_a_demand_read_client_reads_a_named_signal_with_its_vocabulary(
    gql: GraphQLClient, world: World, post_signal: PostSignal, demand_reader: str
) -> None:
    gid = global_id("DemandSignal", await post_signal(world, sharing_level="NAMED"))
    query = """query($id: ID!) { demandSignal(id: $id) {
      occupation { code title } skills { skill { id } level } organization { name } } }"""

    body = await gql(query, {"id": gid}, token=demand_reader)

    assert body == {
        "data": {
            "demandSignal": {
                "occupation": {"code": "51-4041", "title": "Machinists"},
                "skills": [
                    {"skill": {"id": "2.B.3.h"}, "level": 3},
                    {"skill": {"id": "ES.teamwork"}, "level": 2},
                ],
                "organization": {"name": "alpha employer"},
            }
        }
    }
