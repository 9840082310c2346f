"""A signal's history keeps every version: who changed what, when; and the audit log."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from coalition.audit.models import AuditEvent
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from tests.demand.support import UPDATE, WITHDRAW, DemandRows, PostSignal
from tests.support.graphql import GraphQLClient
from tests.support.world import World, global_id

HISTORY = """query($id: ID!, $after: String) { demandSignal(id: $id) { version
  history(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor }
    edges { node { version changedByKind changedByLabel changes { field from to }
      state { openings status city skills { skillId level }
              wageMin { amountMinor currency } } } } } } }"""
SHORT_HISTORY = """query($id: ID!) { demandSignal(id: $id) { openings
  history { totalCount edges { node { version } } } } }"""


async def _edit_twice(
    gql: GraphQLClient, world: World, post_signal: PostSignal, **fields: Any
) -> tuple[uuid.UUID, str]:
    signal_id = await post_signal(world, city="Holland", **fields)
    gid = global_id("DemandSignal", signal_id)
    changed = await gql(
        UPDATE,
        {
            "input": {
                "id": gid,
                "openings": 6,
                "city": None,
                "skills": [{"skillId": "2.A.1.e", "level": 2}],
            }
        },
        token=world.tokens["org_admin"],
    )
    assert changed["data"]["updateDemandSignal"]["userErrors"] == []
    withdrawn = await gql(WITHDRAW, {"id": gid}, token=world.tokens["admin"])
    assert withdrawn["data"]["withdrawDemandSignal"]["userErrors"] == []
    return signal_id, gid


async def test_every_version_is_kept_newest_first(
    gql: GraphQLClient, world: World, post_signal: PostSignal
) -> None:
    _, gid = await _edit_twice(gql, world, post_signal, sharing_level="POOLED")

    first = await gql(HISTORY, {"id": gid}, token=world.tokens["member"])
    after = first["data"]["demandSignal"]["history"]["pageInfo"]["endCursor"]
    second = await gql(HISTORY, {"id": gid, "after": after}, token=world.tokens["member"])

    assert first["data"]["demandSignal"]["version"] == 3
    history = first["data"]["demandSignal"]["history"]
    assert history["totalCount"] == 3
    assert history["pageInfo"]["hasNextPage"] is True
    assert [edge["node"] for edge in history["edges"]] == [
        {
            "version": 3,
            "changedByKind": "user",
            "changedByLabel": f"admin@{world.slug}.example",
            "changes": [{"field": "status", "from": '"ACTIVE"', "to": '"WITHDRAWN"'}],
            "state": {
                "openings": 6,
                "status": "WITHDRAWN",
                "city": None,
                "skills": [{"skillId": "2.A.1.e", "level": 2}],
                "wageMin": None,
            },
        },
        {
            "version": 2,
            "changedByKind": "user",
            "changedByLabel": f"org_admin@{world.slug}.example",
            "changes": [
                {"field": "openings", "from": "4", "to": "6"},
                {
                    "field": "skills",
                    "from": '[{"level": 3, "skill_id": "2.B.3.h"}, '
                    '{"level": 2, "skill_id": "ES.teamwork"}]',
                    "to": '[{"level": 2, "skill_id": "2.A.1.e"}]',
                },
                {"field": "city", "from": '"Holland"', "to": None},
            ],
            "state": {
                "openings": 6,
                "status": "ACTIVE",
                "city": None,
                "skills": [{"skillId": "2.A.1.e", "level": 2}],
                "wageMin": None,
            },
        },
    ]
    [oldest] = second["data"]["demandSignal"]["history"]["edges"]
    assert second["data"]["demandSignal"]["history"]["pageInfo"]["hasNextPage"] is False
    assert oldest["node"]["version"] == 1
    assert oldest["node"]["changedByLabel"] == f"member@{world.slug}.example"
    assert oldest["node"]["state"] == {
        "openings": 4,
        "status": "ACTIVE",
        "city": "Holland",
        "skills": [{"skillId": "2.B.3.h", "level": 3}, {"skillId": "ES.teamwork", "level": 2}],
        "wageMin": None,
    }
    assert [change["field"] for change in oldest["node"]["changes"]] == [
        "organizationId",
        "occupationCode",
        "openings",
        "startQuarter",
        "endQuarter",
        "openingsKind",
        "skills",
        "currency",
        "isDegreeRequired",
        "credentials",
        "workBasedLearning",
        "city",
        "sharingLevel",
        "status",
    ]


async def test_history_rows_hold_complete_snapshots(
    gql: GraphQLClient, world: World, post_signal: PostSignal, demand_rows: DemandRows
) -> None:
    signal_id, _ = await _edit_twice(
        gql, world, post_signal, wage_min=(2000, "USD"), wage_unit="HOUR", credentials=["OSHA 10"]
    )

    versions = sorted(
        (await demand_rows(world.id))["demand_signal_versions"], key=lambda row: row["version"]
    )

    assert [row["signal_id"] for row in versions] == [signal_id] * 3
    assert versions[0]["snapshot"] == {
        "organization_id": str(world.organizations["employer"]),
        "external_id": None,
        "occupation_code": "51-4041",
        "openings": 4,
        "start_quarter": "2027Q1",
        "end_quarter": "2027Q4",
        "openings_kind": "GROWTH",
        "skills": [{"skill_id": "2.B.3.h", "level": 3}, {"skill_id": "ES.teamwork", "level": 2}],
        "wage_min_cents": 2000,
        "wage_max_cents": None,
        "wage_unit": "HOUR",
        "currency": "USD",
        "is_degree_required": False,
        "credentials": ["OSHA 10"],
        "work_based_learning": [],
        "city": "Holland",
        "postal_code": None,
        "sharing_level": "POOLED",
        "status": "ACTIVE",
    }
    assert versions[1]["snapshot"] == versions[0]["snapshot"] | {
        "openings": 6,
        "city": None,
        "skills": [{"skill_id": "2.A.1.e", "level": 2}],
    }
    assert versions[2]["snapshot"] == versions[1]["snapshot"] | {"status": "WITHDRAWN"}
    assert [(row["changed_by_kind"], row["changed_by_id"]) for row in versions] == [
        ("user", world.users["member"]),
        ("user", world.users["org_admin"]),
        ("user", world.users["admin"]),
    ]
    assert versions[0]["changed_at"] < versions[1]["changed_at"] < versions[2]["changed_at"]


async def test_named_viewers_from_other_organizations_see_no_history(
    gql: GraphQLClient, world: World, post_signal: PostSignal, demand_reader: str
) -> None:
    gid = global_id("DemandSignal", await post_signal(world, sharing_level="NAMED"))
    seen = {}

    for viewer in ("member", "admin", "other_org_admin", "analyst"):
        body = await gql(SHORT_HISTORY, {"id": gid}, token=world.tokens[viewer])
        seen[viewer] = body["data"]["demandSignal"]
    seen["demand_reader"] = (await gql(SHORT_HISTORY, {"id": gid}, token=demand_reader))["data"][
        "demandSignal"
    ]

    one_version = {"totalCount": 1, "edges": [{"node": {"version": 1}}]}
    assert seen == {
        "member": {"openings": 4, "history": one_version},
        "admin": {"openings": 4, "history": one_version},
        "other_org_admin": {"openings": 4, "history": None},
        "analyst": {"openings": 4, "history": None},
        "demand_reader": {"openings": 4, "history": None},
    }


async def test_each_change_writes_its_audit_event(
    gql: GraphQLClient, world: World, post_signal: PostSignal, owner_sessions: SessionFactory
) -> None:
    signal_id, _ = await _edit_twice(gql, world, post_signal)

    async with tenant_transaction(owner_sessions, world.id) as session:
        events = list(
            await session.scalars(
                select(AuditEvent)
                .where(AuditEvent.tenant_id == world.id, AuditEvent.object_id == signal_id)
                .order_by(AuditEvent.occurred_at)
            )
        )

    assert [(event.action, event.actor_id) for event in events] == [
        ("demand_signal.create", world.users["member"]),
        ("demand_signal.update", world.users["org_admin"]),
        ("demand_signal.withdraw", world.users["admin"]),
    ]
    assert events[2].changes == {"status": {"from": "ACTIVE", "to": "WITHDRAWN"}}
    assert events[1].changes["openings"] == {"from": 4, "to": 6}
