"""Exhibitors: a member organization asks to exhibit with the openings it brings, the
organizer approves or declines, and afterwards the exhibitor reports interviews,
offers and hires (the package docstring says what every command guarantees)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.service import diff, record_event
from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant, scoped
from coalition.demand.models import DemandSignal
from coalition.errors import Forbidden, InvalidInput, UserError
from coalition.events import validation
from coalition.events.errors import EventErrorCode as Code
from coalition.events.models import (
    Event,
    EventStatus,
    Exhibitor,
    ExhibitorOpening,
    ExhibitorOutcome,
    ExhibitorStatus,
)
from coalition.events.permissions import require_event_manager, visible_events
from coalition.skills.models import Occupation
from coalition.tenancy.models import Organization
from coalition.validation import Checker

REPORT_WINDOW = timedelta(days=30)
"""Exhibitors report outcomes from the event's start until this long after its end;
then the numbers are final (and only then shown pooled to other members)."""

DECISIONS = frozenset({ExhibitorStatus.APPROVED, ExhibitorStatus.DECLINED})


def reports_close_at(event: Event) -> datetime:
    """When the event's outcome reports become final."""
    return event.ends_at + REPORT_WINDOW


def _problem(field: str, message: str, code: str) -> InvalidInput:
    return InvalidInput([UserError((field,), message, code)])


async def _event_for_exhibitors(
    session: AsyncSession, principal: Principal, event_id: uuid.UUID
) -> Event:
    event = await session.scalar(
        visible_events(principal).where(Event.id == event_id).with_for_update()
    )
    if event is None:
        raise _problem("eventId", "No event with this ID.", Code.NOT_FOUND)
    return event


async def _own_organization(
    session: AsyncSession, principal: Principal, organization_id: uuid.UUID
) -> Organization:
    """The organization that asks to exhibit: a member of this partnership (not archived)
    that the caller administers (NOT_MEMBER otherwise: naming a partnership member one
    does not belong to is the same mistake as naming none)."""
    organization = await session.scalar(
        scoped(Organization, principal).where(Organization.id == organization_id)
    )
    if organization is None or not principal.administers(organization.id):
        raise _problem(
            "organizationId",
            "Only a member organization's own admins may ask for it to exhibit.",
            Code.NOT_MEMBER,
        )
    if organization.archived_at is not None:
        raise _problem("organizationId", "This organization is archived.", Code.ARCHIVED)
    return organization


async def _check_openings(
    session: AsyncSession,
    principal: Principal,
    organization_id: uuid.UUID,
    openings: Any,
) -> list[dict[str, Any]]:
    lines, check = validation.opening_lines(openings)
    codes = {line["occupation_code"] for line in lines}
    known = set(
        await session.scalars(select(Occupation.soc_code).where(Occupation.soc_code.in_(codes)))
    )
    wanted = {signal for line in lines for signal in line["demand_signal_ids"]}
    own = set(
        await session.scalars(
            scoped(DemandSignal, principal)
            .with_only_columns(DemandSignal.id)
            .where(DemandSignal.organization_id == organization_id, DemandSignal.id.in_(wanted))
        )
    )
    for index, line in enumerate(lines):
        at = ("openings", str(index))
        code = line["occupation_code"]
        if code and not check.has_error((*at, "occupationCode")) and code not in known:
            check.add((*at, "occupationCode"), f"No occupation {code!r}.", Code.NOT_FOUND)
        for position, signal in enumerate(line["demand_signal_ids"]):
            if signal not in own:
                check.add(
                    (*at, "demandSignalIds", str(position)),
                    "No demand signal of this organization with this ID.",
                    Code.NOT_FOUND,
                )
    check.done()
    return lines


async def _write_openings(
    session: AsyncSession, exhibitor: Exhibitor, lines: list[dict[str, Any]]
) -> None:
    await session.execute(
        delete(ExhibitorOpening).where(
            in_tenant(ExhibitorOpening, exhibitor.tenant_id),
            ExhibitorOpening.exhibitor_id == exhibitor.id,
        )
    )
    if lines:
        base = {"tenant_id": exhibitor.tenant_id, "exhibitor_id": exhibitor.id}
        await session.execute(
            insert(ExhibitorOpening), [base | {"id": uuid.uuid4()} | line for line in lines]
        )


def _opening_state(lines: list[dict[str, Any]]) -> list[str]:
    return [
        f"{line['occupation_code']}:{line['openings']}:{line['wage_min_minor']}-"
        f"{line['wage_max_minor']}"
        for line in lines
    ]


async def request_to_exhibit(
    session: AsyncSession,
    principal: Principal,
    *,
    event_id: uuid.UUID,
    organization_id: uuid.UUID,
    note: str | None,
    openings: Any,
) -> Exhibitor:
    """Ask for an organization (one the caller administers) to exhibit at a PUBLISHED
    event that has not ended, with the openings it brings. A request already pending or
    approved is ALREADY_REQUESTED; a declined or withdrawn one is asked again (REQUESTED,
    with the new openings). Writes ``event_exhibitor.request``."""
    if not principal.is_user and not principal.is_system:
        raise Forbidden("Partner apps may not ask to exhibit.")
    event = await _event_for_exhibitors(session, principal, event_id)
    organization = await _own_organization(session, principal, organization_id)
    if event.status is not EventStatus.PUBLISHED or event.ends_at <= datetime.now(UTC):
        raise _problem(
            "eventId", "Only a published event that has not ended takes exhibitors.", Code.INVALID
        )
    check_note = Checker()
    cleaned_note = check_note.text(("note",), note, required=False) or ""
    check_note.done()
    lines = await _check_openings(session, principal, organization.id, openings)
    exhibitor = await session.scalar(
        scoped(Exhibitor, principal).where(
            Exhibitor.event_id == event.id, Exhibitor.organization_id == organization.id
        )
    )
    now = datetime.now(UTC)
    if exhibitor is not None and exhibitor.status in (
        ExhibitorStatus.REQUESTED,
        ExhibitorStatus.APPROVED,
    ):
        raise _problem(
            "organizationId",
            f"This organization's request is already {exhibitor.status.value}.",
            Code.ALREADY_REQUESTED,
        )
    if exhibitor is None:
        exhibitor = Exhibitor(
            tenant_id=principal.tenant_id,
            id=uuid.uuid4(),
            event_id=event.id,
            organization_id=organization.id,
            created_at=now,
        )
        session.add(exhibitor)
    exhibitor.status = ExhibitorStatus.REQUESTED
    exhibitor.note = cleaned_note
    exhibitor.decided_at = None
    exhibitor.updated_at = now
    await session.flush()
    await _write_openings(session, exhibitor, lines)
    await record_event(
        session,
        principal,
        action="event_exhibitor.request",
        object_type="Exhibitor",
        object_id=exhibitor.id,
        changes=diff(
            {},
            {
                "event_id": event.id,
                "organization_id": organization.id,
                "openings": _opening_state(lines),
            },
        ),
    )
    return exhibitor


async def _exhibitor(
    session: AsyncSession, principal: Principal, exhibitor_id: uuid.UUID
) -> tuple[Exhibitor, Event]:
    """The exhibitor (locked) and its event, if the caller may see the event and either
    manages it or belongs to the exhibiting organization; else NOT_FOUND."""
    row = (
        await session.execute(
            select(Exhibitor, Event)
            .join(Event, in_tenant(Event, principal) & (Event.id == Exhibitor.event_id))
            .where(
                in_tenant(Exhibitor, principal),
                Exhibitor.id == exhibitor_id,
                Exhibitor.event_id.in_(visible_events(principal).with_only_columns(Event.id)),
            )
            .with_for_update(of=Exhibitor)
        )
    ).first()
    if row is None:
        raise _problem("id", "No exhibitor with this ID.", Code.NOT_FOUND)
    exhibitor, event = row
    own = principal.administers(exhibitor.organization_id) or (
        exhibitor.organization_id in principal.organization_ids
    )
    if not own and not principal.administers(event.organization_id):
        raise _problem("id", "No exhibitor with this ID.", Code.NOT_FOUND)
    return exhibitor, event


async def decide_exhibitor(
    session: AsyncSession,
    principal: Principal,
    *,
    exhibitor_id: uuid.UUID,
    status: ExhibitorStatus,
) -> Exhibitor:
    """The organizer approves or declines a request (or changes its mind while the
    event has not ended). Writes ``event_exhibitor.decide`` when the status changes."""
    exhibitor, event = await _exhibitor(session, principal, exhibitor_id)
    require_event_manager(principal, event.organization_id)
    if status not in DECISIONS:
        raise _problem("status", "Decide APPROVED or DECLINED.", Code.INVALID)
    if exhibitor.status is ExhibitorStatus.WITHDRAWN:
        raise _problem("id", "This request was withdrawn.", Code.INVALID_TRANSITION)
    if event.status is not EventStatus.PUBLISHED:
        message = f"This event is {event.status.value}: its exhibitors are settled."
        raise _problem("id", message, Code.EVENT_CLOSED)
    now = datetime.now(UTC)
    if event.ends_at <= now:
        # Its reports count only while approved: a decision after the event would move
        # the published figures by one exhibitor's report.
        raise _problem("id", "The event has ended: its exhibitors are settled.", Code.EVENT_CLOSED)
    if exhibitor.status is status:
        return exhibitor
    before = {"status": exhibitor.status}
    exhibitor.status = status
    exhibitor.decided_at = now
    exhibitor.updated_at = now
    event.sequence += 1  # the exhibitors shown on the event changed
    event.updated_at = now
    await session.flush()
    await record_event(
        session,
        principal,
        action="event_exhibitor.decide",
        object_type="Exhibitor",
        object_id=exhibitor.id,
        changes=diff(before, {"status": exhibitor.status}),
    )
    return exhibitor


async def withdraw_exhibitor(
    session: AsyncSession, principal: Principal, *, exhibitor_id: uuid.UUID
) -> Exhibitor:
    """The exhibiting organization's admins withdraw its request or its place (before
    the event ends). Writes ``event_exhibitor.withdraw``."""
    exhibitor, event = await _exhibitor(session, principal, exhibitor_id)
    if not principal.administers(exhibitor.organization_id):
        raise Forbidden("Only the exhibiting organization's admins may withdraw it.")
    if exhibitor.status is ExhibitorStatus.WITHDRAWN:
        return exhibitor
    if event.ends_at <= datetime.now(UTC):
        raise _problem("id", "The event has ended.", Code.EVENT_CLOSED)
    before = {"status": exhibitor.status}
    now = datetime.now(UTC)
    exhibitor.status = ExhibitorStatus.WITHDRAWN
    exhibitor.updated_at = now
    if before["status"] is ExhibitorStatus.APPROVED:
        event.sequence += 1
        event.updated_at = now
    await session.flush()
    await record_event(
        session,
        principal,
        action="event_exhibitor.withdraw",
        object_type="Exhibitor",
        object_id=exhibitor.id,
        changes=diff(before, {"status": exhibitor.status}),
    )
    return exhibitor


async def report_outcomes(
    session: AsyncSession,
    principal: Principal,
    *,
    exhibitor_id: uuid.UUID,
    report: dict[str, Any],
) -> Exhibitor:
    """An APPROVED exhibitor's admins report interviews, offers and hires (totals, and
    optionally by occupation), from the event's start until ``REPORT_WINDOW`` after its
    end; a new report replaces the previous one. Writes ``event_exhibitor.report``."""
    exhibitor, event = await _exhibitor(session, principal, exhibitor_id)
    if not principal.administers(exhibitor.organization_id):
        raise Forbidden("Only the exhibiting organization's admins may report its outcomes.")
    if exhibitor.status is not ExhibitorStatus.APPROVED:
        raise _problem("id", "Only an approved exhibitor reports outcomes.", Code.NOT_APPROVED)
    now = datetime.now(UTC)
    if event.status is EventStatus.CANCELLED:
        raise _problem("id", "This event was cancelled.", Code.EVENT_CLOSED)
    if event.starts_at > now:
        raise _problem("id", "Outcomes are reported once the event has started.", Code.NOT_STARTED)
    if now > reports_close_at(event):
        closed = reports_close_at(event).date().isoformat()
        raise _problem("id", f"Reports for this event closed on {closed}.", Code.EVENT_CLOSED)
    cleaned, check = validation.outcome_report(report)
    lines: list[dict[str, Any]] = cleaned["by_occupation"]
    codes = {line["occupation_code"] for line in lines}
    known = set(
        await session.scalars(select(Occupation.soc_code).where(Occupation.soc_code.in_(codes)))
    )
    for index, line in enumerate(lines):
        if line["occupation_code"] not in known:
            check.add(
                ("byOccupation", str(index), "occupationCode"),
                f"No occupation {line['occupation_code']!r}.",
                Code.NOT_FOUND,
            )
    check.done()
    before = {
        "interviews": exhibitor.interviews,
        "offers": exhibitor.offers,
        "hires": exhibitor.hires,
    }
    exhibitor.interviews = cleaned["interviews"]
    exhibitor.offers = cleaned["offers"]
    exhibitor.hires = cleaned["hires"]
    exhibitor.reported_at = now
    exhibitor.updated_at = now
    await session.flush()
    await session.execute(
        delete(ExhibitorOutcome).where(
            in_tenant(ExhibitorOutcome, principal), ExhibitorOutcome.exhibitor_id == exhibitor.id
        )
    )
    if lines:
        base = {"tenant_id": principal.tenant_id, "exhibitor_id": exhibitor.id}
        await session.execute(
            insert(ExhibitorOutcome), [base | {"id": uuid.uuid4()} | line for line in lines]
        )
    await record_event(
        session,
        principal,
        action="event_exhibitor.report",
        object_type="Exhibitor",
        object_id=exhibitor.id,
        changes=diff(
            before,
            {
                "interviews": exhibitor.interviews,
                "offers": exhibitor.offers,
                "hires": exhibitor.hires,
            },
        )
        | {"by_occupation": [f"{x['occupation_code']}:{x['hires']}" for x in lines]},
    )
    return exhibitor


__all__ = [
    "REPORT_WINDOW",
    "decide_exhibitor",
    "report_outcomes",
    "reports_close_at",
    "request_to_exhibit",
    "withdraw_exhibitor",
]
