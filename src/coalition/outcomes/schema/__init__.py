"""The outcomes domain's GraphQL: participant records, their file in and out, and the
outcome report.

The only place outcomes imports strawberry; every resolver parses its input, calls one
function of the domain's core (``service``, ``reads``, ``csv_import``, ``csv_export``)
and wraps the result. ``coalition.api.schema`` reads the names below.
"""

from __future__ import annotations

import strawberry

from coalition.outcomes.schema.imports import RecordFileQuery, RecordImportMutation
from coalition.outcomes.schema.loaders import OutcomeLoaders
from coalition.outcomes.schema.record import ParticipantRecordType, RecordMutation, RecordQuery
from coalition.outcomes.schema.report import ReportQuery


# The fields appear in the SDL in the order of the bases.
@strawberry.type
class Query(RecordQuery, RecordFileQuery, ReportQuery):
    pass


@strawberry.type
class Mutation(RecordMutation, RecordImportMutation):
    pass


NODE_TYPES = (ParticipantRecordType,)
TYPES = ()

__all__ = ["NODE_TYPES", "TYPES", "Mutation", "OutcomeLoaders", "ParticipantRecordType", "Query"]
