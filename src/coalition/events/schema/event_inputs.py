# mypy: disable-error-code="untyped-decorator"
"""GraphQL inputs of events (create, update, filter), and their translation into the
service's fields."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import strawberry

from coalition.api.relay import from_global_id
from coalition.events import models
from coalition.events.schema import enums  # noqa: F401  (describes the enums before use)
from coalition.events.schema.enums import AccessibilityFeature


@strawberry.input(description="Where an in-person event is held.")
class VenueInput:
    name: str | None = strawberry.field(default=None, description="The venue's name.")
    address: str | None = strawberry.field(default=None, description="Street address.")
    city: str | None = strawberry.field(default=None, description="City.")
    postal_code: str | None = strawberry.field(default=None, description="Postal code.")


@strawberry.input(description="What an event offers for access; omitted flags are false.")
class AccessibilityInput:
    step_free_access: bool = strawberry.field(default=False, description="Step-free access.")
    asl_interpretation: bool = strawberry.field(
        default=False, description="American Sign Language interpretation."
    )
    captioning: bool = strawberry.field(default=False, description="Live captioning (CART).")
    languages: list[str] = strawberry.field(
        default_factory=list,
        description="Languages offered, as BCP 47 tags (en, es, vi): at most 10.",
    )
    transit_nearby: bool = strawberry.field(default=False, description="Public transit nearby.")
    childcare: bool = strawberry.field(default=False, description="Childcare on site.")
    quiet_room: bool = strawberry.field(default=False, description="A quiet room.")
    note: str | None = strawberry.field(
        default=None, description="Anything else about access, in plain words."
    )


@strawberry.input(description="A new event (a DRAFT until published).")
class CreateEventInput:
    organization_id: strawberry.ID = strawberry.field(
        description="The organizing member organization (one the caller administers)."
    )
    kind: models.EventKind = strawberry.field(description="What kind of event.")
    title: str = strawberry.field(description="Its title, at most 200 characters.")
    description: str | None = strawberry.field(default=None, description="What happens there.")
    starts_at: datetime = strawberry.field(
        description="When it starts, with its UTC offset: 2027-03-14T10:00:00-05:00."
    )
    ends_at: datetime = strawberry.field(
        description="When it ends, with its UTC offset: after the start, within 14 days."
    )
    time_zone: str = strawberry.field(
        description="The IANA time zone it is held in (America/Chicago): its local times."
    )
    attendance_mode: models.AttendanceMode = strawberry.field(description="How people attend.")
    venue: VenueInput | None = strawberry.field(
        default=None, description="The venue: a name and a city for IN_PERSON and MIXED events."
    )
    online_url: str | None = strawberry.field(
        default=None, description="The http(s) link for ONLINE and MIXED events."
    )
    accessibility: AccessibilityInput | None = strawberry.field(
        default=None, description="What it offers for access."
    )
    capacity_in_person: int | None = strawberry.field(
        default=None, description="Places in the room, 0 to 100000; none: no limit."
    )
    capacity_online: int | None = strawberry.field(
        default=None, description="Places online, 0 to 100000; none: no limit."
    )
    visibility: models.Visibility = strawberry.field(
        default=models.Visibility.PUBLIC, description="Who sees it once published (PUBLIC)."
    )
    occupation_codes: list[str] | None = strawberry.field(
        default=None, description="Occupations (SOC 2018 codes) it recruits or informs for."
    )
    program_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Training programs it presents."
    )


@strawberry.input(description="Changes to an event: omitted fields stay.")
class UpdateEventInput:
    id: strawberry.ID = strawberry.field(description="The event.")
    kind: models.EventKind | None = strawberry.field(default=strawberry.UNSET, description="Kind.")
    title: str | None = strawberry.field(default=strawberry.UNSET, description="Title.")
    description: str | None = strawberry.field(default=strawberry.UNSET, description="Description.")
    starts_at: datetime | None = strawberry.field(
        default=strawberry.UNSET, description="Start, with its UTC offset."
    )
    ends_at: datetime | None = strawberry.field(
        default=strawberry.UNSET, description="End, with its UTC offset."
    )
    time_zone: str | None = strawberry.field(
        default=strawberry.UNSET, description="IANA time zone."
    )
    attendance_mode: models.AttendanceMode | None = strawberry.field(
        default=strawberry.UNSET, description="How people attend."
    )
    venue: VenueInput | None = strawberry.field(
        default=strawberry.UNSET, description="The venue (replaces it whole; null clears it)."
    )
    online_url: str | None = strawberry.field(
        default=strawberry.UNSET, description="The online link (null clears it)."
    )
    accessibility: AccessibilityInput | None = strawberry.field(
        default=strawberry.UNSET, description="Access (replaces it whole)."
    )
    capacity_in_person: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Places in the room (null: no limit); never below those confirmed.",
    )
    capacity_online: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Places online (null: no limit); never below those confirmed.",
    )
    visibility: models.Visibility | None = strawberry.field(
        default=strawberry.UNSET, description="PUBLIC or MEMBERS."
    )
    occupation_codes: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="Target occupations: replaces the whole set."
    )
    program_ids: list[strawberry.ID] | None = strawberry.field(
        default=strawberry.UNSET, description="Target programs: replaces the whole set."
    )


@strawberry.input(description="Which events to list: every criterion given must hold.")
class EventFilter:
    from_: datetime | None = strawberry.field(
        name="from", default=None, description="Only events still under way at or after this."
    )
    to: datetime | None = strawberry.field(
        default=None, description="Only events that start before this."
    )
    kinds: list[models.EventKind] | None = strawberry.field(
        default=None, description="Only events of these kinds."
    )
    occupation_code: str | None = strawberry.field(
        default=None, description="Only events that target this SOC occupation."
    )
    attendance_mode: models.AttendanceMode | None = strawberry.field(
        default=None,
        description="Only events one can attend this way (MIXED events match either).",
    )
    accessibility: list[AccessibilityFeature] | None = strawberry.field(
        default=None, description="Only events that offer all of these."
    )
    language: str | None = strawberry.field(
        default=None, description="Only events offered in this language (a BCP 47 tag)."
    )
    organizer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only events this organization organizes."
    )


FIELDS = (
    "kind",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "time_zone",
    "attendance_mode",
    "venue",
    "online_url",
    "accessibility",
    "capacity_in_person",
    "capacity_online",
    "visibility",
    "occupation_codes",
    "program_ids",
)


def _decoded(global_id: Any, type_name: str) -> uuid.UUID | str:
    """The UUID of a global ID of ``type_name``, or the text itself (which the service
    reports as naming no object)."""
    decoded = from_global_id(str(global_id), type_name)
    return decoded[1] if decoded is not None else str(global_id)


def _service_value(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name == "venue":
        return {
            "name": value.name,
            "address": value.address,
            "city": value.city,
            "postal_code": value.postal_code,
        }
    if name == "accessibility":
        return {
            "step_free_access": value.step_free_access,
            "asl_interpretation": value.asl_interpretation,
            "captioning": value.captioning,
            "languages": list(value.languages),
            "transit_nearby": value.transit_nearby,
            "childcare": value.childcare,
            "quiet_room": value.quiet_room,
            "note": value.note,
        }
    if name == "program_ids":
        return [_decoded(item, "TrainingProgram") for item in value]
    return value


def event_fields(data: CreateEventInput | UpdateEventInput) -> dict[str, Any]:
    """The service's fields of the input: those given (in a create, a null is not given;
    in an update an explicit null is: it clears, or is refused for a required field)."""
    creating = isinstance(data, CreateEventInput)
    fields: dict[str, Any] = {}
    for name in FIELDS:
        value = getattr(data, name, strawberry.UNSET)
        if value is strawberry.UNSET or (creating and value is None):
            continue
        fields[name] = _service_value(name, value)
    return fields


__all__ = [
    "AccessibilityInput",
    "CreateEventInput",
    "EventFilter",
    "UpdateEventInput",
    "VenueInput",
    "event_fields",
]
