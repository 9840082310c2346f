"""Pages for union and community organizations (and the convener) who run events: the
events they see with "Post an event", one event to manage (edit, publish, cancel,
complete, exhibitors' requests, registrations and the waitlist), and the check-in screen
at the door (search by name or code, one tap to check in, walk-ins), made for a phone.

Times are typed as a local date and time in the event's time zone (the partnership's by
default) and sent with their UTC offset. What a person may change is the schema's
decision: the buttons to manage an event are shown where its GraphQL gives the people
counts (``attendance``: the organizer's people and partnership admins), and a mutation
the person may not make answers the 403 page.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from urllib.parse import quote, urlencode

from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from coalition.events.registrations import REGISTRATION_CHANGED
from coalition.web.live import live_region
from coalition.web.templating import zone
from coalition.web.visit import FormError, NotFound, Visit, first, page, user_errors

KINDS = {
    "JOB_FAIR": "Job fair",
    "HIRING_HALL": "Hiring hall",
    "INFORMATION_SESSION": "Information session",
    "TRAINING_OPEN_HOUSE": "Training open house",
    "EMPLOYER_SITE_VISIT": "Employer site visit",
    "OTHER": "Other",
}
MODES = {"IN_PERSON": "In person", "ONLINE": "Online", "MIXED": "In person and online"}
VISIBILITIES = {
    "PUBLIC": "Anyone: listed on the partnership's public events page, anyone may register",
    "MEMBERS": "Partnership members only",
}
STATUS_WORDS = {
    "DRAFT": "Draft (not published)",
    "PUBLISHED": "Published",
    "CANCELLED": "Cancelled",
    "COMPLETED": "Held",
}
NOTICES = {
    "posted": "The event is posted as a draft. Check it, then publish it.",
    "published": "The event is published.",
    "cancelled": "The event is cancelled.",
    "completed": "The event is marked as held.",
    "saved": "Your changes are saved.",
    "approved": "The exhibitor is approved.",
    "declined": "The exhibitor's request is declined.",
    "checked": "Checked in.",
    "already": "That person was already checked in.",
    "walkin": "The walk-in is registered and checked in.",
}
STATUS_MUTATIONS = {
    "publish": ("publishEvent", "published"),
    "cancel": ("cancelEvent", "cancelled"),
    "complete": ("completeEvent", "completed"),
}

EVENT_LIST = """
query OrganizerEvents($after: String, $filter: EventFilter) {
  events(first: 20, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        id kind title startsAt endsAt status visibility attendanceMode
        venue { name city }
        organizer { name }
        attendance { total { registered waitlisted checkedIn } }
      }
    }
  }
}
"""

EVENT = """
query OrganizerEvent($id: ID!, $after: String) {
  event(id: $id) {
    id kind title description startsAt endsAt timeZone localStartsAt localEndsAt
    status visibility attendanceMode onlineUrl capacityInPerson capacityOnline
    venue { name address city postalCode }
    organizer { name }
    exhibitors {
      id status createdAt note
      organization { name }
      openings { occupationCode openings }
    }
    attendance {
      total { registered waitlisted checkedIn noShow }
      inPerson { registered waitlisted checkedIn noShow }
      online { registered waitlisted checkedIn noShow }
    }
    registrations(first: 20, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id name email status arrival code walkIn checkedInAt attendance } }
    }
  }
}
"""

CHECK_IN = """
query OrganizerCheckIn($id: ID!, $search: String, $after: String) {
  event(id: $id) {
    id title startsAt status attendanceMode
    attendance { total { registered waitlisted checkedIn } }
    registrations(first: 50, after: $after, search: $search) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id name code status walkIn checkedInAt attendance } }
    }
  }
}
"""

REGISTRATION = """
query OrganizerRegistration($id: ID!) {
  node(id: $id) { ... on Registration { id name email phone attendance } }
}
"""

CREATE_EVENT = """
mutation OrganizerCreateEvent($input: CreateEventInput!) {
  createEvent(input: $input) { event { id } userErrors { field message code } }
}
"""

UPDATE_EVENT = """
mutation OrganizerUpdateEvent($input: UpdateEventInput!) {
  updateEvent(input: $input) { event { id } userErrors { field message code } }
}
"""

DECIDE_EXHIBITOR = """
mutation OrganizerDecideExhibitor($input: DecideExhibitorInput!) {
  decideExhibitor(input: $input) { exhibitor { id status } userErrors { field message code } }
}
"""

CHECK_IN_REGISTRATION = """
mutation OrganizerCheckInRegistration($input: CheckInRegistrationInput!) {
  checkInRegistration(input: $input) {
    registration { id name }
    alreadyCheckedIn
    userErrors { field message code }
  }
}
"""

REGISTER_WALK_IN = """
mutation OrganizerRegisterWalkIn($input: RegisterWalkInInput!) {
  registerWalkIn(input: $input) {
    registration { id name }
    alreadyCheckedIn
    userErrors { field message code }
  }
}
"""


def _status_mutation(root: str) -> str:
    return f"""
mutation Organizer{root[0].upper()}{root[1:]}($input: EventIdInput!) {{
  {root}(input: $input) {{ event {{ id status }} userErrors {{ field message code }} }}
}}
"""


def _notice(visit: Visit) -> str | None:
    return NOTICES.get(visit.request.query_params.get("done", ""))


def _after(visit: Visit) -> str | None:
    return visit.request.query_params.get("after") or None


def _event_id(visit: Visit) -> str:
    return str(visit.request.path_params["event_id"])


def _event_path(event_id: str, *rest: str) -> str:
    return "/".join(["/events", quote(event_id, safe=""), *rest])


def organizers(visit: Visit) -> list[dict[str, Any]]:
    """The person's organizations the form offers to hold an event: those they
    administer (any of theirs for a partnership admin). The schema decides."""
    if "PARTNERSHIP_ADMIN" in visit.roles:
        return visit.organizations
    return [o for o in visit.organizations if o["role"] == "ORGANIZATION_ADMIN"]


# --- reading the form ------------------------------------------------------------------


def local_instant(day: str, clock: str, time_zone: str) -> str | None:
    """A date (2027-03-14) and a time (10:00) in ``time_zone`` as an instant with its UTC
    offset (2027-03-14T10:00:00-05:00); None when either does not read."""
    try:
        when = datetime.combine(date.fromisoformat(day), time.fromisoformat(clock))
    except ValueError:
        return None
    return when.replace(tzinfo=zone(time_zone)).isoformat()


def _split_local(iso: str | None) -> tuple[str, str]:
    """The date and time (HH:MM) of an ISO 8601 local time, for the edit form."""
    if not iso:
        return "", ""
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError:
        return "", ""
    return parsed.date().isoformat(), parsed.strftime("%H:%M")


def _is_time_zone(name: str) -> bool:
    return bool(name) and zone(name).key == name


def _capacity(text: str, name: str, problems: list[FormError]) -> int | None:
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or len(text) > 7:
        problems.append(
            FormError(
                name, "Give the number of places as a whole number, or leave it empty for no limit."
            )
        )
        return None
    return int(text)


def event_input(values: dict[str, list[str]]) -> tuple[dict[str, Any], list[FormError]]:
    """The CreateEventInput/UpdateEventInput fields the event form gives, and the problems
    the page finds before asking the schema (dates and times that do not read)."""
    problems: list[FormError] = []
    time_zone = first(values, "timeZone")
    if not _is_time_zone(time_zone):
        problems.append(
            FormError("timeZone", "Give the time zone as its IANA name, such as America/Detroit.")
        )
        time_zone_for_times = "UTC"
    else:
        time_zone_for_times = time_zone
    starts = local_instant(
        first(values, "startsAt"), first(values, "startsAtTime"), time_zone_for_times
    )
    ends = local_instant(first(values, "endsAt"), first(values, "endsAtTime"), time_zone_for_times)
    if starts is None:
        problems.append(FormError("startsAt", "Give the start as a date and a time."))
    if ends is None:
        problems.append(FormError("endsAt", "Give the end as a date and a time."))
    mode = first(values, "attendanceMode")
    in_person = mode in ("IN_PERSON", "MIXED")
    online = mode in ("ONLINE", "MIXED")
    venue = {
        "name": first(values, "name") or None,
        "address": first(values, "address") or None,
        "city": first(values, "city") or None,
        "postalCode": first(values, "postalCode") or None,
    }
    fields: dict[str, Any] = {
        "kind": first(values, "kind"),
        "title": first(values, "title"),
        "description": first(values, "description"),
        "startsAt": starts,
        "endsAt": ends,
        "timeZone": time_zone,
        "attendanceMode": mode,
        "venue": venue if in_person and any(venue.values()) else None,
        "onlineUrl": (first(values, "onlineUrl") or None) if online else None,
        "capacityInPerson": _capacity(
            first(values, "capacityInPerson"), "capacityInPerson", problems
        )
        if in_person
        else None,
        "capacityOnline": _capacity(first(values, "capacityOnline"), "capacityOnline", problems)
        if online
        else None,
        "visibility": first(values, "visibility", "PUBLIC"),
    }
    if fields["kind"] not in KINDS:
        problems.append(FormError("kind", "Choose what kind of event it is."))
    if mode not in MODES:
        problems.append(FormError("attendanceMode", "Choose how people attend."))
    if fields["visibility"] not in VISIBILITIES:
        problems.append(FormError("visibility", "Choose who sees the event."))
    return fields, problems


def _form_values(values: dict[str, list[str]]) -> dict[str, str]:
    return {name: first(values, name) for name in values}


def _event_values(event: dict[str, Any]) -> dict[str, str]:
    """The edit form's values from the event GraphQL gave."""
    starts_day, starts_clock = _split_local(event.get("localStartsAt"))
    ends_day, ends_clock = _split_local(event.get("localEndsAt"))
    venue = event.get("venue") or {}
    return {
        "kind": event["kind"],
        "title": event["title"],
        "description": event.get("description") or "",
        "startsAt": starts_day,
        "startsAtTime": starts_clock,
        "endsAt": ends_day,
        "endsAtTime": ends_clock,
        "timeZone": event["timeZone"],
        "attendanceMode": event["attendanceMode"],
        "name": venue.get("name") or "",
        "address": venue.get("address") or "",
        "city": venue.get("city") or "",
        "postalCode": venue.get("postalCode") or "",
        "onlineUrl": event.get("onlineUrl") or "",
        "capacityInPerson": ""
        if event.get("capacityInPerson") is None
        else str(event["capacityInPerson"]),
        "capacityOnline": ""
        if event.get("capacityOnline") is None
        else str(event["capacityOnline"]),
        "visibility": event["visibility"],
    }


def _choices() -> dict[str, Any]:
    return {
        "kinds": KINDS,
        "modes": MODES,
        "visibilities": VISIBILITIES,
        "status_words": STATUS_WORDS,
    }


# --- the events --------------------------------------------------------------------------


@page
async def events(visit: Visit) -> Response:
    """The events the person sees, upcoming first (or those already begun)."""
    past = visit.request.query_params.get("past") == "1"
    now = datetime.now(UTC).isoformat()
    window = {"to": now} if past else {"from": now}
    data = await visit.ask(EVENT_LIST, after=_after(visit), filter=window)
    return visit.render(
        "organizer/events.html",
        title="Past events" if past else "Events",
        listing=data["events"],
        past=past,
        base="/events?past=1" if past else "/events",
        may_post=bool(organizers(visit)),
        notice=_notice(visit),
        **_choices(),
    )


def _new_form(
    visit: Visit, values: dict[str, str], errors: list[FormError], status: int = 200
) -> Response:
    return visit.render(
        "organizer/new.html",
        status=status,
        title="Post an event",
        values=values,
        errors=errors,
        organizations=organizers(visit),
        **_choices(),
    )


@page
async def new_event(visit: Visit) -> Response:
    """The form to post an event."""
    values = {"timeZone": visit.time_zone, "visibility": "PUBLIC", "attendanceMode": "IN_PERSON"}
    return _new_form(visit, values, [])


@page
async def create_event(visit: Visit) -> Response:
    """``createEvent``: a draft, then the event's page (to check it and publish it)."""
    values = await visit.form()
    fields, problems = event_input(values)
    typed = _form_values(values)
    choices = organizers(visit)
    organization = first(values, "organizationId") or (
        choices[0]["id"] if len(choices) == 1 else ""
    )
    if not organization:
        problems.append(FormError("organizationId", "Choose the organization holding the event."))
    if problems:
        return _new_form(visit, typed, problems, status=400)
    answer = await visit.change(CREATE_EVENT, input={"organizationId": organization, **fields})
    errors = user_errors(answer, "createEvent")
    if errors:
        return _new_form(visit, typed, errors, status=400)
    event_id = answer.data["createEvent"]["event"]["id"] if answer.data else ""
    return RedirectResponse(_event_path(event_id) + "?done=posted", status_code=303)


# --- one event ---------------------------------------------------------------------------


async def _event(visit: Visit, event_id: str) -> dict[str, Any]:
    data = await visit.ask(EVENT, id=event_id, after=_after(visit))
    if not data.get("event"):
        raise NotFound
    return dict(data["event"])


def _manage(
    visit: Visit,
    event: dict[str, Any],
    *,
    values: dict[str, str] | None = None,
    errors: list[FormError] | None = None,
    status: int = 200,
) -> Response:
    return visit.render(
        "organizer/event.html",
        status=status,
        title=event["title"],
        event=event,
        values=values or _event_values(event),
        errors=errors or [],
        editing=bool(errors),
        base=_event_path(event["id"]),
        notice=_notice(visit),
        **_choices(),
    )


@page
async def event_page(visit: Visit) -> Response:
    """One event: its basics, status, exhibitors, registrations and the waitlist."""
    return _manage(visit, await _event(visit, _event_id(visit)))


@page
async def update_event(visit: Visit) -> Response:
    """``updateEvent`` with the edit form's basics."""
    event_id = _event_id(visit)
    values = await visit.form()
    fields, problems = event_input(values)
    typed = _form_values(values)
    if not problems:
        answer = await visit.change(UPDATE_EVENT, input={"id": event_id, **fields})
        problems = user_errors(answer, "updateEvent")
    if problems:
        return _manage(
            visit, await _event(visit, event_id), values=typed, errors=problems, status=400
        )
    return RedirectResponse(_event_path(event_id) + "?done=saved", status_code=303)


@page
async def change_status(visit: Visit) -> Response:
    """Publish, cancel or complete the event."""
    event_id = _event_id(visit)
    values = await visit.form()
    action = STATUS_MUTATIONS.get(first(values, "action"))
    if action is None:
        raise NotFound
    root, done = action
    answer = await visit.change(_status_mutation(root), input={"id": event_id})
    errors = user_errors(answer, root)
    if errors:
        event = await _event(visit, event_id)
        return _manage(visit, event, errors=[FormError("", e.message) for e in errors], status=400)
    back = first(values, "back")
    target = "/events" if back == "list" else _event_path(event_id)
    return RedirectResponse(f"{target}?done={done}", status_code=303)


@page
async def decide_exhibitor(visit: Visit) -> Response:
    """``decideExhibitor``: approve or decline a request to exhibit."""
    event_id = _event_id(visit)
    values = await visit.form()
    decision = first(values, "status")
    if decision not in ("APPROVED", "DECLINED"):
        raise NotFound
    answer = await visit.change(
        DECIDE_EXHIBITOR, input={"id": first(values, "exhibitorId"), "status": decision}
    )
    errors = user_errors(answer, "decideExhibitor")
    if errors:
        event = await _event(visit, event_id)
        return _manage(visit, event, errors=[FormError("", e.message) for e in errors], status=400)
    done = "approved" if decision == "APPROVED" else "declined"
    return RedirectResponse(_event_path(event_id) + f"?done={done}#exhibitors", status_code=303)


# --- the check-in screen -----------------------------------------------------------------


def _search_text(text: str) -> str:
    return text.replace("\x00", "").strip()[:200]


def _check_in_screen(
    visit: Visit,
    event_id: str,
    *,
    search: str,
    walk_in: dict[str, str] | None = None,
    errors: list[FormError] | None = None,
    status: int = 200,
    data: dict[str, Any] | None = None,
) -> Response:
    event = (data or {}).get("event")
    if not event:
        raise NotFound
    base = _event_path(event_id, "check-in")
    if search:
        base += "?" + urlencode({"q": search})
    return visit.render(
        "organizer/check_in.html",
        status=status,
        title=f"Check-in: {event['title']}",
        event=event,
        search=search,
        base=base,
        walk_in=walk_in or {},
        errors=errors or [],
        notice=_notice(visit),
        **_choices(),
    )


async def _check_in_data(visit: Visit, event_id: str, search: str) -> dict[str, Any]:
    return await visit.ask(CHECK_IN, id=event_id, search=search or None, after=_after(visit))


@page
async def check_in_page(visit: Visit) -> Response:
    """The door: search the registrations by name or code, one button per person."""
    event_id = _event_id(visit)
    search = _search_text(visit.request.query_params.get("q", ""))
    data = await _check_in_data(visit, event_id, search)
    return _check_in_screen(visit, event_id, search=search, data=data)


def _back_to_check_in(event_id: str, search: str, done: str) -> Response:
    query = urlencode({"q": search, "done": done} if search else {"done": done})
    return RedirectResponse(_event_path(event_id, "check-in") + "?" + query, status_code=303)


async def _failed_check_in(
    visit: Visit,
    event_id: str,
    search: str,
    errors: list[FormError],
    walk_in: dict[str, str] | None = None,
) -> Response:
    data = await _check_in_data(visit, event_id, search)
    return _check_in_screen(
        visit, event_id, search=search, walk_in=walk_in, errors=errors, status=400, data=data
    )


@page
async def check_in(visit: Visit) -> Response:
    """``checkInRegistration`` by the person's button (or by a typed code); a person on
    the waitlist is seated and checked in at the door (``registerWalkIn`` with their
    registration's name and email)."""
    event_id = _event_id(visit)
    values = await visit.form()
    search = _search_text(first(values, "q"))
    registration = first(values, "registrationId")
    code = first(values, "code")
    if first(values, "seat") == "1" and registration:
        found = (await visit.ask(REGISTRATION, id=registration)).get("node") or {}
        if not found.get("email"):
            raise NotFound
        answer = await visit.change(
            REGISTER_WALK_IN,
            input={
                "eventId": event_id,
                "name": found["name"],
                "email": found["email"],
                "phone": found.get("phone"),
                "attendance": found.get("attendance"),
            },
        )
        root = "registerWalkIn"
    else:
        given = {"registrationId": registration} if registration else {"code": code or None}
        answer = await visit.change(CHECK_IN_REGISTRATION, input={"eventId": event_id, **given})
        root = "checkInRegistration"
    errors = user_errors(answer, root)
    if errors:
        return await _failed_check_in(visit, event_id, search, errors)
    already = bool((answer.data or {}).get(root, {}).get("alreadyCheckedIn"))
    return _back_to_check_in(event_id, search, "already" if already else "checked")


@page
async def walk_in(visit: Visit) -> Response:
    """``registerWalkIn``: a person who did not register, registered and checked in."""
    event_id = _event_id(visit)
    values = await visit.form()
    search = _search_text(first(values, "q"))
    typed = _form_values(values)
    attendance = first(values, "attendance") or None
    answer = await visit.change(
        REGISTER_WALK_IN,
        input={
            "eventId": event_id,
            "name": first(values, "name"),
            "email": first(values, "email"),
            "phone": first(values, "phone") or None,
            "consentToContact": first(values, "consentToContact") == "yes",
            "attendance": attendance if attendance in ("IN_PERSON", "ONLINE") else None,
        },
    )
    errors = user_errors(answer, "registerWalkIn")
    if errors:
        return await _failed_check_in(visit, event_id, search, errors, walk_in=typed)
    already = bool((answer.data or {}).get("registerWalkIn", {}).get("alreadyCheckedIn"))
    return _back_to_check_in(event_id, search, "already" if already else "walkin")


REGISTRATIONS_READABLE = """
query($id: ID!) { event(id: $id) { id attendance { total { registered } } } }
"""


@page
async def check_in_live(visit: Visit) -> Response:
    """The refresh stream of the check-in screen: a ``refresh`` event at each change of a
    registration of the event (a check-in at another phone, a registration, a walk-in),
    for the people GraphQL shows the event's attendance (its organizer's people and the
    partnership's admins: those who run its check-in)."""
    return await live_region(
        visit,
        channel=REGISTRATION_CHANGED,
        type_name="Event",
        global_id=_event_id(visit),
        check=REGISTRATIONS_READABLE,
        readable=lambda data: bool((data.get("event") or {}).get("attendance")),
    )


ROUTES = [
    Route("/events", events, methods=["GET"]),
    Route("/events/{event_id}/check-in/live", check_in_live, methods=["GET"]),
    Route("/events/new", new_event, methods=["GET"]),
    Route("/events/new", create_event, methods=["POST"]),
    Route("/events/{event_id}", event_page, methods=["GET"]),
    Route("/events/{event_id}/edit", update_event, methods=["POST"]),
    Route("/events/{event_id}/status", change_status, methods=["POST"]),
    Route("/events/{event_id}/exhibitors", decide_exhibitor, methods=["POST"]),
    Route("/events/{event_id}/check-in", check_in_page, methods=["GET"]),
    Route("/events/{event_id}/check-in", check_in, methods=["POST"]),
    Route("/events/{event_id}/walk-in", walk_in, methods=["POST"]),
]
