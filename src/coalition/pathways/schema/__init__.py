"""The pathways domain's GraphQL: career pathways and ``Occupation.nextSteps``.

The only place pathways imports strawberry; every resolver parses its input, calls one
function of the domain's core and wraps the result. ``coalition.api.schema`` reads the
names below; ``FIELDS`` adds ``nextSteps`` to the skills domain's ``Occupation``.
"""

from __future__ import annotations

import strawberry

from coalition.pathways.schema.loaders import PathwaysLoaders
from coalition.pathways.schema.mutations import PathwayMutation
from coalition.pathways.schema.next_step import NextStep, OccupationPathwayFields
from coalition.pathways.schema.pathway import (
    CareerPathwayStepType,
    CareerPathwayType,
    PathwayQuery,
)
from coalition.pathways.schema.program import PathwayProgram
from coalition.skills.schema import OccupationType


@strawberry.type
class PathwaysQuery(PathwayQuery):
    pass


Query = PathwaysQuery
Mutation = PathwayMutation
NODE_TYPES = (CareerPathwayType,)
TYPES = ()
FIELDS = ((OccupationType, OccupationPathwayFields),)

__all__ = [
    "FIELDS",
    "NODE_TYPES",
    "TYPES",
    "CareerPathwayStepType",
    "CareerPathwayType",
    "Mutation",
    "NextStep",
    "PathwayProgram",
    "PathwaysLoaders",
    "Query",
]
