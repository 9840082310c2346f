"""Bulk entry: a provider's training programs from a CSV file, all rows or none.

Providers keep their program lists in spreadsheets. The file is UTF-8 CSV with a
header naming its columns in any order (``coalition.csv_files``); the first three are
required, the others may be left out or empty:

    name,cip_code,modality,program_id,description,occupations,skills,credential_kind,
    credential_name,credential_ctid,hours,weeks,cost,currency,schedules,
    work_based_learning,supports,etpl,status

- name: the program's name; description: free text.
- cip_code: a 6-digit CIP 2020 program code of the loaded table, ``48.0501``.
- modality: ``in_person``, ``online`` or ``hybrid``.
- program_id: the provider's own ID for the program (at most 100 characters, once per
  file). What makes a file safe to import again: a row whose program_id a program of
  the provider already has updates that program (blank cells take the values a new
  program would, except a blank status, which leaves its status as it is) instead of
  adding a second one. A row without one is always a new program.
- occupations: SOC 2018 codes separated by ``;`` (``51-4041;51-4111``).
- skills: ``ID:LEVEL`` pairs separated by ``;``, level 1 to 4 (``2.A.1.a:3``).
- credential_kind: certificate, industry_certification, occupational_license,
  associate_degree, apprenticeship_certificate or none (the default);
  credential_name; credential_ctid (a Credential Engine CTID, ``ce-`` and a UUID).
- hours, weeks: whole numbers above zero.
- cost: the cost to the learner, like ``2,500.00`` (at most 2 decimals, read exactly);
  currency: ISO 4217, default USD.
- schedules (daytime, evening, weekend, self_paced), work_based_learning (as in the
  demand file) and supports (childcare, transportation, language_access,
  disability_accommodation, stipend, paid_while_training): separated by ``;``.
- etpl: ``yes`` or ``no``: on the state's eligible training provider list.
- status: draft, active (the default) or discontinued.

Every row is checked before anything is written (codes and skill IDs against sets
loaded once, program IDs against the provider's programs); if any cell is bad the
report lists every bad cell and nothing is written. Otherwise each row goes through
the same service as the API (so each program gets its own audit event) and the import
one ``training_program.import`` event. ``docs/examples/programs.csv`` is an example.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import String, any_, literal
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.service import record_event
from coalition.auth.principal import Principal
from coalition.csv_files import ImportReport, RowError
from coalition.db.scoping import scoped
from coalition.supply import validation
from coalition.supply.csv_rows import Row, read_rows
from coalition.supply.models import TrainingProgram
from coalition.supply.reads import vocabulary_for
from coalition.supply.service import (
    create_training_program,
    provider_for_programs,
    update_training_program,
)
from coalition.supply.service.programs import columns_of, lock_external_ids
from coalition.telemetry import activity

# What a row's blank cells mean for a program it updates: the values a new program
# would take (its status aside: a blank status leaves the program's as it is).
UPDATE_DEFAULTS: dict[str, Any] = {
    name: value
    for name, value in validation.program_defaults().items()
    if name not in {"status", "external_id", "currency", "cost_minor"}
} | {"cost": None}


async def import_training_programs(
    session: AsyncSession, principal: Principal, *, organization_id: uuid.UUID, text: str
) -> ImportReport:
    """Import every row as a program of ``organization_id``, or none if any row is bad.

    The caller must be allowed to add the provider's programs
    (``service.provider_for_programs``); a report with row errors means nothing was
    written."""
    organization = await provider_for_programs(session, principal, organization_id)
    rows, problems = read_rows(text)
    problems += _repeated_program_ids(rows)
    vocabulary = await vocabulary_for(
        session,
        cip_codes=[row.fields["cip_code"] for row in rows if row.fields.get("cip_code")],
        occupation_codes=[c for row in rows for c in row.fields.get("occupation_codes", ())],
        skill_ids=[skill for row in rows for skill, _ in row.fields.get("skills", ())],
    )
    existing = await _programs_by_external_id(session, principal, organization.id, rows)
    for row in rows:
        program = existing.get(row.external_id or "")
        if program is None:
            _, errors = validation.program_fields(row.fields, current=None, vocabulary=vocabulary)
        else:
            _, errors = validation.program_fields(
                UPDATE_DEFAULTS | row.fields, current=columns_of(program), vocabulary=vocabulary
            )
        row.report(errors)
        problems.extend(row.errors)
    if problems:
        return activity.import_finished(
            session, kind="training_programs", report=ImportReport.refused(problems)
        )
    created = updated = unchanged = 0
    for row in rows:
        program = existing.get(row.external_id or "")
        if program is None:
            await create_training_program(
                session, principal, organization_id=organization.id, fields=row.fields
            )
            created += 1
            continue
        stamp = program.updated_at
        await update_training_program(
            session, principal, program_id=program.id, fields=UPDATE_DEFAULTS | row.fields
        )
        if program.updated_at == stamp:
            unchanged += 1
        else:
            updated += 1
    report = ImportReport(created, updated, unchanged, [])
    await record_event(
        session,
        principal,
        action="training_program.import",
        object_type="Organization",
        object_id=organization.id,
        changes=report.audit_changes("training_programs"),
    )
    return activity.import_finished(session, kind="training_programs", report=report)


def _repeated_program_ids(rows: list[Row]) -> list[RowError]:
    first_line: dict[str, int] = {}
    problems: list[RowError] = []
    for row in rows:
        key = row.external_id
        if key is None:
            continue
        if key in first_line:
            message = f"program_id {key!r} is on line {first_line[key]} already."
            problems.append(RowError(row.line, "program_id", message))
        else:
            first_line[key] = row.line
    return problems


async def _programs_by_external_id(
    session: AsyncSession, principal: Principal, organization_id: uuid.UUID, rows: list[Row]
) -> dict[str, TrainingProgram]:
    """The provider's programs the rows' program IDs name, locked. A concurrent import
    naming program IDs waits at the provider's lock (``lock_external_ids``) until this
    one commits, then finds the programs it made and updates them instead of adding
    them twice."""
    keys = sorted({row.external_id for row in rows if row.external_id})
    if not keys:
        return {}
    await lock_external_ids(session, organization_id)
    found = await session.scalars(
        scoped(TrainingProgram, principal)
        .where(
            TrainingProgram.organization_id == organization_id,
            TrainingProgram.external_id == any_(literal(keys, ARRAY(String))),
        )
        .order_by(TrainingProgram.id)
        .with_for_update()
    )
    return {str(program.external_id): program for program in found}


__all__ = ["ImportReport", "import_training_programs"]
