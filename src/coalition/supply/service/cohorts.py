"""Adding and changing cohorts of training programs (the package docstring says what
every command guarantees)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.service import diff, record_event
from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant
from coalition.errors import InvalidInput, UserError
from coalition.supply import validation
from coalition.supply.errors import SupplyErrorCode as Code
from coalition.supply.models import Cohort, CohortStatus, ProgramStatus, TrainingProgram
from coalition.supply.permissions import (
    require_program_author,
    require_program_editor,
    visible_programs,
)
from coalition.supply.service.programs import editable_program

COLUMNS = ("starts_on", "ends_on", "seats", "enrolled", "completion_rate_percent", "status")


def columns_of(cohort: Cohort) -> dict[str, Any]:
    return {name: getattr(cohort, name) for name in COLUMNS}


async def create_cohort(
    session: AsyncSession,
    principal: Principal,
    *,
    program_id: uuid.UUID,
    fields: dict[str, Any],
) -> Cohort:
    """Add a run of a program the caller may change (see ``validation.cohort_fields``;
    status defaults to PLANNED), with the ``cohort.create`` audit event. A program the
    caller may not see is NOT_FOUND at ``programId``; a DISCONTINUED one takes no new
    cohorts. Every problem comes in one ``InvalidInput`` before anything is written."""
    program = await editable_program(session, principal, program_id, field="programId")
    cleaned, errors = validation.cohort_fields(fields, current=None)
    if program.status is ProgramStatus.DISCONTINUED:
        message = "This program is DISCONTINUED: it takes no new cohorts."
        errors.insert(0, UserError(("programId",), message, Code.INVALID))
    if errors:
        raise InvalidInput(errors)
    now = datetime.now(UTC)
    cohort = Cohort(
        tenant_id=principal.tenant_id,
        id=uuid.uuid4(),
        program_id=program.id,
        created_at=now,
        updated_at=now,
        **({"enrolled": None, "status": CohortStatus.PLANNED} | cleaned),
    )
    session.add(cohort)
    await session.flush()
    await record_event(
        session,
        principal,
        action="cohort.create",
        object_type="Cohort",
        object_id=cohort.id,
        changes=diff({}, {"program_id": program.id} | columns_of(cohort)),
    )
    return cohort


async def update_cohort(
    session: AsyncSession,
    principal: Principal,
    *,
    cohort_id: uuid.UUID,
    fields: dict[str, Any],
) -> Cohort:
    """Change only the given fields of a cohort (``enrolled`` given as None: not known
    any more); its status moves along ``validation.COHORT_TRANSITIONS``. A cohort of a
    program the caller may not see is NOT_FOUND. A change writes a ``cohort.update``
    audit event; no change, none."""
    require_program_author(principal)
    visible = visible_programs(principal).with_only_columns(TrainingProgram.id)
    row = (
        await session.execute(
            select(Cohort, TrainingProgram.organization_id)
            .join(
                TrainingProgram,
                in_tenant(TrainingProgram, principal) & (TrainingProgram.id == Cohort.program_id),
            )
            .where(
                in_tenant(Cohort, principal),
                Cohort.id == cohort_id,
                Cohort.program_id.in_(visible),
            )
            .with_for_update(of=Cohort)
        )
    ).first()
    if row is None:
        raise InvalidInput([UserError(("id",), "No cohort with this ID.", Code.NOT_FOUND)])
    cohort, organization_id = row
    require_program_editor(principal, organization_id)
    cleaned, errors = validation.cohort_fields(fields, current=columns_of(cohort))
    if errors:
        raise InvalidInput(errors)
    before = columns_of(cohort)
    for name, value in cleaned.items():
        setattr(cohort, name, value)
    changes = diff(before, columns_of(cohort))
    if not changes:
        return cohort
    cohort.updated_at = datetime.now(UTC)
    await session.flush()
    await record_event(
        session,
        principal,
        action="cohort.update",
        object_type="Cohort",
        object_id=cohort.id,
        changes=changes,
    )
    return cohort


__all__ = ["create_cohort", "update_cohort"]
