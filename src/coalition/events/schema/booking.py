# mypy: disable-error-code="untyped-decorator"
"""Booking a place in a session or interview slot (``events.bookings``)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from coalition.api.context import Info
from coalition.api.mutations import UserError, decode_id
from coalition.auth.principal import Principal
from coalition.events import bookings
from coalition.events.schema.exhibitor import EventSessionType
from coalition.events.schema.registration import run_public


@strawberry.input(
    description="Who books which session: the person by their confirmation token (no "
    "login: name the partnership with the X-Coalition-Tenant header), or the organizer's "
    "staff by the registration's ID. Give exactly one."
)
class BookEventSessionInput:
    session_id: strawberry.ID = strawberry.field(description="The session or interview slot.")
    token: str | None = strawberry.field(
        default=None, description="The confirmation token from registerForEvent."
    )
    registration_id: strawberry.ID | None = strawberry.field(
        default=None, description="The registration's ID (the organizer's staff)."
    )


@strawberry.type(description="Result of booking a place in a session.")
class BookEventSessionPayload:
    session: EventSessionType | None = strawberry.field(description="The session booked.")
    already_booked: bool = strawberry.field(
        description="Whether the person had already booked it (nothing changed)."
    )
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.type
class BookingMutation:
    @strawberry.mutation(
        description="Book a confirmed person's place in a session or interview slot of the "
        "event, up to its capacity (SESSION_FULL beyond; OVERLAPS with another booked one)."
    )
    async def book_event_session(
        self,
        info: Info,
        input: Annotated[BookEventSessionInput, strawberry.argument(description="Who, where.")],
    ) -> BookEventSessionPayload:
        if (input.token is None) == (input.registration_id is None):
            problem = UserError(
                field=["token"], message="Give the token or the registrationId.", code="INVALID"
            )
            return BookEventSessionPayload(
                session=None, already_booked=False, user_errors=[problem]
            )

        async def action(session: Any, actor: Principal) -> bookings.Booked:
            registration_id = None
            if input.registration_id is not None:
                registration_id = decode_id(input.registration_id, "Registration", "registrationId")
            async with session.begin_nested():
                return await bookings.book_session(
                    session,
                    actor,
                    session_id=decode_id(input.session_id, "EventSession", "sessionId"),
                    token=input.token,
                    registration_id=registration_id,
                )

        found, errors = await run_public(info, action)
        return BookEventSessionPayload(
            session=EventSessionType.from_model(found.session) if found else None,
            already_booked=found.already if found else False,
            user_errors=errors,
        )


__all__ = ["BookingMutation"]
