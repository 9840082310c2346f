"""Helpers of the public feed tests: events written straight into a partnership's tables
(any status, visibility, zone and times), and reading the feeds back.

Imported by the feed test modules (no test module imports another one).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from icalendar import Calendar
from sqlalchemy import update

from coalition.db.engine import SessionFactory
from coalition.db.scoping import in_tenant
from coalition.db.session import tenant_transaction
from coalition.events.models import (
    AttendanceMode,
    Event,
    EventKind,
    EventStatus,
    Exhibitor,
    ExhibitorStatus,
    Visibility,
)
from tests.support.world import World

CHICAGO = "America/Chicago"
UPDATED = datetime(2026, 11, 2, 15, 30, 5, tzinfo=UTC)


@dataclass
class EventRow:
    """An event to write: ``starts`` is a local time in ``time_zone``."""

    title: str
    starts: datetime = datetime(2027, 3, 13, 10, 0)
    hours: float = 4
    time_zone: str = CHICAGO
    status: EventStatus = EventStatus.PUBLISHED
    visibility: Visibility = Visibility.PUBLIC
    mode: AttendanceMode = AttendanceMode.IN_PERSON
    kind: EventKind = EventKind.JOB_FAIR
    organization: str = "employer"
    sequence: int = 0
    updated_at: datetime = UPDATED
    extra: dict[str, Any] = field(default_factory=dict)

    def starts_at(self) -> datetime:
        return self.starts.replace(tzinfo=ZoneInfo(self.time_zone)).astimezone(UTC)


def venue(mode: AttendanceMode) -> dict[str, Any]:
    """The place and link columns an event of ``mode`` has."""
    fields: dict[str, Any] = {}
    if mode != AttendanceMode.ONLINE:
        fields |= {
            "venue_name": "Union Hall",
            "venue_address": "100 Main St",
            "venue_city": "Springfield",
            "venue_postal_code": "62701",
        }
    if mode != AttendanceMode.IN_PERSON:
        fields["online_url"] = "https://meet.example/fair"
    return fields


async def add_events(
    owner_sessions: SessionFactory, world: World, rows: list[EventRow]
) -> list[uuid.UUID]:
    """Write ``rows`` (each with an APPROVED exhibitor, the college); their IDs."""
    ids = []
    async with tenant_transaction(owner_sessions, world.id) as session:
        for row in rows:
            starts_at = row.starts_at()
            event = Event(
                tenant_id=world.id,
                id=uuid.uuid4(),
                organization_id=world.organizations[row.organization],
                kind=row.kind,
                title=row.title,
                description=f"About {row.title}.",
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=row.hours),
                time_zone=row.time_zone,
                attendance_mode=row.mode,
                status=row.status,
                visibility=row.visibility,
                sequence=row.sequence,
                created_at=UPDATED - timedelta(days=30),
                updated_at=row.updated_at,
                **(venue(row.mode) | row.extra),
            )
            session.add(event)
            await session.flush()
            session.add(
                Exhibitor(
                    tenant_id=world.id,
                    id=uuid.uuid4(),
                    event_id=event.id,
                    organization_id=world.organizations["college"],
                    status=ExhibitorStatus.APPROVED,
                )
            )
            ids.append(event.id)
    return ids


async def change_event(
    owner_sessions: SessionFactory, world: World, event_id: uuid.UUID, **values: Any
) -> None:
    """Change an event as the service does: the values, ``sequence`` + 1 and a new
    ``updated_at``."""
    async with tenant_transaction(owner_sessions, world.id) as session:
        await session.execute(
            update(Event)
            .where(in_tenant(Event, world.id), Event.id == event_id)
            .values(sequence=Event.sequence + 1, updated_at=datetime.now(UTC), **values)
        )


def ago(days: float) -> datetime:
    """A local Chicago time ``days`` before now (naive, as ``EventRow.starts`` takes)."""
    return (
        (datetime.now(UTC) - timedelta(days=days))
        .astimezone(ZoneInfo(CHICAGO))
        .replace(tzinfo=None)
    )


def parsed(response: httpx.Response) -> Calendar:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def summaries(calendar: Calendar) -> list[str]:
    return sorted(str(event["SUMMARY"]) for event in calendar.events)


def names(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    return sorted(node["name"] for node in document["@graph"])
