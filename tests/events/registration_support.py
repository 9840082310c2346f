"""Helpers of the registration tests: events made directly as rows (any status, any
time), exhibitors, documents, an app with room for many attempts from one address, and
reading what registration wrote."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.applications import Starlette

from coalition.app import create_app
from coalition.audit.models import AuditEvent
from coalition.auth.scopes import EVENTS_READ
from coalition.auth.secrets import hash_client_secret
from coalition.auth.tokens import issue_access_token
from coalition.config import Settings
from coalition.db.engine import SessionFactory
from coalition.db.scoping import scoped
from coalition.db.session import tenant_transaction
from coalition.events.models import (
    AttendanceMode,
    Event,
    EventKind,
    EventStatus,
    Exhibitor,
    ExhibitorStatus,
    Registration,
    RegistrationAttempt,
    Visibility,
)
from coalition.tenancy.models import ApiClient, format_client_id
from tests.support.world import CLIENT_SECRET, World, global_id

USER_ERRORS = "userErrors { field message code }"
RECEIPT = "receipt { registrationId status attendance confirmation { token code qrCodeSvg } }"
REGISTER = f"""
mutation($input: RegisterForEventInput!) {{
  registerForEvent(input: $input) {{ {RECEIPT} alreadyRegistered {USER_ERRORS} }}
}}"""
CANCEL = f"""
mutation($input: CancelRegistrationInput!) {{
  cancelRegistration(input: $input) {{ receipt {{ registrationId status }} {USER_ERRORS} }}
}}"""
STAFF_REGISTRATION = """
  id name email phone accessibilityNeeds consentToContact attendance status arrival code
  walkIn checkedInAt cancelledAt
"""
CHECK_IN = f"""
mutation($input: CheckInRegistrationInput!) {{
  checkInRegistration(input: $input) {{
    registration {{ {STAFF_REGISTRATION} }} alreadyCheckedIn {USER_ERRORS}
  }}
}}"""
WALK_IN = f"""
mutation($input: RegisterWalkInInput!) {{
  registerWalkIn(input: $input) {{
    registration {{ {STAFF_REGISTRATION} }} alreadyCheckedIn {USER_ERRORS}
  }}
}}"""
COUNTS = "registered waitlisted checkedIn noShow"
ATTENDANCE = f"""
query($id: ID!) {{
  event(id: $id) {{
    attendance {{ total {{ {COUNTS} }} inPerson {{ {COUNTS} }} online {{ {COUNTS} }} }}
  }}
}}"""


def tenant_header(world: World) -> dict[str, str]:
    return {"X-Coalition-Tenant": world.slug}


def person(event_id: uuid.UUID, email: str = "ada@example.org", **overrides: Any) -> dict[str, Any]:
    """A valid registerForEvent input for the event."""
    given: dict[str, Any] = {
        "eventId": global_id("Event", event_id),
        "name": "Ada Lovelace",
        "email": email,
        "phone": "+1 (312) 555-0100",
        "accessibilityNeeds": "Step-free entrance",
        "consentToContact": True,
    }
    return given | overrides


async def add_event(
    sessions: SessionFactory,
    world: World,
    *,
    organization: str = "employer",
    status: EventStatus = EventStatus.PUBLISHED,
    visibility: Visibility = Visibility.PUBLIC,
    mode: AttendanceMode = AttendanceMode.IN_PERSON,
    capacity_in_person: int | None = None,
    capacity_online: int | None = None,
    starts_in: timedelta = timedelta(days=7),
    hours: float = 3,
) -> uuid.UUID:
    """An event of ``organization`` as a row (the services refuse past events)."""
    starts = datetime.now(UTC) + starts_in
    event_id = uuid.uuid4()
    async with tenant_transaction(sessions, world.id) as session:
        session.add(
            Event(
                tenant_id=world.id,
                id=event_id,
                organization_id=world.organizations[organization],
                kind=EventKind.JOB_FAIR,
                title="Spring Manufacturing Job Fair",
                starts_at=starts,
                ends_at=starts + timedelta(hours=hours),
                time_zone="America/Chicago",
                attendance_mode=mode,
                capacity_in_person=capacity_in_person,
                capacity_online=capacity_online,
                status=status,
                visibility=visibility,
                arrivals=0,
            )
        )
    return event_id


async def set_event(
    sessions: SessionFactory, world: World, event_id: uuid.UUID, **values: Any
) -> None:
    async with tenant_transaction(sessions, world.id) as session:
        event = (await session.scalars(scoped(Event, world.id).where(Event.id == event_id))).one()
        for name, value in values.items():
            setattr(event, name, value)


async def add_exhibitor(
    sessions: SessionFactory,
    world: World,
    event_id: uuid.UUID,
    organization: str,
    status: ExhibitorStatus = ExhibitorStatus.APPROVED,
) -> uuid.UUID:
    exhibitor_id = uuid.uuid4()
    async with tenant_transaction(sessions, world.id) as session:
        session.add(
            Exhibitor(
                tenant_id=world.id,
                id=exhibitor_id,
                event_id=event_id,
                organization_id=world.organizations[organization],
                status=status,
            )
        )
    return exhibitor_id


async def registrations_of(
    sessions: SessionFactory, world: World, event_id: uuid.UUID
) -> list[Registration]:
    """The event's registrations in arrival order."""
    async with tenant_transaction(sessions, world.id) as session:
        return list(
            await session.scalars(
                scoped(Registration, world.id)
                .where(Registration.event_id == event_id)
                .order_by(Registration.arrival)
            )
        )


async def attempts_of(
    sessions: SessionFactory, world: World, event_id: uuid.UUID
) -> list[RegistrationAttempt]:
    async with tenant_transaction(sessions, world.id) as session:
        return list(
            await session.scalars(
                scoped(RegistrationAttempt, world.id).where(
                    RegistrationAttempt.event_id == event_id
                )
            )
        )


async def audit_of(sessions: SessionFactory, world: World) -> list[AuditEvent]:
    async with tenant_transaction(sessions, world.id) as session:
        return list(
            await session.scalars(
                scoped(AuditEvent, world.id).order_by(AuditEvent.occurred_at, AuditEvent.id)
            )
        )


async def audit_actions(sessions: SessionFactory, world: World, prefix: str) -> list[str]:
    return [
        event.action for event in await audit_of(sessions, world) if event.action.startswith(prefix)
    ]


@asynccontextmanager
async def roomy_app(settings: Settings, **overrides: Any) -> AsyncIterator[Starlette]:
    """The app (its lifespan running) with limits that let many attempts come from one
    address (every test client is 127.0.0.1); ``overrides`` change other settings."""
    roomy = settings.model_copy(
        update={
            "registration_attempts_per_address": 1000,
            "registration_attempts_per_event": 1000,
            "db_pool_size": 20,
        }
        | overrides
    )
    application = create_app(roomy, configure_logs=False)
    async with application.router.lifespan_context(application):
        yield application


__all__ = [
    "ATTENDANCE",
    "CANCEL",
    "CHECK_IN",
    "REGISTER",
    "USER_ERRORS",
    "WALK_IN",
    "add_event",
    "add_exhibitor",
    "attempts_of",
    "audit_actions",
    "audit_of",
    "events_reader_token",
    "person",
    "registrations_of",
    "roomy_app",
    "set_event",
    "tenant_header",
]


async def events_reader_token(
    app: Starlette, sessions: SessionFactory, settings: Settings, world: World
) -> str:
    """A token of a partner app of ``world`` with the ``events:read`` scope (and write)."""
    client_id = uuid.uuid4()
    async with tenant_transaction(sessions, world.id) as session:
        session.add(
            ApiClient(
                tenant_id=world.id,
                id=client_id,
                name="events reader",
                secret_hash=hash_client_secret(CLIENT_SECRET),
                scopes=[EVENTS_READ, "read", "write"],
            )
        )
    subject = format_client_id(world.id, client_id)
    return issue_access_token(
        await app.state.keys.signer(),
        settings,
        tenant_id=world.id,
        subject=subject,
        client_id=subject,
        scopes={EVENTS_READ, "read", "write"},
    )
