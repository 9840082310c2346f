# mypy: disable-error-code="untyped-decorator"
"""importDemandSignals: an employer's demand from CSV text (translation only)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from coalition.api.context import Info
from coalition.api.imports import ImportRowError, import_result
from coalition.api.mutations import UserError, decode_id, run_mutation
from coalition.auth.principal import Principal
from coalition.demand import csv_import


@strawberry.input(description="An employer's demand as CSV text, one signal per row.")
class ImportDemandSignalsInput:
    organization_id: strawberry.ID = strawberry.field(description="The employer.")
    csv: str = strawberry.field(
        description="The file's text, with the header of docs/examples/demand.csv. A row with "
        "a posting_id (the employer's own ID for the posting) updates the employer's signal "
        "with that ID, if there is one; a row without one is always a new signal, so a file "
        "without the column, imported twice, is there twice."
    )


@strawberry.type(description="Result of an import: all rows, or none when any row is bad.")
class ImportDemandSignalsPayload:
    imported_count: int = strawberry.field(
        description="Rows imported: created, updated and unchanged together (0 on any error)."
    )
    created_count: int = strawberry.field(description="Rows that became new signals.")
    updated_count: int = strawberry.field(
        description="Rows whose posting_id named a signal they changed (its next version)."
    )
    unchanged_count: int = strawberry.field(
        description="Rows whose posting_id named a signal they left as it was."
    )
    row_errors: list[ImportRowError] = strawberry.field(
        description="Every problem found in the file; nothing was imported if there is one."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Problems with the input; a file with row errors also gets one here, on "
        "csv, saying that nothing was imported."
    )


@strawberry.type
class ImportMutation:
    @strawberry.mutation(
        description="Import an employer's demand from CSV text (the header of "
        "docs/examples/demand.csv): every row, or none when any row is bad."
    )
    async def import_demand_signals(
        self,
        info: Info,
        input: Annotated[
            ImportDemandSignalsInput, strawberry.argument(description="The employer and file.")
        ],
    ) -> ImportDemandSignalsPayload:
        async def action(session: Any, principal: Principal) -> csv_import.ImportReport:
            organization_id = decode_id(input.organization_id, "Organization", "organizationId")
            return await csv_import.import_demand_signals(
                session, principal, organization_id=organization_id, text=input.csv
            )

        report, errors = await run_mutation(info, action)
        return ImportDemandSignalsPayload(**import_result(report, errors))


__all__ = [
    "ImportDemandSignalsInput",
    "ImportDemandSignalsPayload",
    "ImportMutation",
]
