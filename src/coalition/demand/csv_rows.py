"""The demand CSV file: its columns, and its rows read into the fields of a signal.

The file is UTF-8 CSV (comma-separated, double-quoted where needed), one
demand signal per row, its lines ended by LF, CRLF or a bare CR (classic Mac OS;
inside a quoted cell a line break is part of the value), with a header on the
first line naming its columns in any order (``csv_import`` lists them and what
each holds; the first five are required). Reading checks the file's shape and
each cell's format (amounts, yes/no, skills); ``validation`` checks the values.
"""

from __future__ import annotations

from typing import Any

from coalition.csv_files import RowError, read_cents, read_records, read_yes_no
from coalition.demand.wages import DEFAULT_CURRENCY
from coalition.errors import UserError

COLUMNS = (
    "occupation_code",
    "openings",
    "start_quarter",
    "end_quarter",
    "openings_kind",
    "wage_min",
    "wage_max",
    "wage_unit",
    "currency",
    "degree_required",
    "credentials",
    "work_based_learning",
    "skills",
    "city",
    "postal_code",
    "sharing_level",
    "status",
    "posting_id",
)
REQUIRED_COLUMNS = COLUMNS[:5]
# The API's field names (the first part of a UserError's path) as this file's columns.
COLUMN_OF_FIELD = {
    "occupationCode": "occupation_code",
    "startQuarter": "start_quarter",
    "endQuarter": "end_quarter",
    "openingsKind": "openings_kind",
    "wageMin": "wage_min",
    "wageMax": "wage_max",
    "wageUnit": "wage_unit",
    "isDegreeRequired": "degree_required",
    "workBasedLearning": "work_based_learning",
    "postalCode": "postal_code",
    "sharingLevel": "sharing_level",
    "externalId": "posting_id",
}


class Row:
    """One data row, read into the fields ``validation.signal_fields`` takes."""

    def __init__(self, line: int, cells: dict[str, str]) -> None:
        self.line = line
        self.cells = cells
        self.errors: list[RowError] = []
        self.fields: dict[str, Any] = {}

    def fail(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.line, column, message))

    def read(self) -> None:
        cells = self.cells
        for name in REQUIRED_COLUMNS:
            self.fields[name] = cells.get(name) or None
        for name in ("wage_unit", "sharing_level", "status", "city", "postal_code"):
            if cells.get(name):
                self.fields[name] = cells[name]
        if cells.get("posting_id"):
            self.fields["external_id"] = cells["posting_id"]
        currency = cells.get("currency") or DEFAULT_CURRENCY
        for name in ("wage_min", "wage_max"):
            if cells.get(name):
                cents = self._cents(name, cells[name])
                if cents is not None:
                    self.fields[name] = (cents, currency)
        if cells.get("degree_required"):
            answer = read_yes_no(cells["degree_required"])
            if answer is None:
                self.fail("degree_required", "Write yes or no.")
            self.fields["is_degree_required"] = answer is True
        for name in ("credentials", "work_based_learning"):
            if cells.get(name):
                self.fields[name] = [item.strip() for item in cells[name].split(";")]
        if cells.get("skills"):
            self.fields["skills"] = self._skills(cells["skills"])

    def _cents(self, column: str, text: str) -> int | None:
        cents, problem = read_cents(text, what="A wage")
        if problem is not None:
            self.fail(column, problem)
        return cents

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
            column = COLUMN_OF_FIELD.get(field, field)
            detail = error.field[1] if len(error.field) > 1 else ""
            if detail == "currency":
                column = "currency"
            item = f"item {int(detail) + 1}: " if detail.isdigit() else ""
            self.fail(column, item + error.message)


def read_rows(text: str) -> tuple[list[Row], list[RowError]]:
    """The file's data rows (blank lines skipped), and any problem with its shape
    (``coalition.csv_files.read_records``)."""
    records, problems = read_records(text, columns=COLUMNS, required=REQUIRED_COLUMNS)
    return [Row(record.line, record.cells) for record in records], problems


__all__ = ["COLUMNS", "COLUMN_OF_FIELD", "REQUIRED_COLUMNS", "Row", "read_rows"]
