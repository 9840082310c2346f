"""Bulk entry: an employer's demand from a CSV file, all rows or none.

The file is UTF-8 CSV (comma-separated, double-quoted where needed), one
demand signal per row, with this header on the first line (any column order;
the first five columns are required, the others may be left out or empty):

    occupation_code,openings,start_quarter,end_quarter,openings_kind,wage_min,wage_max,
    wage_unit,currency,degree_required,credentials,work_based_learning,skills,city,
    postal_code,sharing_level,status,posting_id

- occupation_code: a SOC 2018 detailed code, ``51-4041``.
- openings: a whole number from 1 to 100000.
- start_quarter, end_quarter: ``2027Q1``; the end not before the start nor before
  the current quarter, the start at most 20 quarters ahead.
- openings_kind: ``growth`` or ``replacement``.
- wage_min, wage_max: amounts like ``23.50`` or ``52,000`` (at most 2 decimals, read
  exactly, never as floats); wage_unit ``hour`` or ``year`` is required with a wage.
- currency: ISO 4217 code, default ``USD`` (see ``wages.CURRENCIES``).
- degree_required: ``yes`` or ``no`` (default no: skills-based hiring).
- credentials: separated by ``;``.
- work_based_learning: separated by ``;``, from registered_apprenticeship,
  pre_apprenticeship, on_the_job_training, internship, earn_and_learn, none.
- skills: ``ID:LEVEL`` pairs separated by ``;``, e.g. ``2.A.1.a:3;ES.teamwork:2``.
- city; postal_code (ZIP: ``12345`` or ``12345-6789``).
- sharing_level: private, pooled or named (default pooled).
- status: draft or active (default active).
- posting_id: the employer's own ID for the posting (at most 100 characters, once
  per file). Optional, and what makes a file safe to import again: a row whose
  posting_id a signal of the employer already has updates that signal (to the
  row's values; blank cells take the defaults, except a blank status, which leaves
  the signal's status as it is) instead of adding a second one. A row without one
  is always a new signal, so a file without the column, imported twice, is there
  twice.

Every row is checked before anything is written (occupation codes and skill
IDs against sets loaded once, posting IDs against the employer's signals); if
any cell is bad the report lists every bad cell (line, column, message) and
nothing is written. Otherwise every new signal, its skills and its version 1 go
in with bulk inserts, every changed signal gets its next version and its own
``demand_signal.update`` audit event, and the import one ``demand_signal.import``
event. The report counts the rows created, updated and unchanged.
``docs/examples/demand.csv`` is an example.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import String, any_, insert, literal
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.service import record_event
from coalition.auth.principal import Principal
from coalition.csv_files import ImportReport, RowError
from coalition.db.scoping import scoped
from coalition.demand import validation
from coalition.demand.csv_rows import Row, read_rows
from coalition.demand.history import changes_between, snapshot, version_row
from coalition.demand.models import (
    DemandSignal,
    DemandSignalSkill,
    DemandSignalVersion,
    SharingLevel,
)
from coalition.demand.reads import vocabulary_for
from coalition.demand.service import (
    FINAL_STATUSES,
    apply_change,
    columns_of,
    employer_for_posting,
    final_status_error,
    lock_posting_ids,
    today_of,
)
from coalition.demand.signal_skills import Skills, skills_of_signals
from coalition.telemetry import activity

CHUNK = 1_000
# What a row's blank cells mean for a signal it updates: the values a new signal
# would take (its status aside: a blank status leaves the signal's as it is).
UPDATE_DEFAULTS: dict[str, Any] = {
    "skills": [],
    "wage_min": None,
    "wage_max": None,
    "wage_unit": None,
    "is_degree_required": False,
    "credentials": [],
    "work_based_learning": [],
    "city": None,
    "postal_code": None,
    "sharing_level": SharingLevel.POOLED,
}

Progress = Callable[[int, int], None]


async def import_demand_signals(
    session: AsyncSession,
    principal: Principal,
    *,
    organization_id: uuid.UUID,
    text: str,
    progress: Progress | None = None,
    today: date | None = None,
) -> ImportReport:
    """Import every row as a signal of ``organization_id``, or none if any row is bad.

    The caller must be allowed to post the employer's demand (``employer_for_posting``);
    a report with row errors means nothing was written. A row with a ``posting_id`` the
    employer's signal already has updates that signal (next version, audited) or leaves
    it unchanged; every other row is a new signal. ``today`` (default: the partnership's)
    bounds the horizons. ``progress(done, total)`` is called as rows are written (rows of
    the signal, skill and version tables together).
    """
    organization = await employer_for_posting(session, principal, organization_id)
    rows, problems = read_rows(text)
    for row in rows:
        row.read()
    problems += _repeated_posting_ids(rows)
    vocabulary = await vocabulary_for(
        session,
        {row.fields["occupation_code"] for row in rows if row.fields["occupation_code"]},
        {skill for row in rows for skill, _ in row.fields.get("skills", ())},
    )
    existing = await _signals_by_posting_id(session, principal, organization.id, rows)
    skills_before = await skills_of_signals(
        session, principal, [signal.id for signal in existing.values()]
    )
    today = today or await today_of(session, principal)
    created: list[dict[str, Any]] = []
    updates: list[tuple[DemandSignal, dict[str, Any]]] = []
    unchanged = 0
    for row in rows:
        signal = existing.get(row.fields.get("external_id") or "")
        if signal is None:
            cleaned, errors = validation.signal_fields(
                row.fields, current=None, vocabulary=vocabulary, today=today
            )
            row.report(errors)
            created.append(validation.defaults() | cleaned)
            continue
        cleaned, errors = validation.signal_fields(
            UPDATE_DEFAULTS | row.fields,
            current=columns_of(signal),
            vocabulary=vocabulary,
            today=today,
        )
        row.report(errors)
        if errors:
            continue
        if not _changes(signal, cleaned, skills_before[signal.id]):
            unchanged += 1
        elif signal.status in FINAL_STATUSES:
            row.report([final_status_error(signal, "externalId")])
        else:
            updates.append((signal, cleaned))
    for row in rows:
        problems.extend(row.errors)
    if problems:
        return activity.import_finished(
            session, kind="demand_signals", report=ImportReport.refused(problems)
        )
    await _insert(session, principal, organization.id, created, progress)
    for signal, cleaned in updates:
        await apply_change(
            session,
            principal,
            signal,
            cleaned=cleaned,
            before_skills=skills_before[signal.id],
            action="demand_signal.update",
        )
    changes: dict[str, Any] = {"demand_signals": {"from": None, "to": len(created)}}
    if existing:
        changes["updated_demand_signals"] = {"from": None, "to": len(updates)}
        changes["unchanged_demand_signals"] = {"from": None, "to": unchanged}
    await record_event(
        session,
        principal,
        action="demand_signal.import",
        object_type="Organization",
        object_id=organization.id,
        changes=changes,
    )
    return activity.import_finished(
        session,
        kind="demand_signals",
        report=ImportReport(len(created), len(updates), unchanged, []),
    )


def _repeated_posting_ids(rows: list[Row]) -> list[RowError]:
    first_line: dict[str, int] = {}
    problems: list[RowError] = []
    for row in rows:
        key = row.fields.get("external_id")
        if key is None:
            continue
        key = key.strip()
        if key in first_line:
            message = f"posting_id {key!r} is on line {first_line[key]} already."
            problems.append(RowError(row.line, "posting_id", message))
        else:
            first_line[key] = row.line
    return problems


async def _signals_by_posting_id(
    session: AsyncSession, principal: Principal, organization_id: uuid.UUID, rows: list[Row]
) -> dict[str, DemandSignal]:
    """The employer's signals the rows' posting IDs name, locked. A concurrent import
    naming posting IDs first waits at the employer's lock until this one commits, then
    finds the signals it made and updates them (row locks alone let two imports of one
    new file both insert the same posting IDs: a unique violation, a 500)."""
    keys = sorted(
        {str(row.fields["external_id"]).strip() for row in rows if row.fields.get("external_id")}
    )
    if not keys:
        return {}
    await lock_posting_ids(session, organization_id)
    # One array parameter, not one parameter per key: a file holds up to 100,000 rows.
    found = await session.scalars(
        scoped(DemandSignal, principal)
        .where(
            DemandSignal.organization_id == organization_id,
            DemandSignal.external_id == any_(literal(keys, ARRAY(String))),
        )
        .order_by(DemandSignal.id)
        .with_for_update()
    )
    return {str(signal.external_id): signal for signal in found}


def _changes(signal: DemandSignal, cleaned: dict[str, Any], skills: Skills) -> dict[str, Any]:
    """What applying ``cleaned`` would change, without touching the signal."""
    after = columns_of(signal) | {k: v for k, v in cleaned.items() if k != "skills"}
    return changes_between(
        snapshot(columns_of(signal), skills), snapshot(after, cleaned.get("skills", skills))
    )


def _records(
    principal: Principal, organization_id: uuid.UUID, rows: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """The rows of the three tables: signals, their skills, their version 1."""
    now = datetime.now(UTC)
    creator = principal.id if principal.is_user else None
    signals: list[dict[str, Any]] = []
    skills: list[dict[str, Any]] = []
    versions: list[dict[str, Any]] = []
    for values in rows:
        signal_id = uuid.uuid4()
        row_skills: Skills = values.pop("skills")
        columns = values | {"organization_id": organization_id}
        signals.append(
            columns
            | {
                "tenant_id": principal.tenant_id,
                "id": signal_id,
                "version": 1,
                "created_by_user_id": creator,
                "created_at": now,
                "updated_at": now,
            }
        )
        skills += [
            {
                "tenant_id": principal.tenant_id,
                "id": uuid.uuid4(),
                "signal_id": signal_id,
                "skill_id": skill_id,
                "level": level,
            }
            for skill_id, level in row_skills
        ]
        state = snapshot(columns, row_skills)
        versions.append(
            version_row(
                principal,
                signal_id=signal_id,
                version=1,
                state=state,
                changes=changes_between({}, state),
                at=now,
            )
        )
    return signals, skills, versions


async def _insert(
    session: AsyncSession,
    principal: Principal,
    organization_id: uuid.UUID,
    rows: list[dict[str, Any]],
    progress: Progress | None,
) -> None:
    # Every signal first, then every skill and version. Interleaving them chunk by chunk
    # made PostgreSQL plan (and cache, for the whole session) the foreign-key check of
    # skills and versions against demand_signals while that table still looked tiny: a
    # sequential scan per row (10,000 rows in a new database: 30 s instead of 4.5 s).
    models = (DemandSignal, DemandSignalSkill, DemandSignalVersion)
    records = _records(principal, organization_id, rows)
    total = sum(len(table_rows) for table_rows in records)
    done = 0
    for model, table_rows in zip(models, records, strict=True):
        for start in range(0, len(table_rows), CHUNK):
            batch = table_rows[start : start + CHUNK]
            await session.execute(insert(model), batch)
            done += len(batch)
            if progress is not None:
                progress(done, total)


__all__ = ["ImportReport", "import_demand_signals"]
