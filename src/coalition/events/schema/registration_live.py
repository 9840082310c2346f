# mypy: disable-error-code="untyped-decorator"
"""Registrations' live updates: ``eventRegistrationChanged``, read as
``Event.registrations`` reads them, at subscribe time and again for every change."""

from __future__ import annotations

import uuid
from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from coalition.api.context import Info
from coalition.api.relay import from_global_id
from coalition.api.subscriptions import updates
from coalition.errors import Forbidden, NotFound
from coalition.events.registration_reads import sees_registrations
from coalition.events.registrations import REGISTRATION_CHANGED
from coalition.events.schema.loaders import EventLoaders
from coalition.events.schema.registration import RegistrationType
from coalition.events.schema.registration_loaders import RegistrationLoaders
from coalition.live import Notification


async def _watched_event(info: Info, event_id: uuid.UUID) -> None:
    """NOT_FOUND for an event the caller may not see (as ``event(id:)``), FORBIDDEN for
    one whose registrations they do not see (``Event.registrations`` is empty for them)."""
    principal = info.context.require_principal()
    if await info.context.loaders.of(EventLoaders).event.load(event_id) is None:
        raise NotFound("No event with this ID.")
    async with info.context.session() as session:
        if not await sees_registrations(session, principal, event_id):
            raise Forbidden(
                "Only the organizer's staff and the people of its approved exhibitors see "
                "an event's registrations."
            )


@strawberry.type
class RegistrationSubscription:
    @strawberry.subscription(
        description="Each change of the event's registrations from now on (a registration, "
        "a place on or off the waitlist, a cancellation, a check-in), once it commits, as "
        "`Event.registrations` reads it: every field for the organizer's staff, the name, "
        "email and phone of consenting people for an approved exhibitor's people (the "
        "others are not sent). Anyone else gets FORBIDDEN, an unknown event NOT_FOUND; "
        "the subscription ends with an error once the caller may no longer see them."
    )
    async def event_registration_changed(
        self,
        info: Info,
        event_id: Annotated[strawberry.ID, strawberry.argument(description="The event's ID.")],
    ) -> AsyncGenerator[RegistrationType, None]:
        decoded = from_global_id(event_id, "Event")
        if decoded is None:
            raise NotFound("No event with this ID.")
        watched = decoded[1]
        await _watched_event(info, watched)

        async def read(notification: Notification) -> list[RegistrationType]:
            await _watched_event(info, watched)
            seen = await info.context.loaders.of(RegistrationLoaders).registration.load(
                notification.item_id
            )
            return [RegistrationType.from_seen(seen)] if seen is not None else []

        return updates(info, REGISTRATION_CHANGED, read, topic_id=watched)
