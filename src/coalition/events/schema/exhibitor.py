# mypy: disable-error-code="untyped-decorator"
"""Exhibitors (with their openings and own reports) and sessions: types, inputs,
payloads and mutations."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

import strawberry

from coalition.api.context import Info
from coalition.api.money import Money
from coalition.api.mutations import UserError, decode_id, run_mutation
from coalition.api.relay import Node, from_global_id, to_global_id
from coalition.auth.principal import Principal
from coalition.events import models, service
from coalition.events.permissions import may_see_exhibitor_note, may_see_exhibitor_report
from coalition.events.schema import enums  # noqa: F401  (describes the enums before use)
from coalition.events.schema.loaders import EventLoaders
from coalition.events.schema.outcome import OutcomeLineType
from coalition.tenancy.schema import OrganizationType

TENANCY_SCHEMA = "coalition.tenancy.schema"


@strawberry.type(name="ExhibitorOpening", description="Openings an exhibitor brings.")
class OpeningType:
    occupation_code: str = strawberry.field(description="The occupation (SOC 2018 code).")
    openings: int = strawberry.field(description="How many openings.")
    wage_min: Money | None = strawberry.field(description="Lowest hourly wage, if given.")
    wage_max: Money | None = strawberry.field(description="Highest hourly wage, if given.")
    demand_signal_ids: list[strawberry.ID] = strawberry.field(
        description="The exhibitor's own demand signals these openings come from."
    )

    @classmethod
    def from_model(cls, opening: models.ExhibitorOpening) -> OpeningType:
        return cls(
            occupation_code=opening.occupation_code,
            openings=opening.openings,
            wage_min=Money.of(opening.wage_min_minor, opening.currency),
            wage_max=Money.of(opening.wage_max_minor, opening.currency),
            demand_signal_ids=[
                strawberry.ID(to_global_id("DemandSignal", signal))
                for signal in opening.demand_signal_ids
            ],
        )


@strawberry.type(
    name="ExhibitorReport",
    description="One exhibitor's own report of interviews, offers and hires at the event.",
)
class ExhibitorReportType:
    interviews: int = strawberry.field(description="Interviews held.")
    offers: int = strawberry.field(description="Job offers made.")
    hires: int = strawberry.field(description="People hired.")
    by_occupation: list[OutcomeLineType] = strawberry.field(description="The same by occupation.")
    reported_at: datetime = strawberry.field(description="When it was last reported.")


@strawberry.type(
    name="Exhibitor",
    description="A member organization exhibiting (or asking to) at an event. An APPROVED one "
    "is seen by whoever sees the event; a pending, declined or withdrawn request only by the "
    "event's managers and the exhibiting organization's people.",
)
class ExhibitorType(Node):
    status: models.ExhibitorStatus = strawberry.field(description="Where the request stands.")
    decided_at: datetime | None = strawberry.field(
        description="When the organizer approved or declined it."
    )
    created_at: datetime = strawberry.field(description="When it was first asked.")
    model: strawberry.Private[models.Exhibitor]

    @classmethod
    def from_model(cls, exhibitor: models.Exhibitor) -> ExhibitorType:
        return cls(
            id=to_global_id("Exhibitor", exhibitor.id),
            status=exhibitor.status,
            decided_at=exhibitor.decided_at,
            created_at=exhibitor.created_at,
            model=exhibitor,
        )

    @classmethod
    async def resolve_node(cls, info: Info, object_id: uuid.UUID) -> ExhibitorType | None:
        exhibitor = await info.context.loaders.of(EventLoaders).exhibitor.load(object_id)
        return cls.from_model(exhibitor) if exhibitor else None

    @strawberry.field(description="The exhibiting organization.")
    async def organization(
        self, info: Info
    ) -> Annotated[OrganizationType, strawberry.lazy(TENANCY_SCHEMA)] | None:
        found = await info.context.loaders.of(EventLoaders).organization.load(
            self.model.organization_id
        )
        return OrganizationType.from_model(found) if found else None

    @strawberry.field(description="The openings it brings, by occupation.")
    async def openings(self, info: Info) -> list[OpeningType]:
        found = await info.context.loaders.of(EventLoaders).openings.load(self.model.id)
        return [OpeningType.from_model(opening) for opening in found]

    @strawberry.field(
        description="Its note to the organizer (the event's managers and its own people only)."
    )
    async def note(self, info: Info) -> str | None:
        principal = info.context.require_principal()
        event = await info.context.loaders.of(EventLoaders).event.load(self.model.event_id)
        if event is not None and may_see_exhibitor_note(
            principal, self.model.organization_id, event.organization_id
        ):
            return self.model.note
        return None

    @strawberry.field(
        description="Its own report of outcomes: seen only by its own organization's people and "
        "the convener; null for everyone else, and before it reports."
    )
    async def report(self, info: Info) -> ExhibitorReportType | None:
        principal = info.context.require_principal()
        exhibitor = self.model
        if exhibitor.reported_at is None or not may_see_exhibitor_report(
            principal, exhibitor.organization_id
        ):
            return None
        lines = await info.context.loaders.of(EventLoaders).outcome_lines.load(exhibitor.id)
        return ExhibitorReportType(
            interviews=exhibitor.interviews or 0,
            offers=exhibitor.offers or 0,
            hires=exhibitor.hires or 0,
            by_occupation=[
                OutcomeLineType(
                    occupation_code=line.occupation_code,
                    interviews=line.interviews,
                    offers=line.offers,
                    hires=line.hires,
                )
                for line in lines
            ],
            reported_at=exhibitor.reported_at,
        )


@strawberry.type(
    name="EventSession", description="A group session or a 1:1 interview slot inside an event."
)
class EventSessionType(Node):
    kind: models.SessionKind = strawberry.field(description="Group session or interview slot.")
    title: str = strawberry.field(description="Its title.")
    starts_at: datetime = strawberry.field(description="When it starts.")
    ends_at: datetime = strawberry.field(description="When it ends.")
    capacity: int = strawberry.field(description="Places in it.")
    model: strawberry.Private[models.EventSession]

    @classmethod
    def from_model(cls, row: models.EventSession) -> EventSessionType:
        return cls(
            id=to_global_id("EventSession", row.id),
            kind=row.kind,
            title=row.title,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            capacity=row.capacity,
            model=row,
        )

    @classmethod
    async def resolve_node(cls, info: Info, object_id: uuid.UUID) -> EventSessionType | None:
        row = await info.context.loaders.of(EventLoaders).session.load(object_id)
        return cls.from_model(row) if row else None

    @strawberry.field(description="Places not yet booked.")
    async def places_left(self, info: Info) -> int:
        found = await info.context.loaders.of(EventLoaders).places_left.load(self.model.id)
        return self.model.capacity if found is None else found

    @strawberry.field(description="The exhibitor holding it (an interview slot's), if any.")
    async def exhibitor(self, info: Info) -> ExhibitorType | None:
        if self.model.exhibitor_id is None:
            return None
        found = await info.context.loaders.of(EventLoaders).exhibitor.load(self.model.exhibitor_id)
        return ExhibitorType.from_model(found) if found else None


@strawberry.input(description="Openings an exhibitor brings to the event.")
class OpeningInput:
    occupation_code: str = strawberry.field(description="The occupation (SOC 2018 code).")
    openings: int = strawberry.field(description="How many, 1 to 10000.")
    wage_min_minor: int | None = strawberry.field(
        default=None, description="Lowest hourly wage in cents (USD), if known."
    )
    wage_max_minor: int | None = strawberry.field(
        default=None, description="Highest hourly wage in cents (USD), if known."
    )
    demand_signal_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="The organization's own demand signals they come from."
    )


@strawberry.input(description="A member organization asks to exhibit at an event.")
class RequestToExhibitInput:
    event_id: strawberry.ID = strawberry.field(description="The event (PUBLISHED, not ended).")
    organization_id: strawberry.ID = strawberry.field(
        description="The organization that exhibits (one the caller administers)."
    )
    note: str | None = strawberry.field(default=None, description="A note to the organizer.")
    openings: list[OpeningInput] | None = strawberry.field(
        default=None, description="The openings it brings (at most 20 occupations)."
    )


@strawberry.input(description="The organizer's decision on a request to exhibit.")
class DecideExhibitorInput:
    id: strawberry.ID = strawberry.field(description="The exhibitor.")
    status: models.ExhibitorStatus = strawberry.field(description="APPROVED or DECLINED.")


@strawberry.input(description="An exhibitor withdraws.")
class WithdrawExhibitorInput:
    id: strawberry.ID = strawberry.field(description="The exhibitor.")


@strawberry.input(description="One occupation's line of a report.")
class OutcomeLineInput:
    occupation_code: str = strawberry.field(description="The occupation (SOC 2018 code).")
    interviews: int = strawberry.field(description="Interviews.")
    offers: int = strawberry.field(description="Offers (at most the interviews).")
    hires: int = strawberry.field(description="Hires (at most the offers).")


@strawberry.input(
    description="An approved exhibitor's report of outcomes (replaces its previous one)."
)
class ReportEventOutcomesInput:
    exhibitor_id: strawberry.ID = strawberry.field(description="The exhibitor.")
    interviews: int = strawberry.field(description="Interviews held, in all.")
    offers: int = strawberry.field(description="Offers made, in all (at most the interviews).")
    hires: int = strawberry.field(description="People hired, in all (at most the offers).")
    by_occupation: list[OutcomeLineInput] | None = strawberry.field(
        default=None, description="The same by occupation: the lines add up to at most the totals."
    )


@strawberry.input(description="A session inside an event.")
class AddEventSessionInput:
    event_id: strawberry.ID = strawberry.field(description="The event.")
    kind: models.SessionKind = strawberry.field(description="Group session or interview slot.")
    title: str = strawberry.field(description="Its title.")
    starts_at: datetime = strawberry.field(description="Start, within the event's time.")
    ends_at: datetime = strawberry.field(description="End, within the event's time.")
    capacity: int = strawberry.field(description="Places, 1 to 100000.")
    exhibitor_id: strawberry.ID | None = strawberry.field(
        default=None, description="The approved exhibitor holding it (required for a slot)."
    )


@strawberry.type(description="Result of a change to an exhibitor.")
class ExhibitorPayload:
    exhibitor: ExhibitorType | None = strawberry.field(description="The exhibitor.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.type(description="Result of adding a session.")
class EventSessionPayload:
    session: EventSessionType | None = strawberry.field(description="The session.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


def _exhibitor_payload(
    exhibitor: models.Exhibitor | None, errors: list[UserError]
) -> ExhibitorPayload:
    return ExhibitorPayload(
        exhibitor=ExhibitorType.from_model(exhibitor) if exhibitor else None, user_errors=errors
    )


def _signal_ids(values: list[strawberry.ID] | None) -> list[Any]:
    found: list[Any] = []
    for value in values or []:
        decoded = from_global_id(str(value), "DemandSignal")
        found.append(decoded[1] if decoded else str(value))
    return found


@strawberry.type
class ExhibitorMutation:
    @strawberry.mutation(
        description="Ask for a member organization (its admins) to exhibit at a published event."
    )
    async def request_to_exhibit(
        self,
        info: Info,
        input: Annotated[RequestToExhibitInput, strawberry.argument(description="The request.")],
    ) -> ExhibitorPayload:
        async def action(session: Any, principal: Principal) -> models.Exhibitor:
            return await service.request_to_exhibit(
                session,
                principal,
                event_id=decode_id(input.event_id, "Event", "eventId"),
                organization_id=decode_id(input.organization_id, "Organization", "organizationId"),
                note=input.note,
                openings=[
                    {
                        "occupation_code": line.occupation_code,
                        "openings": line.openings,
                        "wage_min_minor": line.wage_min_minor,
                        "wage_max_minor": line.wage_max_minor,
                        "demand_signal_ids": _signal_ids(line.demand_signal_ids),
                    }
                    for line in input.openings or []
                ],
            )

        return _exhibitor_payload(*await run_mutation(info, action))

    @strawberry.mutation(description="Approve or decline a request to exhibit (the organizer).")
    async def decide_exhibitor(
        self,
        info: Info,
        input: Annotated[DecideExhibitorInput, strawberry.argument(description="The decision.")],
    ) -> ExhibitorPayload:
        async def action(session: Any, principal: Principal) -> models.Exhibitor:
            return await service.decide_exhibitor(
                session,
                principal,
                exhibitor_id=decode_id(input.id, "Exhibitor", "id"),
                status=input.status,
            )

        return _exhibitor_payload(*await run_mutation(info, action))

    @strawberry.mutation(description="Withdraw an organization's request or place (its admins).")
    async def withdraw_exhibitor(
        self,
        info: Info,
        input: Annotated[WithdrawExhibitorInput, strawberry.argument(description="Which one.")],
    ) -> ExhibitorPayload:
        async def action(session: Any, principal: Principal) -> models.Exhibitor:
            return await service.withdraw_exhibitor(
                session, principal, exhibitor_id=decode_id(input.id, "Exhibitor", "id")
            )

        return _exhibitor_payload(*await run_mutation(info, action))

    @strawberry.mutation(
        description="Report interviews, offers and hires after the event (an approved "
        "exhibitor's admins, until 30 days after it ends)."
    )
    async def report_event_outcomes(
        self,
        info: Info,
        input: Annotated[ReportEventOutcomesInput, strawberry.argument(description="The report.")],
    ) -> ExhibitorPayload:
        async def action(session: Any, principal: Principal) -> models.Exhibitor:
            return await service.report_outcomes(
                session,
                principal,
                exhibitor_id=decode_id(input.exhibitor_id, "Exhibitor", "exhibitorId"),
                report={
                    "interviews": input.interviews,
                    "offers": input.offers,
                    "hires": input.hires,
                    "by_occupation": [
                        {
                            "occupation_code": line.occupation_code,
                            "interviews": line.interviews,
                            "offers": line.offers,
                            "hires": line.hires,
                        }
                        for line in input.by_occupation or []
                    ],
                },
            )

        return _exhibitor_payload(*await run_mutation(info, action))

    @strawberry.mutation(description="Add a session or interview slot to an event (organizer).")
    async def add_event_session(
        self,
        info: Info,
        input: Annotated[AddEventSessionInput, strawberry.argument(description="The session.")],
    ) -> EventSessionPayload:
        async def action(session: Any, principal: Principal) -> models.EventSession:
            exhibitor_id = None
            if input.exhibitor_id is not None:
                exhibitor_id = decode_id(input.exhibitor_id, "Exhibitor", "exhibitorId")
            return await service.add_session(
                session,
                principal,
                event_id=decode_id(input.event_id, "Event", "eventId"),
                exhibitor_id=exhibitor_id,
                fields={
                    "kind": input.kind,
                    "title": input.title,
                    "starts_at": input.starts_at,
                    "ends_at": input.ends_at,
                    "capacity": input.capacity,
                },
            )

        row, errors = await run_mutation(info, action)
        return EventSessionPayload(
            session=EventSessionType.from_model(row) if row else None, user_errors=errors
        )


__all__ = [
    "EventSessionType",
    "ExhibitorMutation",
    "ExhibitorType",
    "OpeningType",
]
