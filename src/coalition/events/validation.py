"""Field rules of events, exhibitor requests, sessions and outcome reports.

Each function checks the fields it is given and returns column values plus every
problem at once, each with the API input path of its field (``venue.city``,
``openings.1.wageMaxMinor``). Text PostgreSQL cannot store (U+0000, a lone surrogate)
never reaches here from the API: the HTTP edge refuses it (``coalition.api.payload``).

Decisions:

- Instants carry their offset (a time with none is refused: 10:00 where?); an event
  ends after it starts and lasts at most ``MAX_DAYS`` days. ``timeZone`` is an IANA
  name the server's zone database knows (``America/Chicago``), never an offset.
- Where people go follows the attendance mode: IN_PERSON needs a venue with a name
  and a city, ONLINE an http(s) link, MIXED both; an online capacity only for ONLINE
  and MIXED events, an in-person one only for IN_PERSON and MIXED. A capacity left
  out means no limit; 0 means no places (registrations wait).
- Status: a new event is a DRAFT. DRAFT may become PUBLISHED or CANCELLED; PUBLISHED
  may become CANCELLED, or COMPLETED once it has started. CANCELLED and COMPLETED are
  final: such an event takes no other change.
- Lowering a capacity below the people already confirmed for it is refused
  (CAPACITY_BELOW_CONFIRMED): cancel registrations first. Raising it fills the new
  places from the waitlist.
- An exhibitor's openings: an occupation (SOC), 1 to ``MAX_OPENINGS`` openings, an
  optional hourly wage range in minor units (min at most max), and optionally demand
  signals of the exhibiting organization itself.
- A report of outcomes: interviews, offers and hires are whole numbers from 0, with
  hires at most offers at most interviews, and the lines by occupation summing to at
  most the totals.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from coalition.errors import InvalidInput, UserError
from coalition.events.errors import EventErrorCode as Code
from coalition.events.models import AttendanceMode, EventKind, EventStatus, SessionKind, Visibility
from coalition.supply.validation.shared import Fields, status_of, with_required
from coalition.validation import MAX_TEXT, Checker

MAX_TITLE = 200
MAX_DAYS = 14
MAX_CAPACITY = 100_000
MAX_OCCUPATIONS = 20
MAX_PROGRAMS = 20
MAX_LANGUAGES = 10
MAX_OPENINGS = 10_000
MAX_OPENING_LINES = 20
MAX_SIGNALS = 20
MAX_COUNT = 100_000
MAX_WAGE_MINOR = 100_000  # $1,000.00 an hour
LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$")
SOC = re.compile(r"^\d{2}-\d{4}$")

EVENT_TRANSITIONS: dict[EventStatus, frozenset[EventStatus]] = {
    EventStatus.DRAFT: frozenset({EventStatus.DRAFT, EventStatus.PUBLISHED, EventStatus.CANCELLED}),
    EventStatus.PUBLISHED: frozenset(
        {EventStatus.PUBLISHED, EventStatus.CANCELLED, EventStatus.COMPLETED}
    ),
    EventStatus.CANCELLED: frozenset({EventStatus.CANCELLED}),
    EventStatus.COMPLETED: frozenset({EventStatus.COMPLETED}),
}
FINAL_STATUSES = frozenset({EventStatus.CANCELLED, EventStatus.COMPLETED})
EVENT_REQUIRED = ("kind", "title", "starts_at", "ends_at", "time_zone", "attendance_mode")
VENUE_COLUMNS = {
    "name": "venue_name",
    "address": "venue_address",
    "city": "venue_city",
    "postal_code": "venue_postal_code",
}
VENUE_LIMITS = {"name": 200, "address": 300, "city": 100, "postal_code": 20}
VENUE_PATHS = {"name": "name", "address": "address", "city": "city", "postal_code": "postalCode"}
ACCESSIBILITY_FLAGS = {
    "step_free_access": "stepFreeAccess",
    "asl_interpretation": "aslInterpretation",
    "captioning": "captioning",
    "transit_nearby": "transitNearby",
    "childcare": "childcare",
    "quiet_room": "quietRoom",
}


@cache
def time_zones() -> frozenset[str]:
    """The IANA zone names the server knows (read once)."""
    return frozenset(available_timezones())


def _instant(check: Checker, path: str, value: Any) -> datetime | None:
    if value is None:
        check.add((path,), f"{path} is required.", Code.REQUIRED)
        return None
    instant: datetime
    if isinstance(value, datetime):
        instant = value
    else:
        try:
            instant = datetime.fromisoformat(str(value).strip())
        except ValueError:
            check.add(
                (path,), f"{path} must be an instant: 2027-03-14T10:00:00-05:00.", Code.INVALID
            )
            return None
    if instant.tzinfo is None or value.utcoffset() is None:
        check.add(
            (path,),
            f"{path} must carry its UTC offset: 2027-03-14T10:00:00-05:00.",
            Code.INVALID,
        )
        return None
    if not 2000 <= instant.year <= 2100:
        check.add((path,), f"{path} must be between the years 2000 and 2100.", Code.OUT_OF_RANGE)
        return None
    return instant


def read_instant(path: tuple[str, ...], value: datetime | None) -> datetime | None:
    """A read's ``from``/``to`` bound in UTC (one without an offset is read as UTC), or
    InvalidInput: year 1 east of UTC or 9999 west of it has no UTC instant Python holds."""
    if value is None:
        return None
    try:
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    except OverflowError:
        message = f"{path[-1]} must be an instant between the years 1 and 9999 in UTC."
        raise InvalidInput([UserError(path, message, Code.OUT_OF_RANGE)]) from None


def _time_zone(check: Checker, value: Any) -> str | None:
    name = str(value if value is not None else "").strip()
    if not name:
        check.add(("timeZone",), "timeZone is required.", Code.REQUIRED)
        return None
    if name not in time_zones() or name in {"localtime", "Factory"}:
        check.add(
            ("timeZone",),
            "timeZone must be an IANA time zone name, e.g. America/Chicago.",
            Code.INVALID,
        )
        return None
    return name


def _capacity(check: Checker, path: str, value: Any) -> int | None:
    if value is None:
        return None
    number = check.integer((path,), value, name=path)
    if number is not None and not 0 <= number <= MAX_CAPACITY:
        check.add((path,), f"{path} must be between 0 and {MAX_CAPACITY}.", Code.OUT_OF_RANGE)
        return None
    return number


def _venue(check: Checker, value: Any) -> dict[str, str | None]:
    venue = value or {}
    return {
        VENUE_COLUMNS[key]: check.name(
            ("venue", VENUE_PATHS[key]), venue.get(key), required=False, limit=limit
        )
        for key, limit in VENUE_LIMITS.items()
    }


def _accessibility(check: Checker, value: Any) -> dict[str, Any]:
    given = value or {}
    cleaned: dict[str, Any] = {}
    for column, path in ACCESSIBILITY_FLAGS.items():
        flag = given.get(column, False)
        if not isinstance(flag, bool):
            check.add(("accessibility", path), f"{path} must be true or false.", Code.INVALID)
            continue
        cleaned[column] = flag
    languages: list[str] = []
    items = list(given.get("languages") or [])
    if len(items) > MAX_LANGUAGES:
        message = f"List at most {MAX_LANGUAGES} languages."
        check.add(("accessibility", "languages"), message, Code.TOO_MANY)
    else:
        for index, item in enumerate(items):
            tag = str(item if item is not None else "").strip()
            if not LANGUAGE.match(tag):
                check.add(
                    ("accessibility", "languages", str(index)),
                    "Give a language as a BCP 47 tag: en, es, zh-Hant.",
                    Code.INVALID,
                )
            elif tag.lower() not in {known.lower() for known in languages}:
                languages.append(tag)
    cleaned["languages"] = languages
    note = check.text(("accessibility", "note"), given.get("note"), required=False)
    cleaned["accessibility_note"] = note or ""
    return cleaned


def _codes(check: Checker, path: str, value: Any, *, limit: int) -> list[str] | None:
    items = list(value or [])
    if len(items) > limit:
        check.add((path,), f"List at most {limit}.", Code.TOO_MANY)
        return None
    cleaned: list[str] = []
    before = len(check.errors)
    for index, item in enumerate(items):
        code = str(item if item is not None else "").strip()
        if code in cleaned:
            check.add((path, str(index)), f"{code!r} is listed twice.", Code.DUPLICATE)
        cleaned.append(code)
    return cleaned if len(check.errors) == before else None


def event_fields(
    values: dict[str, Any], *, current: dict[str, Any] | None
) -> tuple[dict[str, Any], list[UserError]]:
    """Check the given fields of an event; with ``current`` None a new one (kind, title,
    start, end, time zone and attendance mode required).

    ``values`` holds any of: kind, title, description, starts_at, ends_at, time_zone,
    attendance_mode, venue {name, address, city, postal_code} (or None), online_url,
    accessibility {step_free_access, asl_interpretation, captioning, languages,
    transit_nearby, childcare, quiet_room, note}, capacity_in_person, capacity_online,
    visibility, status, occupation_codes, program_ids. The result holds column values
    for the given fields (plus ``occupation_codes`` and ``program_ids``, not yet checked
    against the vocabulary: the service does), and every problem, all at once. Rules
    spanning fields read ``current`` for the fields not given."""
    if current is None:
        values = with_required(values, EVENT_REQUIRED)
    fields = Fields(values)
    fields.take("kind", lambda c, v: c.choice_by_name(("kind",), v, EventKind, name="kind"))
    fields.take("title", lambda c, v: c.name(("title",), v, required=True, limit=MAX_TITLE))
    fields.take(
        "description",
        lambda c, v: c.text(("description",), v, required=False, limit=MAX_TEXT) or "",
    )
    fields.take("starts_at", lambda c, v: _instant(c, "startsAt", v))
    fields.take("ends_at", lambda c, v: _instant(c, "endsAt", v))
    fields.take("time_zone", _time_zone)
    fields.take(
        "attendance_mode",
        lambda c, v: c.choice_by_name(
            ("attendanceMode",), v, AttendanceMode, name="attendanceMode"
        ),
    )
    fields.take("venue", _venue)
    fields.take("online_url", lambda c, v: c.url(("onlineUrl",), v, required=False))
    fields.take("accessibility", _accessibility)
    fields.take("capacity_in_person", lambda c, v: _capacity(c, "capacityInPerson", v))
    fields.take("capacity_online", lambda c, v: _capacity(c, "capacityOnline", v))
    fields.take(
        "visibility",
        lambda c, v: c.choice_by_name(("visibility",), v, Visibility, name="visibility"),
    )
    fields.take(
        "occupation_codes",
        lambda c, v: _codes(c, "occupationCodes", v, limit=MAX_OCCUPATIONS),
    )
    fields.take("program_ids", lambda c, v: _ids(c, ("programIds",), v, limit=MAX_PROGRAMS))
    if current is not None:
        fields.take(
            "status",
            lambda c, v: status_of(
                c,
                v,
                current=current["status"],
                kind=EventStatus,
                transitions=EVENT_TRANSITIONS,
                initial=frozenset({EventStatus.DRAFT}),
                noun="event",
            ),
        )
    cleaned = fields.valid()
    for group in ("venue", "accessibility"):
        if group in cleaned:
            cleaned.update(cleaned.pop(group))
    if fields.errors:
        return cleaned, fields.errors
    _spanning(fields.check, {**(current or {}), **cleaned}, current)
    return cleaned, fields.errors


def _ids(
    check: Checker, path: tuple[str, ...], value: Any, *, limit: int
) -> list[uuid.UUID] | None:
    """IDs the API layer decoded (anything else it could not decode names no object)."""
    items = list(value or [])
    if len(items) > limit:
        check.add(path, f"List at most {limit}.", Code.TOO_MANY)
        return None
    cleaned: list[uuid.UUID] = []
    for index, item in enumerate(items):
        if not isinstance(item, uuid.UUID):
            check.add((*path, str(index)), "No object with this ID.", Code.NOT_FOUND)
        elif item in cleaned:
            check.add((*path, str(index)), "This ID is listed twice.", Code.DUPLICATE)
        else:
            cleaned.append(item)
    return cleaned


def _spanning(check: Checker, state: dict[str, Any], current: dict[str, Any] | None) -> None:
    """The rules between fields, on the state after the change."""
    starts, ends = state["starts_at"], state["ends_at"]
    if ends <= starts:
        check.add(("endsAt",), "The event must end after it starts.", Code.OUT_OF_RANGE)
    elif ends - starts > timedelta(days=MAX_DAYS):
        check.add(("endsAt",), f"An event lasts at most {MAX_DAYS} days.", Code.OUT_OF_RANGE)
    mode = state["attendance_mode"]
    in_person = mode in (AttendanceMode.IN_PERSON, AttendanceMode.MIXED)
    online = mode in (AttendanceMode.ONLINE, AttendanceMode.MIXED)
    if in_person and (not state.get("venue_name") or not state.get("venue_city")):
        check.add(
            ("venue",),
            f"A {mode.value} event needs a venue with a name and a city.",
            Code.REQUIRED,
        )
    if online and not state.get("online_url"):
        check.add(("onlineUrl",), f"A {mode.value} event needs an online link.", Code.REQUIRED)
    if not in_person and state.get("capacity_in_person") is not None:
        check.add(
            ("capacityInPerson",),
            "Only IN_PERSON and MIXED events have an in-person capacity.",
            Code.INVALID,
        )
    if not online and state.get("capacity_online") is not None:
        check.add(
            ("capacityOnline",),
            "Only ONLINE and MIXED events have an online capacity.",
            Code.INVALID,
        )


def check_not_final(status: EventStatus) -> list[UserError]:
    """A CANCELLED or COMPLETED event takes no change."""
    if status in FINAL_STATUSES:
        message = f"This event is {status.value}: it can no longer be changed."
        return [UserError(("id",), message, Code.EVENT_CLOSED)]
    return []


def opening_lines(value: Any, *, path: str = "openings") -> tuple[list[dict[str, Any]], Checker]:
    """An exhibitor's openings: [{occupation_code, openings, wage_min_minor,
    wage_max_minor, demand_signal_ids}] checked line by line (the occupation codes and
    signals against the database by the service)."""
    check = Checker()
    items = list(value or [])
    if len(items) > MAX_OPENING_LINES:
        check.add((path,), f"List at most {MAX_OPENING_LINES} kinds of openings.", Code.TOO_MANY)
        return [], check
    lines: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        at = (path, str(index))
        code = str(item.get("occupation_code") or "").strip()
        if not SOC.match(code):
            check.add((*at, "occupationCode"), "Give a SOC code: 51-4041.", Code.INVALID)
        elif code in seen:
            check.add((*at, "occupationCode"), f"{code!r} is listed twice.", Code.DUPLICATE)
        seen.add(code)
        count = check.integer((*at, "openings"), item.get("openings"), name="openings")
        if count is not None and not 1 <= count <= MAX_OPENINGS:
            message = f"openings must be between 1 and {MAX_OPENINGS}."
            check.add((*at, "openings"), message, Code.OUT_OF_RANGE)
        low = _wage(check, (*at, "wageMinMinor"), item.get("wage_min_minor"))
        high = _wage(check, (*at, "wageMaxMinor"), item.get("wage_max_minor"))
        if low is not None and high is not None and low > high:
            message = "The lowest wage may not be above the highest."
            check.add((*at, "wageMaxMinor"), message, Code.OUT_OF_RANGE)
        signals = _ids(
            check, (*at, "demandSignalIds"), item.get("demand_signal_ids"), limit=MAX_SIGNALS
        )
        lines.append(
            {
                "occupation_code": code,
                "openings": count,
                "wage_min_minor": low,
                "wage_max_minor": high,
                "demand_signal_ids": signals or [],
            }
        )
    return lines, check


def _wage(check: Checker, path: tuple[str, ...], value: Any) -> int | None:
    if value is None:
        return None
    number = check.integer(path, value, name=path[-1])
    if number is not None and not 0 <= number <= MAX_WAGE_MINOR:
        message = f"{path[-1]} is an hourly wage in cents, 0 to {MAX_WAGE_MINOR}."
        check.add(path, message, Code.OUT_OF_RANGE)
        return None
    return number


def outcome_counts(check: Checker, path: tuple[str, ...], value: dict[str, Any]) -> dict[str, int]:
    """interviews ≥ offers ≥ hires ≥ 0, each at most ``MAX_COUNT``."""
    counts: dict[str, int] = {}
    for name in ("interviews", "offers", "hires"):
        number = check.integer((*path, name), value.get(name), name=name)
        if number is not None and not 0 <= number <= MAX_COUNT:
            check.add(
                (*path, name), f"{name} must be between 0 and {MAX_COUNT}.", Code.OUT_OF_RANGE
            )
        elif number is not None:
            counts[name] = number
    if len(counts) == 3:
        if counts["offers"] > counts["interviews"] and counts["interviews"] > 0:
            check.add((*path, "offers"), "More offers than interviews.", Code.OUT_OF_RANGE)
        if counts["hires"] > counts["offers"] and counts["offers"] > 0:
            check.add((*path, "hires"), "More hires than offers.", Code.OUT_OF_RANGE)
    return counts


def outcome_report(value: dict[str, Any]) -> tuple[dict[str, Any], Checker]:
    """A whole report: totals {interviews, offers, hires} and by_occupation lines
    [{occupation_code, interviews, offers, hires}] that sum to at most the totals."""
    check = Checker()
    totals = outcome_counts(check, (), value)
    lines: list[dict[str, Any]] = []
    seen: set[str] = set()
    items = list(value.get("by_occupation") or [])
    if len(items) > MAX_OPENING_LINES:
        check.add(
            ("byOccupation",), f"List at most {MAX_OPENING_LINES} occupations.", Code.TOO_MANY
        )
        items = []
    for index, item in enumerate(items):
        at = ("byOccupation", str(index))
        code = str(item.get("occupation_code") or "").strip()
        if not SOC.match(code):
            check.add((*at, "occupationCode"), "Give a SOC code: 51-4041.", Code.INVALID)
        elif code in seen:
            check.add((*at, "occupationCode"), f"{code!r} is listed twice.", Code.DUPLICATE)
        seen.add(code)
        counts = outcome_counts(check, at, item)
        if len(counts) == 3:
            lines.append({"occupation_code": code, **counts})
    if len(totals) == 3 and not check.errors:
        for name in ("interviews", "offers", "hires"):
            if sum(line[name] for line in lines) > totals[name]:
                message = f"The lines by occupation add up to more {name} than the total."
                check.add(("byOccupation",), message, Code.OUT_OF_RANGE)
    return {**totals, "by_occupation": lines}, check


def session_fields(values: dict[str, Any]) -> tuple[dict[str, Any], Checker]:
    """A new session: kind, title, starts_at, ends_at, capacity (1 to MAX_CAPACITY)."""
    values = with_required(values, ("kind", "title", "starts_at", "ends_at", "capacity"))
    fields = Fields(values)
    fields.take("kind", lambda c, v: c.choice_by_name(("kind",), v, SessionKind, name="kind"))
    fields.take("title", lambda c, v: c.name(("title",), v, required=True, limit=MAX_TITLE))
    fields.take("starts_at", lambda c, v: _instant(c, "startsAt", v))
    fields.take("ends_at", lambda c, v: _instant(c, "endsAt", v))
    fields.take("capacity", lambda c, v: _capacity(c, "capacity", v))
    cleaned = fields.valid()
    if cleaned.get("capacity") == 0:
        fields.check.add(("capacity",), "A session has at least one place.", Code.OUT_OF_RANGE)
    if (
        "starts_at" in cleaned
        and "ends_at" in cleaned
        and cleaned["ends_at"] <= cleaned["starts_at"]
    ):
        fields.check.add(("endsAt",), "The session must end after it starts.", Code.OUT_OF_RANGE)
    return cleaned, fields.check


__all__ = [
    "EVENT_TRANSITIONS",
    "FINAL_STATUSES",
    "MAX_CAPACITY",
    "MAX_DAYS",
    "check_not_final",
    "event_fields",
    "opening_lines",
    "outcome_report",
    "read_instant",
    "session_fields",
    "time_zones",
]
