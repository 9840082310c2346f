"""Events as iCalendar (RFC 5545), built with the ``icalendar`` package.

``calendar_bytes`` is a plain function of the events and plain values (each one's
organizer name and public URL), with no database: ``events.public`` reads, this
renders. One ``VEVENT`` per event:

- ``UID``: ``<event UUID>@<partnership slug>.coalition``, stable for the event's life
  (calendar apps match updates by it; the slug part keeps it unique across servers).
- ``DTSTART`` / ``DTEND``: local times with ``TZID=<the event's IANA zone>``, and one
  ``VTIMEZONE`` per zone used, generated from the zone data (``zoneinfo``) for the
  years the calendar's events span.
- ``SUMMARY`` (the title), ``DESCRIPTION`` (the description, the organizer, the online
  link, the accessibility offered and its note, the languages), ``LOCATION`` (the venue's
  name, address, city and postal code, or the online link for an online event),
  ``URL`` (the event's public page), ``CATEGORIES`` (the kind, ``JOB_FAIR``).
- ``STATUS``: ``CONFIRMED`` for PUBLISHED and COMPLETED events, ``CANCELLED`` for
  cancelled ones, which stay in the feed so subscribed calendars drop them.
- ``SEQUENCE``: the event's ``sequence`` (bumped by every change of a published event).
- ``LAST-MODIFIED`` and ``DTSTAMP``: the event's ``updated_at`` in UTC. A feed has no
  ``METHOD``, and RFC 5545 (3.8.7.2) makes DTSTAMP then the time the event was last
  revised; it also keeps the bytes a function of the events alone (the cache and the
  ETag rely on it).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, date, timedelta
from functools import lru_cache
from typing import NamedTuple

from icalendar import Calendar, Timezone, vDuration
from icalendar import Event as VEvent
from icalendar.timezone.tzid import tzid_from_dt

from coalition.events.jsonld import accessibility_features, has_online, has_place, local_time
from coalition.events.models import Event, EventStatus

PRODUCT_ID = "-//Coalition//Events feed//EN"
MEDIA_TYPE = "text/calendar; charset=utf-8"
# How often a subscribed calendar should fetch the feed again (RFC 7986 and the
# older X-PUBLISHED-TTL that Outlook and Google read).
REFRESH_INTERVAL = timedelta(hours=1)
_END = b"END:VCALENDAR\r\n"


class CalendarEntry(NamedTuple):
    """One event of a calendar with what it refers to."""

    event: Event
    organizer_name: str
    url: str


def event_uid(event_id: uuid.UUID, slug: str) -> str:
    """The event's iCalendar UID (see the module docstring)."""
    return f"{event_id}@{slug}.coalition"


def location_text(event: Event) -> str:
    """The LOCATION: the venue's name and address parts that are set, or else the
    online link."""
    parts = []
    if has_place(event):
        parts = [
            part
            for part in (
                event.venue_name,
                event.venue_address,
                event.venue_city,
                event.venue_postal_code,
            )
            if part
        ]
    if not parts and has_online(event) and event.online_url:
        parts = [event.online_url]
    return ", ".join(parts)


def description_text(event: Event, organizer_name: str) -> str:
    """The DESCRIPTION: the event's description and the facts a calendar has no
    property for."""
    paragraphs = [event.description.strip()] if event.description.strip() else []
    paragraphs.append(f"Organized by {organizer_name}.")
    if has_online(event) and event.online_url:
        paragraphs.append(f"Join online: {event.online_url}")
    features = accessibility_features(event)
    if features:
        paragraphs.append("Accessibility: " + ", ".join(features) + ".")
    if event.accessibility_note.strip():
        paragraphs.append(event.accessibility_note.strip())
    if event.languages:
        paragraphs.append("Languages: " + ", ".join(event.languages) + ".")
    return "\n\n".join(paragraphs)


def _vevent(entry: CalendarEntry, slug: str) -> VEvent:
    event = entry.event
    component = VEvent()
    component.add("uid", event_uid(event.id, slug))
    component.add("dtstamp", event.updated_at.astimezone(UTC))
    component.add("dtstart", local_time(event, event.starts_at))
    component.add("dtend", local_time(event, event.ends_at))
    component.add("summary", event.title)
    component.add("description", description_text(event, entry.organizer_name))
    location = location_text(event)
    if location:
        component.add("location", location)
    component.add("url", entry.url)
    component.add("status", "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED")
    component.add("sequence", event.sequence)
    component.add("created", event.created_at.astimezone(UTC))
    component.add("last-modified", event.updated_at.astimezone(UTC))
    component.add("categories", [str(event.kind)])
    component.add("class", "PUBLIC")
    return component


def vevent_bytes(entry: CalendarEntry, slug: str) -> bytes:
    """One event's ``VEVENT`` as RFC 5545 bytes."""
    rendered: bytes = _vevent(entry, slug).to_ical()
    return rendered


@lru_cache(maxsize=256)
def vtimezone_bytes(tzid: str, first: date, last: date) -> bytes:
    """The ``VTIMEZONE`` of the IANA zone ``tzid`` between ``first`` and ``last``, from
    the zone data (icalendar asks for its result to be cached: it walks every
    transition)."""
    rendered: bytes = Timezone.from_tzid(tzid, first_date=first, last_date=last).to_ical()
    return rendered


def _zones(entries: Sequence[CalendarEntry]) -> list[bytes]:
    """A ``VTIMEZONE`` for each TZID the entries use (UTC needs none: it is written
    with ``Z``), covering whole years around every event."""
    tzids: set[str] = set()
    years: list[int] = []
    for entry in entries:
        for instant in (entry.event.starts_at, entry.event.ends_at):
            local = local_time(entry.event, instant)
            years.append(local.year)
            tzid = tzid_from_dt(local)
            if tzid is not None and tzid != "UTC":
                tzids.add(tzid)
    if not tzids:
        return []
    first, last = date(min(years) - 1, 1, 1), date(max(years) + 2, 1, 1)
    return [vtimezone_bytes(tzid, first, last) for tzid in sorted(tzids)]


def calendar_bytes(
    entries: Sequence[CalendarEntry],
    *,
    slug: str,
    name: str,
    vevent: Callable[[CalendarEntry, str], bytes] = vevent_bytes,
) -> bytes:
    """The calendar of ``entries`` (in the order given) named ``name``, as RFC 5545
    bytes (UTF-8, CRLF line ends, folded lines).

    Each component is rendered by icalendar on its own and the calendar is their
    concatenation, so a caller may pass a ``vevent`` that remembers each event's bytes
    (rendering is most of a large feed's cost, and one change re-renders one event);
    it must return what ``vevent_bytes`` returns."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL))
    head = calendar.to_ical()
    if not head.endswith(_END):
        raise AssertionError("icalendar ended a calendar unexpectedly")
    parts = [head[: -len(_END)], *_zones(entries)]
    parts.extend(vevent(entry, slug) for entry in entries)
    parts.append(_END)
    return b"".join(parts)


__all__ = [
    "MEDIA_TYPE",
    "CalendarEntry",
    "calendar_bytes",
    "description_text",
    "event_uid",
    "location_text",
    "vevent_bytes",
    "vtimezone_bytes",
]
