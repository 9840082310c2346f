"""The outcomes domain's GraphQL: participant records and their file in and out,
initiatives' outcome targets, members' aggregate counts, the outcome metrics and the
funder report.

The only place outcomes imports strawberry; every resolver parses its input, calls one
function of the domain's core (``service``, ``reads``, ``targets``, ``counts``,
``metrics``, ``report``, ``csv_import``, ``csv_export``) and wraps the result.
``coalition.api.schema`` reads the names below; ``FIELDS`` gives funds' ``Initiative``
its ``outcomeTargets`` and ``progress``, tenancy's ``Organization`` and supply's
``TrainingProgram`` their ``scorecard``.
"""

from __future__ import annotations

import strawberry

from coalition.funds.schema.initiative import InitiativeType
from coalition.funds.schema.report import FundPoolSummary, InitiativePoolFunding
from coalition.outcomes.schema.costs import InitiativePoolCostFields, PoolCostFields
from coalition.outcomes.schema.counts import AggregateCountType, CountMutation, CountQuery
from coalition.outcomes.schema.imports import RecordFileQuery, RecordImportMutation
from coalition.outcomes.schema.loaders import OutcomeLoaders
from coalition.outcomes.schema.metrics import MetricQuery
from coalition.outcomes.schema.progress import InitiativeProgressFields
from coalition.outcomes.schema.record import ParticipantRecordType, RecordMutation, RecordQuery
from coalition.outcomes.schema.report import ReportQuery
from coalition.outcomes.schema.scorecards import (
    OrganizationScorecardFields,
    ProgramScorecardFields,
    ScorecardQuery,
)
from coalition.outcomes.schema.targets import (
    InitiativeOutcomeFields,
    OutcomeTargetType,
    TargetMutation,
)
from coalition.supply.schema import TrainingProgramType
from coalition.tenancy.schema import OrganizationType


# The fields appear in the SDL in the order of the bases.
@strawberry.type
class Query(RecordQuery, RecordFileQuery, CountQuery, MetricQuery, ReportQuery, ScorecardQuery):
    pass


@strawberry.type
class Mutation(RecordMutation, RecordImportMutation, TargetMutation, CountMutation):
    pass


NODE_TYPES = (ParticipantRecordType, OutcomeTargetType, AggregateCountType)
TYPES = ()
FIELDS = (
    (InitiativeType, InitiativeOutcomeFields),
    (InitiativeType, InitiativeProgressFields),
    (OrganizationType, OrganizationScorecardFields),
    (TrainingProgramType, ProgramScorecardFields),
    (FundPoolSummary, PoolCostFields),
    (InitiativePoolFunding, InitiativePoolCostFields),
)

__all__ = [
    "FIELDS",
    "NODE_TYPES",
    "TYPES",
    "AggregateCountType",
    "Mutation",
    "OutcomeLoaders",
    "OutcomeTargetType",
    "ParticipantRecordType",
    "Query",
]
