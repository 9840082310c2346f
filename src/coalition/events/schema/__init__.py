"""The events domain's GraphQL: events, their exhibitors and sessions, and the outcomes
traced back to them.

The only place events imports strawberry; every resolver parses its input, calls one
function of the domain's core (``service``, ``reads``, ``outcomes``) and wraps the
result. ``coalition.api.schema`` reads the names below.
"""

from __future__ import annotations

import strawberry

from coalition.events.schema.booking import BookingMutation
from coalition.events.schema.event import EventMutation, EventQuery, EventType
from coalition.events.schema.exhibitor import EventSessionType, ExhibitorMutation, ExhibitorType
from coalition.events.schema.loaders import EventLoaders
from coalition.events.schema.outcome import OutcomeQuery
from coalition.events.schema.registration import (
    EventRegistrationFields,
    RegistrationMutation,
    RegistrationType,
)
from coalition.events.schema.registration_live import RegistrationSubscription


# The fields appear in the SDL in the order of the bases.
@strawberry.type
class Query(EventQuery, OutcomeQuery):
    pass


@strawberry.type
class Mutation(EventMutation, ExhibitorMutation, RegistrationMutation, BookingMutation):
    pass


@strawberry.type
class Subscription(RegistrationSubscription):
    pass


NODE_TYPES = (EventType, ExhibitorType, EventSessionType, RegistrationType)
TYPES = ()
# The Event type's registrations and attendance (registration.py).
FIELDS = ((EventType, EventRegistrationFields),)

__all__ = [
    "FIELDS",
    "NODE_TYPES",
    "TYPES",
    "EventLoaders",
    "EventType",
    "Mutation",
    "Query",
    "Subscription",
]
