"""An initiative's outcome targets: set (and set again), removed, read on the initiative
by period, refused for bad input and for anyone but a partnership admin, audited, and
invisible to another partnership."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest

from coalition.audit.models import AuditEvent
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.funds.service.initiatives import create_initiative
from coalition.outcomes.models import OutcomeTarget
from tests.demand.support import principal_of
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.snapshots import snapshot
from tests.support.statements import StatementCounter, without_tenant_filter
from tests.support.world import World, global_id

TARGET = """id metric kind period startsOn endsOn target amount { amountMinor currency }
  initiative { id name }"""
SET = f"""mutation($input: SetOutcomeTargetInput!) {{
  setOutcomeTarget(input: $input) {{ outcomeTarget {{ {TARGET} }}
    userErrors {{ field message code }} }} }}"""
REMOVE = """mutation($input: RemoveOutcomeTargetInput!) {
  removeOutcomeTarget(input: $input) { removedOutcomeTargetId
    userErrors { field message code } } }"""
TARGETS = """query($id: ID!, $period: String, $first: Int! = 20, $after: String) {
  initiative(id: $id) { outcomeTargets(first: $first, after: $after, period: $period) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { metric period target } } } } }"""
NODE = """query($id: ID!) { node(id: $id) { __typename id
  ... on OutcomeTarget { metric target } } }"""
TABLES = (OutcomeTarget.__table__,)
ACTORS = [
    "admin",
    "analyst",
    "org_admin",
    "member",
    "other_org_admin",
    "college_admin",
    "college_member",
    "reader",
    "writer",
    None,
]


async def _initiative(sessions: SessionFactory, world: World, name: str = "Machinists") -> str:
    """An initiative running 2026-01-01 to 2027-12-31, made as the convener; its global ID."""
    async with tenant_transaction(sessions, world.id) as session:
        initiative = await create_initiative(
            session,
            principal_of(world, "admin"),
            name=name,
            description=None,
            starts_on=date(2026, 1, 1),
            ends_on=date(2027, 12, 31),
            participant_ids=[],
        )
    return global_id("Initiative", initiative.id)


@pytest.fixture
async def initiative(owner_sessions: SessionFactory, world: World) -> str:
    return await _initiative(owner_sessions, world)


def _input(initiative: str, **overrides: Any) -> dict[str, Any]:
    return {
        "input": {"initiativeId": initiative, "metric": "ENROLLMENTS", "period": "2026Q1"}
        | {"target": "120"}
        | overrides
    }


async def _set(gql: GraphQLClient, world: World, initiative: str, **overrides: Any) -> Any:
    body = await gql(SET, _input(initiative, **overrides), token=world.tokens["admin"])
    return body["data"]["setOutcomeTarget"]


async def _events(sessions: SessionFactory, world: World) -> list[tuple[str, dict[str, Any]]]:
    rows = (await snapshot(sessions, world.id, [AuditEvent.__table__]))["audit_events"]
    ordered = sorted(rows, key=lambda row: row["occurred_at"])
    return [(r["action"], r["changes"]) for r in ordered if r["action"].startswith("outcome_")]


@pytest.mark.parametrize(
    ("metric", "given", "kind", "shown", "cents"),
    [
        ("ENROLLMENTS", "120", "COUNT", "120", None),
        ("WIOA_EMPLOYMENT_Q2", "0.75", "RATE", "0.75", None),
        ("WIOA_CREDENTIAL_RATE", "1", "RATE", "1", None),
        ("TPM_CAPTURE_RATE", "0.0525", "RATE", "0.0525", None),
        ("MEDIAN_WAGE_AT_PLACEMENT", "23.5", "MONEY", "23.50", "2350"),
        ("COST_PER_PLACEMENT", " 4200 ", "MONEY", "4200.00", "420000"),
    ],
)
async def test_a_target_is_set_in_its_metrics_unit(
    gql: GraphQLClient,
    world: World,
    initiative: str,
    metric: str,
    given: str,
    kind: str,
    shown: str,
    cents: str | None,
) -> None:
    payload = await _set(gql, world, initiative, metric=metric, target=given, period="py2025")

    assert payload["userErrors"] == []
    target = payload["outcomeTarget"]
    target.pop("id")
    assert target == {
        "metric": metric,
        "kind": kind,
        "period": "PY2025",
        "startsOn": "2025-07-01",
        "endsOn": "2026-06-30",
        "target": shown,
        "amount": {"amountMinor": cents, "currency": "USD"} if cents else None,
        "initiative": {"id": initiative, "name": "Machinists"},
    }


async def test_setting_a_target_again_changes_it_and_both_are_audited(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory, initiative: str
) -> None:
    first = await _set(gql, world, initiative, target="120")
    again = await _set(gql, world, initiative, target="150", period="2026q1")
    same = await _set(gql, world, initiative, target="150")

    assert first["outcomeTarget"]["id"] == again["outcomeTarget"]["id"]
    assert same["outcomeTarget"]["id"] == first["outcomeTarget"]["id"]
    assert again["outcomeTarget"]["target"] == "150"
    rows = (await snapshot(owner_sessions, world.id, TABLES))["outcome_targets"]
    assert [(r["metric"], r["period"], r["target"]) for r in rows] == [
        ("ENROLLMENTS", "2026Q1", 150)
    ]
    where = {
        "initiative_id": str(rows[0]["initiative_id"]),
        "metric": "ENROLLMENTS",
        "period": "2026Q1",
    }
    # Setting the value it already has records nothing.
    assert await _events(owner_sessions, world) == [
        ("outcome_target.create", where | {"target": {"from": None, "to": "120"}}),
        ("outcome_target.update", where | {"target": {"from": "120", "to": "150"}}),
    ]


async def test_a_money_target_is_stored_in_cents(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory, initiative: str
) -> None:
    await _set(gql, world, initiative, metric="COST_PER_CREDENTIAL", target="3150.25")

    rows = (await snapshot(owner_sessions, world.id, TABLES))["outcome_targets"]
    assert [r["target"] for r in rows] == [315025]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"target": "12.5"}, [("target", "INVALID")]),
        ({"target": "-3"}, [("target", "OUT_OF_RANGE")]),
        ({"target": ""}, [("target", "REQUIRED")]),
        ({"target": "ten"}, [("target", "INVALID")]),
        ({"target": "1e3"}, [("target", "INVALID")]),
        ({"target": "10000001"}, [("target", "OUT_OF_RANGE")]),
        ({"metric": "COMPLETION_RATE", "target": "75"}, [("target", "OUT_OF_RANGE")]),
        ({"metric": "COMPLETION_RATE", "target": "0.12345"}, [("target", "INVALID")]),
        ({"metric": "COMPLETION_RATE", "target": "-0.1"}, [("target", "OUT_OF_RANGE")]),
        ({"metric": "MEDIAN_WAGE_AT_PLACEMENT", "target": "23.505"}, [("target", "INVALID")]),
        ({"metric": "MEDIAN_WAGE_AT_PLACEMENT", "target": "0"}, [("target", "OUT_OF_RANGE")]),
        (
            {"metric": "COST_PER_PLACEMENT", "target": "1000000000.01"},
            [("target", "OUT_OF_RANGE")],
        ),
        ({"period": "2026Q5"}, [("period", "INVALID")]),
        ({"period": "Q1 2026"}, [("period", "INVALID")]),
        ({"period": "1900"}, [("period", "INVALID")]),
        ({"period": "2028Q1"}, [("period", "OUT_OF_RANGE")]),
        ({"period": "2025Q4"}, [("period", "OUT_OF_RANGE")]),
        (
            {"initiativeId": "no-such-id", "period": "bad", "target": "x"},
            [("initiativeId", "NOT_FOUND")],
        ),
    ],
)
async def test_a_bad_target_is_refused_and_nothing_is_written(
    gql: GraphQLClient,
    world: World,
    owner_sessions: SessionFactory,
    initiative: str,
    overrides: dict[str, Any],
    expected: list[tuple[str, str]],
) -> None:
    payload = await _set(gql, world, initiative, **overrides)

    assert payload["outcomeTarget"] is None
    assert [(".".join(e["field"]), e["code"]) for e in payload["userErrors"]] == expected
    assert (await snapshot(owner_sessions, world.id, TABLES))["outcome_targets"] == []


async def test_every_problem_of_a_target_is_reported_at_once(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    unknown = global_id("Initiative", uuid.uuid4())
    payload = await _set(gql, world, unknown, period="2026Q9", target="-1")

    assert [(".".join(e["field"]), e["code"], e["message"]) for e in payload["userErrors"]] == [
        ("initiativeId", "NOT_FOUND", "No initiative with this ID."),
        (
            "period",
            "INVALID",
            "The period must be a calendar quarter (2026Q1), a program year (PY2025, July to "
            "June) or a calendar year (2026).",
        ),
        ("target", "OUT_OF_RANGE", "A target may not be below zero."),
    ]


async def test_an_unknown_metric_is_refused_by_the_schema(
    gql: GraphQLClient, world: World, initiative: str
) -> None:
    body = await gql(SET, _input(initiative, metric="HAPPINESS"), token=world.tokens["admin"])

    assert body["data"] is None
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_a_target_is_removed_and_the_removal_audited(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory, initiative: str
) -> None:
    target = (await _set(gql, world, initiative, metric="PLACEMENT_RATE", target="0.6"))[
        "outcomeTarget"
    ]["id"]

    body = await gql(REMOVE, {"input": {"id": target}}, token=world.tokens["admin"])
    again = await gql(REMOVE, {"input": {"id": target}}, token=world.tokens["admin"])

    assert body["data"]["removeOutcomeTarget"] == {
        "removedOutcomeTargetId": target,
        "userErrors": [],
    }
    assert again["data"]["removeOutcomeTarget"] == {
        "removedOutcomeTargetId": None,
        "userErrors": [
            {"field": ["id"], "message": "No outcome target with this ID.", "code": "NOT_FOUND"}
        ],
    }
    assert (await snapshot(owner_sessions, world.id, TABLES))["outcome_targets"] == []
    events = await _events(owner_sessions, world)
    assert [action for action, _ in events] == ["outcome_target.create", "outcome_target.remove"]
    assert events[1][1]["target"] == {"from": "0.6", "to": None}
    assert (await gql(NODE, {"id": target}, token=world.tokens["admin"]))["data"] == {"node": None}


async def test_targets_page_by_period_start_and_filter_by_period(
    gql: GraphQLClient, world: World, initiative: str
) -> None:
    for period, metric in [
        ("2026Q2", "ENROLLMENTS"),
        ("2026", "PLACEMENTS"),
        ("2027Q1", "ENROLLMENTS"),
        ("PY2026", "COMPLETIONS"),
    ]:
        assert (await _set(gql, world, initiative, period=period, metric=metric))[
            "userErrors"
        ] == []
    token = world.tokens["analyst"]

    first = (await gql(TARGETS, {"id": initiative, "first": 2}, token=token))["data"]
    connection = first["initiative"]["outcomeTargets"]
    after = connection["pageInfo"]["endCursor"]
    rest = (await gql(TARGETS, {"id": initiative, "first": 2, "after": after}, token=token))[
        "data"
    ]["initiative"]["outcomeTargets"]
    year = (await gql(TARGETS, {"id": initiative, "period": "2026"}, token=token))["data"]
    quarter = (await gql(TARGETS, {"id": initiative, "period": "2026q2"}, token=token))["data"]
    bad = await gql(TARGETS, {"id": initiative, "period": "soon"}, token=token)

    def periods(found: dict[str, Any]) -> list[str]:
        return [edge["node"]["period"] for edge in found["edges"]]

    assert (connection["totalCount"], connection["pageInfo"]["hasNextPage"]) == (4, True)
    assert periods(connection) == ["2026", "2026Q2"]
    assert (rest["pageInfo"]["hasNextPage"], periods(rest)) == (False, ["PY2026", "2027Q1"])
    assert periods(year["initiative"]["outcomeTargets"]) == ["2026", "2026Q2"]
    assert periods(quarter["initiative"]["outcomeTargets"]) == ["2026Q2"]
    assert error_codes(bad) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize("actor", ACTORS)
async def test_only_a_partnership_admin_sets_or_removes_a_target(
    gql: GraphQLClient,
    world: World,
    owner_sessions: SessionFactory,
    initiative: str,
    actor: str | None,
) -> None:
    existing = (await _set(gql, world, initiative, metric="CREDENTIALS"))["outcomeTarget"]["id"]
    before = await snapshot(owner_sessions, world.id, TABLES)
    token = world.tokens[actor] if actor else None

    set_body = await gql(SET, _input(initiative, target="99"), token=token)
    removed = await gql(REMOVE, {"input": {"id": existing}}, token=token)

    after = await snapshot(owner_sessions, world.id, TABLES)
    if actor == "admin":
        assert set_body["data"]["setOutcomeTarget"]["userErrors"] == []
        assert removed["data"]["removeOutcomeTarget"]["userErrors"] == []
        assert [r["metric"] for r in after["outcome_targets"]] == ["ENROLLMENTS"]
        return
    assert after == before
    expected = ["UNAUTHENTICATED"] if actor is None else ["FORBIDDEN"]
    assert error_codes(set_body) == expected
    assert error_codes(removed) == expected


@pytest.mark.parametrize("actor", ACTORS)
async def test_whoever_reads_the_initiative_reads_its_targets(
    gql: GraphQLClient, world: World, initiative: str, actor: str | None
) -> None:
    target = (await _set(gql, world, initiative))["outcomeTarget"]["id"]
    token = world.tokens[actor] if actor else None

    listed = await gql(TARGETS, {"id": initiative}, token=token)
    node = await gql(NODE, {"id": target}, token=token)

    if actor is None:
        assert error_codes(listed) == error_codes(node) == ["UNAUTHENTICATED"]
        return
    if actor in {"reader", "writer"}:
        # Apps read initiatives with funds:read only, which these lack.
        assert error_codes(listed) == error_codes(node) == ["FORBIDDEN"]
        return
    assert listed["data"]["initiative"]["outcomeTargets"]["edges"] == [
        {"node": {"metric": "ENROLLMENTS", "period": "2026Q1", "target": "120"}}
    ]
    assert node["data"]["node"] == {
        "__typename": "OutcomeTarget",
        "id": target,
        "metric": "ENROLLMENTS",
        "target": "120",
    }


async def test_another_partnership_neither_sees_nor_touches_a_target(
    gql: GraphQLClient,
    world: World,
    other_world: World,
    owner_sessions: SessionFactory,
    initiative: str,
) -> None:
    target = (await _set(gql, world, initiative))["outcomeTarget"]["id"]
    before = await snapshot(owner_sessions, world.id, TABLES)
    token = other_world.tokens["admin"]

    listed = await gql(TARGETS, {"id": initiative}, token=token)
    node = await gql(NODE, {"id": target}, token=token)
    set_body = await gql(SET, _input(initiative, target="1"), token=token)
    removed = await gql(REMOVE, {"input": {"id": target}}, token=token)

    assert listed == {"data": {"initiative": None}}
    assert node == {"data": {"node": None}}
    assert set_body["data"]["setOutcomeTarget"]["userErrors"] == [
        {"field": ["initiativeId"], "message": "No initiative with this ID.", "code": "NOT_FOUND"}
    ]
    assert removed["data"]["removeOutcomeTarget"]["userErrors"] == [
        {"field": ["id"], "message": "No outcome target with this ID.", "code": "NOT_FOUND"}
    ]
    assert await snapshot(owner_sessions, world.id, TABLES) == before
    assert (await snapshot(owner_sessions, other_world.id, TABLES))["outcome_targets"] == []


INITIATIVES = """{ initiatives(first: 50) { edges { node { id
  outcomeTargets(first: 10) { totalCount edges { node { id metric target } } } } } } }"""


async def test_targets_of_many_initiatives_take_the_same_statements_as_of_one(
    gql: GraphQLClient,
    world: World,
    owner_sessions: SessionFactory,
    count_statements: StatementCounter,
) -> None:
    async def count() -> int:
        count_statements.statements.clear()
        body = await gql(INITIATIVES, token=world.tokens["admin"])
        assert "errors" not in body
        assert without_tenant_filter(count_statements.statements) == []
        return count_statements.count

    first = await _initiative(owner_sessions, world, "One")
    await _set(gql, world, first)
    one = await count()
    for index in range(4):
        other = await _initiative(owner_sessions, world, f"Other {index}")
        await _set(gql, world, other)
        await _set(gql, world, other, metric="PLACEMENTS")
    five = await count()

    assert five == one
