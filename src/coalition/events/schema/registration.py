# mypy: disable-error-code="untyped-decorator"
"""Registrations in GraphQL: the Registration type, the confirmation a person gets, the
event's ``registrations`` and ``attendance`` fields (``EventRegistrationFields``, a base
of the Event type), and the mutations: registering (anonymous callers too), cancelling,
checking in, walk-ins.

Who sees registrations (``events.registration_reads``): the organizer's staff everything;
an approved exhibitor's people the consenting registrations' name, email and phone (the
other fields answer null); everyone else an empty connection (never an error, so a
listing of events with their registrations works for every caller), and ``node(id:)``
answers null, as for a missing ID. ``attendance`` is null for callers who may not see
the counts.

Anonymous callers: ``registerForEvent`` and ``cancelRegistration`` (with a confirmation
token) are the only fields a request with no token may use; it names its partnership
with the ``X-Coalition-Tenant`` header. Anonymous registration for a MEMBERS event
answers the NOT_FOUND userError, exactly as a missing event does.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import strawberry

from coalition.api.context import Info
from coalition.api.mutations import UserError, decode_id, run_mutation
from coalition.api.relay import After, Connection, First, Node, to_global_id
from coalition.auth.principal import Principal
from coalition.errors import InvalidInput
from coalition.errors import UserError as DomainUserError
from coalition.events import qr, registrations
from coalition.events.models import Attendance, Registration, RegistrationStatus
from coalition.events.registration_reads import Counts, RegistrationQuery, SeenRegistration
from coalition.events.schema import registration_enums  # noqa: F401  (describes the enums)
from coalition.events.schema.registration_loaders import RegistrationLoaders
from coalition.pagination import DEFAULT_PAGE_SIZE, PageRequest

if TYPE_CHECKING:
    from coalition.events import models

R = TypeVar("R")


@strawberry.type(
    name="Registration",
    description="One person's place at an event. Personal data: the organizer's staff see "
    "every field; an approved exhibitor's people see name, email and phone of people who "
    "consented to be contacted (every other field null); nobody else sees it.",
)
class RegistrationType(Node):
    name: str = strawberry.field(description="The person's name.")
    email: str = strawberry.field(description="The person's email, lowercased.")
    phone: str | None = strawberry.field(description="The person's phone, if given.")
    accessibility_needs: str | None = strawberry.field(
        description="What the person needs to take part (staff only; empty if none)."
    )
    consent_to_contact: bool | None = strawberry.field(
        description="Whether the person agreed to be contacted by the exhibitors (staff only)."
    )
    attendance: Attendance | None = strawberry.field(
        description="In person or online (staff only)."
    )
    status: RegistrationStatus | None = strawberry.field(
        description="Confirmed, waitlisted or cancelled (staff only)."
    )
    arrival: int | None = strawberry.field(
        description="The order in which the place was taken, from 1 (staff only)."
    )
    code: str | None = strawberry.field(
        description="The short check-in code on the confirmation (staff only)."
    )
    walk_in: bool | None = strawberry.field(
        description="Whether the person registered at the door (staff only)."
    )
    checked_in_at: datetime | None = strawberry.field(
        description="When the person checked in at the door; null if not (staff only)."
    )
    cancelled_at: datetime | None = strawberry.field(
        description="When the registration was cancelled; null if it is not (staff only)."
    )
    created_at: datetime | None = strawberry.field(
        description="When the person first registered (staff only)."
    )

    @classmethod
    def from_seen(cls, seen: SeenRegistration) -> RegistrationType:
        registration = seen.registration
        full = seen.full
        return cls(
            id=to_global_id("Registration", registration.id),
            name=registration.name,
            email=registration.email,
            phone=registration.phone,
            accessibility_needs=registration.accessibility_needs if full else None,
            consent_to_contact=registration.consent_to_contact if full else None,
            attendance=registration.attendance if full else None,
            status=registration.status if full else None,
            arrival=registration.arrival if full else None,
            code=registration.code if full else None,
            walk_in=registration.walk_in if full else None,
            checked_in_at=registration.checked_in_at if full else None,
            cancelled_at=registration.cancelled_at if full else None,
            created_at=registration.created_at if full else None,
        )

    @classmethod
    def of_staff(cls, registration: Registration) -> RegistrationType:
        """For the staff's own mutations (they see every field)."""
        return cls.from_seen(SeenRegistration(registration, True))

    @classmethod
    async def resolve_node(cls, info: Info, object_id: uuid.UUID) -> RegistrationType | None:
        seen = await info.context.loaders.of(RegistrationLoaders).registration.load(object_id)
        return cls.from_seen(seen) if seen else None


@strawberry.type(
    description="What a person keeps after registering: shown once, in the answer to "
    "registerForEvent, and never again (only a hash of the token is stored)."
)
class RegistrationConfirmation:
    token: str = strawberry.field(
        description="The confirmation token: cancelRegistration(input: {token}) cancels "
        "the registration with it, no login needed. Keep it private."
    )
    code: str = strawberry.field(
        description="The short check-in code to show at the door (8 characters, no "
        "look-alikes such as 0 and O)."
    )

    @strawberry.field(description="The check-in code as a QR code: an SVG document.")
    def qr_code_svg(self) -> str:
        return qr.check_in_qr_svg(self.code)

    @strawberry.field(
        description="The check-in code as a QR code: a data:image/svg+xml URI for an <img>."
    )
    def qr_code_data_uri(self) -> str:
        return qr.check_in_qr_data_uri(self.code)


@strawberry.type(description="Where a registration stands, for the person who made it.")
class RegistrationReceipt:
    registration_id: strawberry.ID = strawberry.field(description="The registration's ID.")
    status: RegistrationStatus = strawberry.field(
        description="Confirmed (a seat), waitlisted (in arrival order) or cancelled."
    )
    attendance: Attendance = strawberry.field(description="In person or online.")
    confirmation: RegistrationConfirmation | None = strawberry.field(
        description="The token and check-in code: only when the registration was just "
        "made, null for one that already existed."
    )

    @classmethod
    def of(cls, registration: Registration, token: str | None) -> RegistrationReceipt:
        return cls(
            registration_id=to_global_id("Registration", registration.id),
            status=registration.status,
            attendance=registration.attendance,
            confirmation=None
            if token is None
            else RegistrationConfirmation(token=token, code=registration.code),
        )


@strawberry.type(description="People counts of an event, or of one way of attending it.")
class AttendanceCounts:
    registered: int = strawberry.field(description="Confirmed (seated) registrations.")
    waitlisted: int = strawberry.field(description="Registrations waiting for a seat.")
    checked_in: int = strawberry.field(description="Confirmed people who checked in.")
    no_show: int = strawberry.field(
        description="Confirmed people who did not check in, once the event has ended (0 before)."
    )

    @classmethod
    def of(cls, counts: Counts) -> AttendanceCounts:
        return cls(
            registered=counts.registered,
            waitlisted=counts.waitlisted,
            checked_in=counts.checked_in,
            no_show=counts.no_show,
        )


@strawberry.type(description="How many people registered, wait, came and did not.")
class EventAttendance:
    total: AttendanceCounts = strawberry.field(description="Everyone.")
    in_person: AttendanceCounts = strawberry.field(description="Those attending in person.")
    online: AttendanceCounts = strawberry.field(description="Those attending online.")


@strawberry.type
class EventRegistrationFields:
    """The Event type's fields about its people (a base of the Event type, which holds
    the event as ``model``)."""

    if TYPE_CHECKING:
        model: models.Event

    @strawberry.field(
        description="The people registered, in arrival order: all of them, with every "
        "field, for the organizer's staff; the consenting ones (name, email, phone) for "
        "an approved exhibitor's people; none for everyone else."
    )
    async def registrations(
        self,
        info: Info,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Only those whose name contains this (any case) or, for the "
                "organizer's staff, whose check-in code it is (the check-in screen's search)."
            ),
        ] = None,
    ) -> Connection[RegistrationType]:
        page = await info.context.loaders.of(RegistrationLoaders).registrations.load(
            (self.model.id, RegistrationQuery(PageRequest(first=first, after=after), search))
        )
        return Connection.of(page, RegistrationType.from_seen)

    @strawberry.field(
        description="People counts (registered, waitlisted, checked in, no-shows), in total "
        "and per way of attending; null for callers other than the organizer's people and "
        "partnership admins."
    )
    async def attendance(self, info: Info) -> EventAttendance | None:
        found = await info.context.loaders.of(RegistrationLoaders).attendance.load(self.model.id)
        if found is None:
            return None
        in_person, online = found[Attendance.IN_PERSON], found[Attendance.ONLINE]
        return EventAttendance(
            total=AttendanceCounts.of(in_person + online),
            in_person=AttendanceCounts.of(in_person),
            online=AttendanceCounts.of(online),
        )


@strawberry.input(description="A person registering for an event.")
class RegisterForEventInput:
    event_id: strawberry.ID = strawberry.field(description="The event's ID.")
    name: str = strawberry.field(description="The person's name (at most 200 characters).")
    email: str = strawberry.field(
        description="The person's email: registering again with it (any case) returns the "
        "registration it already has."
    )
    phone: str | None = strawberry.field(default=None, description="A phone number, if any.")
    accessibility_needs: str | None = strawberry.field(
        default=None, description="What the person needs to take part, if anything."
    )
    consent_to_contact: bool = strawberry.field(
        default=False,
        description="Whether the approved exhibitors may see the name, email and phone to "
        "contact the person.",
    )
    attendance: Attendance | None = strawberry.field(
        default=None,
        description="In person or online, as the event allows; required for an event "
        "held both ways.",
    )


@strawberry.input(description="A person registered at the door by the organizer's staff.")
class RegisterWalkInInput:
    event_id: strawberry.ID = strawberry.field(description="The event's ID.")
    name: str = strawberry.field(description="The person's name (at most 200 characters).")
    email: str = strawberry.field(
        description="The person's email: one already registered is checked in instead."
    )
    phone: str | None = strawberry.field(default=None, description="A phone number, if any.")
    accessibility_needs: str | None = strawberry.field(
        default=None, description="What the person needs to take part, if anything."
    )
    consent_to_contact: bool = strawberry.field(
        default=False, description="Whether the approved exhibitors may contact the person."
    )
    attendance: Attendance | None = strawberry.field(
        default=None, description="In person or online; required for an event held both ways."
    )


@strawberry.input(
    description="Which registration to cancel: by its confirmation token (anyone holding "
    "it, no login), or by its ID (the organizer's staff). Give exactly one."
)
class CancelRegistrationInput:
    token: str | None = strawberry.field(
        default=None, description="The confirmation token from registerForEvent."
    )
    registration_id: strawberry.ID | None = strawberry.field(
        default=None, description="The registration's ID (the organizer's staff)."
    )


@strawberry.input(description="Who is checking in at the door: the registration or its code.")
class CheckInRegistrationInput:
    event_id: strawberry.ID = strawberry.field(description="The event's ID.")
    registration_id: strawberry.ID | None = strawberry.field(
        default=None, description="The registration's ID (give it or the code)."
    )
    code: str | None = strawberry.field(
        default=None, description="The check-in code from the confirmation (any case)."
    )


@strawberry.type(description="Result of registering for an event.")
class RegisterForEventPayload:
    receipt: RegistrationReceipt | None = strawberry.field(
        description="The registration's status and, when it was just made, its confirmation."
    )
    already_registered: bool = strawberry.field(
        description="Whether the email was already registered: the existing registration is "
        "returned unchanged, without a confirmation (it was shown when it was made)."
    )
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.type(description="Result of cancelling a registration.")
class CancelRegistrationPayload:
    receipt: RegistrationReceipt | None = strawberry.field(
        description="The cancelled registration (the first person waiting takes the seat)."
    )
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.type(description="Result of checking a person in.")
class CheckInRegistrationPayload:
    registration: RegistrationType | None = strawberry.field(
        description="The registration, checked in."
    )
    already_checked_in: bool = strawberry.field(
        description="Whether the person had already checked in (the first time is kept)."
    )
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.type(description="Result of registering a person at the door.")
class RegisterWalkInPayload:
    registration: RegistrationType | None = strawberry.field(
        description="The registration, checked in."
    )
    already_checked_in: bool = strawberry.field(
        description="Whether the person was already registered and checked in."
    )
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


def _user_errors(error: InvalidInput) -> list[UserError]:
    return [UserError(field=list(e.field), message=e.message, code=e.code) for e in error.errors]


async def run_public(
    info: Info, action: Callable[[Any, Principal], Awaitable[R]]
) -> tuple[R | None, list[UserError]]:
    """Run ``action`` as the caller or, with no token, as the public actor of the
    partnership the request names. No savepoint here: the service takes its own (the
    rate limit's attempt must outlive a refused registration)."""
    context = info.context
    actor = context.actor()
    try:
        async with context.anonymous_session() as session:
            return await action(session, actor), []
    except InvalidInput as error:
        return None, _user_errors(error)


def _attendee(given: RegisterForEventInput | RegisterWalkInInput) -> registrations.Attendee:
    return registrations.Attendee(
        name=given.name,
        email=given.email,
        phone=given.phone,
        accessibility_needs=given.accessibility_needs,
        consent_to_contact=given.consent_to_contact,
        attendance=given.attendance,
    )


@strawberry.type
class RegistrationMutation:
    @strawberry.mutation(
        description="Register a person for an event. Open to anyone for a PUBLIC event "
        "(no login: name the partnership with the X-Coalition-Tenant header; limited per "
        "event and per address, RATE_LIMITED beyond), to members for any event they see. "
        "Past the capacity the person joins the waitlist, in arrival order."
    )
    async def register_for_event(
        self,
        info: Info,
        input: Annotated[
            RegisterForEventInput, strawberry.argument(description="The event and the person.")
        ],
    ) -> RegisterForEventPayload:
        async def action(session: Any, actor: Principal) -> registrations.Registered:
            event_id = decode_id(input.event_id, "Event", "eventId")
            return await registrations.register_for_event(
                session,
                actor,
                info.context.settings,
                event_id=event_id,
                attendee=_attendee(input),
                address=info.context.client_address,
            )

        found, errors = await run_public(info, action)
        return RegisterForEventPayload(
            receipt=RegistrationReceipt.of(found.registration, found.token) if found else None,
            already_registered=found.existed if found else False,
            user_errors=errors,
        )

    @strawberry.mutation(
        description="Cancel a registration by its confirmation token (anyone holding it, no "
        "login: name the partnership with the X-Coalition-Tenant header) or by its ID (the "
        "organizer's staff). The first person waiting for the freed seat takes it."
    )
    async def cancel_registration(
        self,
        info: Info,
        input: Annotated[
            CancelRegistrationInput, strawberry.argument(description="Which registration.")
        ],
    ) -> CancelRegistrationPayload:
        if (input.token is None) == (input.registration_id is None):
            problem = DomainUserError(
                ("token",),
                "Give either the confirmation token or the registration's ID.",
                "REQUIRED",
            )
            return CancelRegistrationPayload(
                receipt=None, user_errors=_user_errors(InvalidInput([problem]))
            )
        registration_id = input.registration_id
        if registration_id is not None:

            async def by_id(session: Any, principal: Principal) -> Registration:
                decoded = decode_id(registration_id, "Registration", "registrationId")
                found, _ = await registrations.cancel_by_id(
                    session, principal, registration_id=decoded
                )
                return found

            cancelled, errors = await run_mutation(info, by_id)
        else:
            token = input.token or ""

            async def by_token(session: Any, actor: Principal) -> Registration:
                async with session.begin_nested():
                    found, _ = await registrations.cancel_by_token(session, actor, token=token)
                return found

            cancelled, errors = await run_public(info, by_token)
        return CancelRegistrationPayload(
            receipt=RegistrationReceipt.of(cancelled, None) if cancelled else None,
            user_errors=errors,
        )

    @strawberry.mutation(
        description="Check a registered person in at the door (the organizer's people), by "
        "registration ID or check-in code. Checking in twice keeps the first time."
    )
    async def check_in_registration(
        self,
        info: Info,
        input: Annotated[
            CheckInRegistrationInput, strawberry.argument(description="The event and the person.")
        ],
    ) -> CheckInRegistrationPayload:
        async def action(session: Any, principal: Principal) -> registrations.CheckedIn:
            event_id = decode_id(input.event_id, "Event", "eventId")
            registration_id = (
                None
                if input.registration_id is None
                else decode_id(input.registration_id, "Registration", "registrationId")
            )
            return await registrations.check_in(
                session,
                principal,
                event_id=event_id,
                registration_id=registration_id,
                code=input.code,
            )

        found, errors = await run_mutation(info, action)
        return CheckInRegistrationPayload(
            registration=RegistrationType.of_staff(found.registration) if found else None,
            already_checked_in=found.already if found else False,
            user_errors=errors,
        )

    @strawberry.mutation(
        description="Register a person at the door and check them in at once (the "
        "organizer's people): seated even beyond the capacity."
    )
    async def register_walk_in(
        self,
        info: Info,
        input: Annotated[
            RegisterWalkInInput, strawberry.argument(description="The event and the person.")
        ],
    ) -> RegisterWalkInPayload:
        async def action(session: Any, principal: Principal) -> registrations.CheckedIn:
            event_id = decode_id(input.event_id, "Event", "eventId")
            return await registrations.register_walk_in(
                session, principal, event_id=event_id, attendee=_attendee(input)
            )

        found, errors = await run_mutation(info, action)
        return RegisterWalkInPayload(
            registration=RegistrationType.of_staff(found.registration) if found else None,
            already_checked_in=found.already if found else False,
            user_errors=errors,
        )


NODE_TYPES = (RegistrationType,)

__all__ = [
    "NODE_TYPES",
    "EventRegistrationFields",
    "RegistrationMutation",
    "RegistrationType",
]
