"""Events as linked data: one schema.org ``Event`` per event, as JSON-LD.

``event_jsonld`` is a plain function of the event and plain values (its organizer's
name, its public URL), so the public listing and the GraphQL ``Event.jsonLd`` field
build the same object. The terms (https://schema.org/Event):

- ``@type`` is always ``Event``: schema.org has no type for a job fair or hiring hall
  (its ``BusinessEvent`` and ``EducationEvent`` fit only some kinds), so the kind goes
  in ``keywords`` (``JOB_FAIR``, as the iCalendar feed's ``CATEGORIES``).
- ``startDate`` / ``endDate``: ISO 8601 with the UTC offset the event's own time zone
  has at that instant (``2027-03-13T10:00:00-06:00``, then ``2027-03-15T10:00:00-05:00``
  for America/Chicago after the change to daylight time), to the second.
- ``eventAttendanceMode``: ``OfflineEventAttendanceMode``, ``OnlineEventAttendanceMode``
  or ``MixedEventAttendanceMode``.
- ``eventStatus``: ``EventCancelled`` for a CANCELLED event, else ``EventScheduled``
  (a COMPLETED event is a scheduled one whose dates are past; schema.org has no
  "completed" status).
- ``location``: a ``Place`` (its name, a ``PostalAddress`` with ``streetAddress``,
  ``addressLocality`` and ``postalCode``, and its accessibility as ``amenityFeature``
  ``LocationFeatureSpecification``s), a ``VirtualLocation`` (the online link), or both
  in a list for a MIXED event.
- ``maximumAttendeeCapacity``: the capacities of the ways one may attend (in person,
  online, or their sum for MIXED); absent when any of them is unlimited.
- ``organizer``: an ``Organization`` with the organizing member's name.
- ``isAccessibleForFree``: always true (the partnership's events cost nothing).
- ``inLanguage``: the event's languages (BCP 47 tags as given); absent when none.
- ``@id`` and ``url``: the event's public page (``/public/<slug>/events/<id>``).
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from coalition.events.models import AttendanceMode, Event, EventStatus
from coalition.ids import global_id

CONTEXT = "https://schema.org"
SCHEMA = "https://schema.org/"

ATTENDANCE_MODES = {
    AttendanceMode.IN_PERSON: SCHEMA + "OfflineEventAttendanceMode",
    AttendanceMode.ONLINE: SCHEMA + "OnlineEventAttendanceMode",
    AttendanceMode.MIXED: SCHEMA + "MixedEventAttendanceMode",
}

# The accessibility an event offers, as the labels both formats show.
ACCESSIBILITY = (
    ("step_free_access", "Step-free access"),
    ("asl_interpretation", "ASL interpretation"),
    ("captioning", "Captioning"),
    ("transit_nearby", "Public transit nearby"),
    ("childcare", "Childcare"),
    ("quiet_room", "Quiet room"),
)


@lru_cache(maxsize=512)
def local_zone(name: str) -> tzinfo:
    """The IANA zone ``name``; UTC for a name this machine's zone data does not know
    (the service checks zones when events are written; a feed must not fail on one)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def local_time(event: Event, instant: datetime) -> datetime:
    """``instant`` in the event's own time zone."""
    return instant.astimezone(local_zone(event.time_zone))


def accessibility_features(event: Event) -> list[str]:
    """The labels of the accessibility the event offers, in a fixed order."""
    return [label for attribute, label in ACCESSIBILITY if getattr(event, attribute)]


def has_place(event: Event) -> bool:
    return event.attendance_mode != AttendanceMode.ONLINE


def has_online(event: Event) -> bool:
    return event.attendance_mode != AttendanceMode.IN_PERSON


def maximum_capacity(event: Event) -> int | None:
    """The capacities of the ways one may attend, summed; None when one is unlimited."""
    capacities = []
    if has_place(event):
        capacities.append(event.capacity_in_person)
    if has_online(event):
        capacities.append(event.capacity_online)
    if any(capacity is None for capacity in capacities):
        return None
    return sum(capacity for capacity in capacities if capacity is not None)


def _place(event: Event) -> dict[str, object]:
    place: dict[str, object] = {"@type": "Place"}
    if event.venue_name:
        place["name"] = event.venue_name
    address: dict[str, object] = {"@type": "PostalAddress"}
    for key, value in (
        ("streetAddress", event.venue_address),
        ("addressLocality", event.venue_city),
        ("postalCode", event.venue_postal_code),
    ):
        if value:
            address[key] = value
    if len(address) > 1:
        place["address"] = address
    features = accessibility_features(event)
    if features:
        place["amenityFeature"] = [
            {"@type": "LocationFeatureSpecification", "name": label, "value": True}
            for label in features
        ]
    return place


def _virtual_location(event: Event) -> dict[str, object]:
    location: dict[str, object] = {"@type": "VirtualLocation"}
    if event.online_url:
        location["url"] = event.online_url
    return location


def _location(event: Event) -> dict[str, object] | list[dict[str, object]]:
    if event.attendance_mode == AttendanceMode.IN_PERSON:
        return _place(event)
    if event.attendance_mode == AttendanceMode.ONLINE:
        return _virtual_location(event)
    return [_place(event), _virtual_location(event)]


def _instant(event: Event, instant: datetime) -> str:
    return local_time(event, instant).isoformat(timespec="seconds")


def event_jsonld(
    event: Event, *, organizer_name: str, url: str, with_context: bool
) -> dict[str, object]:
    """``event`` as a schema.org ``Event`` node (see the module docstring for each term);
    ``url`` is its public page, which is also its ``@id``; ``with_context`` adds the
    ``@context`` a standalone document needs (a node inside a ``@graph`` has none)."""
    node: dict[str, object] = {}
    if with_context:
        node["@context"] = CONTEXT
    node |= {
        "@type": "Event",
        "@id": url,
        "url": url,
        # The API's ID of the event: what registerForEvent takes.
        "identifier": global_id("Event", event.id),
        "name": event.title,
        "description": event.description,
        "keywords": str(event.kind),
        "startDate": _instant(event, event.starts_at),
        "endDate": _instant(event, event.ends_at),
        "eventAttendanceMode": ATTENDANCE_MODES[event.attendance_mode],
        "eventStatus": SCHEMA
        + ("EventCancelled" if event.status == EventStatus.CANCELLED else "EventScheduled"),
        "location": _location(event),
        "organizer": {"@type": "Organization", "name": organizer_name},
        "isAccessibleForFree": True,
    }
    capacity = maximum_capacity(event)
    if capacity is not None:
        node["maximumAttendeeCapacity"] = capacity
    if event.languages:
        node["inLanguage"] = list(event.languages)
    return node


__all__ = [
    "ACCESSIBILITY",
    "ATTENDANCE_MODES",
    "CONTEXT",
    "accessibility_features",
    "event_jsonld",
    "local_time",
    "local_zone",
    "maximum_capacity",
]
