# mypy: disable-error-code="untyped-decorator"
"""importTrainingPrograms: a provider's programs from CSV text (translation only)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from coalition.api.context import Info
from coalition.api.imports import ImportRowError, import_result
from coalition.api.mutations import UserError, decode_id, run_mutation
from coalition.auth.principal import Principal
from coalition.supply import csv_import


@strawberry.input(description="A provider's training programs as CSV text, one per row.")
class ImportTrainingProgramsInput:
    organization_id: strawberry.ID = strawberry.field(
        description="The provider (a training provider, education institution, union or "
        "community organization)."
    )
    csv: str = strawberry.field(
        description="The file's text, with the header of docs/examples/programs.csv. A row "
        "with a program_id (the provider's own ID for the program) updates the provider's "
        "program with that ID, if there is one; a row without one is always a new program."
    )


@strawberry.type(description="Result of a programs import: all rows, or none when any is bad.")
class ImportTrainingProgramsPayload:
    imported_count: int = strawberry.field(
        description="Rows imported: created, updated and unchanged together (0 on any error)."
    )
    created_count: int = strawberry.field(description="Rows that became new programs.")
    updated_count: int = strawberry.field(
        description="Rows whose program_id named a program they changed."
    )
    unchanged_count: int = strawberry.field(
        description="Rows whose program_id named a program they left as it was."
    )
    row_errors: list[ImportRowError] = strawberry.field(
        description="Every problem found in the file; nothing was imported if there is one."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Problems with the input; a file with row errors also gets one here, on "
        "csv, saying that nothing was imported."
    )


@strawberry.type
class ProgramImportMutation:
    @strawberry.mutation(
        description="Import a provider's training programs from CSV text (the header of "
        "docs/examples/programs.csv): every row, or none when any row is bad."
    )
    async def import_training_programs(
        self,
        info: Info,
        input: Annotated[
            ImportTrainingProgramsInput,
            strawberry.argument(description="The provider and the file."),
        ],
    ) -> ImportTrainingProgramsPayload:
        async def action(session: Any, principal: Principal) -> csv_import.ImportReport:
            organization_id = decode_id(input.organization_id, "Organization", "organizationId")
            return await csv_import.import_training_programs(
                session, principal, organization_id=organization_id, text=input.csv
            )

        report, errors = await run_mutation(info, action)
        return ImportTrainingProgramsPayload(**import_result(report, errors))


__all__ = ["ImportTrainingProgramsInput", "ImportTrainingProgramsPayload", "ProgramImportMutation"]
