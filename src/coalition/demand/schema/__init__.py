"""The demand domain's GraphQL: signals, their history, imports and pooled demand.

The only place demand imports strawberry; every resolver parses its input, calls
one function of the domain's core (``service``, ``reads``, ``csv_import``,
``summary``) and wraps the result. ``coalition.api.schema`` reads the names below.
"""

from __future__ import annotations

import strawberry

from coalition.demand.schema.imports import ImportMutation
from coalition.demand.schema.live import ReleaseSubscription
from coalition.demand.schema.signal import DemandSignalType, SignalMutation, SignalQuery
from coalition.demand.schema.summary import DemandReleaseType, ReleaseMutation, SummaryQuery


@strawberry.type
class Query(SignalQuery, SummaryQuery):
    pass


@strawberry.type
class Mutation(SignalMutation, ImportMutation, ReleaseMutation):
    pass


@strawberry.type
class Subscription(ReleaseSubscription):
    pass


NODE_TYPES = (DemandSignalType, DemandReleaseType)
TYPES = ()

__all__ = ["NODE_TYPES", "TYPES", "DemandSignalType", "Mutation", "Query", "Subscription"]
