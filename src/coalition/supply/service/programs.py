"""Creating and changing training programs (the package docstring says what every
command guarantees)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.service import diff, record_event
from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant, scoped
from coalition.errors import InvalidInput, UserError
from coalition.supply import validation
from coalition.supply.errors import SupplyErrorCode as Code
from coalition.supply.models import (
    PROVIDER_KINDS,
    ProgramStatus,
    TrainingProgram,
    TrainingProgramOccupation,
    TrainingProgramSkill,
)
from coalition.supply.permissions import (
    require_program_author,
    require_program_editor,
    visible_programs,
)
from coalition.supply.reads import vocabulary_for
from coalition.tenancy.models import Organization

COLUMNS = (
    "name",
    "description",
    "cip_code",
    "credential_kind",
    "credential_name",
    "credential_ctid",
    "hours",
    "weeks",
    "cost_minor",
    "currency",
    "modality",
    "schedules",
    "work_based_learning",
    "supports",
    "is_etpl",
    "external_id",
    "status",
)
Skills = list[tuple[str, int]]


def program_not_found(field: str = "id") -> InvalidInput:
    return InvalidInput([UserError((field,), "No training program with this ID.", Code.NOT_FOUND)])


def columns_of(program: TrainingProgram) -> dict[str, Any]:
    """The program's current state, as ``validation`` and the audit log read it."""
    return {name: getattr(program, name) for name in COLUMNS}


async def provider_for_programs(
    session: AsyncSession, principal: Principal, organization_id: uuid.UUID
) -> Organization:
    """The organization whose program the caller wants to add: it must exist in the
    caller's tenant (another tenant's ID is NOT_FOUND, like a random one), the caller
    must administer it (or be a partnership admin), it must be of a provider kind
    (``PROVIDER_KINDS``) and not archived."""
    require_program_author(principal)
    organization = await session.scalar(
        scoped(Organization, principal).where(Organization.id == organization_id)
    )
    if organization is None:
        raise InvalidInput(
            [UserError(("organizationId",), "No organization with this ID.", Code.NOT_FOUND)]
        )
    require_program_editor(principal, organization.id)
    if organization.kind.value not in PROVIDER_KINDS:
        kinds = ", ".join(PROVIDER_KINDS)
        raise InvalidInput(
            [
                UserError(
                    ("organizationId",),
                    f"Only providers run training programs: {kinds}.",
                    Code.INVALID,
                )
            ]
        )
    if organization.archived_at is not None:
        raise InvalidInput(
            [UserError(("organizationId",), "This organization is archived.", Code.ARCHIVED)]
        )
    return organization


async def lock_external_ids(session: AsyncSession, organization_id: uuid.UUID) -> None:
    """Wait for any other transaction giving this provider's programs external IDs, until
    the end of this one (a transaction-level advisory lock on the provider). Row locks
    cannot do it: two imports of one new file find no rows to lock, and both would insert
    the same program IDs (the second failing on the unique index, a 500)."""
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended('training_program_ids:' || :org, 0))"),
        {"org": str(organization_id)},
    )


async def _external_id_taken(
    session: AsyncSession,
    principal: Principal,
    *,
    organization_id: uuid.UUID,
    external_id: str | None,
    program_id: uuid.UUID | None = None,
) -> list[UserError]:
    if external_id is None:
        return []
    await lock_external_ids(session, organization_id)
    taken = scoped(TrainingProgram, principal).where(
        TrainingProgram.organization_id == organization_id,
        TrainingProgram.external_id == external_id,
    )
    if program_id is not None:
        taken = taken.where(TrainingProgram.id != program_id)
    if await session.scalar(taken.with_only_columns(TrainingProgram.id).limit(1)) is None:
        return []
    message = f"Another program of this provider has the externalId {external_id!r}."
    return [UserError(("externalId",), message, Code.TAKEN)]


async def _vocabulary(session: AsyncSession, fields: dict[str, Any]) -> validation.Vocabulary:
    cip = [fields["cip_code"]] if fields.get("cip_code") is not None else []
    return await vocabulary_for(
        session,
        cip_codes=cip,
        occupation_codes=list(fields.get("occupation_codes") or ()),
        skill_ids=[item[0] for item in fields.get("skills") or ()],
    )


async def _write_links(
    session: AsyncSession,
    principal: Principal,
    program_id: uuid.UUID,
    *,
    occupation_codes: list[str] | None,
    skills: Skills | None,
    replace: bool,
) -> None:
    """Insert the program's occupations and skills (each list given), replacing the
    current ones when ``replace``."""
    for model, given, rows in (
        (
            TrainingProgramOccupation,
            occupation_codes,
            [{"occupation_code": code} for code in occupation_codes or ()],
        ),
        (
            TrainingProgramSkill,
            skills,
            [{"skill_id": skill_id, "level": level} for skill_id, level in skills or ()],
        ),
    ):
        if given is None:
            continue
        if replace:
            await session.execute(
                delete(model).where(in_tenant(model, principal), model.program_id == program_id)
            )
        if rows:
            base = {"tenant_id": principal.tenant_id, "program_id": program_id}
            await session.execute(insert(model), [base | {"id": uuid.uuid4()} | r for r in rows])


async def links_of(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID
) -> tuple[list[str], Skills]:
    """The program's occupation codes and (skill ID, level) pairs, sorted (for writers:
    no visibility check)."""
    codes = list(
        await session.scalars(
            select(TrainingProgramOccupation.occupation_code)
            .where(
                in_tenant(TrainingProgramOccupation, principal),
                TrainingProgramOccupation.program_id == program_id,
            )
            .order_by(TrainingProgramOccupation.occupation_code)
        )
    )
    rows = await session.execute(
        select(TrainingProgramSkill.skill_id, TrainingProgramSkill.level)
        .where(
            in_tenant(TrainingProgramSkill, principal),
            TrainingProgramSkill.program_id == program_id,
        )
        .order_by(TrainingProgramSkill.skill_id)
    )
    return codes, [(skill_id, level) for skill_id, level in rows]


def _state(columns: dict[str, Any], codes: list[str], skills: Skills) -> dict[str, Any]:
    return columns | {
        "occupation_codes": sorted(codes),
        "skills": [f"{skill_id}:{level}" for skill_id, level in sorted(skills)],
    }


async def create_training_program(
    session: AsyncSession,
    principal: Principal,
    *,
    organization_id: uuid.UUID,
    fields: dict[str, Any],
) -> TrainingProgram:
    """Add a provider's program (see ``validation.program_fields`` for ``fields``) with
    its occupations and skills, and the ``training_program.create`` audit event. Every
    problem, an ``externalId`` another program of the provider has included, comes in
    one ``InvalidInput`` before anything is written."""
    organization = await provider_for_programs(session, principal, organization_id)
    vocabulary = await _vocabulary(session, fields)
    cleaned, errors = validation.program_fields(fields, current=None, vocabulary=vocabulary)
    errors += await _external_id_taken(
        session,
        principal,
        organization_id=organization.id,
        external_id=cleaned.get("external_id"),
    )
    if errors:
        raise InvalidInput(errors)
    values = validation.program_defaults() | cleaned
    codes: list[str] = values.pop("occupation_codes")
    skills: Skills = values.pop("skills")
    now = datetime.now(UTC)
    program = TrainingProgram(
        tenant_id=principal.tenant_id,
        id=uuid.uuid4(),
        organization_id=organization.id,
        created_by_user_id=principal.id if principal.is_user else None,
        created_at=now,
        updated_at=now,
        **values,
    )
    session.add(program)
    await session.flush()
    await _write_links(
        session, principal, program.id, occupation_codes=codes, skills=skills, replace=False
    )
    await record_event(
        session,
        principal,
        action="training_program.create",
        object_type="TrainingProgram",
        object_id=program.id,
        changes=diff({}, _state(columns_of(program), codes, skills)),
    )
    return program


async def editable_program(
    session: AsyncSession, principal: Principal, program_id: uuid.UUID, *, field: str = "id"
) -> TrainingProgram:
    """The program, locked, if the caller may see it (else NOT_FOUND at ``field``, as
    for a random ID) and change it (else Forbidden)."""
    require_program_author(principal)
    program = await session.scalar(
        visible_programs(principal).where(TrainingProgram.id == program_id).with_for_update()
    )
    if program is None:
        raise program_not_found(field)
    require_program_editor(principal, program.organization_id)
    return program


async def _change(
    session: AsyncSession,
    principal: Principal,
    *,
    program_id: uuid.UUID,
    fields: dict[str, Any],
    action: str,
) -> TrainingProgram:
    if fields.get("external_id") is not None:
        # The provider's lock before the program's row, as an import takes them: the
        # other order deadlocks against an import naming this program.
        owner = await session.scalar(
            visible_programs(principal)
            .where(TrainingProgram.id == program_id)
            .with_only_columns(TrainingProgram.organization_id)
        )
        if owner is not None:
            await lock_external_ids(session, owner)
    program = await editable_program(session, principal, program_id)
    vocabulary = await _vocabulary(session, fields)
    cleaned, errors = validation.program_fields(
        fields, current=columns_of(program), vocabulary=vocabulary
    )
    if "external_id" in cleaned:
        errors += await _external_id_taken(
            session,
            principal,
            organization_id=program.organization_id,
            external_id=cleaned["external_id"],
            program_id=program.id,
        )
    if errors:
        raise InvalidInput(errors)
    codes, skills = await links_of(session, principal, program.id)
    before = _state(columns_of(program), codes, skills)
    new_codes: list[str] | None = cleaned.pop("occupation_codes", None)
    new_skills: Skills | None = cleaned.pop("skills", None)
    for name, value in cleaned.items():
        setattr(program, name, value)
    after = _state(
        columns_of(program),
        codes if new_codes is None else new_codes,
        skills if new_skills is None else new_skills,
    )
    changes = diff(before, after)
    if not changes:
        return program
    program.updated_at = datetime.now(UTC)
    await session.flush()
    await _write_links(
        session,
        principal,
        program.id,
        occupation_codes=new_codes if "occupation_codes" in changes else None,
        skills=new_skills if "skills" in changes else None,
        replace=True,
    )
    await record_event(
        session,
        principal,
        action=action,
        object_type="TrainingProgram",
        object_id=program.id,
        changes=changes,
    )
    return program


async def update_training_program(
    session: AsyncSession,
    principal: Principal,
    *,
    program_id: uuid.UUID,
    fields: dict[str, Any],
) -> TrainingProgram:
    """Change only the given fields; ``occupation_codes`` and ``skills``, when given,
    replace the whole set, and a field given as None is cleared (where it may be). A
    change writes a ``training_program.update`` audit event; no change, none."""
    return await _change(
        session,
        principal,
        program_id=program_id,
        fields=fields,
        action="training_program.update",
    )


async def set_training_program_status(
    session: AsyncSession,
    principal: Principal,
    *,
    program_id: uuid.UUID,
    status: ProgramStatus | str,
) -> TrainingProgram:
    """Move a program to ``status`` along ``validation.PROGRAM_TRANSITIONS`` (DRAFT to
    ACTIVE or DISCONTINUED, ACTIVE to DISCONTINUED, DISCONTINUED back to ACTIVE), with
    a ``training_program.set_status`` audit event; its current status changes nothing."""
    return await _change(
        session,
        principal,
        program_id=program_id,
        fields={"status": status},
        action="training_program.set_status",
    )


__all__ = [
    "COLUMNS",
    "columns_of",
    "create_training_program",
    "editable_program",
    "links_of",
    "program_not_found",
    "provider_for_programs",
    "set_training_program_status",
    "update_training_program",
]
