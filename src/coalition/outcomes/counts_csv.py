"""Importing a member's aggregate counts from a CSV file: all of it, or nothing.

One row per breakdown cell, under the header ``quarter, program, initiative, dimension,
value, served, exited, completed, credentialed, placed`` (``program``, ``initiative``
and ``value`` may be left out or empty). ``program`` is the external ID of one of the
member's training programs, ``initiative`` an initiative's name. The rows of one
quarter, program and initiative are one report (``counts.report_aggregate_counts``):
they replace the counts reported before for it, with the same rules; every problem of
every report is given by line and column before anything is written.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import Principal
from coalition.csv_files import ImportReport, Record, RowError, read_records
from coalition.db.scoping import in_tenant, scoped
from coalition.funds.models.initiatives import Initiative
from coalition.outcomes.counts import CountRow, clean_rows, parse_quarter, report_aggregate_counts
from coalition.outcomes.models import AggregateCount
from coalition.outcomes.periods import Period
from coalition.outcomes.service import reporting_organization
from coalition.supply.models import TrainingProgram
from coalition.telemetry import activity
from coalition.validation import Checker

COUNT_COLUMNS = ("served", "exited", "completed", "credentialed", "placed")
COLUMNS = ("quarter", "program", "initiative", "dimension", "value", *COUNT_COLUMNS)
REQUIRED = ("quarter", "dimension", *COUNT_COLUMNS)


def _normalized(name: str) -> str:
    return " ".join(name.split()).casefold()


@dataclass
class _Report:
    """The rows of one key of the file, in file order."""

    quarter: str
    program: str
    initiative: str
    records: list[Record] = field(default_factory=list)


async def _names(
    session: AsyncSession, principal: Principal, organization_id: uuid.UUID
) -> tuple[dict[str, uuid.UUID], dict[str, uuid.UUID]]:
    programs = await session.execute(
        scoped(TrainingProgram, principal)
        .where(TrainingProgram.organization_id == organization_id)
        .with_only_columns(TrainingProgram.external_id, TrainingProgram.id)
    )
    initiatives = await session.execute(
        scoped(Initiative, principal).with_only_columns(Initiative.name, Initiative.id)
    )
    return (
        {external_id: key for external_id, key in programs if external_id},
        {_normalized(name): key for name, key in initiatives},
    )


def _row(record: Record) -> CountRow:
    cells = record.cells
    return CountRow(
        cells.get("dimension", "").upper() or None,
        cells.get("value") or None,
        *(cells.get(name, "") or None for name in COUNT_COLUMNS),
    )


def _problems(report: _Report, check: Checker) -> list[RowError]:
    """The checker's problems of one report, each on its row's line and column (those of
    the whole report on its first row)."""
    first = report.records[0].line
    found: list[RowError] = []
    for error in check.errors:
        if error.field[:1] == ("rows",) and len(error.field) == 3:
            record = report.records[int(error.field[1])]
            found.append(RowError(record.line, error.field[2], error.message))
        elif error.field == ("rows",):
            found.append(RowError(first, "dimension", error.message))
        else:
            found.append(RowError(first, error.field[0], error.message))
    return found


async def import_aggregate_counts(
    session: AsyncSession, principal: Principal, *, organization_id: uuid.UUID, text: str
) -> ImportReport:
    """Report every quarter, program and initiative of the file for ``organization_id``,
    or nothing when any row is bad. The caller must keep the member's records (as for
    ``counts.report_aggregate_counts``: Forbidden otherwise). Rows of a key reported
    before count as updated, the others as created."""
    organization = await reporting_organization(session, principal, organization_id)
    records, problems = read_records(text, columns=COLUMNS, required=REQUIRED)
    programs, initiatives = await _names(session, principal, organization.id)
    reports: dict[tuple[str, str, str], _Report] = {}
    for record in records:
        cells = record.cells
        key = (
            cells["quarter"].upper(),
            cells.get("program", ""),
            _normalized(cells.get("initiative", "")),
        )
        reports.setdefault(key, _Report(*key)).records.append(record)
    today = datetime.now(UTC).date()
    keys: list[tuple[_Report, Period, uuid.UUID | None, uuid.UUID | None]] = []
    for report in reports.values():
        check = Checker()
        period = parse_quarter(check, report.quarter, today=today)
        program_id = programs.get(report.program) if report.program else None
        if report.program and program_id is None:
            message = "No training program of this organization has this external ID."
            check.add(("program",), message, "NOT_FOUND")
        initiative_id = initiatives.get(report.initiative) if report.initiative else None
        if report.initiative and initiative_id is None:
            check.add(("initiative",), "No initiative has this name.", "NOT_FOUND")
        clean_rows(check, [_row(record) for record in report.records])
        problems += _problems(report, check)
        if period is not None:
            keys.append((report, period, program_id, initiative_id))
    if problems:
        return activity.import_finished(
            session, kind="aggregate_counts", report=ImportReport.refused(problems)
        )
    created = updated = 0
    for report, period, program_id, initiative_id in keys:
        before = await session.scalar(
            select(func.count())
            .select_from(AggregateCount)
            .where(
                in_tenant(AggregateCount, principal),
                AggregateCount.organization_id == organization.id,
                AggregateCount.program_id.is_not_distinct_from(program_id),
                AggregateCount.initiative_id.is_not_distinct_from(initiative_id),
                AggregateCount.quarter_starts_on == period.starts_on,
            )
        )
        written = await report_aggregate_counts(
            session,
            principal,
            organization_id=organization.id,
            quarter=period.label,
            program_id=program_id,
            initiative_id=initiative_id,
            rows=[_row(record) for record in report.records],
        )
        if before:
            updated += len(written)
        else:
            created += len(written)
    return activity.import_finished(
        session, kind="aggregate_counts", report=ImportReport(created, updated, 0, [])
    )


__all__ = ["COLUMNS", "REQUIRED", "import_aggregate_counts"]
