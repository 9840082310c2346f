"""Business rules for demand signals: posting, changing and withdrawing them.

Every function takes the session (bound to the caller's tenant by the caller,
who owns the transaction) and the principal. Every read of signals starts from
``permissions.visible_signals``, which is scoped to the caller's tenant and to
who may see what; a signal the caller may not see is handled exactly like an
ID that does not exist. Mutating functions check permissions, validate every
field (reporting every problem at once) and raise ``InvalidInput`` before
writing, write the next history version, and write the audit event in the same
transaction. Reads are in ``reads``.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import delete, text
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.service import record_event
from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant, scoped
from coalition.demand import validation
from coalition.demand.errors import DemandErrorCode as Code
from coalition.demand.history import changes_between, snapshot, version_row
from coalition.demand.models import (
    DemandSignal,
    DemandSignalSkill,
    DemandSignalVersion,
    DemandStatus,
    SharingLevel,
)
from coalition.demand.permissions import (
    require_demand_author,
    require_demand_editor,
    visible_signals,
)
from coalition.demand.pooled import pooled_demand, pooled_median_wages
from coalition.demand.reads import partnership_settings, partnership_today, vocabulary_for
from coalition.demand.signal_skills import Skills, skills_of_signals, write_skills
from coalition.errors import InvalidInput, UserError
from coalition.tenancy.models import Organization, OrganizationKind

COLUMNS = (
    "occupation_code",
    "openings",
    "start_quarter",
    "end_quarter",
    "openings_kind",
    "wage_min_minor",
    "wage_max_minor",
    "wage_unit",
    "currency",
    "is_degree_required",
    "credentials",
    "work_based_learning",
    "city",
    "postal_code",
    "external_id",
    "sharing_level",
    "status",
)
FINAL_STATUSES = frozenset({DemandStatus.FILLED, DemandStatus.WITHDRAWN})


def _not_found(field: str = "id") -> InvalidInput:
    return InvalidInput([UserError((field,), "No demand signal with this ID.", Code.NOT_FOUND)])


def columns_of(signal: DemandSignal) -> dict[str, Any]:
    """The signal's current state, as the columns ``validation`` and ``history`` read."""
    return {"organization_id": signal.organization_id} | {
        name: getattr(signal, name) for name in COLUMNS
    }


async def today_of(session: AsyncSession, principal: Principal) -> date:
    """Today in the caller's partnership's time zone: where a signal's horizon may lie."""
    return partnership_today(await partnership_settings(session, principal))


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
        scoped(Organization, principal).where(Organization.id == organization_id)
    )
    if organization is None:
        raise InvalidInput(
            [UserError(("organizationId",), "No organization with this ID.", Code.NOT_FOUND)]
        )
    require_demand_editor(principal, organization.id)
    if organization.kind is not OrganizationKind.EMPLOYER:
        raise InvalidInput(
            [UserError(("organizationId",), "Only employers post demand.", Code.INVALID)]
        )
    if organization.archived_at is not None:
        raise InvalidInput(
            [UserError(("organizationId",), "This organization is archived.", Code.ARCHIVED)]
        )
    return organization


async def lock_posting_ids(session: AsyncSession, organization_id: uuid.UUID) -> None:
    """Wait, until this transaction ends, for any other that writes the employer's
    posting IDs (``externalId``): a post, an edit or an import."""
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended('demand_posting_ids:' || :org, 0))"),
        {"org": str(organization_id)},
    )


async def _external_id_taken(
    session: AsyncSession,
    principal: Principal,
    *,
    organization_id: uuid.UUID,
    external_id: str | None,
    signal_id: uuid.UUID | None = None,
) -> list[UserError]:
    """A TAKEN error when another signal of the employer already has ``external_id``.
    Takes the employer's posting-ID lock first (the one imports take), so two posts of
    one new ID at once (a retried request) make one signal and one TAKEN, not a unique
    violation."""
    if external_id is None:
        return []
    await lock_posting_ids(session, organization_id)
    taken = scoped(DemandSignal, principal).where(
        DemandSignal.organization_id == organization_id,
        DemandSignal.external_id == external_id,
    )
    if signal_id is not None:
        taken = taken.where(DemandSignal.id != signal_id)
    if await session.scalar(taken.with_only_columns(DemandSignal.id).limit(1)) is None:
        return []
    message = f"Another signal of this employer has the externalId {external_id!r}."
    return [UserError(("externalId",), message, Code.TAKEN)]


async def create_demand_signal(
    session: AsyncSession,
    principal: Principal,
    *,
    organization_id: uuid.UUID,
    fields: dict[str, Any],
    today: date | None = None,
) -> DemandSignal:
    """Post an employer's demand (see ``validation.signal_fields`` for ``fields``); writes
    version 1 of its history and the ``demand_signal.create`` audit event. ``today``
    (default: today in the partnership's time zone) bounds the horizon. Every problem,
    an ``externalId`` another signal of the employer has included, comes in one
    ``InvalidInput``."""
    organization = await employer_for_posting(session, principal, organization_id)
    vocabulary = await vocabulary_for(session, *_asked(fields))
    today = today or await today_of(session, principal)
    cleaned, errors = validation.signal_fields(
        fields, current=None, vocabulary=vocabulary, today=today
    )
    errors += await _external_id_taken(
        session,
        principal,
        organization_id=organization.id,
        external_id=cleaned.get("external_id"),
    )
    if errors:
        raise InvalidInput(errors)
    values = validation.defaults() | cleaned
    skills: Skills = values.pop("skills")
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
    mark_named(signal, was=None, at=now)
    session.add(signal)
    await session.flush()
    await write_skills(session, principal, [(signal.id, skills)])
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


def mark_named(signal: DemandSignal, *, was: Any, at: datetime) -> None:
    """Remember when a signal (re)became NAMED and its version then: other members see
    nothing of its history from before (``permissions.public_timeline``)."""
    if signal.sharing_level is SharingLevel.NAMED and was != SharingLevel.NAMED.value:
        signal.named_at, signal.named_version = at, signal.version
    elif signal.sharing_level is not SharingLevel.NAMED:
        signal.named_at = signal.named_version = None


def final_status_error(signal: DemandSignal, field: str) -> UserError:
    return UserError(
        (field,),
        f"This signal is {signal.status.value}: it can no longer change.",
        Code.INVALID_TRANSITION,
    )


async def apply_change(
    session: AsyncSession,
    principal: Principal,
    signal: DemandSignal,
    *,
    cleaned: dict[str, Any],
    before_skills: Skills,
    action: str,
) -> bool:
    """Set the checked values ``cleaned`` (``skills``, when there, replaces the list) on
    a signal the caller may edit and has locked. When anything changed: the next version,
    its history row and the ``action`` audit event, and True; else nothing, and False."""
    before = snapshot(columns_of(signal), before_skills)
    skills: Skills = cleaned.pop("skills", before_skills)
    for name, value in cleaned.items():
        setattr(signal, name, value)
    after = snapshot(columns_of(signal), skills)
    changes = changes_between(before, after)
    if not changes:
        return False
    now = datetime.now(UTC)
    signal.version += 1
    signal.updated_at = now
    mark_named(signal, was=before.get("sharing_level"), at=now)
    await session.flush()
    if "skills" in changes:
        await session.execute(
            delete(DemandSignalSkill).where(
                in_tenant(DemandSignalSkill, principal), DemandSignalSkill.signal_id == signal.id
            )
        )
        await write_skills(session, principal, [(signal.id, skills)])
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
    return True


async def _change(
    session: AsyncSession,
    principal: Principal,
    *,
    signal_id: uuid.UUID,
    fields: dict[str, Any],
    action: str,
    status_field: str,
    today: date | None,
) -> DemandSignal:
    require_demand_author(principal)
    signal = await session.scalar(
        visible_signals(principal).where(DemandSignal.id == signal_id).with_for_update()
    )
    if signal is None:
        raise _not_found()
    require_demand_editor(principal, signal.organization_id)
    if signal.status in FINAL_STATUSES:
        raise InvalidInput(
            [final_status_error(signal, status_field if "status" in fields else "id")]
        )
    vocabulary = await vocabulary_for(session, *_asked(fields))
    today = today or await today_of(session, principal)
    cleaned, errors = validation.signal_fields(
        fields, current=columns_of(signal), vocabulary=vocabulary, today=today
    )
    if "external_id" in cleaned:
        errors += await _external_id_taken(
            session,
            principal,
            organization_id=signal.organization_id,
            external_id=cleaned["external_id"],
            signal_id=signal.id,
        )
    if errors:
        raise InvalidInput(errors)
    before_skills = (await skills_of_signals(session, principal, [signal.id]))[signal.id]
    await apply_change(
        session, principal, signal, cleaned=cleaned, before_skills=before_skills, action=action
    )
    return signal


async def update_demand_signal(
    session: AsyncSession,
    principal: Principal,
    *,
    signal_id: uuid.UUID,
    fields: dict[str, Any],
    today: date | None = None,
) -> DemandSignal:
    """Change only the given fields (``skills``, when given, replaces the list; a wage,
    place or ``external_id`` given as None is cleared). A change writes the next version
    and a ``demand_signal.update`` audit event; no change, none. A change that moves the
    horizon must keep it within the bounds as of ``today`` (default: the partnership's)."""
    return await _change(
        session,
        principal,
        signal_id=signal_id,
        fields=fields,
        action="demand_signal.update",
        status_field="status",
        today=today,
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
        # Withdrawing never moves the horizon: no need to read the partnership's clock.
        today=datetime.now(UTC).date(),
    )


__all__ = [
    "COLUMNS",
    "FINAL_STATUSES",
    "apply_change",
    "columns_of",
    "create_demand_signal",
    "employer_for_posting",
    "final_status_error",
    "pooled_demand",
    "pooled_median_wages",
    "today_of",
    "update_demand_signal",
    "withdraw_demand_signal",
]
