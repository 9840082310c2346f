"""Registering for events, the waitlist, cancelling and checking in: the events domain's
rules about people's places.

Who may register: anyone for a PUBLIC event (the caller is then the public actor,
``auth.principal.public_principal``, and an event that is not PUBLIC answers NOT_FOUND,
exactly like a missing ID); a member of the partnership (a person with a membership) for
any event they may see. Partner apps may not. Registration is open while the event is
PUBLISHED and has not ended (NOT_OPEN otherwise).

Places: every registration, re-registration and walk-in locks the event's row
(``SELECT ... FOR UPDATE``, held until the request's transaction ends), takes
``arrival = event.arrivals + 1`` and bumps the counter, then counts the CONFIRMED places
of its attendance: under the capacity (NULL: unlimited) it is CONFIRMED, else WAITLISTED.
So registrations of one event take their places one at a time, in arrival order, and
never overbook. A cancellation (under the same lock) promotes the first WAITLISTED
registrations of the same attendance into the seats it frees; ``fill_from_waitlist`` does
the same when the capacity rises. Locks are taken event row first, registration rows
after, everywhere (deadlocks).

Privacy: an attendee's name, email, phone and needs are written to their registration
only; audit events carry the registration's ID and status, never personal data, and
nothing here logs.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.service import record_event
from coalition.auth.principal import Principal, PrincipalKind, public_principal
from coalition.config import Settings
from coalition.db.scoping import in_tenant, scoped
from coalition.errors import Forbidden, InvalidInput, UserError
from coalition.events import rate_limit
from coalition.events.models import (
    Attendance,
    AttendanceMode,
    Event,
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
from coalition.live import notify
from coalition.telemetry import activity
from coalition.validation import Checker

# No 0/O, 1/I/L: read aloud or typed from a badge, each character is unambiguous.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
MAX_PHONE = 40
PHONE_CHARACTERS = set("0123456789+-(). ")

# The live-updates channel of registrations: topic the event, item the registration.
REGISTRATION_CHANGED = "events.registration_changed"
NOT_FOUND = "NOT_FOUND"
NOT_OPEN = "EVENT_CLOSED"  # the events domain's code (errors.EventErrorCode)
NOT_REGISTERED = "NOT_REGISTERED"
WAITLISTED = "WAITLISTED"
ALREADY_CANCELLED = "ALREADY_CANCELLED"
ALREADY_CHECKED_IN = "ALREADY_CHECKED_IN"


@dataclass(frozen=True)
class Attendee:
    """What a person gives when registering (unchecked: ``check_attendee`` reads it)."""

    name: str | None
    email: str | None
    phone: str | None = None
    accessibility_needs: str | None = None
    consent_to_contact: bool = False
    attendance: Attendance | None = None


@dataclass(frozen=True)
class Registered:
    """A registration and, when it was just made, its confirmation token (shown once:
    only its SHA-256 is stored). ``existed``: the email was already registered, and that
    registration is returned unchanged, with no token."""

    registration: Registration
    token: str | None
    existed: bool


@dataclass(frozen=True)
class CheckedIn:
    registration: Registration
    already: bool


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def normalize_code(code: str) -> str:
    return "".join(code.split()).upper()


def _problem(field: str, message: str, code: str) -> InvalidInput:
    return InvalidInput([UserError((field,), message, code)])


def check_attendee(attendee: Attendee, *, path: tuple[str, ...] = ("input",)) -> Attendee:
    """The attendee's fields cleaned (email lowercased), or InvalidInput with every problem."""
    check = Checker()
    name = check.name([*path, "name"], attendee.name, required=True)
    email = check.email([*path, "email"], attendee.email, required=True)
    phone = check.text([*path, "phone"], attendee.phone, required=False, limit=MAX_PHONE)
    if phone is not None and (
        not set(phone) <= PHONE_CHARACTERS or sum(c.isdigit() for c in phone) < 7
    ):
        check.add([*path, "phone"], "Give a phone number: digits, spaces, + - ( ) .", "INVALID")
    needs = check.text([*path, "accessibilityNeeds"], attendee.accessibility_needs, required=False)
    check.done()
    return Attendee(
        name=name,
        email=email,
        phone=phone,
        accessibility_needs=needs or "",
        consent_to_contact=bool(attendee.consent_to_contact),
        attendance=attendee.attendance,
    )


def _attendance(event: Event, chosen: Attendance | None) -> Attendance:
    allowed = {
        AttendanceMode.IN_PERSON: (Attendance.IN_PERSON,),
        AttendanceMode.ONLINE: (Attendance.ONLINE,),
        AttendanceMode.MIXED: (Attendance.IN_PERSON, Attendance.ONLINE),
    }[event.attendance_mode]
    if chosen is None:
        if len(allowed) == 1:
            return allowed[0]
        raise _problem("attendance", "Choose IN_PERSON or ONLINE for this event.", "REQUIRED")
    if chosen not in allowed:
        raise _problem("attendance", f"This event is {allowed[0].value} only.", "INVALID")
    return chosen


async def lock_event(
    session: AsyncSession, principal: Principal, event_id: uuid.UUID
) -> Event | None:
    """The event the caller may register for, its row locked until the transaction ends
    (re-read, so the counter is current); None if there is none the caller may see.
    Partner apps may not register anyone (Forbidden)."""
    if principal.kind is PrincipalKind.PUBLIC:
        statement = scoped(Event, principal).where(public_event_condition())
    elif principal.is_user or principal.is_system:
        statement = visible_events(principal)
    else:
        raise Forbidden("Partner apps may not register people for events.")
    found: Event | None = await session.scalar(
        statement.where(Event.id == event_id)
        .with_for_update(of=Event)
        .execution_options(populate_existing=True)
    )
    return found


def _require_open(event: Event, now: datetime) -> None:
    if event.status is not EventStatus.PUBLISHED or event.ends_at <= now:
        raise _problem("eventId", "This event is not open for registration.", NOT_OPEN)


def _capacity(event: Event, attendance: Attendance) -> int | None:
    if attendance is Attendance.IN_PERSON:
        return event.capacity_in_person
    return event.capacity_online


async def _confirmed(session: AsyncSession, event: Event, attendance: Attendance) -> int:
    count = await session.scalar(
        select(func.count()).where(
            in_tenant(Registration, event.tenant_id),
            Registration.event_id == event.id,
            Registration.attendance == attendance,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
    )
    return count or 0


def _candidate_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


async def _by_email_or_code(
    session: AsyncSession, event: Event, email: str
) -> tuple[Registration | None, str]:
    """The event's registration with this email (locked), and a check-in code no other
    registration of the event has: both in one statement (a fresh code is looked up with
    the email; the event's row is locked, so no other registration of it can take the
    code meanwhile)."""
    for _ in range(10):
        code = _candidate_code()
        rows = list(
            await session.scalars(
                scoped(Registration, event.tenant_id)
                .where(
                    Registration.event_id == event.id,
                    (Registration.email == email) | (Registration.code == code),
                )
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        )
        found = next((row for row in rows if row.email == email), None)
        if all(row.code != code for row in rows) or (
            len(rows) == 1 and found is not None and found.code == code
        ):
            return found, code
    raise RuntimeError("no free check-in code after 10 tries")  # 31^8 codes: never in practice


async def _audit(
    session: AsyncSession, principal: Principal, action: str, registration: Registration
) -> None:
    # The registration's ID and status only: never its name, email or phone.
    await record_event(
        session,
        principal,
        action=action,
        object_type="Registration",
        object_id=registration.id,
        changes={"status": registration.status.value, "attendance": registration.attendance.value},
    )
    # Every change of a registration is audited here, so it is announced here too.
    await notify(
        session,
        REGISTRATION_CHANGED,
        tenant_id=registration.tenant_id,
        topic_id=registration.event_id,
        item_id=registration.id,
    )


async def _take_place(
    session: AsyncSession,
    principal: Principal,
    event: Event,
    attendee: Attendee,
    attendance: Attendance,
    existing: Registration | None,
    *,
    code: str,
    walk_in: bool,
    now: datetime,
) -> tuple[Registration, str]:
    """A new place at the end of the queue (the event's row locked): a new arrival, a
    status by capacity (a walk-in is CONFIRMED beyond it), a new code and token."""
    event.arrivals += 1
    capacity = _capacity(event, attendance)
    full = capacity is not None and (
        capacity == 0 or await _confirmed(session, event, attendance) >= capacity
    )
    status = RegistrationStatus.WAITLISTED if full and not walk_in else RegistrationStatus.CONFIRMED
    token = secrets.token_urlsafe(32)
    registration = existing or Registration(
        tenant_id=event.tenant_id, id=uuid.uuid4(), event_id=event.id
    )
    registration.name = attendee.name or ""
    registration.email = attendee.email or ""
    registration.phone = attendee.phone
    registration.accessibility_needs = attendee.accessibility_needs or ""
    registration.consent_to_contact = attendee.consent_to_contact
    registration.attendance = attendance
    registration.status = status
    registration.arrival = event.arrivals
    registration.code = code
    registration.token_hash = hash_token(token)
    registration.walk_in = walk_in
    registration.checked_in_at = now if walk_in else None
    registration.cancelled_at = None
    registration.updated_at = now
    if existing is None:
        session.add(registration)
    await session.flush()
    await _audit(session, principal, "registration.created", registration)
    activity.place_taken(session, status=status.value)
    return registration, token


async def register(
    session: AsyncSession,
    principal: Principal,
    *,
    event_id: uuid.UUID,
    attendee: Attendee,
    event: Event | None = None,
    now: datetime | None = None,
) -> Registered:
    """Register a person for an event (see the module's rules); run it in a savepoint.

    ``event`` is the event already locked by this transaction (``lock_event``), when the
    caller took the lock first (the rate limit does); else it is locked here. The same
    email (any case) registered and not cancelled returns that registration with
    ``existed``; a cancelled one takes a new place at the end."""
    now = now or datetime.now(UTC)
    cleaned = check_attendee(attendee)
    event = event or await lock_event(session, principal, event_id)
    if event is None:
        raise _problem("eventId", "No event with this ID.", NOT_FOUND)
    _require_open(event, now)
    attendance = _attendance(event, cleaned.attendance)
    existing, code = await _by_email_or_code(session, event, cleaned.email or "")
    if existing is not None and existing.status is not RegistrationStatus.CANCELLED:
        return Registered(existing, None, True)
    registration, token = await _take_place(
        session, principal, event, cleaned, attendance, existing, code=code, walk_in=False, now=now
    )
    return Registered(registration, token, False)


async def register_for_event(
    session: AsyncSession,
    principal: Principal,
    settings: Settings,
    *,
    event_id: uuid.UUID,
    attendee: Attendee,
    address: str | None,
) -> Registered:
    """``registerForEvent``: lock the event, count the attempt against the rate limits
    when the caller is the public actor (``rate_limit.admit``: the attempt is kept even
    when the registration is refused), then ``register`` in a savepoint of its own (on a
    userError, nothing of the registration is kept). Members are not rate-limited: they
    are known and audited, and an office registering a room full of people from one
    address must not be refused."""
    event = await lock_event(session, principal, event_id)
    if event is None:
        raise _problem("eventId", "No event with this ID.", NOT_FOUND)
    if principal.kind is PrincipalKind.PUBLIC:
        await rate_limit.admit(
            session, settings, tenant_id=event.tenant_id, event_id=event.id, address=address
        )
    async with session.begin_nested():
        return await register(session, principal, event_id=event.id, attendee=attendee, event=event)


async def fill_from_waitlist(
    session: AsyncSession, event: Event, *, principal: Principal | None = None
) -> list[Registration]:
    """Promote WAITLISTED registrations, first arrival first, into the seats free under
    each attendance's capacity; the caller holds the event's row lock (``lock_event``).

    Each promotion is audited under ``principal`` (the person whose change freed the
    seats), or the public actor labelled "waitlist" when none is given."""
    actor = principal or public_principal(event.tenant_id, "waitlist")
    promoted: list[Registration] = []
    for attendance in Attendance:
        capacity = _capacity(event, attendance)
        free: int | None = None
        if capacity is not None:
            free = capacity - await _confirmed(session, event, attendance)
            if free <= 0:
                continue
        waiting = scoped(Registration, event.tenant_id).where(
            Registration.event_id == event.id,
            Registration.attendance == attendance,
            Registration.status == RegistrationStatus.WAITLISTED,
        )
        statement = waiting.order_by(Registration.arrival).with_for_update()
        if free is not None:
            statement = statement.limit(free)
        rows = list(await session.scalars(statement.execution_options(populate_existing=True)))
        for registration in rows:
            registration.status = RegistrationStatus.CONFIRMED
            registration.updated_at = datetime.now(UTC)
        await session.flush()
        for registration in rows:
            await _audit(session, actor, "registration.promoted", registration)
        promoted.extend(rows)
    return promoted


async def _cancel(
    session: AsyncSession, principal: Principal, event: Event, registration: Registration
) -> list[Registration]:
    if registration.status is RegistrationStatus.CANCELLED:
        raise _problem(
            "registrationId", "This registration is already cancelled.", ALREADY_CANCELLED
        )
    if registration.checked_in_at is not None:
        raise _problem(
            "registrationId",
            "This person has checked in: it is too late to cancel.",
            ALREADY_CHECKED_IN,
        )
    now = datetime.now(UTC)
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    registration.updated_at = now
    await session.flush()
    # A cancelled registration's places in sessions become free.
    await session.execute(
        delete(SessionBooking).where(
            in_tenant(SessionBooking, event.tenant_id),
            SessionBooking.registration_id == registration.id,
        )
    )
    await _audit(session, principal, "registration.cancelled", registration)
    return await fill_from_waitlist(session, event, principal=principal)


async def _locked_registration(
    session: AsyncSession, event: Event, registration_id: uuid.UUID
) -> Registration | None:
    found: Registration | None = await session.scalar(
        scoped(Registration, event.tenant_id)
        .where(Registration.event_id == event.id, Registration.id == registration_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return found


async def _event_for_update(
    session: AsyncSession, tenant_id: uuid.UUID, event_id: uuid.UUID
) -> Event:
    event: Event = (
        await session.scalars(
            scoped(Event, tenant_id)
            .where(Event.id == event_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).one()
    return event


async def cancel_by_token(
    session: AsyncSession, principal: Principal, *, token: str
) -> tuple[Registration, list[Registration]]:
    """Cancel the registration the confirmation token was handed out for (anyone holding
    it: the person needs no login), and promote from the waitlist. Returns it and the
    promoted registrations. An unknown token is NOT_FOUND (no hint whether it ever was)."""
    token_hash = hash_token(token.strip())
    row = (
        await session.execute(
            select(Registration.event_id, Registration.id).where(
                in_tenant(Registration, principal), Registration.token_hash == token_hash
            )
        )
    ).first()
    if row is None or not token.strip():
        raise _problem("token", "No registration has this confirmation token.", NOT_FOUND)
    event = await _event_for_update(session, principal.tenant_id, row.event_id)
    registration = await _locked_registration(session, event, row.id)
    if registration is None or registration.token_hash != token_hash:
        raise _problem("token", "No registration has this confirmation token.", NOT_FOUND)
    return registration, await _cancel(session, principal, event, registration)


async def _staff_event(
    session: AsyncSession, principal: Principal, event_id: uuid.UUID, *, lock: bool = True
) -> Event:
    """The event, locked unless ``lock`` is False, if the caller may see it (else
    NOT_FOUND) and is its organizer's staff (else Forbidden)."""
    statement = visible_events(principal).where(Event.id == event_id)
    if lock:
        statement = statement.with_for_update()
    event: Event | None = await session.scalar(statement.execution_options(populate_existing=True))
    if event is None:
        raise _problem("eventId", "No event with this ID.", NOT_FOUND)
    require_event_staff(principal, event.organization_id)
    return event


async def cancel_by_id(
    session: AsyncSession, principal: Principal, *, registration_id: uuid.UUID
) -> tuple[Registration, list[Registration]]:
    """The organizer's staff cancel a registration (and the waitlist moves up). A
    registration of an event the caller may not see is NOT_FOUND; of one the caller
    sees but does not organize, Forbidden."""
    event_id = await session.scalar(
        select(Registration.event_id).where(
            in_tenant(Registration, principal), Registration.id == registration_id
        )
    )
    if event_id is None:
        raise _problem("registrationId", "No registration with this ID.", NOT_FOUND)
    try:
        event = await _staff_event(session, principal, event_id)
    except InvalidInput:
        raise _problem("registrationId", "No registration with this ID.", NOT_FOUND) from None
    registration = await _locked_registration(session, event, registration_id)
    if registration is None:
        raise _problem("registrationId", "No registration with this ID.", NOT_FOUND)
    return registration, await _cancel(session, principal, event, registration)


def _require_door_open(event: Event) -> None:
    if event.status not in (EventStatus.PUBLISHED, EventStatus.COMPLETED):
        raise _problem("eventId", "This event is not taking place.", NOT_OPEN)


async def check_in(
    session: AsyncSession,
    principal: Principal,
    *,
    event_id: uuid.UUID,
    registration_id: uuid.UUID | None = None,
    code: str | None = None,
) -> CheckedIn:
    """Check a registered person in at the door (the organizer's staff), found by their
    registration's ID or their check-in code. Idempotent: checking in again returns the
    first check-in's time, with ``already`` and no second audit event. Someone not
    registered for this event, or cancelled, is NOT_REGISTERED; a waitlisted one is
    WAITLISTED (register them as a walk-in to seat them beyond capacity)."""
    if (registration_id is None) == (code is None or not code.strip()):
        field = "code" if registration_id is None else "registrationId"
        raise _problem(field, "Give either the registration's ID or its check-in code.", "REQUIRED")
    # The registration's row lock is enough: checking in takes no seat (the event's row
    # stays free, so the door's check-ins do not wait for each other).
    event = await _staff_event(session, principal, event_id, lock=False)
    _require_door_open(event)
    statement = scoped(Registration, event.tenant_id).where(Registration.event_id == event.id)
    if registration_id is not None:
        statement = statement.where(Registration.id == registration_id)
    else:
        statement = statement.where(Registration.code == normalize_code(code or "")[:20])
    field = "registrationId" if registration_id is not None else "code"
    registration: Registration | None = await session.scalar(
        statement.with_for_update().execution_options(populate_existing=True)
    )
    if registration is None or registration.status is RegistrationStatus.CANCELLED:
        raise _problem(field, "This person is not registered for this event.", NOT_REGISTERED)
    if registration.status is RegistrationStatus.WAITLISTED:
        raise _problem(field, "This person is on the waitlist, without a seat.", WAITLISTED)
    if registration.checked_in_at is not None:
        return CheckedIn(registration, True)
    now = datetime.now(UTC)
    registration.checked_in_at = now
    registration.updated_at = now
    await session.flush()
    await _audit(session, principal, "registration.checked_in", registration)
    return CheckedIn(registration, False)


async def register_walk_in(
    session: AsyncSession, principal: Principal, *, event_id: uuid.UUID, attendee: Attendee
) -> CheckedIn:
    """Register a person at the door and check them in, in one step (the organizer's
    staff): CONFIRMED even beyond the capacity, ``walk_in``. An email already
    registered is checked in (seated from the waitlist if need be) instead."""
    cleaned = check_attendee(attendee)
    event = await _staff_event(session, principal, event_id)
    _require_door_open(event)
    attendance = _attendance(event, cleaned.attendance)
    now = datetime.now(UTC)
    existing, code = await _by_email_or_code(session, event, cleaned.email or "")
    if existing is not None and existing.status is not RegistrationStatus.CANCELLED:
        if existing.checked_in_at is not None:
            return CheckedIn(existing, True)
        if existing.status is RegistrationStatus.WAITLISTED:
            existing.status = RegistrationStatus.CONFIRMED
            existing.walk_in = True
        existing.checked_in_at = now
        existing.updated_at = now
        await session.flush()
        await _audit(session, principal, "registration.checked_in", existing)
        return CheckedIn(existing, False)
    registration, _token = await _take_place(
        session, principal, event, cleaned, attendance, existing, code=code, walk_in=True, now=now
    )
    return CheckedIn(registration, False)


__all__ = [
    "CODE_ALPHABET",
    "REGISTRATION_CHANGED",
    "Attendee",
    "CheckedIn",
    "Registered",
    "cancel_by_id",
    "cancel_by_token",
    "check_attendee",
    "check_in",
    "fill_from_waitlist",
    "hash_token",
    "lock_event",
    "register",
    "register_for_event",
    "register_walk_in",
]
