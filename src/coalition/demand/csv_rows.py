"""The demand CSV file: its columns, and its rows read into the fields of a signal.

The file is UTF-8 CSV (comma-separated, double-quoted where needed), one
demand signal per row, its lines ended by LF, CRLF or a bare CR (classic Mac OS;
inside a quoted cell a line break is part of the value), with a header on the
first line naming its columns in any order (``csv_import`` lists them and what
each holds; the first five are required). Reading checks the file's shape and
each cell's format (amounts, yes/no, skills); ``validation`` checks the values.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

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
MAX_ROWS = 100_000
YES = frozenset({"yes", "y", "true", "1"})
NO = frozenset({"no", "n", "false", "0"})
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


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str


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
            answer = cells["degree_required"].lower()
            if answer not in YES | NO:
                self.fail("degree_required", "Write yes or no.")
            self.fields["is_degree_required"] = answer in YES
        for name in ("credentials", "work_based_learning"):
            if cells.get(name):
                self.fields[name] = [item.strip() for item in cells[name].split(";")]
        if cells.get("skills"):
            self.fields["skills"] = self._skills(cells["skills"])

    def _cents(self, column: str, text: str) -> int | None:
        cleaned = text.replace("$", "").replace(",", "").strip()
        try:
            amount = Decimal(cleaned)
        except InvalidOperation:
            self.fail(column, f"{text!r} is not an amount like 23.50.")
            return None
        exponent = amount.as_tuple().exponent
        if not amount.is_finite() or not isinstance(exponent, int):
            self.fail(column, f"{text!r} is not an amount like 23.50.")
            return None
        if exponent < -2:
            self.fail(column, "Give at most 2 decimals (whole cents).")
            return None
        if amount < 0:
            self.fail(column, "A wage cannot be negative.")
            return None
        return int(amount * 100)

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
    """The file's data rows (blank lines skipped), and any problem with its shape.

    Never raises on what a file holds: an empty file, or a malformed one (a quote never
    closed, a stray quote in a cell, an over-long cell), is a problem on the line of the
    row where it was found, and no rows.
    """
    text = text.lstrip("\ufeff")
    if not text.strip():
        return [], [RowError(1, "header", "The file is empty: its first line must be the header.")]
    # newline="": the reader, not the line splitter, decides what a line break means, so
    # CR, LF and CRLF all end a row and a break inside quotes stays in the cell.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    filled = 0
    line = 1
    while True:
        try:
            record = next(reader, None)
        except csv.Error as error:
            return [], [RowError(line, "row", _malformed(str(error)))]
        if record is None:
            break
        records.append((line, record))
        line = reader.line_num + 1
        filled += any(cell.strip() for cell in record)
        if filled > MAX_ROWS + 1:
            return [], [RowError(line, "row", f"A file holds at most {MAX_ROWS} rows.")]
    return _rows(records)


def _malformed(reason: str) -> str:
    if reason == "unexpected end of data":
        detail = "a quoted cell is never closed"
    elif reason.startswith("field larger than field limit"):
        detail = f"a cell is longer than {csv.field_size_limit()} characters"
    else:
        detail = 'a quote inside a cell must be doubled ("") and the cell quoted'
    return f"The file is not valid CSV from this row on: {detail}."


def _rows(records: list[tuple[int, list[str]]]) -> tuple[list[Row], list[RowError]]:
    header = [name.strip().lower() for name in records[0][1]]
    problems: list[RowError] = []
    unnamed = [str(number) for number, name in enumerate(header, start=1) if not name]
    unknown = [name for name in header if name and name not in COLUMNS]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if unnamed:
        message = f"Every column needs a name; these have none: {', '.join(unnamed)}."
        problems.append(RowError(1, "header", message))
    if unknown:
        problems.append(RowError(1, unknown[0], f"Unknown columns: {', '.join(unknown)}."))
    if missing:
        problems.append(RowError(1, missing[0], f"Missing columns: {', '.join(missing)}."))
    named = [name for name in header if name]
    if len(set(named)) != len(named):
        problems.append(RowError(1, "header", "A column is named twice."))
    if problems:
        return [], problems
    rows: list[Row] = []
    for line, record in records[1:]:
        if any(cell.strip() for cell in record):
            if len(record) > len(header):
                problems.append(RowError(line, "row", "The row has more cells than the header."))
            else:
                rows.append(Row(line, dict(zip(header, (c.strip() for c in record), strict=False))))
    if not rows and not problems:
        problems.append(RowError(1, "row", "The file has no rows under its header."))
    return rows, problems


__all__ = ["COLUMNS", "COLUMN_OF_FIELD", "REQUIRED_COLUMNS", "Row", "RowError", "read_rows"]
