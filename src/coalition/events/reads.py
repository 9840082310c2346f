"""Reading events, their exhibitors, openings, sessions and targets: every query starts
from ``permissions.visible_events``.

Each function filters by the caller's tenant (through ``visible_events``) and returns
only what the caller may see; what it may not see is absent, as if the ID did not
exist. The batched readers serve the per-request DataLoaders: one statement per batch,
whatever its size. Exhibitors: an APPROVED one is seen by everyone who sees the event;
a request still pending, declined or withdrawn only by those who manage the event and
by the exhibiting organization's own people.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Text, exists, literal, or_, select, true
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant, scoped
from coalition.events.models import (
    AttendanceMode,
    Event,
    EventKind,
    EventOccupation,
    EventProgram,
    EventSession,
    Exhibitor,
    ExhibitorOpening,
    ExhibitorOutcome,
    ExhibitorStatus,
)
from coalition.events.permissions import require_events_read, visible_events
from coalition.pagination import Page, PageRequest, SortKey, fetch_page
from coalition.supply.models import TrainingProgram
from coalition.supply.permissions import visible_programs
from coalition.tenancy.models import Organization, Tenant

BY_START = SortKey([Event.starts_at, Event.id], [datetime.fromisoformat, uuid.UUID])
ACCESSIBILITY_COLUMNS = {
    "STEP_FREE_ACCESS": Event.step_free_access,
    "ASL_INTERPRETATION": Event.asl_interpretation,
    "CAPTIONING": Event.captioning,
    "TRANSIT_NEARBY": Event.transit_nearby,
    "CHILDCARE": Event.childcare,
    "QUIET_ROOM": Event.quiet_room,
}
"""The accessibility a filter can ask for, by its API name."""


@dataclass(frozen=True)
class EventFilter:
    """Which events to list; every criterion given must hold. ``starts_from`` and
    ``starts_to``: the event is under way at some moment in [from, to) (it ends after
    ``from`` and starts before ``to``). ``accessibility``: all of them."""

    starts_from: datetime | None = None
    starts_to: datetime | None = None
    kinds: Sequence[EventKind] = field(default_factory=tuple)
    occupation_code: str | None = None
    attendance_mode: AttendanceMode | None = None
    accessibility: Sequence[str] = field(default_factory=tuple)
    language: str | None = None
    organizer_id: uuid.UUID | None = None


def filtered_events(principal: Principal, chosen: EventFilter) -> Any:
    """``visible_events`` narrowed by ``chosen`` (a Select of events)."""
    statement = visible_events(principal)
    if chosen.starts_from is not None:
        statement = statement.where(Event.ends_at > chosen.starts_from)
    if chosen.starts_to is not None:
        statement = statement.where(Event.starts_at < chosen.starts_to)
    if chosen.kinds:
        statement = statement.where(Event.kind.in_(sorted(set(chosen.kinds))))
    if chosen.occupation_code:
        statement = statement.where(
            exists().where(
                in_tenant(EventOccupation, principal),
                EventOccupation.event_id == Event.id,
                EventOccupation.occupation_code == chosen.occupation_code.strip(),
            )
        )
    if chosen.attendance_mode is not None:
        # A MIXED event can be attended either way.
        modes = {chosen.attendance_mode, AttendanceMode.MIXED}
        statement = statement.where(Event.attendance_mode.in_(sorted(modes)))
    for need in chosen.accessibility:
        statement = statement.where(ACCESSIBILITY_COLUMNS[need].is_(true()))
    if chosen.language:
        statement = statement.where(
            Event.languages.op("@>")(literal([chosen.language.strip()], ARRAY(Text)))
        )
    if chosen.organizer_id is not None:
        statement = statement.where(Event.organization_id == chosen.organizer_id)
    return statement


async def list_events(
    session: AsyncSession, principal: Principal, chosen: EventFilter, page: PageRequest
) -> Page[Event]:
    """One page of the events the caller may see, by start then ID."""
    require_events_read(principal)
    return await fetch_page(session, filtered_events(principal, chosen), page, BY_START)


async def events_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Event]:
    require_events_read(principal)
    rows = await session.scalars(visible_events(principal).where(Event.id.in_(ids)))
    return {event.id: event for event in rows}


def _visible_event_ids(principal: Principal) -> Any:
    return visible_events(principal).with_only_columns(Event.id)


def exhibitor_visibility(principal: Principal) -> ColumnElement[bool]:
    """APPROVED exhibitors to everyone who sees the event; the rest to the event's
    managers and the exhibiting organization's people."""
    approved = Exhibitor.status == ExhibitorStatus.APPROVED
    if principal.is_partnership_admin:
        return true()
    if not principal.is_user:
        return approved
    administered = sorted(principal.administered_organization_ids)
    managed = select(Event.id).where(
        in_tenant(Event, principal), Event.organization_id.in_(administered)
    )
    return or_(
        approved,
        Exhibitor.organization_id.in_(sorted(principal.organization_ids)),
        Exhibitor.event_id.in_(managed),
    )


def visible_exhibitors(principal: Principal) -> Any:
    return select(Exhibitor).where(
        in_tenant(Exhibitor, principal),
        Exhibitor.event_id.in_(_visible_event_ids(principal)),
        exhibitor_visibility(principal),
    )


async def exhibitors_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Exhibitor]:
    require_events_read(principal)
    rows = await session.scalars(visible_exhibitors(principal).where(Exhibitor.id.in_(ids)))
    return {exhibitor.id: exhibitor for exhibitor in rows}


async def exhibitors_of_events(
    session: AsyncSession, principal: Principal, event_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Exhibitor]]:
    """Each event's exhibitors the caller may see, in the order they asked."""
    require_events_read(principal)
    found: dict[uuid.UUID, list[Exhibitor]] = {}
    for exhibitor in await session.scalars(
        visible_exhibitors(principal)
        .where(Exhibitor.event_id.in_(event_ids))
        .order_by(Exhibitor.event_id, Exhibitor.created_at, Exhibitor.id)
    ):
        found.setdefault(exhibitor.event_id, []).append(exhibitor)
    return found


async def openings_of_exhibitors(
    session: AsyncSession, principal: Principal, exhibitor_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[ExhibitorOpening]]:
    """Each exhibitor's openings (for exhibitors the caller was shown), by occupation."""
    found: dict[uuid.UUID, list[ExhibitorOpening]] = {}
    for opening in await session.scalars(
        select(ExhibitorOpening)
        .where(
            in_tenant(ExhibitorOpening, principal),
            ExhibitorOpening.exhibitor_id.in_(exhibitor_ids),
        )
        .order_by(ExhibitorOpening.exhibitor_id, ExhibitorOpening.occupation_code)
    ):
        found.setdefault(opening.exhibitor_id, []).append(opening)
    return found


async def outcome_lines_of_exhibitors(
    session: AsyncSession, principal: Principal, exhibitor_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[ExhibitorOutcome]]:
    """Each exhibitor's report lines by occupation (the caller checked who may see them)."""
    found: dict[uuid.UUID, list[ExhibitorOutcome]] = {}
    for line in await session.scalars(
        select(ExhibitorOutcome)
        .where(
            in_tenant(ExhibitorOutcome, principal),
            ExhibitorOutcome.exhibitor_id.in_(exhibitor_ids),
        )
        .order_by(ExhibitorOutcome.exhibitor_id, ExhibitorOutcome.occupation_code)
    ):
        found.setdefault(line.exhibitor_id, []).append(line)
    return found


async def sessions_of_events(
    session: AsyncSession, principal: Principal, event_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[EventSession]]:
    """Each visible event's sessions, by start."""
    found: dict[uuid.UUID, list[EventSession]] = {}
    for row in await session.scalars(
        select(EventSession)
        .where(
            in_tenant(EventSession, principal),
            EventSession.event_id.in_(event_ids),
            EventSession.event_id.in_(_visible_event_ids(principal)),
        )
        .order_by(EventSession.event_id, EventSession.starts_at, EventSession.id)
    ):
        found.setdefault(row.event_id, []).append(row)
    return found


async def sessions_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, EventSession]:
    require_events_read(principal)
    rows = await session.scalars(
        select(EventSession).where(
            in_tenant(EventSession, principal),
            EventSession.id.in_(ids),
            EventSession.event_id.in_(_visible_event_ids(principal)),
        )
    )
    return {row.id: row for row in rows}


async def occupation_codes_of_events(
    session: AsyncSession, principal: Principal, event_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[str]]:
    found: dict[uuid.UUID, list[str]] = {}
    for event_id, code in await session.execute(
        select(EventOccupation.event_id, EventOccupation.occupation_code)
        .where(in_tenant(EventOccupation, principal), EventOccupation.event_id.in_(event_ids))
        .order_by(EventOccupation.event_id, EventOccupation.occupation_code)
    ):
        found.setdefault(event_id, []).append(code)
    return found


async def programs_of_events(
    session: AsyncSession, principal: Principal, event_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[TrainingProgram]]:
    """Each event's target programs the caller may see (a DRAFT program stays hidden)."""
    found: dict[uuid.UUID, list[TrainingProgram]] = {}
    visible = visible_programs(principal).subquery()
    for event_id, program in await session.execute(
        select(EventProgram.event_id, TrainingProgram)
        .join(
            TrainingProgram,
            in_tenant(TrainingProgram, principal) & (TrainingProgram.id == EventProgram.program_id),
        )
        .where(
            in_tenant(EventProgram, principal),
            EventProgram.event_id.in_(event_ids),
            TrainingProgram.id.in_(select(visible.c.id)),
        )
        .order_by(EventProgram.event_id, TrainingProgram.name, TrainingProgram.id)
    ):
        found.setdefault(event_id, []).append(program)
    return found


async def organizations_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Organization]:
    """Organizers and exhibitors: whoever may read events sees who runs and exhibits at
    them (a partner app with only ``events:read`` too)."""
    require_events_read(principal)
    rows = await session.scalars(scoped(Organization, principal).where(Organization.id.in_(ids)))
    return {row.id: row for row in rows}


async def tenant_slugs(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """The caller's own partnership's slug (for the public URLs of its events)."""
    slug = await session.scalar(select(Tenant.slug).where(Tenant.id == principal.tenant_id))
    return {principal.tenant_id: slug} if slug is not None and principal.tenant_id in ids else {}


__all__ = [
    "ACCESSIBILITY_COLUMNS",
    "BY_START",
    "EventFilter",
    "events_by_ids",
    "exhibitor_visibility",
    "exhibitors_by_ids",
    "exhibitors_of_events",
    "filtered_events",
    "list_events",
    "occupation_codes_of_events",
    "openings_of_exhibitors",
    "organizations_by_ids",
    "outcome_lines_of_exhibitors",
    "programs_of_events",
    "sessions_by_ids",
    "sessions_of_events",
    "tenant_slugs",
    "visible_exhibitors",
]
