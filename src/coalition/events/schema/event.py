# mypy: disable-error-code="untyped-decorator"
"""The Event type, its payload, and the queries and mutations of events.

The organizer is tenancy's Organization and the target programs supply's
TrainingProgram, annotated lazily and built from the rows the events loaders read
(whoever may see an event may see who organizes it).
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any, cast
from zoneinfo import ZoneInfo

import strawberry
from strawberry.scalars import JSON

from coalition.api.context import Info
from coalition.api.mutations import UserError, decode_id, run_mutation
from coalition.api.relay import After, Connection, First, Node, NodeId, from_global_id, to_global_id
from coalition.api.schema import node_types_of
from coalition.auth.principal import Principal
from coalition.errors import InvalidInput
from coalition.errors import UserError as DomainUserError
from coalition.events import models, reads, service, validation
from coalition.events.jsonld import event_jsonld
from coalition.events.public import event_url
from coalition.events.schema import enums  # noqa: F401  (describes the enums before use)
from coalition.events.schema.event_inputs import (
    CreateEventInput,
    EventFilter,
    UpdateEventInput,
    event_fields,
)
from coalition.events.schema.exhibitor import EventSessionType, ExhibitorType
from coalition.events.schema.loaders import EventLoaders
from coalition.events.schema.outcome import EventOutcomesType
from coalition.pagination import DEFAULT_PAGE_SIZE, PageRequest
from coalition.tenancy.schema import OrganizationType

if TYPE_CHECKING:
    from coalition.supply.schema import TrainingProgramType

TENANCY_SCHEMA = "coalition.tenancy.schema"
SUPPLY_SCHEMA = "coalition.supply.schema"


@strawberry.type(name="Venue", description="Where an in-person event is held.")
class VenueType:
    name: str | None = strawberry.field(description="The venue's name.")
    address: str | None = strawberry.field(description="Street address.")
    city: str | None = strawberry.field(description="City.")
    postal_code: str | None = strawberry.field(description="Postal code.")


@strawberry.type(name="Accessibility", description="What an event offers for access.")
class AccessibilityType:
    step_free_access: bool = strawberry.field(description="Step-free access.")
    asl_interpretation: bool = strawberry.field(description="ASL interpretation.")
    captioning: bool = strawberry.field(description="Live captioning (CART).")
    languages: list[str] = strawberry.field(description="Languages offered (BCP 47 tags).")
    transit_nearby: bool = strawberry.field(description="Public transit nearby.")
    childcare: bool = strawberry.field(description="Childcare on site.")
    quiet_room: bool = strawberry.field(description="A quiet room.")
    note: str = strawberry.field(description="Anything else about access.")


def local_time(instant: datetime, zone: str) -> str:
    """The instant as local time in ``zone`` with its offset, ISO 8601."""
    return instant.astimezone(ZoneInfo(zone)).isoformat()


@strawberry.type(
    name="Event",
    description="A job fair, hiring hall, information session, training open house or employer "
    "site visit a member organizes. DRAFT events are seen only by the organizer and the "
    "convener; published ones by members (PUBLIC ones by anyone, through the public feeds).",
)
class EventType(Node):
    kind: models.EventKind = strawberry.field(description="What kind of event.")
    title: str = strawberry.field(description="Its title.")
    description: str = strawberry.field(description="What happens there.")
    starts_at: datetime = strawberry.field(description="When it starts (UTC).")
    ends_at: datetime = strawberry.field(description="When it ends (UTC).")
    time_zone: str = strawberry.field(description="The IANA time zone it is held in.")
    local_starts_at: str = strawberry.field(
        description="The start in the event's own time zone, with its offset (ISO 8601)."
    )
    local_ends_at: str = strawberry.field(
        description="The end in the event's own time zone, with its offset (ISO 8601)."
    )
    attendance_mode: models.AttendanceMode = strawberry.field(description="How people attend.")
    venue: VenueType | None = strawberry.field(description="The venue, for in-person events.")
    online_url: str | None = strawberry.field(description="The online link, if any.")
    accessibility: AccessibilityType = strawberry.field(description="What it offers for access.")
    capacity_in_person: int | None = strawberry.field(
        description="Places in the room; null: no limit."
    )
    capacity_online: int | None = strawberry.field(description="Places online; null: no limit.")
    status: models.EventStatus = strawberry.field(description="Where it stands.")
    visibility: models.Visibility = strawberry.field(description="Who sees it once published.")
    sequence: int = strawberry.field(
        description="How many times it changed since it was posted (the iCalendar SEQUENCE)."
    )
    created_at: datetime = strawberry.field(description="When it was posted.")
    updated_at: datetime = strawberry.field(description="When it last changed.")
    model: strawberry.Private[models.Event]

    @classmethod
    def from_model(cls, event: models.Event) -> EventType:
        has_venue = any(
            (event.venue_name, event.venue_address, event.venue_city, event.venue_postal_code)
        )
        return cls(
            id=to_global_id("Event", event.id),
            kind=event.kind,
            title=event.title,
            description=event.description,
            starts_at=event.starts_at.astimezone(UTC),
            ends_at=event.ends_at.astimezone(UTC),
            time_zone=event.time_zone,
            local_starts_at=local_time(event.starts_at, event.time_zone),
            local_ends_at=local_time(event.ends_at, event.time_zone),
            attendance_mode=event.attendance_mode,
            venue=VenueType(
                name=event.venue_name,
                address=event.venue_address,
                city=event.venue_city,
                postal_code=event.venue_postal_code,
            )
            if has_venue
            else None,
            online_url=event.online_url,
            accessibility=AccessibilityType(
                step_free_access=event.step_free_access,
                asl_interpretation=event.asl_interpretation,
                captioning=event.captioning,
                languages=list(event.languages),
                transit_nearby=event.transit_nearby,
                childcare=event.childcare,
                quiet_room=event.quiet_room,
                note=event.accessibility_note,
            ),
            capacity_in_person=event.capacity_in_person,
            capacity_online=event.capacity_online,
            status=event.status,
            visibility=event.visibility,
            sequence=event.sequence,
            created_at=event.created_at,
            updated_at=event.updated_at,
            model=event,
        )

    @classmethod
    async def resolve_node(cls, info: Info, object_id: uuid.UUID) -> EventType | None:
        event = await info.context.loaders.of(EventLoaders).event.load(object_id)
        return cls.from_model(event) if event else None

    @strawberry.field(description="The organizing member organization.")
    async def organizer(
        self, info: Info
    ) -> Annotated[OrganizationType, strawberry.lazy(TENANCY_SCHEMA)] | None:
        found = await info.context.loaders.of(EventLoaders).organization.load(
            self.model.organization_id
        )
        return OrganizationType.from_model(found) if found else None

    @strawberry.field(description="The occupations (SOC 2018 codes) it recruits or informs for.")
    async def occupation_codes(self, info: Info) -> list[str]:
        return await info.context.loaders.of(EventLoaders).occupation_codes.load(self.model.id)

    @strawberry.field(description="The training programs it presents that the caller may see.")
    async def programs(
        self, info: Info
    ) -> list[Annotated[TrainingProgramType, strawberry.lazy(SUPPLY_SCHEMA)]]:
        found = await info.context.loaders.of(EventLoaders).programs.load(self.model.id)
        build = node_types_of(info)["TrainingProgram"].from_model  # type: ignore[attr-defined]
        return [build(program) for program in found]

    @strawberry.field(
        description="Its exhibitors the caller may see (APPROVED ones to all), in the order "
        "they asked."
    )
    async def exhibitors(self, info: Info) -> list[ExhibitorType]:
        found = await info.context.loaders.of(EventLoaders).exhibitors.load(self.model.id)
        return [ExhibitorType.from_model(exhibitor) for exhibitor in found]

    @strawberry.field(description="Its sessions and interview slots, earliest first.")
    async def sessions(self, info: Info) -> list[EventSessionType]:
        found = await info.context.loaders.of(EventLoaders).sessions.load(self.model.id)
        return [EventSessionType.from_model(row) for row in found]

    @strawberry.field(
        description="The event as linked data: a schema.org Event JSON-LD document "
        "(eventAttendanceMode, eventStatus, location as Place and/or VirtualLocation, "
        "maximumAttendeeCapacity, organizer), the same as the public listing's for a PUBLIC one."
    )
    async def json_ld(self, info: Info) -> JSON:
        loaders = info.context.loaders.of(EventLoaders)
        organizer, slug = await asyncio.gather(
            loaders.organization.load(self.model.organization_id),
            loaders.tenant_slug.load(self.model.tenant_id),
        )
        base = str(info.context.settings.issuer).rstrip("/")
        document = event_jsonld(
            self.model,
            organizer_name=organizer.name if organizer else "",
            url=event_url(base, slug or "", self.model.id),
            with_context=True,
        )
        return cast(JSON, document)

    @strawberry.field(
        description="Interviews, offers and hires its exhibitors reported (see EventOutcomes "
        "for who sees which numbers)."
    )
    async def outcomes(self, info: Info) -> EventOutcomesType | None:
        found = await info.context.loaders.of(EventLoaders).outcomes.load(self.model.id)
        return EventOutcomesType.of(found) if found else None


@strawberry.type(description="Result of a change to an event.")
class EventPayload:
    event: EventType | None = strawberry.field(description="The event.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


def _payload(event: models.Event | None, errors: list[UserError]) -> EventPayload:
    return EventPayload(event=EventType.from_model(event) if event else None, user_errors=errors)


def _filter(chosen: EventFilter) -> reads.EventFilter:
    organizer_id = None
    if chosen.organizer_id is not None:
        decoded = from_global_id(chosen.organizer_id, "Organization")
        if decoded is None:
            raise InvalidInput(
                [DomainUserError(("filter", "organizerId"), "Not an organization ID.", "INVALID")]
            )
        organizer_id = decoded[1]
    return reads.EventFilter(
        starts_from=validation.read_instant(("filter", "from"), chosen.from_),
        starts_to=validation.read_instant(("filter", "to"), chosen.to),
        kinds=tuple(chosen.kinds or ()),
        occupation_code=chosen.occupation_code,
        attendance_mode=chosen.attendance_mode,
        accessibility=tuple(feature.value for feature in chosen.accessibility or ()),
        language=chosen.language,
        organizer_id=organizer_id,
    )


@strawberry.type
class EventQuery:
    @strawberry.field(description="Events the caller may see, by start (earliest first).")
    async def events(
        self,
        info: Info,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
        filter: Annotated[
            EventFilter | None,
            strawberry.argument(
                description="Which events: time window, kinds, occupation, attendance mode, "
                "accessibility, language, organizer."
            ),
        ] = None,
    ) -> Connection[EventType]:
        principal = info.context.require_principal()
        chosen = _filter(filter or EventFilter())
        async with info.context.session() as session:
            page = await reads.list_events(
                session, principal, chosen, PageRequest(first=first, after=after)
            )
        return Connection.of(page, EventType.from_model)

    @strawberry.field(description="One event; null if there is none the caller may see.")
    async def event(self, info: Info, id: NodeId) -> EventType | None:
        info.context.require_principal()
        decoded = from_global_id(id, "Event")
        if decoded is None:
            return None
        found = await info.context.loaders.of(EventLoaders).event.load(decoded[1])
        return EventType.from_model(found) if found else None


@strawberry.input(description="Which event.")
class EventIdInput:
    id: strawberry.ID = strawberry.field(description="The event.")


@strawberry.type
class EventMutation:
    @strawberry.mutation(
        description="Post an event as a DRAFT (the organizing organization's admins, partnership "
        "admins)."
    )
    async def create_event(
        self,
        info: Info,
        input: Annotated[CreateEventInput, strawberry.argument(description="The event.")],
    ) -> EventPayload:
        async def action(session: Any, principal: Principal) -> models.Event:
            organization_id = decode_id(input.organization_id, "Organization", "organizationId")
            return await service.create_event(
                session, principal, organization_id=organization_id, fields=event_fields(input)
            )

        return _payload(*await run_mutation(info, action))

    @strawberry.mutation(description="Change an event (only the fields given).")
    async def update_event(
        self,
        info: Info,
        input: Annotated[UpdateEventInput, strawberry.argument(description="The changes.")],
    ) -> EventPayload:
        async def action(session: Any, principal: Principal) -> models.Event:
            return await service.update_event(
                session,
                principal,
                event_id=decode_id(input.id, "Event", "id"),
                fields=event_fields(input),
            )

        return _payload(*await run_mutation(info, action))

    @strawberry.mutation(
        description="Publish a DRAFT event: members (and for PUBLIC, anyone) see it."
    )
    async def publish_event(
        self, info: Info, input: Annotated[EventIdInput, strawberry.argument(description="Which.")]
    ) -> EventPayload:
        return await _set_status(info, input, models.EventStatus.PUBLISHED)

    @strawberry.mutation(description="Cancel an event (it stays listed, as cancelled).")
    async def cancel_event(
        self, info: Info, input: Annotated[EventIdInput, strawberry.argument(description="Which.")]
    ) -> EventPayload:
        return await _set_status(info, input, models.EventStatus.CANCELLED)

    @strawberry.mutation(description="Mark a published event that has started as held.")
    async def complete_event(
        self, info: Info, input: Annotated[EventIdInput, strawberry.argument(description="Which.")]
    ) -> EventPayload:
        return await _set_status(info, input, models.EventStatus.COMPLETED)


async def _set_status(info: Info, input: EventIdInput, status: models.EventStatus) -> EventPayload:
    async def action(session: Any, principal: Principal) -> models.Event:
        return await service.set_event_status(
            session, principal, event_id=decode_id(input.id, "Event", "id"), status=status
        )

    return _payload(*await run_mutation(info, action))


__all__ = ["EventMutation", "EventPayload", "EventQuery", "EventType", "local_time"]
