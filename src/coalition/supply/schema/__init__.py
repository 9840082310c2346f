"""The supply domain's GraphQL: training programs, their cohorts and the skills gap.

The only place supply imports strawberry; every resolver parses its input, calls one
function of the domain's core (``service``, ``reads``, ``gap``) and wraps the result.
``coalition.api.schema`` reads the names below; ``FIELDS`` gives tenancy's
``Organization`` its ``trainingPrograms``.
"""

from __future__ import annotations

import strawberry

from coalition.supply.schema.cohort import CohortMutation, CohortType
from coalition.supply.schema.gap import GapQuery
from coalition.supply.schema.imports import ProgramImportMutation
from coalition.supply.schema.loaders import SupplyLoaders
from coalition.supply.schema.program import (
    OrganizationPrograms,
    ProgramMutation,
    ProgramQuery,
    TrainingProgramType,
)
from coalition.tenancy.schema import OrganizationType


# The fields appear in the SDL in the order of the bases.
@strawberry.type
class Query(ProgramQuery, GapQuery):
    pass


@strawberry.type
class Mutation(ProgramMutation, CohortMutation, ProgramImportMutation):
    pass


NODE_TYPES = (TrainingProgramType, CohortType)
TYPES = ()
FIELDS = ((OrganizationType, OrganizationPrograms),)

__all__ = [
    "FIELDS",
    "NODE_TYPES",
    "TYPES",
    "CohortType",
    "Mutation",
    "Query",
    "SupplyLoaders",
    "TrainingProgramType",
]
