"""What the web app's public pages (``/p/<slug>/events``) read of a partnership's public
events, which anonymous GraphQL cannot read (it may only register and cancel): the
upcoming PUBLISHED PUBLIC events, and one public event with the places left and the
length of its waitlist per way of attending, so the registration form can say honestly
whether a person gets a seat or which place on the waitlist.

Only what ``events.public`` already publishes is read (``public_events``: PUBLIC and
PUBLISHED, CANCELLED or COMPLETED, never DRAFT or MEMBERS, never another partnership's),
plus counts: how many seats are taken and how many people wait, never who. Each read
runs in a transaction bound to the tenant (row-level security applies) and every
statement names the tenant too.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, literal, select, tuple_

from coalition.db.engine import SessionFactory
from coalition.db.scoping import in_tenant
from coalition.db.session import tenant_transaction
from coalition.events.models import (
    Attendance,
    AttendanceMode,
    Event,
    EventStatus,
    Registration,
    RegistrationStatus,
)
from coalition.events.public import public_events
from coalition.tenancy.models import Tenant

MAX_PAGE = 50


@dataclass(frozen=True)
class Places:
    """One way of attending an event: its capacity (None: no limit), the seats taken and
    the people waiting."""

    attendance: Attendance
    capacity: int | None
    confirmed: int
    waitlisted: int

    @property
    def left(self) -> int | None:
        """Seats still free (None: no limit)."""
        return None if self.capacity is None else max(self.capacity - self.confirmed, 0)

    @property
    def is_full(self) -> bool:
        return self.left == 0

    @property
    def next_waitlist_number(self) -> int:
        """The waitlist place a person registering now would take."""
        return self.waitlisted + 1


@dataclass(frozen=True)
class PublicEvent:
    event: Event
    organizer: str
    places: list[Places]  # the ways one may attend it, in person first


@dataclass(frozen=True)
class Partnership:
    name: str
    time_zone: str


def _attendances(mode: AttendanceMode) -> list[Attendance]:
    if mode is AttendanceMode.MIXED:
        return [Attendance.IN_PERSON, Attendance.ONLINE]
    return [Attendance.ONLINE if mode is AttendanceMode.ONLINE else Attendance.IN_PERSON]


async def partnership(sessions: SessionFactory, tenant_id: uuid.UUID) -> Partnership | None:
    """The partnership's name and time zone, as its public pages show them."""
    async with tenant_transaction(sessions, tenant_id) as session:
        row = (
            await session.execute(
                select(Tenant.name, Tenant.settings).where(Tenant.id == tenant_id)
            )
        ).first()
    if row is None:
        return None
    settings: dict[str, Any] = row.settings or {}
    return Partnership(row.name, str(settings.get("time_zone") or "UTC"))


async def upcoming_public_events(
    sessions: SessionFactory,
    tenant_id: uuid.UUID,
    *,
    now: datetime,
    after: tuple[datetime, uuid.UUID] | None = None,
    first: int = 20,
) -> tuple[list[tuple[Event, str]], bool]:
    """The PUBLISHED public events not yet over, by start then ID, ``first`` of them
    after the cursor (an event's start and ID), and whether more follow."""
    first = max(1, min(first, MAX_PAGE))
    statement = public_events(tenant_id).where(
        Event.status == EventStatus.PUBLISHED, Event.ends_at >= now
    )
    if after is not None:
        starts, event_id = after
        statement = statement.where(
            tuple_(Event.starts_at, Event.id)
            > tuple_(literal(starts, Event.starts_at.type), literal(event_id, Event.id.type))
        )
    async with tenant_transaction(sessions, tenant_id) as session:
        rows = await session.execute(statement.order_by(Event.starts_at, Event.id).limit(first + 1))
        found = [(row[0], row[1]) for row in rows]
    return found[:first], len(found) > first


async def public_event(
    sessions: SessionFactory, tenant_id: uuid.UUID, event_id: uuid.UUID
) -> PublicEvent | None:
    """One public event of the partnership with its places, or None (unknown, DRAFT,
    MEMBERS, another partnership's): two statements."""
    async with tenant_transaction(sessions, tenant_id) as session:
        row = (await session.execute(public_events(tenant_id).where(Event.id == event_id))).first()
        if row is None:
            return None
        event, organizer = row[0], row[1]
        counts = await session.execute(
            select(Registration.attendance, Registration.status, func.count())
            .where(
                in_tenant(Registration, tenant_id),
                Registration.event_id == event.id,
                Registration.status != RegistrationStatus.CANCELLED,
            )
            .group_by(Registration.attendance, Registration.status)
        )
        taken: dict[tuple[Attendance, RegistrationStatus], int] = {
            (attendance, status): count for attendance, status, count in counts
        }
    places = [
        Places(
            attendance,
            event.capacity_in_person
            if attendance is Attendance.IN_PERSON
            else event.capacity_online,
            taken.get((attendance, RegistrationStatus.CONFIRMED), 0),
            taken.get((attendance, RegistrationStatus.WAITLISTED), 0),
        )
        for attendance in _attendances(event.attendance_mode)
    ]
    return PublicEvent(event, organizer, places)


async def waitlist_number(
    sessions: SessionFactory, tenant_id: uuid.UUID, registration_id: uuid.UUID
) -> int | None:
    """A WAITLISTED registration's place on its event's waitlist (of its way of
    attending), from 1; None for one that is not waiting. For the person who just
    registered, whose registration the page was handed back."""
    async with tenant_transaction(sessions, tenant_id) as session:
        mine = (
            await session.execute(
                select(Registration.event_id, Registration.attendance, Registration.arrival).where(
                    in_tenant(Registration, tenant_id),
                    Registration.id == registration_id,
                    Registration.status == RegistrationStatus.WAITLISTED,
                )
            )
        ).first()
        if mine is None:
            return None
        ahead: int = (
            await session.scalar(
                select(func.count()).where(
                    in_tenant(Registration, tenant_id),
                    Registration.event_id == mine.event_id,
                    Registration.attendance == mine.attendance,
                    Registration.status == RegistrationStatus.WAITLISTED,
                    Registration.arrival <= mine.arrival,
                )
            )
            or 0
        )
    return ahead


__all__ = [
    "Partnership",
    "Places",
    "PublicEvent",
    "partnership",
    "public_event",
    "upcoming_public_events",
    "waitlist_number",
]
