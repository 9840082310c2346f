# mypy: disable-error-code="untyped-decorator"
"""importParticipantRecords and participantRecordsCsv: a member's participant file in
and out, in the PIRL-aligned layout of docs/examples/participants.csv (translation
only)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from coalition.api.context import Info
from coalition.api.imports import ImportRowError, import_result
from coalition.api.mutations import UserError, decode_id, run_mutation
from coalition.auth.principal import Principal
from coalition.errors import InvalidInput
from coalition.outcomes import csv_export, csv_import
from coalition.outcomes.layout import COLUMNS


@strawberry.input(description="A member's participant records as CSV text, one per row.")
class ImportParticipantRecordsInput:
    organization_id: strawberry.ID = strawberry.field(
        description="The reporting member (you must be one of its organization admins)."
    )
    csv: str = strawberry.field(
        description="The file's text, with a header naming columns by name or PIRL element "
        "number (docs/examples/participants.csv). A row whose participant_identifier (100) a "
        "record of the member has updates that record; a column left out leaves the field "
        "as it is, an empty cell clears it."
    )


@strawberry.type(description="Result of a participant import: all rows, or none when any is bad.")
class ImportParticipantRecordsPayload:
    imported_count: int = strawberry.field(
        description="Rows imported: created, updated and unchanged together (0 on any error)."
    )
    created_count: int = strawberry.field(description="Rows that became new records.")
    updated_count: int = strawberry.field(description="Rows that changed an existing record.")
    unchanged_count: int = strawberry.field(description="Rows that matched a record exactly.")
    row_errors: list[ImportRowError] = strawberry.field(
        description="Every bad cell of the file (line, column, message); nothing was imported "
        "if there is one. Messages never repeat a cell's value."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Problems with the input; a file with row errors also gets one on csv."
    )


@strawberry.type
class RecordFileQuery:
    @strawberry.field(
        description="A member's participant records as CSV text in the import's layout "
        "(header by column name; importing it back changes nothing). Only the member's own "
        "organization admins get rows; everyone else gets the header alone."
    )
    async def participant_records_csv(
        self,
        info: Info,
        organization_id: Annotated[
            strawberry.ID, strawberry.argument(description="The reporting member.")
        ],
    ) -> str:
        principal = info.context.require_principal()
        try:
            organization = decode_id(organization_id, "Organization", "organizationId")
        except InvalidInput:
            return ",".join(column.name for column in COLUMNS) + "\n"
        async with info.context.session() as session:
            return await csv_export.export_participant_records(
                session, principal, organization_id=organization
            )


@strawberry.type
class RecordImportMutation:
    @strawberry.mutation(
        description="Import a member's participant records from CSV text: every row, or none "
        "when any row is bad (the member's organization admins)."
    )
    async def import_participant_records(
        self,
        info: Info,
        input: Annotated[
            ImportParticipantRecordsInput,
            strawberry.argument(description="The member and the file."),
        ],
    ) -> ImportParticipantRecordsPayload:
        async def action(session: Any, principal: Principal) -> csv_import.ImportReport:
            organization_id = decode_id(input.organization_id, "Organization", "organizationId")
            return await csv_import.import_participant_records(
                session, principal, organization_id=organization_id, text=input.csv
            )

        report, errors = await run_mutation(info, action)
        return ImportParticipantRecordsPayload(**import_result(report, errors))


__all__ = [
    "ImportParticipantRecordsInput",
    "ImportParticipantRecordsPayload",
    "RecordFileQuery",
    "RecordImportMutation",
]
