"""Bulk entry: a member's participant records from a CSV file, all rows or none.

The file is UTF-8 CSV with a header naming its columns in any order, by name or by
PIRL element number (``layout``; ``docs/examples/participants.csv`` is an example):
``participant_identifier`` (100) and ``date_of_program_entry`` (900) are required,
the others may be left out or empty.

Re-importing is safe: a row whose participant identifier a record of the member
already has updates that record instead of adding a second one; the identifiers are
taken under the member's advisory lock (``service.lock_participant_identifiers``), so
two imports of one file at once make each record once. Every row is checked before
anything is written; if any cell is bad the report lists every bad cell (line, column,
message) and nothing is written. Otherwise each row goes through the same service as
the API (each record gets its own audit event, naming fields only) and the import one
``participant_record.import`` event with the counts.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import String, any_, literal, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.service import record_event
from coalition.auth.principal import Principal
from coalition.csv_files import ImportReport, RowError
from coalition.db.scoping import in_tenant, scoped
from coalition.funds.models.initiatives import Initiative
from coalition.outcomes import validation
from coalition.outcomes.csv_rows import Names, Row, normalized, read_rows
from coalition.outcomes.models import ParticipantRecord
from coalition.outcomes.service import (
    columns_of,
    create_participant_record,
    lock_participant_identifiers,
    references_of,
    reporting_organization,
    update_participant_record,
)
from coalition.supply.models import Cohort, TrainingProgram
from coalition.telemetry import activity
from coalition.tenancy.models import Organization


async def names_for_file(
    session: AsyncSession, principal: Principal, organization_id: uuid.UUID
) -> Names:
    """The names a file of this member may use: its programs and their cohorts, the
    partnership's initiatives and organizations (four statements)."""
    names = Names()
    programs = await session.execute(
        scoped(TrainingProgram, principal)
        .where(TrainingProgram.organization_id == organization_id)
        .with_only_columns(TrainingProgram.id, TrainingProgram.external_id, TrainingProgram.name)
    )
    for program_id, external_id, name in programs:
        if external_id:
            names.program_by_external_id[external_id] = program_id
        names.programs_by_name.setdefault(normalized(name), []).append(program_id)
    cohorts = await session.execute(
        select(Cohort.id, Cohort.program_id, Cohort.starts_on)
        .join(
            TrainingProgram,
            in_tenant(TrainingProgram, principal) & (TrainingProgram.id == Cohort.program_id),
        )
        .where(in_tenant(Cohort, principal), TrainingProgram.organization_id == organization_id)
    )
    for cohort_id, program_id, starts_on in cohorts:
        names.cohorts.setdefault((program_id, starts_on), []).append(cohort_id)
    initiatives = await session.execute(
        scoped(Initiative, principal).with_only_columns(Initiative.id, Initiative.name)
    )
    names.initiatives = {normalized(name): key for key, name in initiatives}
    organizations = await session.execute(
        scoped(Organization, principal).with_only_columns(Organization.id, Organization.name)
    )
    names.organizations = {normalized(name): key for key, name in organizations}
    return names


async def import_participant_records(
    session: AsyncSession, principal: Principal, *, organization_id: uuid.UUID, text: str
) -> ImportReport:
    """Import every row as a participant record of ``organization_id``, or none if any
    row is bad. The caller must keep the member's records
    (``service.reporting_organization``); a report with row errors means nothing was
    written."""
    organization = await reporting_organization(session, principal, organization_id)
    names = await names_for_file(session, principal, organization.id)
    rows, problems = read_rows(text, names)
    problems += _repeated_identifiers(rows)
    references = await references_of(
        session, principal, organization.id, [row.fields for row in rows]
    )
    existing = await _records_by_identifier(session, principal, organization.id, rows)
    for row in rows:
        record = existing.get(row.identifier or "")
        _, errors = validation.record_fields(
            row.fields,
            current=None if record is None else columns_of(record),
            organization_id=organization.id,
            references=references,
            today=_today(),
        )
        row.report(errors)
        problems.extend(row.errors)
    if problems:
        return activity.import_finished(
            session, kind="participant_records", report=ImportReport.refused(problems)
        )
    created = updated = unchanged = 0
    for row in rows:
        record = existing.get(row.identifier or "")
        if record is None:
            await create_participant_record(
                session,
                principal,
                organization_id=organization.id,
                fields=row.fields,
                references=references,
            )
            created += 1
            continue
        stamp = record.updated_at
        await update_participant_record(
            session, principal, record_id=record.id, fields=row.fields, references=references
        )
        if record.updated_at == stamp:
            unchanged += 1
        else:
            updated += 1
    report = ImportReport(created, updated, unchanged, [])
    await record_event(
        session,
        principal,
        action="participant_record.import",
        object_type="Organization",
        object_id=organization.id,
        changes=report.audit_changes("participant_records"),
    )
    return activity.import_finished(session, kind="participant_records", report=report)


def _today() -> date:
    return date.today()


def _repeated_identifiers(rows: list[Row]) -> list[RowError]:
    first_line: dict[str, int] = {}
    problems: list[RowError] = []
    for row in rows:
        key = row.identifier
        if key is None:
            continue
        if key in first_line:
            # The identifier itself is not repeated in the message (personal data).
            message = f"This participant identifier is on line {first_line[key]} already."
            problems.append(
                RowError(
                    row.line,
                    row.headers.get("participant_identifier", "participant_identifier"),
                    message,
                )
            )
        else:
            first_line[key] = row.line
    return problems


async def _records_by_identifier(
    session: AsyncSession, principal: Principal, organization_id: uuid.UUID, rows: list[Row]
) -> dict[str, ParticipantRecord]:
    """The member's records the rows' identifiers name, locked. A concurrent import
    waits at the member's lock until this one commits, then finds the records it made
    and updates them instead of adding them twice."""
    keys = sorted({row.identifier for row in rows if row.identifier})
    if not keys:
        return {}
    await lock_participant_identifiers(session, organization_id)
    found = await session.scalars(
        scoped(ParticipantRecord, principal)
        .where(
            ParticipantRecord.organization_id == organization_id,
            ParticipantRecord.participant_identifier == any_(literal(keys, ARRAY(String))),
        )
        .order_by(ParticipantRecord.id)
        .with_for_update()
    )
    return {record.participant_identifier: record for record in found}


__all__ = ["ImportReport", "import_participant_records", "names_for_file"]
