"""The demo events of each partnership (``coalition demo``; idempotent).

Each partnership gets: a PUBLIC job fair three weeks ahead, organized by its union,
with approved exhibitors and their openings, one request still pending, a workshop
and interview slots; a PUBLIC hiring hall the community organization held 40 days
ago, whose exhibitors reported interviews, offers and hires (their reports are final,
so members see the published figures); and a MEMBERS-only online information session
the convener runs, each with people registered (the job fair has a waitlist; the hiring
hall's people were checked in, walk-ins too). Everything goes through the events
services as the operator; the past hiring hall is run as if it were under way now and
then moved 40 days back (the services refuse exhibitors and reports for an event in the
wrong time, rightly).
An event whose title the partnership already has is left alone.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import Principal, system_principal
from coalition.db.engine import SessionFactory
from coalition.db.scoping import in_tenant, scoped
from coalition.db.session import tenant_transaction
from coalition.events import registrations, service
from coalition.events.models import (
    AttendanceMode,
    Event,
    EventKind,
    EventStatus,
    ExhibitorStatus,
    SessionKind,
    Visibility,
)

PAST_DAYS = 40


@dataclass(frozen=True)
class DemoExhibitor:
    organization: str
    openings: tuple[tuple[str, int, int, int], ...]  # SOC, openings, wage min and max (cents)
    approved: bool = True
    report: tuple[int, int, int] | None = None  # interviews, offers, hires
    report_lines: tuple[tuple[str, int, int, int], ...] = ()


@dataclass(frozen=True)
class DemoEvent:
    title: str
    organizer: str
    kind: EventKind
    description: str
    days_ahead: int
    hours: int
    visibility: Visibility = Visibility.PUBLIC
    mode: AttendanceMode = AttendanceMode.IN_PERSON
    venue: tuple[str, str, str, str] | None = None  # name, address, city, postal code
    capacity: int | None = None
    occupations: tuple[str, ...] = ()
    exhibitors: tuple[DemoExhibitor, ...] = ()
    workshop: bool = False
    accessibility: dict[str, Any] = field(default_factory=dict)
    registrations: int = 0  # people who register (beyond the capacity: waitlisted)
    checked_in: int = 0  # of them, checked in at the door
    walk_ins: int = 0


def _lakeshore() -> tuple[DemoEvent, ...]:
    return (
        DemoEvent(
            title="Spring Manufacturing Job Fair",
            organizer="Machinists Union Local 1720",
            kind=EventKind.JOB_FAIR,
            description="Meet Lakeshore employers hiring machinists, welders and assemblers; "
            "bring a resume or build one at the workshop.",
            days_ahead=21,
            hours=4,
            venue=("Local 1720 Union Hall", "455 W Western Ave", "Muskegon", "49440"),
            capacity=40,
            occupations=("51-4041", "51-4121", "51-2092"),
            exhibitors=(
                DemoExhibitor("Precision Tool & Die", (("51-4041", 4, 2400, 3100),)),
                DemoExhibitor("Harbor Fabrication", (("51-4121", 3, 2300, 2900),)),
                DemoExhibitor("Great Lakes Castings", (("51-2092", 8, 1900, 2300),)),
                DemoExhibitor(
                    "Lakeshore Plastics Molding", (("51-2092", 5, 1800, 2200),), approved=False
                ),
            ),
            workshop=True,
            accessibility={
                "step_free_access": True,
                "transit_nearby": True,
                "languages": ["en", "es"],
            },
            registrations=43,
        ),
        DemoEvent(
            title="Welding Hiring Hall",
            organizer="Harbor Reentry Network",
            kind=EventKind.HIRING_HALL,
            description="Employers interviewing and hiring welders and assemblers on the spot.",
            days_ahead=-PAST_DAYS,
            hours=3,
            venue=("Harbor Reentry Network", "1200 Peck St", "Muskegon", "49441"),
            capacity=25,
            occupations=("51-4121", "51-2092"),
            exhibitors=(
                DemoExhibitor(
                    "Harbor Fabrication",
                    (("51-4121", 4, 2300, 2900),),
                    report=(9, 5, 4),
                    report_lines=(("51-4121", 9, 5, 4),),
                ),
                DemoExhibitor(
                    "Great Lakes Castings",
                    (("51-2092", 6, 1900, 2300),),
                    report=(8, 5, 3),
                    report_lines=(("51-2092", 8, 5, 3),),
                ),
                DemoExhibitor(
                    "Precision Tool & Die", (("51-4121", 2, 2500, 3000),), report=(6, 3, 3)
                ),
            ),
            registrations=18,
            checked_in=14,
            walk_ins=2,
        ),
        DemoEvent(
            title="Registered Apprenticeship Briefing for Members",
            organizer="Lakeshore Workforce Board",
            kind=EventKind.INFORMATION_SESSION,
            description="How employers can sponsor registered apprenticeships, and the "
            "partnership's matching funds for them.",
            days_ahead=10,
            hours=1,
            visibility=Visibility.MEMBERS,
            mode=AttendanceMode.ONLINE,
            capacity=100,
            accessibility={"captioning": True, "languages": ["en"]},
            registrations=12,
        ),
    )


def _metro() -> tuple[DemoEvent, ...]:
    return (
        DemoEvent(
            title="Healthcare Careers Job Fair",
            organizer="Healthcare Workers Union Local 200",
            kind=EventKind.JOB_FAIR,
            description="Meet clinics, senior living and home care employers hiring now.",
            days_ahead=21,
            hours=4,
            venue=("Local 200 Hall", "300 S Wabash Ave", "Metro City", "60604"),
            capacity=40,
            occupations=("31-1122", "29-2061", "31-9092"),
            exhibitors=(
                DemoExhibitor("Northside Family Clinic", (("31-9092", 3, 1900, 2300),)),
                DemoExhibitor("Riverside Senior Living", (("29-2061", 4, 2800, 3400),)),
                DemoExhibitor("HomeCare Partners", (("31-1122", 10, 1600, 1900),)),
                DemoExhibitor(
                    "Metro General Hospital", (("29-2061", 6, 3000, 3600),), approved=False
                ),
            ),
            workshop=True,
            accessibility={
                "step_free_access": True,
                "asl_interpretation": True,
                "languages": ["en", "es", "pl"],
            },
            registrations=43,
        ),
        DemoEvent(
            title="Home Care Hiring Hall",
            organizer="Neighborhood Career Center",
            kind=EventKind.HIRING_HALL,
            description="Home care and senior living employers hiring aides the same day.",
            days_ahead=-PAST_DAYS,
            hours=3,
            venue=("Neighborhood Career Center", "2100 W Riverside Dr", "Riverside", "60546"),
            capacity=25,
            occupations=("31-1122",),
            exhibitors=(
                DemoExhibitor(
                    "HomeCare Partners",
                    (("31-1122", 8, 1600, 1900),),
                    report=(12, 7, 6),
                    report_lines=(("31-1122", 12, 7, 6),),
                ),
                DemoExhibitor(
                    "Riverside Senior Living",
                    (("31-1122", 4, 1700, 2000),),
                    report=(7, 4, 3),
                    report_lines=(("31-1122", 7, 4, 3),),
                ),
                DemoExhibitor(
                    "Northside Family Clinic", (("31-9092", 2, 1900, 2300),), report=(4, 2, 2)
                ),
            ),
            registrations=18,
            checked_in=14,
            walk_ins=2,
        ),
        DemoEvent(
            title="Nursing Apprenticeship Briefing for Members",
            organizer="Metro Workforce Partnership",
            kind=EventKind.INFORMATION_SESSION,
            description="The LPN apprenticeship model and how members can host apprentices.",
            days_ahead=10,
            hours=1,
            visibility=Visibility.MEMBERS,
            mode=AttendanceMode.ONLINE,
            capacity=100,
            accessibility={"captioning": True, "languages": ["en"]},
            registrations=12,
        ),
    )


EVENTS: dict[str, tuple[DemoEvent, ...]] = {
    "lakeshore-manufacturing": _lakeshore(),
    "metro-healthcare": _metro(),
}


def _local(day: date, hour: int, zone: str) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(zone))


def _fields(demo: DemoEvent, starts: datetime, zone: str) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "kind": demo.kind,
        "title": demo.title,
        "description": demo.description,
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=demo.hours),
        "time_zone": zone,
        "attendance_mode": demo.mode,
        "visibility": demo.visibility,
        "occupation_codes": list(demo.occupations),
        "accessibility": demo.accessibility,
    }
    if demo.mode is AttendanceMode.ONLINE:
        fields["online_url"] = "https://meet.example.org/" + demo.title.lower().replace(" ", "-")
        fields["capacity_online"] = demo.capacity
    else:
        name, address, city, postal_code = demo.venue or ("", "", "", "")
        fields["venue"] = {
            "name": name,
            "address": address,
            "city": city,
            "postal_code": postal_code,
        }
        fields["capacity_in_person"] = demo.capacity
    return fields


async def _seed_event(
    session: AsyncSession,
    principal: Principal,
    demo: DemoEvent,
    *,
    zone: str,
    organizations: Mapping[str, uuid.UUID],
) -> Event:
    now = datetime.now(UTC)
    past = demo.days_ahead < 0
    # A past event is run as if under way now (started an hour ago), then moved back.
    starts = (
        now.replace(microsecond=0) - timedelta(hours=1)
        if past
        else _local(
            now.astimezone(ZoneInfo(zone)).date() + timedelta(days=demo.days_ahead), 10, zone
        )
    )
    event = await service.create_event(
        session,
        principal,
        organization_id=organizations[demo.organizer],
        fields=_fields(demo, starts, zone),
    )
    await service.set_event_status(
        session, principal, event_id=event.id, status=EventStatus.PUBLISHED
    )
    exhibitors: dict[str, uuid.UUID] = {}
    for shown in demo.exhibitors:
        made = await service.request_to_exhibit(
            session,
            principal,
            event_id=event.id,
            organization_id=organizations[shown.organization],
            note=f"{shown.organization} brings openings.",
            openings=[
                {
                    "occupation_code": code,
                    "openings": count,
                    "wage_min_minor": low,
                    "wage_max_minor": high,
                }
                for code, count, low, high in shown.openings
            ],
        )
        exhibitors[shown.organization] = made.id
        if shown.approved:
            await service.decide_exhibitor(
                session, principal, exhibitor_id=made.id, status=ExhibitorStatus.APPROVED
            )
    if demo.workshop:
        first = next(shown for shown in demo.exhibitors if shown.approved)
        sessions = [
            (SessionKind.GROUP, "Resume and interview workshop", 30, 60, 30, None),
            (
                SessionKind.INTERVIEW_SLOT,
                f"Interview with {first.organization}",
                90,
                20,
                1,
                exhibitors[first.organization],
            ),
            (
                SessionKind.INTERVIEW_SLOT,
                f"Interview with {first.organization}",
                120,
                20,
                1,
                exhibitors[first.organization],
            ),
        ]
        for kind, title, offset, minutes, capacity, exhibitor_id in sessions:
            await service.add_session(
                session,
                principal,
                event_id=event.id,
                exhibitor_id=exhibitor_id,
                fields={
                    "kind": kind,
                    "title": title,
                    "starts_at": starts + timedelta(minutes=offset),
                    "ends_at": starts + timedelta(minutes=offset + minutes),
                    "capacity": capacity,
                },
            )
    await _seed_people(session, principal, demo, event)
    for shown in demo.exhibitors:
        if shown.report is not None:
            interviews, offers, hires = shown.report
            await service.report_outcomes(
                session,
                principal,
                exhibitor_id=exhibitors[shown.organization],
                report={
                    "interviews": interviews,
                    "offers": offers,
                    "hires": hires,
                    "by_occupation": [
                        {"occupation_code": c, "interviews": i, "offers": o, "hires": h}
                        for c, i, o, h in shown.report_lines
                    ],
                },
            )
    return event


FIRST_NAMES = ("Ana", "Ben", "Chen", "Dana", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jo")
LAST_NAMES = ("Ruiz", "Okafor", "Nguyen", "Kowalski", "Haddad", "Smith", "Tran", "Brown")


def _attendee(demo: DemoEvent, index: int, *, walk_in: bool = False) -> registrations.Attendee:
    first = FIRST_NAMES[index % len(FIRST_NAMES)]
    last = LAST_NAMES[(index // len(FIRST_NAMES)) % len(LAST_NAMES)]
    kind = "walkin" if walk_in else "guest"
    return registrations.Attendee(
        name=f"{first} {last}",
        # example.org: reserved for examples (RFC 2606), never a real inbox.
        email=f"{kind}{index + 1}.{demo.title.split()[0].lower()}@example.org",
        consent_to_contact=index % 3 != 0,
        accessibility_needs="Step-free entrance" if index % 7 == 0 else None,
    )


async def _seed_people(
    session: AsyncSession, principal: Principal, demo: DemoEvent, event: Event
) -> None:
    """Registrations (the last ones beyond the capacity wait), check-ins and walk-ins."""
    made = [
        await registrations.register(
            session, principal, event_id=event.id, attendee=_attendee(demo, index)
        )
        for index in range(demo.registrations)
    ]
    for registered in made[: demo.checked_in]:
        await registrations.check_in(
            session, principal, event_id=event.id, registration_id=registered.registration.id
        )
    for index in range(demo.walk_ins):
        await registrations.register_walk_in(
            session, principal, event_id=event.id, attendee=_attendee(demo, index, walk_in=True)
        )


async def _move_back(session: AsyncSession, event: Event, days: int) -> None:
    """Complete a past event and move it ``days`` back."""
    await service.set_event_status(
        session,
        system_principal(event.tenant_id, "demo seed"),
        event_id=event.id,
        status=EventStatus.COMPLETED,
    )
    shift = timedelta(days=days)
    await session.execute(
        update(Event)
        .where(in_tenant(Event, event.tenant_id), Event.id == event.id)
        .values(starts_at=Event.starts_at - shift, ends_at=Event.ends_at - shift)
    )


async def seed_events(
    sessions: SessionFactory,
    *,
    tenant_id: uuid.UUID,
    slug: str,
    zone: str,
    organizations: Mapping[str, uuid.UUID],
) -> int:
    """Seed the demo events of partnership ``slug`` that are missing; returns how many
    it added. ``organizations`` holds the partnership's organizations by name."""
    principal = system_principal(tenant_id, f"demo seed ({slug})")
    added = 0
    for demo in EVENTS.get(slug, ()):
        async with tenant_transaction(sessions, tenant_id) as session:
            present = await session.scalar(
                scoped(Event, principal).where(Event.title == demo.title).limit(1)
            )
            if present is not None:
                continue
            event = await _seed_event(
                session, principal, demo, zone=zone, organizations=organizations
            )
            if demo.days_ahead < 0:
                await _move_back(session, event, -demo.days_ahead)
            added += 1
    return added


__all__ = ["EVENTS", "seed_events"]
