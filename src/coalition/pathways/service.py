"""Business rules for career pathways: creating them and adding, changing, reordering
and retiring their steps.

Every function takes the session (bound to the caller's tenant by the caller, who
owns the transaction) and the principal, checks permissions before any lookup of
what the input names, validates every field (reporting every problem at once) and
raises ``InvalidInput`` before writing, and writes the audit event in the same
transaction. A pathway or step the caller may not see is NOT_FOUND, exactly like a
random ID. Reads are in ``reads``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.service import record_event
from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant, scoped
from coalition.errors import InvalidInput, UserError
from coalition.pathways import validation
from coalition.pathways.errors import PathwayErrorCode as Code
from coalition.pathways.models import (
    CareerPathway,
    CareerPathwayStep,
    CareerPathwayStepEmployer,
    CareerPathwayStepProgram,
)
from coalition.pathways.permissions import (
    require_pathway_author,
    require_pathway_editor,
    visible_pathways,
)
from coalition.pathways.validation import Known, StepFields, StepValues
from coalition.skills.models import Occupation
from coalition.supply.models import TrainingProgram
from coalition.supply.permissions import visible_programs
from coalition.tenancy.models import Organization, OrganizationKind
from coalition.validation import Checker


def _not_found(field: str, what: str) -> InvalidInput:
    return InvalidInput([UserError((field,), f"No {what} with this ID.", Code.NOT_FOUND)])


async def _known(session: AsyncSession, principal: Principal, steps: Sequence[StepFields]) -> Known:
    """What exists of the codes and IDs the steps name: three statements at most."""
    codes = {s.occupation_code.strip() for s in steps if s.occupation_code}
    org_ids = {i for s in steps for i in s.employer_ids if i is not None}
    program_ids = {i for s in steps for i in s.program_ids if i is not None}
    found_codes = (
        set(
            await session.scalars(select(Occupation.soc_code).where(Occupation.soc_code.in_(codes)))
        )
        if codes
        else set()
    )
    organizations = (
        {
            row.id: row.archived_at is not None
            for row in await session.execute(
                scoped(Organization, principal)
                .where(Organization.id.in_(org_ids))
                .with_only_columns(Organization.id, Organization.archived_at)
            )
        }
        if org_ids
        else {}
    )
    programs = (
        set(
            await session.scalars(
                visible_programs(principal)
                .where(TrainingProgram.id.in_(program_ids))
                .with_only_columns(TrainingProgram.id)
            )
        )
        if program_ids
        else set()
    )
    return Known(frozenset(found_codes), organizations, frozenset(programs))


async def _owner(
    session: AsyncSession, principal: Principal, organization_id: uuid.UUID | None, given: bool
) -> uuid.UUID | None:
    """The employer that will own a new pathway (None: the partnership's own)."""
    if organization_id is None:
        if given:
            raise _not_found("organizationId", "organization")
        require_pathway_editor(principal, None)
        return None
    organization = await session.scalar(
        scoped(Organization, principal).where(Organization.id == organization_id)
    )
    if organization is None:
        raise _not_found("organizationId", "organization")
    require_pathway_editor(principal, organization.id)
    if organization.kind is not OrganizationKind.EMPLOYER:
        raise InvalidInput(
            [UserError(("organizationId",), "Only an employer owns a pathway.", Code.INVALID)]
        )
    if organization.archived_at is not None:
        raise InvalidInput(
            [UserError(("organizationId",), "This organization is archived.", Code.ARCHIVED)]
        )
    return organization.id


def _step_row(
    principal: Principal, pathway_id: uuid.UUID, position: int, values: StepValues
) -> CareerPathwayStep:
    return CareerPathwayStep(
        tenant_id=principal.tenant_id,
        id=uuid.uuid4(),
        pathway_id=pathway_id,
        position=position,
        **_columns(values),
    )


def _columns(values: StepValues) -> dict[str, Any]:
    return {
        "occupation_code": values.occupation_code,
        "wage_min_minor": values.wage_min_minor,
        "wage_max_minor": values.wage_max_minor,
        "wage_unit": values.wage_unit,
        "currency": values.currency,
        "work_based_learning": list(values.work_based_learning),
    }


def _snapshot(values: StepValues) -> dict[str, Any]:
    return _columns(values) | {
        "wage_unit": values.wage_unit.value if values.wage_unit else None,
        "typical_employer_ids": [str(i) for i in values.employer_ids],
        "bridging_program_ids": [str(i) for i in values.program_ids],
    }


async def _write_links(
    session: AsyncSession, principal: Principal, step_id: uuid.UUID, values: StepValues
) -> None:
    for model in (CareerPathwayStepEmployer, CareerPathwayStepProgram):
        await session.execute(
            delete(model).where(in_tenant(model, principal), model.step_id == step_id)
        )
    session.add_all(
        CareerPathwayStepEmployer(
            tenant_id=principal.tenant_id, step_id=step_id, organization_id=org, position=n
        )
        for n, org in enumerate(values.employer_ids, start=1)
    )
    session.add_all(
        CareerPathwayStepProgram(
            tenant_id=principal.tenant_id, step_id=step_id, program_id=program, position=n
        )
        for n, program in enumerate(values.program_ids, start=1)
    )
    await session.flush()


async def create_pathway(
    session: AsyncSession,
    principal: Principal,
    *,
    name: str | None,
    description: str | None,
    organization_id: uuid.UUID | None,
    organization_given: bool,
    steps: Sequence[StepFields] = (),
) -> CareerPathway:
    """A new pathway with its first steps, owned by an employer (whose organization
    admins and partnership admins may change it) or by the partnership (its admins)."""
    require_pathway_author(principal)
    owner = await _owner(session, principal, organization_id, organization_given)
    check = Checker()
    cleaned, about = validation.pathway_text(check, name, description)
    if len(steps) > validation.MAX_STEPS:
        check.add(("steps",), f"Give at most {validation.MAX_STEPS} steps.", Code.TOO_MANY)
        steps = ()
    known = await _known(session, principal, steps)
    checked = [validation.step_values(check, ("steps", n), s, known) for n, s in enumerate(steps)]
    check.done()
    assert cleaned is not None
    pathway = CareerPathway(
        tenant_id=principal.tenant_id,
        id=uuid.uuid4(),
        name=cleaned,
        description=about,
        organization_id=owner,
        created_by_user_id=principal.id if principal.is_user else None,
    )
    session.add(pathway)
    await session.flush()
    for position, values in enumerate(checked, start=1):
        step = _step_row(principal, pathway.id, position, values)
        session.add(step)
        await session.flush()
        await _write_links(session, principal, step.id, values)
    await record_event(
        session,
        principal,
        action="career_pathway.create",
        object_type="CareerPathway",
        object_id=pathway.id,
        changes={
            "name": cleaned,
            "organization_id": str(owner) if owner else None,
            "steps": [_snapshot(values) for values in checked],
        },
    )
    return pathway


async def _editable_pathway(
    session: AsyncSession, principal: Principal, pathway_id: uuid.UUID, field: str
) -> CareerPathway:
    require_pathway_author(principal)
    pathway = await session.scalar(
        visible_pathways(principal).where(CareerPathway.id == pathway_id).with_for_update()
    )
    if pathway is None:
        raise _not_found(field, "career pathway")
    require_pathway_editor(principal, pathway.organization_id)
    return pathway


async def _editable_step(
    session: AsyncSession, principal: Principal, step_id: uuid.UUID
) -> tuple[CareerPathway, CareerPathwayStep]:
    require_pathway_author(principal)
    step = await session.scalar(
        scoped(CareerPathwayStep, principal).where(CareerPathwayStep.id == step_id)
    )
    if step is None:
        raise _not_found("stepId", "career pathway step")
    pathway = await _editable_pathway(session, principal, step.pathway_id, "stepId")
    return pathway, step


def _touch(pathway: CareerPathway) -> None:
    pathway.updated_at = datetime.now(UTC)


async def add_step(
    session: AsyncSession, principal: Principal, *, pathway_id: uuid.UUID, step: StepFields
) -> tuple[CareerPathway, CareerPathwayStep]:
    """A new step at the end of the pathway."""
    pathway = await _editable_pathway(session, principal, pathway_id, "pathwayId")
    count, last = (
        await session.execute(
            select(func.count(), func.coalesce(func.max(CareerPathwayStep.position), 0)).where(
                in_tenant(CareerPathwayStep, principal),
                CareerPathwayStep.pathway_id == pathway.id,
            )
        )
    ).one()
    check = Checker()
    if count >= validation.MAX_STEPS:
        check.add(
            ("pathwayId",), f"A pathway has at most {validation.MAX_STEPS} steps.", Code.TOO_MANY
        )
    values = validation.step_values(
        check, ("step",), step, await _known(session, principal, [step])
    )
    check.done()
    row = _step_row(principal, pathway.id, last + 1, values)
    session.add(row)
    await session.flush()
    await _write_links(session, principal, row.id, values)
    _touch(pathway)
    await record_event(
        session,
        principal,
        action="career_pathway.add_step",
        object_type="CareerPathway",
        object_id=pathway.id,
        changes={"step_id": str(row.id), "position": row.position, **_snapshot(values)},
    )
    return pathway, row


async def update_step(
    session: AsyncSession, principal: Principal, *, step_id: uuid.UUID, step: StepFields
) -> tuple[CareerPathway, CareerPathwayStep]:
    """Replace every field of a step (a retired step may be corrected too)."""
    pathway, row = await _editable_step(session, principal, step_id)
    check = Checker()
    values = validation.step_values(
        check, ("step",), step, await _known(session, principal, [step])
    )
    check.done()
    for name, value in _columns(values).items():
        setattr(row, name, value)
    row.updated_at = datetime.now(UTC)
    await _write_links(session, principal, row.id, values)
    _touch(pathway)
    await record_event(
        session,
        principal,
        action="career_pathway.update_step",
        object_type="CareerPathway",
        object_id=pathway.id,
        changes={"step_id": str(row.id), **_snapshot(values)},
    )
    return pathway, row


async def reorder_steps(
    session: AsyncSession,
    principal: Principal,
    *,
    pathway_id: uuid.UUID,
    step_ids: Sequence[uuid.UUID | None],
) -> CareerPathway:
    """Put the pathway's current (not retired) steps in the order given, which must
    name each of them exactly once; retired steps follow, in their earlier order."""
    pathway = await _editable_pathway(session, principal, pathway_id, "pathwayId")
    steps = list(
        await session.scalars(
            scoped(CareerPathwayStep, principal)
            .where(CareerPathwayStep.pathway_id == pathway.id)
            .order_by(CareerPathwayStep.position)
        )
    )
    current = [s for s in steps if s.retired_at is None]
    check = Checker()
    order = validation.step_order(check, step_ids, [s.id for s in current])
    check.done()
    by_id = {s.id: s for s in steps}
    before = [str(s.id) for s in current]
    final = [by_id[i] for i in order] + [s for s in steps if s.retired_at is not None]
    for position, row in enumerate(final, start=1):
        row.position = position
    _touch(pathway)
    await session.flush()
    await record_event(
        session,
        principal,
        action="career_pathway.reorder_steps",
        object_type="CareerPathway",
        object_id=pathway.id,
        changes={"step_ids": {"from": before, "to": [str(i) for i in order]}},
    )
    return pathway


async def retire_step(
    session: AsyncSession, principal: Principal, *, step_id: uuid.UUID
) -> tuple[CareerPathway, CareerPathwayStep]:
    """Retire a step: it is kept (and listed when asked for) but no longer counts."""
    pathway, row = await _editable_step(session, principal, step_id)
    if row.retired_at is not None:
        raise InvalidInput(
            [UserError(("stepId",), "This step is already retired.", Code.ALREADY_RETIRED)]
        )
    row.retired_at = datetime.now(UTC)
    _touch(pathway)
    await session.flush()
    await record_event(
        session,
        principal,
        action="career_pathway.retire_step",
        object_type="CareerPathway",
        object_id=pathway.id,
        changes={"step_id": str(row.id)},
    )
    return pathway, row


__all__ = [
    "add_step",
    "create_pathway",
    "reorder_steps",
    "retire_step",
    "update_step",
]
