"""A partnership's public events pages (``/p/<slug>/events``), for anyone, no login: the
upcoming public events with the calendar subscribe link, and one event with its
registration form, which says before the person sends it whether there is a seat or
which place on the waitlist they would take, and then shows the confirmation.

Anonymous GraphQL may only register and cancel (``api.context.anonymous_session``), so
the events and their places are read through the events domain's public reads
(``events.public_reads``: what the public feeds publish, and counts); registering and
cancelling are ``registerForEvent`` and ``cancelRegistration`` run as an anonymous
visitor of the partnership, limited per event and per address like ``/graphql``.

The confirmation is the answer to the registration's POST itself, not a redirect: its
token (which cancels the registration) is shown once and must not travel in a URL.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from coalition.events import public_reads
from coalition.events.models import Attendance, AttendanceMode, EventStatus
from coalition.events.public import format_cursor, parse_cursor
from coalition.ids import global_id, parse_global_id
from coalition.web.templating import local_time
from coalition.web.visit import FormError, NotFound, Visit, first, public_page, render, user_errors

KINDS = {
    "JOB_FAIR": "Job fair",
    "HIRING_HALL": "Hiring hall",
    "INFORMATION_SESSION": "Information session",
    "TRAINING_OPEN_HOUSE": "Training open house",
    "EMPLOYER_SITE_VISIT": "Employer site visit",
    "OTHER": "Other",
}
ATTENDANCE_WORDS = {"IN_PERSON": "In person", "ONLINE": "Online"}
STATUS_WORDS = {
    "CONFIRMED": "You have a place",
    "WAITLISTED": "You are on the waitlist",
    "CANCELLED": "Cancelled",
}

# What ``Visit.form`` puts in place of a lone surrogate (a broken client's bytes): never
# part of a person's name or address, so the form asks for it again.
UNREADABLE = "\ufffd"

REGISTER = """
mutation PublicRegister($input: RegisterForEventInput!) {
  registerForEvent(input: $input) {
    receipt {
      registrationId status attendance
      confirmation { token code qrCodeDataUri }
    }
    alreadyRegistered
    userErrors { field message code }
  }
}
"""

CANCEL = """
mutation PublicCancel($input: CancelRegistrationInput!) {
  cancelRegistration(input: $input) {
    receipt { status }
    userErrors { field message code }
  }
}
"""


async def _partnership(visit: Visit) -> public_reads.Partnership:
    found = await public_reads.partnership(visit.request.app.state.sessions, visit.tenant_id)
    if found is None:
        raise NotFound
    return found


def _show(
    visit: Visit,
    template: str,
    partnership: public_reads.Partnership,
    *,
    status: int = 200,
    **context: Any,
) -> Response:
    # No visit: the page header has no menu and no sign-out for an anonymous visitor.
    return render(
        visit.request,
        template,
        status=status,
        time_zone=partnership.time_zone,
        partnership=partnership,
        slug=visit.slug,
        kinds=KINDS,
        attendance_words=ATTENDANCE_WORDS,
        status_words=STATUS_WORDS,
        at=local_time,
        **context,
    )


def _events_path(slug: str | None, *rest: str) -> str:
    return "/".join([f"/p/{quote(slug or '', safe='')}/events", *rest])


@public_page
async def events(visit: Visit) -> Response:
    """The partnership's upcoming public events."""
    partnership = await _partnership(visit)
    after_text = visit.request.query_params.get("after")
    try:
        after = parse_cursor(after_text) if after_text else None
    except ValueError:
        raise NotFound from None
    found, more = await public_reads.upcoming_public_events(
        visit.request.app.state.sessions, visit.tenant_id, now=datetime.now(UTC), after=after
    )
    listed = [
        {"event": event, "organizer": organizer, "id": global_id("Event", event.id)}
        for event, organizer in found
    ]
    next_page = (
        _events_path(visit.slug) + "?after=" + quote(format_cursor(found[-1][0])) if more else None
    )
    return _show(
        visit,
        "public/events.html",
        partnership,
        title=f"Events of {partnership.name}",
        listed=listed,
        next_page=next_page,
        feed=f"/public/{quote(visit.slug or '', safe='')}/events.ics",
    )


def _event_uuid(visit: Visit) -> uuid.UUID:
    found = parse_global_id(str(visit.request.path_params["event_id"])[:200], "Event")
    if found is None:
        raise NotFound
    return found[1]


async def _public_event(visit: Visit) -> public_reads.PublicEvent:
    found = await public_reads.public_event(
        visit.request.app.state.sessions, visit.tenant_id, _event_uuid(visit)
    )
    if found is None:
        raise NotFound
    return found


def _event_page(
    visit: Visit,
    partnership: public_reads.Partnership,
    found: public_reads.PublicEvent,
    *,
    values: dict[str, str] | None = None,
    errors: list[FormError] | None = None,
    status: int = 200,
) -> Response:
    event = found.event
    return _show(
        visit,
        "public/event.html",
        partnership,
        status=status,
        title=event.title,
        event=event,
        organizer=found.organizer,
        places=found.places,
        event_id=global_id("Event", event.id),
        is_open=event.status is EventStatus.PUBLISHED and event.ends_at > datetime.now(UTC),
        is_mixed=event.attendance_mode is AttendanceMode.MIXED,
        values=values or {},
        errors=errors or [],
        back=_events_path(visit.slug),
        notice="Your registration is cancelled."
        if visit.request.query_params.get("done") == "cancelled"
        else None,
    )


@public_page
async def event_page(visit: Visit) -> Response:
    """One public event and its registration form."""
    partnership = await _partnership(visit)
    return _event_page(visit, partnership, await _public_event(visit))


@public_page
async def register(visit: Visit) -> Response:
    """``registerForEvent`` as an anonymous visitor: the confirmation, or the form again
    with what was wrong."""
    partnership = await _partnership(visit)
    found = await _public_event(visit)
    values = await visit.form()
    typed = {name: first(values, name) for name in values if name != "csrf"}
    unreadable = [
        FormError(name, "This has a character that could not be read: type it again.")
        for name in ("name", "email", "phone", "accessibilityNeeds")
        if UNREADABLE in first(values, name)
    ]
    if unreadable:
        return _event_page(visit, partnership, found, values=typed, errors=unreadable, status=400)
    attendance = first(values, "attendance") or None
    answer = await visit.change(
        REGISTER,
        input={
            "eventId": global_id("Event", found.event.id),
            "name": first(values, "name"),
            "email": first(values, "email"),
            "phone": first(values, "phone") or None,
            "accessibilityNeeds": first(values, "accessibilityNeeds") or None,
            "consentToContact": first(values, "consentToContact") == "yes",
            "attendance": attendance if attendance in ATTENDANCE_WORDS else None,
        },
    )
    errors = user_errors(answer, "registerForEvent")
    payload = (answer.data or {}).get("registerForEvent") or {}
    receipt = payload.get("receipt")
    if errors or not receipt:
        again = await _public_event(visit)
        return _event_page(visit, partnership, again, values=typed, errors=errors, status=400)
    number = None
    if receipt["status"] == "WAITLISTED":
        decoded = parse_global_id(str(receipt["registrationId"]))
        if decoded is not None:
            number = await public_reads.waitlist_number(
                visit.request.app.state.sessions, visit.tenant_id, decoded[1]
            )
    return _show(
        visit,
        "public/registered.html",
        partnership,
        title="You are registered"
        if receipt["status"] == "CONFIRMED"
        else "You are on the waitlist",
        event=found.event,
        event_id=global_id("Event", found.event.id),
        receipt=receipt,
        already=bool(payload.get("alreadyRegistered")),
        waitlist_number=number,
        back=_events_path(visit.slug),
        attendance=Attendance,
    )


@public_page
async def cancel_page(visit: Visit) -> Response:
    """The form to cancel a registration with its cancellation key."""
    partnership = await _partnership(visit)
    found = await _public_event(visit)
    return _show(
        visit,
        "public/cancel.html",
        partnership,
        title="Cancel a registration",
        event=found.event,
        event_id=global_id("Event", found.event.id),
        errors=[],
        back=_events_path(visit.slug),
    )


@public_page
async def cancel(visit: Visit) -> Response:
    """``cancelRegistration`` by the confirmation's token."""
    partnership = await _partnership(visit)
    found = await _public_event(visit)
    values = await visit.form()
    answer = await visit.change(CANCEL, input={"token": first(values, "token")})
    errors = user_errors(answer, "cancelRegistration")
    event_id = global_id("Event", found.event.id)
    if errors:
        return _show(
            visit,
            "public/cancel.html",
            partnership,
            status=400,
            title="Cancel a registration",
            event=found.event,
            event_id=event_id,
            errors=[FormError("token", e.message) for e in errors],
            back=_events_path(visit.slug),
        )
    return RedirectResponse(_events_path(visit.slug, event_id) + "?done=cancelled", status_code=303)


ROUTES = [
    Route("/p/{slug}/events", events, methods=["GET"]),
    Route("/p/{slug}/events/{event_id}", event_page, methods=["GET"]),
    Route("/p/{slug}/events/{event_id}", register, methods=["POST"]),
    Route("/p/{slug}/events/{event_id}/cancel", cancel_page, methods=["GET"]),
    Route("/p/{slug}/events/{event_id}/cancel", cancel, methods=["POST"]),
]
