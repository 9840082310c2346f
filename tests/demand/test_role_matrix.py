"""Each demand mutation tried by each role and app: the refused ones write nothing (but
their denial, in the audit log).

The rules (demand/permissions.py): an employer's members and organization admins post,
change and withdraw its demand; partnership admins do so for any employer; analysts,
other employers' people and partner apps (whatever their scopes) never do; without a
token nothing at all. The signal acted on is NAMED, so every caller can see it and a
refusal is FORBIDDEN, not a missing ID. Publishing a release of pooled demand is for
partnership admins alone.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from coalition.db.engine import SessionFactory
from coalition.demand.models import SharingLevel
from tests.demand.support import HEADER, PostSignal, full_input, import_input
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.snapshots import Rows, snapshot
from tests.support.world import World, global_id

ACTORS = ["admin", "analyst", "org_admin", "member", "other_org_admin", "reader", "writer", None]
AUTHORS = frozenset({"admin", "org_admin", "member"})
DEMAND = ("demand_signals", "demand_signal_skills", "demand_signal_versions")
USER_ERRORS = "userErrors { field message code }"


def _unchanged_except(before: Rows, after: Rows, *tables: str) -> None:
    for name in before:
        if name not in (*tables, "audit_events"):
            assert after[name] == before[name], name


def _one_new_signal(openings: int) -> Callable[[World, uuid.UUID, Rows, Rows], None]:
    def check(world: World, signal_id: uuid.UUID, before: Rows, after: Rows) -> None:
        _unchanged_except(before, after, *DEMAND)
        known = {row["id"] for row in before["demand_signals"]}
        [new] = [row for row in after["demand_signals"] if row["id"] not in known]
        assert (new["organization_id"], new["openings"], new["version"]) == (
            world.organizations["employer"],
            openings,
            1,
        )
        assert len(after["demand_signal_versions"]) == len(before["demand_signal_versions"]) + 1
        assert len(after["audit_events"]) == len(before["audit_events"]) + 1

    return check


def _changed(**columns: Any) -> Callable[[World, uuid.UUID, Rows, Rows], None]:
    def check(world: World, signal_id: uuid.UUID, before: Rows, after: Rows) -> None:
        _unchanged_except(before, after, *DEMAND)
        [old] = [row for row in before["demand_signals"] if row["id"] == signal_id]
        [new] = [row for row in after["demand_signals"] if row["id"] == signal_id]
        assert {key: new[key] for key in columns} == columns
        assert new["version"] == old["version"] + 1
        assert len(after["demand_signals"]) == len(before["demand_signals"])
        assert len(after["audit_events"]) == len(before["audit_events"]) + 1

    return check


def _one_new_release(world: World, signal_id: uuid.UUID, before: Rows, after: Rows) -> None:
    _unchanged_except(
        before, after, "demand_releases", "demand_release_cells", "demand_noise_secrets"
    )
    assert len(after["demand_releases"]) == len(before["demand_releases"]) + 1
    assert len(after["demand_release_cells"]) > len(before["demand_release_cells"])
    assert len(after["audit_events"]) == len(before["audit_events"]) + 1


@dataclass(frozen=True)
class Case:
    field: str
    document: str
    variables: Callable[[World, uuid.UUID], dict[str, Any]]
    effect: Callable[[World, uuid.UUID, Rows, Rows], None]
    allowed: frozenset[str] = AUTHORS


CASES: dict[str, Case] = {
    "createDemandSignal": Case(
        "createDemandSignal",
        f"""mutation($input: CreateDemandSignalInput!) {{ createDemandSignal(input: $input) {{
            demandSignal {{ id }} {USER_ERRORS} }} }}""",
        lambda world, signal_id: {"input": full_input(world) | {"openings": 7}},
        _one_new_signal(7),
    ),
    "updateDemandSignal": Case(
        "updateDemandSignal",
        f"""mutation($input: UpdateDemandSignalInput!) {{ updateDemandSignal(input: $input) {{
            demandSignal {{ id openings }} {USER_ERRORS} }} }}""",
        lambda world, signal_id: {
            "input": {"id": global_id("DemandSignal", signal_id), "openings": 9}
        },
        _changed(openings=9),
    ),
    "withdrawDemandSignal": Case(
        "withdrawDemandSignal",
        f"""mutation($id: ID!) {{ withdrawDemandSignal(input: {{id: $id}}) {{
            demandSignal {{ id status }} {USER_ERRORS} }} }}""",
        lambda world, signal_id: {"id": global_id("DemandSignal", signal_id)},
        _changed(status="WITHDRAWN"),
    ),
    "importDemandSignals": Case(
        "importDemandSignals",
        f"""mutation($input: ImportDemandSignalsInput!) {{ importDemandSignals(input: $input) {{
            importedCount {USER_ERRORS} }} }}""",
        lambda world, signal_id: import_input(world, HEADER + "\n51-4041,5,2027Q1,2027Q4,growth\n"),
        _one_new_signal(5),
    ),
    "publishDemandRelease": Case(
        "publishDemandRelease",
        f"mutation {{ publishDemandRelease {{ release {{ id }} {USER_ERRORS} }} }}",
        lambda world, signal_id: {},
        _one_new_release,
        frozenset({"admin"}),
    ),
}


@pytest.mark.parametrize("actor", ACTORS, ids=lambda actor: actor or "anonymous")
@pytest.mark.parametrize("case_name", list(CASES))
async def test_each_demand_mutation_by_each_actor(
    gql: GraphQLClient,
    world: World,
    owner_sessions: SessionFactory,
    post_signal: PostSignal,
    case_name: str,
    actor: str | None,
) -> None:
    # given
    case = CASES[case_name]
    signal_id = await post_signal(world, sharing_level=SharingLevel.NAMED)
    token = world.tokens[actor] if actor else None
    before = await snapshot(owner_sessions, world.id)

    # when
    body = await gql(case.document, case.variables(world, signal_id), token=token)

    # then
    after = await snapshot(owner_sessions, world.id)
    if actor in case.allowed:
        assert "errors" not in body, body
        assert body["data"][case.field]["userErrors"] == []
        case.effect(world, signal_id, before, after)
    else:
        expected = "UNAUTHENTICATED" if actor is None else "FORBIDDEN"
        assert error_codes(body) == [expected]
        assert body["errors"][0]["path"] == [case.field]
        assert body["data"] is None
        # Nothing written but the denial itself, in the audit log (none without a token).
        _unchanged_except(before, after)
        known = {row["id"] for row in before["audit_events"]}
        added = [row["action"] for row in after["audit_events"] if row["id"] not in known]
        assert added == ([] if actor is None else [f"{case.field}.denied"])


async def test_a_signal_the_caller_cannot_see_is_not_found_not_forbidden(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory, post_signal: PostSignal
) -> None:
    signal_id = await post_signal(world, sharing_level=SharingLevel.POOLED)
    before = await snapshot(owner_sessions, world.id)

    body = await gql(
        CASES["updateDemandSignal"].document,
        CASES["updateDemandSignal"].variables(world, signal_id),
        token=world.tokens["other_org_admin"],
    )

    assert body["data"]["updateDemandSignal"] == {
        "demandSignal": None,
        "userErrors": [
            {"field": ["id"], "message": "No demand signal with this ID.", "code": "NOT_FOUND"}
        ],
    }
    assert await snapshot(owner_sessions, world.id) == before


def test_the_matrix_covers_every_demand_mutation() -> None:
    from coalition.demand.schema import Mutation

    definition = Mutation.__strawberry_definition__  # type: ignore[attr-defined]
    names = {field.python_name for field in definition.fields}
    camel = {name.split("_")[0] + "".join(p.title() for p in name.split("_")[1:]) for name in names}

    assert camel == set(CASES)
