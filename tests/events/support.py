"""Helpers of the events tests: documents, valid inputs, and making events, exhibitors
and reports through the services (as the owner's session factory, so any test can)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import update

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.events import service
from coalition.events.models import (
    AttendanceMode,
    Event,
    EventKind,
    EventStatus,
    ExhibitorStatus,
    Visibility,
)
from tests.demand.support import principal_of
from tests.support.world import World

USER_ERRORS = "userErrors { field message code }"
EVENT = """
  id kind title description startsAt endsAt timeZone localStartsAt localEndsAt attendanceMode
  venue { name address city postalCode } onlineUrl
  accessibility { stepFreeAccess aslInterpretation captioning languages transitNearby
    childcare quietRoom note }
  capacityInPerson capacityOnline status visibility sequence occupationCodes
  organizer { name }
"""
CREATE_EVENT = f"""
mutation($input: CreateEventInput!) {{ createEvent(input: $input) {{ event {{ {EVENT} }}
  {USER_ERRORS} }} }}"""
UPDATE_EVENT = f"""
mutation($input: UpdateEventInput!) {{ updateEvent(input: $input) {{ event {{ {EVENT} }}
  {USER_ERRORS} }} }}"""
PUBLISH = f"""
mutation($id: ID!) {{ publishEvent(input: {{id: $id}}) {{ event {{ id status sequence }}
  {USER_ERRORS} }} }}"""
CANCEL = f"""
mutation($id: ID!) {{ cancelEvent(input: {{id: $id}}) {{ event {{ id status }}
  {USER_ERRORS} }} }}"""
COMPLETE = f"""
mutation($id: ID!) {{ completeEvent(input: {{id: $id}}) {{ event {{ id status }}
  {USER_ERRORS} }} }}"""
ONE_EVENT = f"query($id: ID!) {{ event(id: $id) {{ {EVENT} }} }}"
EXHIBITOR = """id status note organization { name }
  openings { occupationCode openings wageMin { amountMinor } wageMax { amountMinor } }"""
REQUEST = f"""
mutation($input: RequestToExhibitInput!) {{ requestToExhibit(input: $input) {{
  exhibitor {{ {EXHIBITOR} }} {USER_ERRORS} }} }}"""
DECIDE = f"""
mutation($id: ID!, $status: ExhibitorStatus!) {{
  decideExhibitor(input: {{id: $id, status: $status}}) {{ exhibitor {{ id status }}
  {USER_ERRORS} }} }}"""
REPORT = f"""
mutation($input: ReportEventOutcomesInput!) {{ reportEventOutcomes(input: $input) {{
  exhibitor {{ id report {{ interviews offers hires
    byOccupation {{ occupationCode interviews offers hires }} }} }} {USER_ERRORS} }} }}"""
OUTCOMES = """interviews offers hires exhibitorsReporting exact final
  byOccupation { occupationCode interviews offers hires }"""

START = datetime(2027, 4, 15, 15, 0, tzinfo=UTC)  # 10:00 in Chicago (CDT)


def event_fields(**overrides: Any) -> dict[str, Any]:
    """A valid in-person job fair's service fields; ``overrides`` replace some."""
    fields: dict[str, Any] = {
        "kind": EventKind.JOB_FAIR,
        "title": "Spring Manufacturing Job Fair",
        "description": "Meet employers hiring machinists and welders.",
        "starts_at": START,
        "ends_at": START + timedelta(hours=4),
        "time_zone": "America/Chicago",
        "attendance_mode": AttendanceMode.IN_PERSON,
        "venue": {
            "name": "Union Hall Local 12",
            "address": "100 Main St",
            "city": "Springfield",
            "postal_code": "62701",
        },
        "capacity_in_person": 100,
        "visibility": Visibility.PUBLIC,
        "occupation_codes": ["51-4041"],
    }
    return fields | overrides


def event_input(world: World, organization: str = "employer", **overrides: Any) -> dict[str, Any]:
    """A valid createEvent input for ``organization``; ``overrides`` replace some."""
    given: dict[str, Any] = {
        "organizationId": _organization_id(world, organization),
        "kind": "JOB_FAIR",
        "title": "Spring Manufacturing Job Fair",
        "startsAt": "2027-04-15T10:00:00-05:00",
        "endsAt": "2027-04-15T14:00:00-05:00",
        "timeZone": "America/Chicago",
        "attendanceMode": "IN_PERSON",
        "venue": {"name": "Union Hall Local 12", "city": "Springfield", "postalCode": "62701"},
        "capacityInPerson": 100,
        "occupationCodes": ["51-4041"],
    }
    return {"input": given | overrides}


def _organization_id(world: World, organization: str) -> str:
    from tests.support.world import global_id

    return global_id("Organization", world.organizations[organization])


async def add_event(
    sessions: SessionFactory,
    world: World,
    *,
    person: str = "org_admin",
    organization: str = "employer",
    status: EventStatus = EventStatus.PUBLISHED,
    **overrides: Any,
) -> uuid.UUID:
    """An event made through the service by ``person`` for ``organization``, moved to
    ``status``."""
    principal = principal_of(world, person)
    async with tenant_transaction(sessions, world.id) as session:
        event = await service.create_event(
            session,
            principal,
            organization_id=world.organizations[organization],
            fields=event_fields(**overrides),
        )
        if status is not EventStatus.DRAFT:
            await service.set_event_status(
                session, principal, event_id=event.id, status=EventStatus.PUBLISHED
            )
        return event.id


async def set_status(
    sessions: SessionFactory, world: World, event_id: uuid.UUID, status: EventStatus
) -> None:
    """Force an event's status as the owner (to record one in the past, say)."""
    async with tenant_transaction(sessions, world.id) as session:
        await session.execute(update(Event).where(Event.id == event_id).values(status=status))


async def move_event(
    sessions: SessionFactory, world: World, event_id: uuid.UUID, starts_at: datetime
) -> None:
    """Move an event in time as the owner (a past event, whose reports are open or final)."""
    async with tenant_transaction(sessions, world.id) as session:
        await session.execute(
            update(Event)
            .where(Event.id == event_id)
            .values(starts_at=starts_at, ends_at=starts_at + timedelta(hours=4))
        )


async def add_exhibitor(
    sessions: SessionFactory,
    world: World,
    event_id: uuid.UUID,
    *,
    person: str = "org_admin",
    organization: str = "employer",
    organizer: str = "org_admin",
    approve: bool = True,
    openings: list[dict[str, Any]] | None = None,
) -> uuid.UUID:
    """``organization`` asks (through ``person``) to exhibit; approved by ``organizer``."""
    async with tenant_transaction(sessions, world.id) as session:
        exhibitor = await service.request_to_exhibit(
            session,
            principal_of(world, person),
            event_id=event_id,
            organization_id=world.organizations[organization],
            note="We bring 4 openings.",
            openings=openings
            if openings is not None
            else [{"occupation_code": "51-4041", "openings": 4, "wage_min_minor": 2400}],
        )
        if approve:
            await service.decide_exhibitor(
                session,
                principal_of(world, organizer),
                exhibitor_id=exhibitor.id,
                status=ExhibitorStatus.APPROVED,
            )
        return exhibitor.id


async def report(
    sessions: SessionFactory,
    world: World,
    exhibitor_id: uuid.UUID,
    *,
    person: str = "org_admin",
    interviews: int,
    offers: int,
    hires: int,
    by_occupation: list[dict[str, Any]] | None = None,
) -> None:
    async with tenant_transaction(sessions, world.id) as session:
        await service.report_outcomes(
            session,
            principal_of(world, person),
            exhibitor_id=exhibitor_id,
            report={
                "interviews": interviews,
                "offers": offers,
                "hires": hires,
                "by_occupation": by_occupation or [],
            },
        )


__all__ = [
    "CREATE_EVENT",
    "EVENT",
    "START",
    "add_event",
    "add_exhibitor",
    "event_fields",
    "event_input",
    "move_event",
    "report",
    "set_status",
]
