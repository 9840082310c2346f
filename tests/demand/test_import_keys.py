"""Importing the same file again: rows with a posting_id update their signal, not duplicate it."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from coalition.audit.models import AuditEvent
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.demand import csv_import, service
from coalition.demand.models import DemandStatus
from tests.demand.support import (
    EXAMPLE,
    HEADER,
    IMPORT_COUNTS,
    DemandRows,
    import_input,
    principal_of,
)
from tests.support.graphql import GraphQLClient
from tests.support.world import World

KEYED = HEADER + ",posting_id"


def _counts(body: dict[str, Any]) -> tuple[int, int, int, int]:
    payload = body["data"]["importDemandSignals"]
    assert payload["rowErrors"] == [], payload
    assert payload["userErrors"] == [], payload
    return (
        payload["importedCount"],
        payload["createdCount"],
        payload["updatedCount"],
        payload["unchangedCount"],
    )


async def _events(owner_sessions: SessionFactory, world: World) -> list[tuple[str, Any]]:
    async with tenant_transaction(owner_sessions, world.id) as session:
        events = await session.scalars(
            select(AuditEvent)
            .where(AuditEvent.tenant_id == world.id, AuditEvent.action.like("demand_signal.%"))
            .order_by(AuditEvent.occurred_at, AuditEvent.id)
        )
        return [(event.action, event.changes) for event in events]


async def test_the_example_file_imported_twice_is_there_once(
    gql: GraphQLClient, world: World, demand_rows: DemandRows, owner_sessions: SessionFactory
) -> None:
    # given
    token = world.tokens["member"]
    first = await gql(IMPORT_COUNTS, import_input(world, EXAMPLE.read_text()), token=token)
    before = await demand_rows(world.id)

    # when
    second = await gql(IMPORT_COUNTS, import_input(world, EXAMPLE.read_text()), token=token)

    # then
    assert _counts(first) == (10, 10, 0, 0)
    assert _counts(second) == (10, 0, 0, 10)
    assert await demand_rows(world.id) == before
    assert sorted(row["external_id"] for row in before["demand_signals"]) == [
        f"HF-{2026100 + line}" for line in range(1, 11)
    ]
    assert [action for action, _ in await _events(owner_sessions, world)] == [
        "demand_signal.import",
        "demand_signal.import",
    ]
    assert (await _events(owner_sessions, world))[1][1] == {
        "demand_signals": {"from": None, "to": 0},
        "updated_demand_signals": {"from": None, "to": 0},
        "unchanged_demand_signals": {"from": None, "to": 10},
    }


async def test_a_changed_row_updates_its_signal_with_a_new_version(
    gql: GraphQLClient, world: World, demand_rows: DemandRows, owner_sessions: SessionFactory
) -> None:
    # given
    token = world.tokens["member"]
    original = KEYED + "\n51-4041,4,2027Q1,2027Q4,growth,P-1\n51-4121,2,2027Q1,2027Q2,growth,P-2\n"
    await gql(IMPORT_COUNTS, import_input(world, original), token=token)
    changed = original.replace("51-4041,4,", "51-4041,6,") + "51-2092,1,2027Q2,2027Q3,growth,\n"

    # when
    body = await gql(IMPORT_COUNTS, import_input(world, changed), token=token)

    # then
    assert _counts(body) == (3, 1, 1, 1)
    rows = await demand_rows(world.id)
    by_key = {row["external_id"]: row for row in rows["demand_signals"]}
    assert sorted(by_key, key=str) == [None, "P-1", "P-2"]
    assert (by_key["P-1"]["openings"], by_key["P-1"]["version"]) == (6, 2)
    assert (by_key["P-2"]["openings"], by_key["P-2"]["version"]) == (2, 1)
    [latest] = [
        row
        for row in rows["demand_signal_versions"]
        if row["signal_id"] == by_key["P-1"]["id"] and row["version"] == 2
    ]
    assert latest["changes"] == {"openings": {"from": 4, "to": 6}}
    assert latest["changed_by_id"] == world.users["member"]
    events = await _events(owner_sessions, world)
    assert events[-2:] == [
        ("demand_signal.update", {"openings": {"from": 4, "to": 6}}),
        (
            "demand_signal.import",
            {
                "demand_signals": {"from": None, "to": 1},
                "updated_demand_signals": {"from": None, "to": 1},
                "unchanged_demand_signals": {"from": None, "to": 1},
            },
        ),
    ]


async def test_a_file_without_posting_ids_imported_twice_is_there_twice(
    gql: GraphQLClient, world: World, demand_rows: DemandRows
) -> None:
    csv = HEADER + "\n51-4041,4,2027Q1,2027Q4,growth\n"

    first = await gql(IMPORT_COUNTS, import_input(world, csv), token=world.tokens["member"])
    second = await gql(IMPORT_COUNTS, import_input(world, csv), token=world.tokens["member"])

    assert (_counts(first), _counts(second)) == ((1, 1, 0, 0), (1, 1, 0, 0))
    assert len((await demand_rows(world.id))["demand_signals"]) == 2


async def test_a_posting_id_twice_in_one_file_is_refused(
    gql: GraphQLClient, world: World, demand_rows: DemandRows
) -> None:
    csv = KEYED + "\n51-4041,4,2027Q1,2027Q4,growth,P-1\n51-4121,2,2027Q1,2027Q2,growth,P-1\n"

    body = await gql(IMPORT_COUNTS, import_input(world, csv), token=world.tokens["member"])

    payload = body["data"]["importDemandSignals"]
    assert payload["rowErrors"] == [
        {"line": 3, "column": "posting_id", "message": "posting_id 'P-1' is on line 2 already."}
    ]
    assert payload["userErrors"] == [
        {"field": ["csv"], "message": "1 row has errors; nothing was imported.", "code": "INVALID"}
    ]
    assert (await demand_rows(world.id))["demand_signals"] == []


async def test_another_employers_posting_id_is_a_new_signal(
    gql: GraphQLClient, world: World, demand_rows: DemandRows
) -> None:
    csv = KEYED + "\n51-4041,4,2027Q1,2027Q4,growth,P-1\n"
    admin = world.tokens["admin"]

    await gql(IMPORT_COUNTS, import_input(world, csv, "other_employer"), token=admin)
    body = await gql(IMPORT_COUNTS, import_input(world, csv), token=admin)

    assert _counts(body) == (1, 1, 0, 0)
    signals = (await demand_rows(world.id))["demand_signals"]
    assert sorted((row["organization_id"], row["external_id"]) for row in signals) == sorted(
        [
            (world.organizations["other_employer"], "P-1"),
            (world.organizations["employer"], "P-1"),
        ]
    )


async def test_a_blank_status_keeps_a_filled_signal_and_a_change_to_it_is_refused(
    owner_sessions: SessionFactory, world: World, demand_rows: DemandRows
) -> None:
    # given: a keyed signal, since marked FILLED
    member = principal_of(world, "member")
    csv = KEYED + "\n51-4041,4,2027Q1,2027Q4,growth,P-1\n"
    today = date(2026, 12, 1)
    employer = world.organizations["employer"]
    async with tenant_transaction(owner_sessions, world.id) as session:
        await csv_import.import_demand_signals(
            session, member, organization_id=employer, text=csv, today=today
        )
    [signal] = (await demand_rows(world.id))["demand_signals"]
    async with tenant_transaction(owner_sessions, world.id) as session:
        await service.update_demand_signal(
            session, member, signal_id=signal["id"], fields={"status": DemandStatus.FILLED}
        )
    before = await demand_rows(world.id)

    # when
    async with tenant_transaction(owner_sessions, world.id) as session:
        again = await csv_import.import_demand_signals(
            session, member, organization_id=employer, text=csv, today=today
        )
        changed = await csv_import.import_demand_signals(
            session,
            member,
            organization_id=employer,
            text=csv.replace(",4,", ",5,"),
            today=today,
        )

    # then
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 1)
    assert [(e.line, e.column, e.message) for e in changed.row_errors] == [
        (2, "posting_id", "This signal is FILLED: it can no longer change.")
    ]
    assert await demand_rows(world.id) == before
