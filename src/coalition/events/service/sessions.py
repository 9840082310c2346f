"""Sessions inside an event: group sessions and 1:1 interview slots (the package
docstring says what every command guarantees)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.service import diff, record_event
from coalition.auth.principal import Principal
from coalition.db.scoping import scoped
from coalition.errors import InvalidInput, UserError
from coalition.events import validation
from coalition.events.errors import EventErrorCode as Code
from coalition.events.models import EventSession, Exhibitor, ExhibitorStatus, SessionKind
from coalition.events.service.events import managed_event

SESSION_COLUMNS = ("kind", "title", "starts_at", "ends_at", "capacity", "exhibitor_id")


async def add_session(
    session: AsyncSession,
    principal: Principal,
    *,
    event_id: uuid.UUID,
    exhibitor_id: uuid.UUID | None,
    fields: dict[str, Any],
) -> EventSession:
    """The organizer adds a session to an event that is not CANCELLED or COMPLETED: it
    lies within the event's time; an INTERVIEW_SLOT names one APPROVED exhibitor of the
    event (a GROUP session may name one too, as its host). Bumps the event's sequence
    and writes ``event_session.create``."""
    event = await managed_event(session, principal, event_id, field="eventId")
    errors = validation.check_not_final(event.status)
    if errors:
        raise InvalidInput([UserError(("eventId",), e.message, e.code) for e in errors])
    cleaned, check = validation.session_fields(fields)
    starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
    if (
        starts is not None
        and ends is not None
        and (starts < event.starts_at or ends > event.ends_at)
    ):
        check.add(("startsAt",), "A session lies within its event's time.", Code.OUT_OF_RANGE)
    if exhibitor_id is not None:
        exhibitor = await session.scalar(
            scoped(Exhibitor, principal).where(
                Exhibitor.id == exhibitor_id, Exhibitor.event_id == event.id
            )
        )
        if exhibitor is None:
            check.add(("exhibitorId",), "No exhibitor of this event with this ID.", Code.NOT_FOUND)
        elif exhibitor.status is not ExhibitorStatus.APPROVED:
            check.add(("exhibitorId",), "This exhibitor is not approved.", Code.NOT_APPROVED)
    elif cleaned.get("kind") is SessionKind.INTERVIEW_SLOT:
        check.add(("exhibitorId",), "An interview slot names its exhibitor.", Code.REQUIRED)
    check.done()
    now = datetime.now(UTC)
    row = EventSession(
        tenant_id=principal.tenant_id,
        id=uuid.uuid4(),
        event_id=event.id,
        exhibitor_id=exhibitor_id,
        created_at=now,
        updated_at=now,
        **cleaned,
    )
    session.add(row)
    event.sequence += 1
    event.updated_at = now
    await session.flush()
    await record_event(
        session,
        principal,
        action="event_session.create",
        object_type="EventSession",
        object_id=row.id,
        changes=diff({}, {"event_id": event.id} | {c: getattr(row, c) for c in SESSION_COLUMNS}),
    )
    return row


__all__ = ["add_session"]
