"""The supply domain's GraphQL: training programs, cohorts and the skills gap.

The only place supply imports strawberry; every resolver parses its input, calls one
function of the domain's core and wraps the result. ``coalition.api.schema`` reads the
names below.
"""

from __future__ import annotations

from coalition.supply.schema.gap import GapQuery

Query = GapQuery
Mutation = None
NODE_TYPES = ()
TYPES = ()
FIELDS = ()

__all__ = ["FIELDS", "NODE_TYPES", "TYPES", "Mutation", "Query"]
