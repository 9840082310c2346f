"""Places in an event's sessions: a person with a confirmed seat books a group session
or a 1:1 interview slot, up to the session's capacity.

Rules:

- The person is named by the registration's confirmation token (anyone holding it, no
  login, as for cancelling) or by the registration's ID (the organizer's staff).
- Only a CONFIRMED registration of the session's own event books, while the event is
  PUBLISHED and has not ended. A registration not seen, of another event, or cancelled
  is NOT_FOUND / NOT_REGISTERED; a waitlisted one WAITLISTED.
- Booking again is no error: the booking there is returned (idempotent). A full
  session is SESSION_FULL; a session that overlaps in time with one the person already
  booked is OVERLAPS (one cannot be in two rooms).
- The session's row is locked while places are counted, so concurrent bookings never
  exceed the capacity; a registration cancelled loses its bookings (the cancellation
  in ``registrations`` deletes them).
- The audit log gets the booking's session and registration IDs, never personal data.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.service import record_event
from coalition.auth.principal import Principal, PrincipalKind
from coalition.db.scoping import in_tenant, scoped
from coalition.errors import Forbidden, InvalidInput, UserError
from coalition.events.models import (
    Event,
    EventSession,
    EventStatus,
    Registration,
    RegistrationStatus,
    SessionBooking,
)
from coalition.events.permissions import (
    public_event_condition,
    require_event_staff,
    visible_events,
)
from coalition.events.registrations import hash_token

SESSION_FULL = "SESSION_FULL"
OVERLAPS = "OVERLAPS"


@dataclass(frozen=True)
class Booked:
    session: EventSession
    registration_id: uuid.UUID
    already: bool


def _problem(field: str, message: str, code: str) -> InvalidInput:
    return InvalidInput([UserError((field,), message, code)])


async def _locked_session(
    session: AsyncSession, principal: Principal, session_id: uuid.UUID
) -> tuple[EventSession, Event]:
    """The session (locked) and its event, for a caller who sees the event (anyone, for
    a PUBLIC one); partner apps book nobody."""
    if principal.kind is PrincipalKind.PUBLIC:
        events = scoped(Event, principal).where(public_event_condition())
    elif principal.is_user or principal.is_system:
        events = visible_events(principal)
    else:
        raise Forbidden("Partner apps may not book places for people.")
    row = (
        await session.execute(
            select(EventSession, Event)
            .join(Event, in_tenant(Event, principal) & (Event.id == EventSession.event_id))
            .where(
                in_tenant(EventSession, principal),
                EventSession.id == session_id,
                Event.id.in_(events.with_only_columns(Event.id)),
            )
            .with_for_update(of=EventSession)
        )
    ).first()
    if row is None:
        raise _problem("sessionId", "No session with this ID.", "NOT_FOUND")
    return row[0], row[1]


async def _registration(
    session: AsyncSession,
    principal: Principal,
    event: Event,
    *,
    token: str | None,
    registration_id: uuid.UUID | None,
) -> Registration:
    """The person booking: by token (anyone holding it) or by ID (the organizer's staff)."""
    statement = scoped(Registration, principal).where(Registration.event_id == event.id)
    if token is not None:
        found = await session.scalar(
            statement.where(Registration.token_hash == hash_token(token.strip()))
        )
        field = "token"
    else:
        require_event_staff(principal, event.organization_id)
        found = await session.scalar(statement.where(Registration.id == registration_id))
        field = "registrationId"
    if found is None or (token is not None and not token.strip()):
        raise _problem(field, "No registration of this event matches.", "NOT_FOUND")
    if found.status is RegistrationStatus.CANCELLED:
        raise _problem(field, "This registration is cancelled.", "NOT_REGISTERED")
    if found.status is RegistrationStatus.WAITLISTED:
        raise _problem(field, "This person is still waiting for a seat.", "WAITLISTED")
    return found


async def book_session(
    session: AsyncSession,
    principal: Principal,
    *,
    session_id: uuid.UUID,
    token: str | None = None,
    registration_id: uuid.UUID | None = None,
) -> Booked:
    """Book the person's place in a session (the module docstring's rules)."""
    row, event = await _locked_session(session, principal, session_id)
    if event.status is not EventStatus.PUBLISHED or event.ends_at <= datetime.now(UTC):
        raise _problem("sessionId", "This event is not taking bookings.", "EVENT_CLOSED")
    registration = await _registration(
        session, principal, event, token=token, registration_id=registration_id
    )
    booked = list(
        await session.execute(
            select(EventSession.id, EventSession.starts_at, EventSession.ends_at)
            .join(
                SessionBooking,
                in_tenant(SessionBooking, principal)
                & (SessionBooking.session_id == EventSession.id),
            )
            .where(
                in_tenant(EventSession, principal),
                SessionBooking.registration_id == registration.id,
            )
        )
    )
    if any(other_id == row.id for other_id, _, _ in booked):
        return Booked(row, registration.id, already=True)
    if any(starts < row.ends_at and row.starts_at < ends for _, starts, ends in booked):
        raise _problem("sessionId", "This overlaps a session already booked.", OVERLAPS)
    taken = await session.scalar(
        select(func.count()).where(
            in_tenant(SessionBooking, principal), SessionBooking.session_id == row.id
        )
    )
    if (taken or 0) >= row.capacity:
        raise _problem("sessionId", "This session is full.", SESSION_FULL)
    booking = SessionBooking(
        tenant_id=principal.tenant_id,
        id=uuid.uuid4(),
        session_id=row.id,
        registration_id=registration.id,
        created_at=datetime.now(UTC),
    )
    session.add(booking)
    await session.flush()
    await record_event(
        session,
        principal,
        action="event_session.book",
        object_type="SessionBooking",
        object_id=booking.id,
        changes={"session_id": str(row.id), "registration_id": str(registration.id)},
    )
    return Booked(row, registration.id, already=False)


async def places_left(
    session: AsyncSession, principal: Principal, session_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, int]:
    """Each session's places not yet booked (for sessions the caller was shown)."""
    taken = dict(
        (row.session_id, row.count)
        for row in await session.execute(
            select(SessionBooking.session_id, func.count().label("count"))
            .where(in_tenant(SessionBooking, principal), SessionBooking.session_id.in_(session_ids))
            .group_by(SessionBooking.session_id)
        )
    )
    capacities = dict(
        (row.id, row.capacity)
        for row in await session.execute(
            select(EventSession.id, EventSession.capacity).where(
                in_tenant(EventSession, principal), EventSession.id.in_(session_ids)
            )
        )
    )
    return {key: max(0, capacity - taken.get(key, 0)) for key, capacity in capacities.items()}


__all__ = ["OVERLAPS", "SESSION_FULL", "Booked", "book_session", "places_left"]
