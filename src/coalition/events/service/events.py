"""Posting and changing events (the package docstring says what every command
guarantees)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.service import diff, record_event
from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant, scoped
from coalition.errors import InvalidInput, UserError
from coalition.events import validation
from coalition.events.errors import EventErrorCode as Code
from coalition.events.models import (
    Attendance,
    Event,
    EventOccupation,
    EventProgram,
    EventStatus,
    Registration,
    RegistrationStatus,
    Visibility,
)
from coalition.events.permissions import (
    require_event_author,
    require_event_manager,
    visible_events,
)
from coalition.events.registrations import fill_from_waitlist
from coalition.skills.models import Occupation
from coalition.supply.models import TrainingProgram
from coalition.supply.permissions import visible_programs
from coalition.tenancy.models import Organization

COLUMNS = (
    "kind",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "time_zone",
    "attendance_mode",
    "venue_name",
    "venue_address",
    "venue_city",
    "venue_postal_code",
    "online_url",
    "step_free_access",
    "asl_interpretation",
    "captioning",
    "languages",
    "transit_nearby",
    "childcare",
    "quiet_room",
    "accessibility_note",
    "capacity_in_person",
    "capacity_online",
    "status",
    "visibility",
)
DEFAULTS: dict[str, Any] = {
    "description": "",
    "venue_name": None,
    "venue_address": None,
    "venue_city": None,
    "venue_postal_code": None,
    "online_url": None,
    "step_free_access": False,
    "asl_interpretation": False,
    "captioning": False,
    "languages": [],
    "transit_nearby": False,
    "childcare": False,
    "quiet_room": False,
    "accessibility_note": "",
    "capacity_in_person": None,
    "capacity_online": None,
    "visibility": Visibility.PUBLIC,
    "occupation_codes": [],
    "program_ids": [],
}


def event_not_found(field: str = "id") -> InvalidInput:
    return InvalidInput([UserError((field,), "No event with this ID.", Code.NOT_FOUND)])


def columns_of(event: Event) -> dict[str, Any]:
    """The event's current state, as ``validation`` and the audit log read it."""
    return {name: getattr(event, name) for name in COLUMNS}


async def organizer_for_events(
    session: AsyncSession, principal: Principal, organization_id: uuid.UUID
) -> Organization:
    """The organization that posts the event: in the caller's tenant (another tenant's
    ID is NOT_FOUND, like a random one), administered by the caller (or the caller is a
    partnership admin), not archived. Any kind of member may organize events."""
    require_event_author(principal)
    organization = await session.scalar(
        scoped(Organization, principal).where(Organization.id == organization_id)
    )
    if organization is None:
        raise InvalidInput(
            [UserError(("organizationId",), "No organization with this ID.", Code.NOT_FOUND)]
        )
    require_event_manager(principal, organization.id)
    if organization.archived_at is not None:
        raise InvalidInput(
            [UserError(("organizationId",), "This organization is archived.", Code.ARCHIVED)]
        )
    return organization


async def managed_event(
    session: AsyncSession, principal: Principal, event_id: uuid.UUID, *, field: str = "id"
) -> Event:
    """The event, locked for the change, if the caller may see it (else NOT_FOUND) and
    manage it (else Forbidden)."""
    require_event_author(principal)
    event = await session.scalar(
        visible_events(principal).where(Event.id == event_id).with_for_update()
    )
    if event is None:
        raise event_not_found(field)
    require_event_manager(principal, event.organization_id)
    return event


async def _missing_targets(
    session: AsyncSession, principal: Principal, cleaned: dict[str, Any]
) -> list[UserError]:
    """Target occupations that are no SOC code of the vocabulary, and target programs
    the caller cannot see, each at its place in the list."""
    errors: list[UserError] = []
    codes = cleaned.get("occupation_codes") or []
    if codes:
        known = set(
            await session.scalars(select(Occupation.soc_code).where(Occupation.soc_code.in_(codes)))
        )
        errors += [
            UserError(("occupationCodes", str(i)), f"No occupation {c!r}.", Code.NOT_FOUND)
            for i, c in enumerate(codes)
            if c not in known
        ]
    ids = cleaned.get("program_ids") or []
    if ids:
        seen = set(
            await session.scalars(
                visible_programs(principal)
                .with_only_columns(TrainingProgram.id)
                .where(TrainingProgram.id.in_(ids))
            )
        )
        errors += [
            UserError(("programIds", str(i)), "No training program with this ID.", Code.NOT_FOUND)
            for i, program_id in enumerate(ids)
            if program_id not in seen
        ]
    return errors


async def _unknown_to_the_database(
    session: AsyncSession, cleaned: dict[str, Any]
) -> list[UserError]:
    """A time zone Python's zone database knows but the database server's does not (their
    tzdata releases differ): refused, since the public list filters by local dates in
    the server (``timezone(time_zone, ...)``) and would fail on it."""
    zone = cleaned.get("time_zone")
    if zone is None:
        return []
    known = await session.scalar(
        select(func.count()).select_from(text("pg_timezone_names")).where(text("name = :zone")),
        {"zone": zone},
    )
    if known:
        return []
    cleaned.pop("time_zone")
    message = "timeZone must be an IANA time zone name, e.g. America/Chicago."
    return [UserError(("timeZone",), message, Code.INVALID)]


async def _write_targets(
    session: AsyncSession,
    principal: Principal,
    event_id: uuid.UUID,
    *,
    codes: list[str] | None,
    program_ids: list[uuid.UUID] | None,
    replace: bool,
) -> None:
    for model, column, given in (
        (EventOccupation, "occupation_code", codes),
        (EventProgram, "program_id", program_ids),
    ):
        if given is None:
            continue
        if replace:
            await session.execute(
                delete(model).where(in_tenant(model, principal), model.event_id == event_id)
            )
        if given:
            base: dict[str, Any] = {"tenant_id": principal.tenant_id, "event_id": event_id}
            await session.execute(
                insert(model), [base | {"id": uuid.uuid4(), column: value} for value in given]
            )


async def targets_of(
    session: AsyncSession, principal: Principal, event_id: uuid.UUID
) -> tuple[list[str], list[uuid.UUID]]:
    """The event's target occupation codes and program IDs, sorted (for writers)."""
    codes = await session.scalars(
        select(EventOccupation.occupation_code)
        .where(in_tenant(EventOccupation, principal), EventOccupation.event_id == event_id)
        .order_by(EventOccupation.occupation_code)
    )
    programs = await session.scalars(
        select(EventProgram.program_id)
        .where(in_tenant(EventProgram, principal), EventProgram.event_id == event_id)
        .order_by(EventProgram.program_id)
    )
    return list(codes), list(programs)


def _state(columns: dict[str, Any], codes: list[str], programs: list[uuid.UUID]) -> dict[str, Any]:
    return columns | {
        "occupation_codes": sorted(codes),
        "program_ids": sorted(str(p) for p in programs),
    }


async def create_event(
    session: AsyncSession,
    principal: Principal,
    *,
    organization_id: uuid.UUID,
    fields: dict[str, Any],
) -> Event:
    """Post an event for an organization the caller administers (see
    ``validation.event_fields``), as a DRAFT, with its target occupations and programs and
    the ``event.create`` audit event. Every problem comes in one ``InvalidInput`` before
    anything is written."""
    organization = await organizer_for_events(session, principal, organization_id)
    cleaned, errors = validation.event_fields(fields, current=None)
    errors += await _unknown_to_the_database(session, cleaned)
    errors += await _missing_targets(session, principal, cleaned)
    if errors:
        raise InvalidInput(errors)
    values = DEFAULTS | cleaned
    codes: list[str] = values.pop("occupation_codes")
    programs: list[uuid.UUID] = values.pop("program_ids")
    now = datetime.now(UTC)
    event = Event(
        tenant_id=principal.tenant_id,
        id=uuid.uuid4(),
        organization_id=organization.id,
        status=EventStatus.DRAFT,
        sequence=0,
        arrivals=0,
        created_by_user_id=principal.id if principal.is_user else None,
        created_at=now,
        updated_at=now,
        **values,
    )
    session.add(event)
    await session.flush()
    await _write_targets(
        session, principal, event.id, codes=codes, program_ids=programs, replace=False
    )
    await record_event(
        session,
        principal,
        action="event.create",
        object_type="Event",
        object_id=event.id,
        changes=diff({}, _state(columns_of(event), codes, programs)),
    )
    return event


async def confirmed_counts(session: AsyncSession, event: Event) -> dict[Attendance, int]:
    """How many people are CONFIRMED for the event, per attendance."""
    rows = await session.execute(
        select(Registration.attendance, func.count())
        .where(
            in_tenant(Registration, event.tenant_id),
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
        .group_by(Registration.attendance)
    )
    counts = dict.fromkeys(Attendance, 0)
    for attendance, count in rows:
        counts[attendance] = count
    return counts


async def _capacity_problems(
    session: AsyncSession, event: Event, cleaned: dict[str, Any]
) -> list[UserError]:
    """A capacity lowered below the people confirmed for it."""
    checks = (
        ("capacity_in_person", "capacityInPerson", Attendance.IN_PERSON),
        ("capacity_online", "capacityOnline", Attendance.ONLINE),
    )
    if not any(cleaned.get(column) is not None for column, _, _ in checks):
        return []
    confirmed = await confirmed_counts(session, event)
    errors: list[UserError] = []
    for column, path, attendance in checks:
        capacity = cleaned.get(column)
        if capacity is not None and capacity < confirmed[attendance]:
            message = (
                f"{confirmed[attendance]} people are already confirmed: cancel "
                f"registrations before lowering {path} to {capacity}."
            )
            errors.append(UserError((path,), message, Code.CAPACITY_BELOW_CONFIRMED))
    return errors


def _ended_times(event: Event, cleaned: dict[str, Any]) -> list[UserError]:
    """Moving an event that has ended: refused, or the organizer could reopen its
    exhibitors and reports and change figures already published (``outcomes``)."""
    if event.ends_at > datetime.now(UTC):
        return []
    return [
        UserError((path,), "The event has ended: its times are settled.", Code.EVENT_CLOSED)
        for column, path in (("starts_at", "startsAt"), ("ends_at", "endsAt"))
        if column in cleaned and cleaned[column] != getattr(event, column)
    ]


async def update_event(
    session: AsyncSession,
    principal: Principal,
    *,
    event_id: uuid.UUID,
    fields: dict[str, Any],
) -> Event:
    """Change only the given fields of an event the caller manages; its status moves
    along ``validation.EVENT_TRANSITIONS`` (COMPLETED only once it has started). A
    CANCELLED or COMPLETED event takes no change. A change bumps ``sequence`` (the
    calendar feeds' SEQUENCE) and writes an ``event.update`` audit event; raising a
    capacity confirms the first people waiting. No change, no write."""
    event = await managed_event(session, principal, event_id)
    errors = validation.check_not_final(event.status)
    if errors:
        raise InvalidInput(errors)
    codes, programs = await targets_of(session, principal, event.id)
    before = columns_of(event)
    cleaned, errors = validation.event_fields(fields, current=before)
    errors += await _unknown_to_the_database(session, cleaned)
    errors += await _missing_targets(session, principal, cleaned)
    errors += _ended_times(event, cleaned)
    if cleaned.get("status") is EventStatus.COMPLETED:
        starts = cleaned.get("starts_at", event.starts_at)
        if starts > datetime.now(UTC):
            message = "An event can be COMPLETED only once it has started."
            errors.append(UserError(("status",), message, Code.NOT_STARTED))
    if not errors:
        errors += await _capacity_problems(session, event, cleaned)
    if errors:
        raise InvalidInput(errors)
    new_codes = cleaned.pop("occupation_codes", None)
    new_programs = cleaned.pop("program_ids", None)
    for name, value in cleaned.items():
        setattr(event, name, value)
    changes = diff(
        _state(before, codes, programs),
        _state(
            columns_of(event),
            codes if new_codes is None else new_codes,
            programs if new_programs is None else new_programs,
        ),
    )
    if not changes:
        return event
    event.sequence += 1
    event.updated_at = datetime.now(UTC)
    await session.flush()
    await _write_targets(
        session, principal, event.id, codes=new_codes, program_ids=new_programs, replace=True
    )
    if {"capacity_in_person", "capacity_online"} & changes.keys():
        await fill_from_waitlist(session, event, principal=principal)
    await record_event(
        session,
        principal,
        action="event.update",
        object_type="Event",
        object_id=event.id,
        changes=changes,
    )
    return event


async def set_event_status(
    session: AsyncSession, principal: Principal, *, event_id: uuid.UUID, status: EventStatus
) -> Event:
    """Publish, cancel or complete an event (``update_event`` with only its status)."""
    return await update_event(session, principal, event_id=event_id, fields={"status": status})


__all__ = [
    "columns_of",
    "confirmed_counts",
    "create_event",
    "event_not_found",
    "managed_event",
    "organizer_for_events",
    "set_event_status",
    "update_event",
]
