"""The version history of demand signals.

Version N of a signal is one ``demand_signal_versions`` row: the signal's
complete state as of version N (``snapshot``, skills included), the fields
that changed from version N-1 (``changes``: ``{"field": {"from": a, "to": b}}``;
on version 1 every field, from null), who made the change and when. Creating
a signal writes version 1; every change writes the next version and bumps
``demand_signals.version``, so rows 1 to N-1 keep every earlier state and the
newest row always equals the current signal. Rows are never updated.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant
from coalition.demand.models import DemandSignal, DemandSignalVersion
from coalition.demand.permissions import history_clause, visible_signals
from coalition.demand.quarters import format_quarter
from coalition.pagination import Page, PageRequest, after_clause, build_page, check_page_request

# The fields of a snapshot, in the order a reader would want them.
SNAPSHOT_FIELDS = (
    "organization_id",
    "external_id",
    "occupation_code",
    "openings",
    "start_quarter",
    "end_quarter",
    "openings_kind",
    "skills",
    "wage_min_cents",
    "wage_max_cents",
    "wage_unit",
    "currency",
    "is_degree_required",
    "credentials",
    "work_based_learning",
    "city",
    "postal_code",
    "sharing_level",
    "status",
)
# Snapshot keys that are not their column's name: the wage columns were renamed to the
# kernel's ``_minor`` suffix (migration 0007), but recorded history keeps its keys.
COLUMN_OF_FIELD = {"wage_min_cents": "wage_min_minor", "wage_max_cents": "wage_max_minor"}


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


def snapshot(columns: Mapping[str, Any], skills: Sequence[tuple[str, int]]) -> dict[str, Any]:
    """A signal's state as JSON (``columns`` by column name): quarters as "2027Q1", enums
    by name, skills by ID, wages in minor units (cents), no ``external_id`` read as none."""
    state: dict[str, Any] = {}
    for field in SNAPSHOT_FIELDS:
        column = COLUMN_OF_FIELD.get(field, field)
        if field == "skills":
            # By skill ID, as they are read back: a set of skills has no order of its own.
            state[field] = [{"skill_id": skill, "level": level} for skill, level in sorted(skills)]
        elif field == "external_id":
            state[field] = columns.get(column)
        elif field in ("start_quarter", "end_quarter"):
            state[field] = format_quarter(columns[column])
        elif field in ("credentials", "work_based_learning"):
            state[field] = [str(item) for item in columns[column]]
        else:
            state[field] = _plain(columns[column])
    return state


def changes_between(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """The fields whose value differs, ``{"field": {"from": old, "to": new}}`` (a field a
    snapshot lacks, as versions written before it existed do, reads as none)."""
    return {
        field: {"from": before.get(field), "to": after.get(field)}
        for field in SNAPSHOT_FIELDS
        if before.get(field) != after.get(field)
    }


def version_row(
    principal: Principal,
    *,
    signal_id: uuid.UUID,
    version: int,
    state: dict[str, Any],
    changes: dict[str, Any],
    at: datetime,
) -> dict[str, Any]:
    """The values of one history row (for a bulk insert or ``DemandSignalVersion(**row)``)."""
    return {
        "tenant_id": principal.tenant_id,
        "id": uuid.uuid4(),
        "signal_id": signal_id,
        "version": version,
        "snapshot": state,
        "changes": changes,
        "changed_by_kind": principal.kind.value,
        "changed_by_id": principal.id,
        "changed_by_label": principal.label[:320],
        "changed_at": at,
    }


async def versions_of_signals(
    session: AsyncSession,
    principal: Principal,
    signal_ids: Sequence[uuid.UUID],
    *,
    page: PageRequest,
) -> dict[uuid.UUID, Page[DemandSignalVersion] | None]:
    """One page of history (newest version first) per signal, in one statement.

    None for a signal the caller may not see or whose history it may not read (a NAMED
    signal's viewers from other organizations see only its current state).
    """
    check_page_request(page)
    readable = (
        visible_signals(principal)
        .where(DemandSignal.id.in_(signal_ids), history_clause(principal))
        .with_only_columns(DemandSignal.id)
    )
    allowed = set(await session.scalars(readable))
    if not allowed:
        return {signal_id: None for signal_id in signal_ids}
    version = DemandSignalVersion
    counted = (
        select(
            version.id,
            version.signal_id,
            version.version,
            func.count().over(partition_by=version.signal_id).label("total"),
        )
        .where(in_tenant(version, principal), version.signal_id.in_(allowed))
        .subquery()
    )
    ranked = select(
        counted.c.id,
        counted.c.total,
        func.row_number()
        .over(partition_by=counted.c.signal_id, order_by=counted.c.version.desc())
        .label("position"),
    )
    condition = after_clause([counted.c.version], page, [int], descending=True)
    if condition is not None:
        ranked = ranked.where(condition)
    positions = ranked.subquery()
    rows = await session.execute(
        select(version, positions.c.total)
        .join(positions, positions.c.id == version.id)
        .where(in_tenant(version, principal), positions.c.position <= page.first + 1)
        .order_by(version.signal_id, version.version.desc())
    )
    grouped: dict[uuid.UUID, list[DemandSignalVersion]] = {}
    totals: dict[uuid.UUID, int] = {}
    for row, total in rows:
        grouped.setdefault(row.signal_id, []).append(row)
        totals[row.signal_id] = total
    return {
        signal_id: build_page(
            grouped.get(signal_id, []),
            page,
            totals.get(signal_id, 0),
            lambda row: (row.version,),
        )
        if signal_id in allowed
        else None
        for signal_id in signal_ids
    }


__all__ = [
    "COLUMN_OF_FIELD",
    "SNAPSHOT_FIELDS",
    "changes_between",
    "snapshot",
    "version_row",
    "versions_of_signals",
]
