"""The supply domain's GraphQL: training programs and their cohorts.

The only place supply imports strawberry; every resolver parses its input, calls one
function of the domain's core (``service``, ``reads``) and wraps the result.
``coalition.api.schema`` reads the names below; ``FIELDS`` gives tenancy's
``Organization`` its ``trainingPrograms``.
"""

from __future__ import annotations

import strawberry

from coalition.supply.schema.cohort import CohortMutation, CohortType
from coalition.supply.schema.loaders import SupplyLoaders
from coalition.supply.schema.program import (
    OrganizationPrograms,
    ProgramMutation,
    ProgramQuery,
    TrainingProgramType,
)
from coalition.tenancy.schema import OrganizationType


@strawberry.type
class Query(ProgramQuery):
    pass


@strawberry.type
class Mutation(ProgramMutation, CohortMutation):
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
