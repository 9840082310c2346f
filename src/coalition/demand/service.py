"""Business rules for demand signals: posting, changing, withdrawing, reading.

Every function takes the session (bound to the caller's tenant by the caller,
who owns the transaction) and the principal. Every read starts from
``permissions.visible_signals``, which filters by ``principal.tenant_id`` and
by who may see what; a signal the caller may not see is handled exactly like
an ID that does not exist. Mutating functions check permissions, validate
every field and raise ``InvalidInput`` before writing, write the next history
version, and write the audit event in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.service import record_event
from coalition.auth.principal import Principal
from coalition.demand import validation
from coalition.demand.history import changes_between, snapshot, version_row
from coalition.demand.models import (
    DemandSignal,
    DemandSignalSkill,
    DemandSignalVersion,
    DemandStatus,
)
from coalition.demand.permissions import (
    require_demand_author,
    require_demand_editor,
    visible_signals,
)
from coalition.demand.reads import (
    SignalSkill,
    demand_signals_by_ids,
    employers_of_signals,
    list_demand_signals,
    signal_skills_by_signal_ids,
    versions_of_signal,
)
from coalition.errors import InvalidInput, UserError
from coalition.skills.models import Occupation, Skill
from coalition.tenancy.models import Organization, OrganizationKind

COLUMNS = (
    "occupation_code",
    "openings",
    "start_quarter",
    "end_quarter",
    "openings_kind",
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
FINAL_STATUSES = frozenset({DemandStatus.FILLED, DemandStatus.WITHDRAWN})


def _not_found(field: str = "id") -> InvalidInput:
    return InvalidInput([UserError((field,), "No demand signal with this ID.", "NOT_FOUND")])


def columns_of(signal: DemandSignal) -> dict[str, Any]:
    """The signal's current state, as the columns ``validation`` and ``history`` read."""
    return {"organization_id": signal.organization_id} | {
        name: getattr(signal, name) for name in COLUMNS
    }


async def vocabulary_for(
    session: AsyncSession, occupation_codes: Iterable[str], skill_ids: Iterable[str]
) -> validation.Vocabulary:
    """The given occupation codes and skill IDs that exist (global reference data)."""
    codes = {str(code).strip() for code in occupation_codes if code is not None}
    skills = {str(skill).strip() for skill in skill_ids if skill is not None}
    found_codes = (
        set(
            await session.scalars(select(Occupation.soc_code).where(Occupation.soc_code.in_(codes)))
        )
        if codes
        else set()
    )
    found_skills = (
        set(await session.scalars(select(Skill.id).where(Skill.id.in_(skills))))
        if skills
        else set()
    )
    return validation.Vocabulary(occupation_codes=found_codes, skill_ids=found_skills)


def _asked(fields: dict[str, Any]) -> tuple[list[str], list[str]]:
    codes = [fields["occupation_code"]] if fields.get("occupation_code") is not None else []
    skills = [str(item[0]) for item in fields.get("skills") or ()]
    return codes, skills


async def employer_for_posting(
    session: AsyncSession, principal: Principal, organization_id: uuid.UUID
) -> Organization:
    """The employer whose demand the caller wants to post: it must exist in the caller's
    tenant (another tenant's ID is NOT_FOUND, like a random one), the caller must be one of
    its members or a partnership admin, and it must be an active EMPLOYER."""
    require_demand_author(principal)
    organization = await session.scalar(
        select(Organization).where(
            Organization.tenant_id == principal.tenant_id, Organization.id == organization_id
        )
    )
    if organization is None:
        raise InvalidInput(
            [UserError(("organizationId",), "No organization with this ID.", "NOT_FOUND")]
        )
    require_demand_editor(principal, organization.id)
    if organization.kind is not OrganizationKind.EMPLOYER:
        raise InvalidInput(
            [UserError(("organizationId",), "Only employers post demand.", "INVALID")]
        )
    if organization.archived_at is not None:
        raise InvalidInput(
            [UserError(("organizationId",), "This organization is archived.", "ARCHIVED")]
        )
    return organization


async def _write_skills(
    session: AsyncSession, principal: Principal, signal_id: uuid.UUID, skills: list[tuple[str, int]]
) -> None:
    if skills:
        await session.execute(
            insert(DemandSignalSkill),
            [
                {
                    "tenant_id": principal.tenant_id,
                    "id": uuid.uuid4(),
                    "signal_id": signal_id,
                    "skill_id": skill_id,
                    "level": level,
                }
                for skill_id, level in skills
            ],
        )


async def create_demand_signal(
    session: AsyncSession,
    principal: Principal,
    *,
    organization_id: uuid.UUID,
    fields: dict[str, Any],
) -> DemandSignal:
    """Post an employer's demand (see ``validation.signal_fields`` for ``fields``); writes
    version 1 of its history and the ``demand_signal.create`` audit event."""
    organization = await employer_for_posting(session, principal, organization_id)
    vocabulary = await vocabulary_for(session, *_asked(fields))
    cleaned, errors = validation.signal_fields(fields, current=None, vocabulary=vocabulary)
    if errors:
        raise InvalidInput(errors)
    values = validation.defaults() | cleaned
    skills: list[tuple[str, int]] = values.pop("skills")
    now = datetime.now(UTC)
    signal = DemandSignal(
        tenant_id=principal.tenant_id,
        id=uuid.uuid4(),
        organization_id=organization.id,
        version=1,
        created_by_user_id=principal.id if principal.is_user else None,
        created_at=now,
        updated_at=now,
        **values,
    )
    session.add(signal)
    await session.flush()
    await _write_skills(session, principal, signal.id, skills)
    state = snapshot(columns_of(signal), skills)
    changes = changes_between({}, state)
    session.add(
        DemandSignalVersion(
            **version_row(
                principal, signal_id=signal.id, version=1, state=state, changes=changes, at=now
            )
        )
    )
    await session.flush()
    await record_event(
        session,
        principal,
        action="demand_signal.create",
        object_type="DemandSignal",
        object_id=signal.id,
        changes=changes,
    )
    return signal


async def _skills_of(
    session: AsyncSession, principal: Principal, signal_id: uuid.UUID
) -> list[tuple[str, int]]:
    rows = await session.execute(
        select(DemandSignalSkill.skill_id, DemandSignalSkill.level)
        .where(
            DemandSignalSkill.tenant_id == principal.tenant_id,
            DemandSignalSkill.signal_id == signal_id,
        )
        .order_by(DemandSignalSkill.skill_id)
    )
    return [(skill_id, level) for skill_id, level in rows]


async def _change(
    session: AsyncSession,
    principal: Principal,
    *,
    signal_id: uuid.UUID,
    fields: dict[str, Any],
    action: str,
    status_field: str,
) -> DemandSignal:
    require_demand_author(principal)
    signal = await session.scalar(
        visible_signals(principal).where(DemandSignal.id == signal_id).with_for_update()
    )
    if signal is None:
        raise _not_found()
    require_demand_editor(principal, signal.organization_id)
    current = columns_of(signal)
    vocabulary = await vocabulary_for(session, *_asked(fields))
    cleaned, errors = validation.signal_fields(fields, current=current, vocabulary=vocabulary)
    if signal.status in FINAL_STATUSES:
        field = status_field if "status" in fields else "id"
        errors = [
            UserError(
                (field,),
                f"This signal is {signal.status.value}: it can no longer change.",
                "INVALID_TRANSITION",
            )
        ]
    if errors:
        raise InvalidInput(errors)
    before_skills = await _skills_of(session, principal, signal.id)
    before = snapshot(current, before_skills)
    skills: list[tuple[str, int]] = cleaned.pop("skills", before_skills)
    for name, value in cleaned.items():
        setattr(signal, name, value)
    after = snapshot(columns_of(signal), skills)
    changes = changes_between(before, after)
    if not changes:
        return signal
    now = datetime.now(UTC)
    signal.version += 1
    signal.updated_at = now
    await session.flush()
    if "skills" in changes:
        await session.execute(
            delete(DemandSignalSkill).where(
                DemandSignalSkill.tenant_id == principal.tenant_id,
                DemandSignalSkill.signal_id == signal.id,
            )
        )
        await _write_skills(session, principal, signal.id, skills)
    session.add(
        DemandSignalVersion(
            **version_row(
                principal,
                signal_id=signal.id,
                version=signal.version,
                state=after,
                changes=changes,
                at=now,
            )
        )
    )
    await session.flush()
    await record_event(
        session,
        principal,
        action=action,
        object_type="DemandSignal",
        object_id=signal.id,
        changes=changes,
    )
    return signal


async def update_demand_signal(
    session: AsyncSession,
    principal: Principal,
    *,
    signal_id: uuid.UUID,
    fields: dict[str, Any],
) -> DemandSignal:
    """Change only the given fields (``skills``, when given, replaces the list; a wage or
    place given as None is cleared). A change writes the next version; no change, none."""
    return await _change(
        session,
        principal,
        signal_id=signal_id,
        fields=fields,
        action="demand_signal.update",
        status_field="status",
    )


async def withdraw_demand_signal(
    session: AsyncSession, principal: Principal, *, signal_id: uuid.UUID
) -> DemandSignal:
    """A DRAFT or ACTIVE signal becomes WITHDRAWN (final); it leaves the pooled demand."""
    return await _change(
        session,
        principal,
        signal_id=signal_id,
        fields={"status": DemandStatus.WITHDRAWN},
        action="demand_signal.withdraw",
        status_field="id",
    )


__all__ = [
    "COLUMNS",
    "SignalSkill",
    "columns_of",
    "create_demand_signal",
    "demand_signals_by_ids",
    "employer_for_posting",
    "employers_of_signals",
    "list_demand_signals",
    "signal_skills_by_signal_ids",
    "update_demand_signal",
    "versions_of_signal",
    "vocabulary_for",
    "withdraw_demand_signal",
]
