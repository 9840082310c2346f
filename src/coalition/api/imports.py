# mypy: disable-error-code="untyped-decorator"
"""What every CSV import mutation answers: counts, each bad cell, and a userError on
``csv`` when nothing was imported (the domains' import payloads take these fields)."""

from __future__ import annotations

from typing import Any

import strawberry

from coalition.api.mutations import UserError
from coalition.csv_files import ImportReport


@strawberry.type(description="A problem with one cell of an imported file.")
class ImportRowError:
    line: int = strawberry.field(description="Line of the file, counting the header as 1.")
    column: str = strawberry.field(description="The column's header name.")
    message: str = strawberry.field(description="What is wrong, in plain words.")


def import_result(report: ImportReport | None, errors: list[UserError]) -> dict[str, Any]:
    """The fields of an import payload: the report's counts and row errors (none without a
    report: the input itself was refused), and ``errors`` with the file-level error of a
    refused file added."""
    if report is None:
        return {
            "imported_count": 0,
            "created_count": 0,
            "updated_count": 0,
            "unchanged_count": 0,
            "row_errors": [],
            "user_errors": errors,
        }
    refused = report.nothing_imported()
    if refused is not None:
        errors = [
            *errors,
            UserError(field=list(refused.field), message=refused.message, code=refused.code),
        ]
    return {
        "imported_count": report.imported_count,
        "created_count": report.created_count,
        "updated_count": report.updated_count,
        "unchanged_count": report.unchanged_count,
        "row_errors": [
            ImportRowError(line=e.line, column=e.column, message=e.message)
            for e in report.row_errors
        ],
        "user_errors": errors,
    }


__all__ = ["ImportRowError", "import_result"]
