"""Reading registrations, by the attendee rules of ``events.permissions``: the
organizer's staff (``may_see_attendees``) see everyone registered, with every field; an
APPROVED exhibitor's people see the registrations that consent to contact (not
cancelled), with name, email and phone only; everyone else sees none (an empty page,
and ``registrations_by_ids`` leaves them out, so a hidden registration reads as missing).
Partner apps and the public actor never see any. Counts are for whoever may manage the
event and its staff. A search (the check-in screen's) keeps the registrations whose name
contains the text, any case, or, where the caller sees them in full, whose check-in
code is it.

Each function runs a fixed number of statements, whatever the number of events.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant, scoped
from coalition.events.models import (
    Attendance,
    Event,
    Exhibitor,
    ExhibitorStatus,
    Registration,
    RegistrationStatus,
)
from coalition.events.permissions import may_manage_event, may_see_attendees, visible_events
from coalition.events.registrations import normalize_code
from coalition.pagination import Page, PageRequest, SortKey, fetch_pages_by_parent

BY_ARRIVAL = SortKey([Registration.arrival, Registration.id], [int, uuid.UUID])
SEARCH_CHARS = 200
# What PostgreSQL's text cannot hold (a NUL, a lone surrogate): dropped from a search.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


@dataclass(frozen=True)
class RegistrationQuery:
    """A page of an event's registrations, and the search text they must match (None:
    all)."""

    page: PageRequest
    search: str | None = None


@dataclass(frozen=True)
class SeenRegistration:
    """A registration as the caller may see it: ``full``, or only the person's name,
    email and phone (an approved exhibitor's view of a consenting person)."""

    registration: Registration
    full: bool


@dataclass(frozen=True)
class Counts:
    """People counts of one attendance mode, or of both."""

    registered: int = 0
    waitlisted: int = 0
    checked_in: int = 0
    no_show: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.registered + other.registered,
            self.waitlisted + other.waitlisted,
            self.checked_in + other.checked_in,
            self.no_show + other.no_show,
        )


async def _access(
    session: AsyncSession, principal: Principal, event_ids: Sequence[uuid.UUID]
) -> tuple[set[uuid.UUID], set[uuid.UUID]]:
    """Of the events, those whose registrations the caller sees in full, and those where
    the caller's organization is an approved exhibitor (one statement; none for callers
    who see no attendees anywhere)."""
    if not (principal.is_user or principal.is_system) or not event_ids:
        return set(), set()
    organizations = sorted(principal.organization_ids)
    exhibits = (
        exists()
        .where(
            in_tenant(Exhibitor, principal),
            Exhibitor.event_id == Event.id,
            Exhibitor.status == ExhibitorStatus.APPROVED,
            Exhibitor.organization_id.in_(organizations),
        )
        .correlate(Event)
        if organizations
        else false()
    )
    rows = await session.execute(
        visible_events(principal)
        .with_only_columns(Event.id, Event.organization_id, exhibits.label("exhibits"))
        .where(Event.id.in_(list(event_ids)))
    )
    full: set[uuid.UUID] = set()
    contact: set[uuid.UUID] = set()
    for event_id, organization_id, is_exhibitor in rows:
        if may_see_attendees(principal, organization_id):
            full.add(event_id)
        elif is_exhibitor:
            contact.add(event_id)
    return full, contact


async def sees_registrations(
    session: AsyncSession, principal: Principal, event_id: uuid.UUID
) -> bool:
    """Whether the caller sees any of the event's registrations, as ``registrations_of_
    events`` decides (the organizer's staff, an approved exhibitor's people); False for
    an event the caller may not see."""
    full, contact = await _access(session, principal, [event_id])
    return event_id in full or event_id in contact


def _seen(full: set[uuid.UUID], contact: set[uuid.UUID]) -> ColumnElement[bool]:
    return or_(
        Registration.event_id.in_(sorted(full)),
        and_(
            Registration.event_id.in_(sorted(contact)),
            Registration.consent_to_contact.is_(True),
            Registration.status != RegistrationStatus.CANCELLED,
        ),
    )


def _matching(search: str, full: set[uuid.UUID]) -> ColumnElement[bool]:
    """Name contains ``search`` (any case; LIKE's wildcards taken literally), or the code
    is it where the caller sees codes."""
    text = UNSTORABLE.sub("", search)[:SEARCH_CHARS]
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    by_name = Registration.name.ilike(f"%{escaped}%", escape="\\")
    code = normalize_code(text)
    if not code or not full:
        return by_name
    return or_(by_name, and_(Registration.event_id.in_(sorted(full)), Registration.code == code))


async def registrations_of_events(
    session: AsyncSession,
    principal: Principal,
    event_ids: Sequence[uuid.UUID],
    query: RegistrationQuery,
) -> dict[uuid.UUID, Page[SeenRegistration]]:
    """A page of each event's registrations the caller may see, in arrival order (an
    empty page where the caller sees none), those matching ``query.search`` only when
    it is given (blank: all): two statements."""
    empty: Page[SeenRegistration] = Page(items=[], cursors=[], has_next_page=False, total_count=0)
    full, contact = await _access(session, principal, event_ids)
    if not full and not contact:
        return dict.fromkeys(event_ids, empty)
    statement = select(Registration).where(
        in_tenant(Registration, principal),
        _seen(full, contact),
    )
    if query.search is not None and query.search.strip():
        statement = statement.where(_matching(query.search.strip(), full))
    pages = await fetch_pages_by_parent(
        session, principal, statement, Registration.event_id, event_ids, query.page, BY_ARRIVAL
    )
    return {
        event_id: Page(
            items=[SeenRegistration(item, event_id in full) for item in found.items],
            cursors=found.cursors,
            has_next_page=found.has_next_page,
            total_count=found.total_count,
        )
        for event_id, found in pages.items()
    }


async def registrations_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, SeenRegistration]:
    """The registrations among ``ids`` the caller may see (two statements)."""
    if not (principal.is_user or principal.is_system) or not ids:
        return {}
    rows = list(
        await session.scalars(scoped(Registration, principal).where(Registration.id.in_(ids)))
    )
    full, contact = await _access(session, principal, sorted({row.event_id for row in rows}))
    found: dict[uuid.UUID, SeenRegistration] = {}
    for row in rows:
        if row.event_id in full:
            found[row.id] = SeenRegistration(row, True)
        elif (
            row.event_id in contact
            and row.consent_to_contact
            and row.status is not RegistrationStatus.CANCELLED
        ):
            found[row.id] = SeenRegistration(row, False)
    return found


def may_see_counts(principal: Principal, organization_id: uuid.UUID) -> bool:
    """Whether the caller sees an event's people counts: whoever may manage it, and the
    organizer's staff."""
    return may_manage_event(principal, organization_id) or may_see_attendees(
        principal, organization_id
    )


async def attendance_counts(
    session: AsyncSession, events: Sequence[Event], *, now: datetime | None = None
) -> dict[uuid.UUID, dict[Attendance, Counts]]:
    """Each event's counts per attendance mode, in one statement: registered (CONFIRMED),
    waitlisted, checked in, and no-shows (CONFIRMED, not checked in, the event over).
    The caller decides who may see them (``may_see_counts``)."""
    now = now or datetime.now(UTC)
    found: dict[uuid.UUID, dict[Attendance, Counts]] = {
        event.id: dict.fromkeys(Attendance, Counts()) for event in events
    }
    if not events:
        return found
    ended = {event.id for event in events if event.ends_at <= now}
    checked = Registration.checked_in_at.is_not(None)
    rows = await session.execute(
        select(
            Registration.event_id,
            Registration.attendance,
            Registration.status,
            checked.label("checked"),
            func.count(),
        )
        .where(
            in_tenant(Registration, events[0].tenant_id),
            Registration.event_id.in_([event.id for event in events]),
            Registration.status != RegistrationStatus.CANCELLED,
        )
        .group_by(Registration.event_id, Registration.attendance, Registration.status, checked)
    )
    for event_id, attendance, status, is_checked, count in rows:
        if status is RegistrationStatus.WAITLISTED:
            part = Counts(waitlisted=count)
        elif is_checked:
            part = Counts(registered=count, checked_in=count)
        else:
            part = Counts(registered=count, no_show=count if event_id in ended else 0)
        found[event_id][attendance] = found[event_id][attendance] + part
    return found


async def attendance_of_events(
    session: AsyncSession, principal: Principal, event_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, dict[Attendance, Counts]]:
    """The counts of the events among ``event_ids`` whose counts the caller may see
    (``may_see_counts``); the others are left out. Two statements."""
    if not (principal.is_user or principal.is_system) or not event_ids:
        return {}
    events = [
        event
        for event in await session.scalars(
            visible_events(principal).where(Event.id.in_(list(event_ids)))
        )
        if may_see_counts(principal, event.organization_id)
    ]
    return await attendance_counts(session, events)


__all__ = [
    "BY_ARRIVAL",
    "Counts",
    "RegistrationQuery",
    "SeenRegistration",
    "attendance_counts",
    "attendance_of_events",
    "may_see_counts",
    "registrations_by_ids",
    "registrations_of_events",
]
