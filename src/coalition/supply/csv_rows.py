"""The programs CSV file: its columns, and each row read into the fields of a program.

``coalition.csv_files`` reads the file's shape; this module reads each cell's format
(amounts, yes/no, lists, skills) into the fields ``validation.program_fields`` takes,
and names each of that function's problems by the column it came from.
"""

from __future__ import annotations

from typing import Any

from coalition.csv_files import Record, RowError, read_cents, read_records, read_yes_no
from coalition.errors import UserError
from coalition.supply.validation import DEFAULT_CURRENCY

COLUMNS = (
    "name",
    "cip_code",
    "modality",
    "program_id",
    "description",
    "occupations",
    "skills",
    "credential_kind",
    "credential_name",
    "credential_ctid",
    "hours",
    "weeks",
    "cost",
    "currency",
    "schedules",
    "work_based_learning",
    "supports",
    "etpl",
    "status",
)
REQUIRED_COLUMNS = COLUMNS[:3]
MAX_ROWS = 10_000
LISTS = {
    "occupations": "occupation_codes",
    "schedules": "schedules",
    "work_based_learning": "work_based_learning",
    "supports": "supports",
}
# The API's field names (the first part of a UserError's path) as this file's columns.
COLUMN_OF_FIELD = {
    "cipCode": "cip_code",
    "occupationCodes": "occupations",
    "workBasedLearning": "work_based_learning",
    "isEligibleTrainingProvider": "etpl",
    "externalId": "program_id",
}
CREDENTIAL_COLUMNS = {
    "kind": "credential_kind",
    "name": "credential_name",
    "ctid": "credential_ctid",
}


class Row:
    """One data row, read into the fields ``validation.program_fields`` takes."""

    def __init__(self, record: Record) -> None:
        self.line = record.line
        self.cells = record.cells
        self.errors: list[RowError] = []
        self.fields: dict[str, Any] = {}

    @property
    def external_id(self) -> str | None:
        return self.cells.get("program_id") or None

    def fail(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.line, column, message))

    def read(self) -> None:
        cells = self.cells
        for name in REQUIRED_COLUMNS:
            self.fields[name] = cells.get(name) or None
        for name in ("description", "hours", "weeks", "status"):
            if cells.get(name):
                self.fields[name] = cells[name]
        if self.external_id:
            self.fields["external_id"] = self.external_id
        for column, field in LISTS.items():
            if cells.get(column):
                self.fields[field] = [item.strip() for item in cells[column].split(";")]
        if cells.get("skills"):
            self.fields["skills"] = self._skills(cells["skills"])
        self.fields["credential"] = {
            "kind": cells.get("credential_kind") or "NONE",
            "name": cells.get("credential_name") or None,
            "ctid": cells.get("credential_ctid") or None,
        }
        if cells.get("cost"):
            cents, problem = read_cents(cells["cost"], what="A cost")
            if problem is not None:
                self.fail("cost", problem)
            else:
                self.fields["cost"] = (str(cents), cells.get("currency") or DEFAULT_CURRENCY)
        elif cells.get("currency"):
            self.fail("currency", "A currency goes with a cost; the cost is empty.")
        if cells.get("etpl"):
            answer = read_yes_no(cells["etpl"])
            if answer is None:
                self.fail("etpl", "Write yes or no.")
            else:
                self.fields["is_etpl"] = answer

    def _skills(self, text: str) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = []
        for item in filter(None, (part.strip() for part in text.split(";"))):
            skill_id, colon, level = item.rpartition(":")
            if not colon or not skill_id.strip():
                self.fail("skills", f"Write each skill as ID:LEVEL, e.g. 2.A.1.a:3 (not {item!r}).")
                continue
            pairs.append((skill_id.strip(), level.strip()))
        return pairs

    def report(self, errors: list[UserError]) -> None:
        for error in errors:
            field = error.field[0]
            detail = error.field[1] if len(error.field) > 1 else ""
            if field == "credential" and detail in CREDENTIAL_COLUMNS:
                column = CREDENTIAL_COLUMNS[detail]
            elif field == "cost":
                column = "currency" if detail == "currency" else "cost"
            else:
                column = COLUMN_OF_FIELD.get(field, field)
            item = f"item {int(detail) + 1}: " if detail.isdigit() else ""
            self.fail(column, item + error.message)


def read_rows(text: str) -> tuple[list[Row], list[RowError]]:
    """The file's data rows (blank lines skipped), read, and any problem with its shape."""
    records, problems = read_records(
        text, columns=COLUMNS, required=REQUIRED_COLUMNS, max_rows=MAX_ROWS
    )
    rows = [Row(record) for record in records]
    for row in rows:
        row.read()
    return rows, problems


__all__ = ["COLUMNS", "REQUIRED_COLUMNS", "Row", "read_rows"]
