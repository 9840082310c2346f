"""Reading the CSV files people import: one record per row, every problem on its line.

A file is UTF-8 CSV (comma-separated, double-quoted where needed), its lines ended by
LF, CRLF or a bare CR (classic Mac OS; inside a quoted cell a line break is part of the
value), with a header on the first line naming its columns in any order. Each domain's
importer says which columns there are and which are required, and reads the cells of
each row into its own fields; this module checks the file's shape and reads amounts and
yes/no answers the same way for every importer.

Exports write user text through ``text_cell``: a cell a spreadsheet would read as a
formula (spreadsheet formula injection: it starts with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return, possibly after spaces) gets a leading apostrophe, which
spreadsheets show as text and do not evaluate. So does text that already starts with
apostrophes before such a character (``'=1`` is written ``''=1``), so that
``read_text_cell``, with which an importer reads its own exports back, gives every text
back exactly as it was.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from coalition.errors import UserError

DEFAULT_MAX_ROWS = 100_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
YES = frozenset({"yes", "y", "true", "1"})
NO = frozenset({"no", "n", "false", "0"})


@dataclass(frozen=True)
class RowError:
    """A problem with one cell of a file: its line (the header is line 1), its column's
    header name (or ``header``/``row`` for the file's shape) and what is wrong."""

    line: int
    column: str
    message: str


@dataclass(frozen=True)
class Record:
    """One data row: its line, and its cells by column name (stripped)."""

    line: int
    cells: dict[str, str]


UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
UNSTORABLE_MESSAGE = (
    "The row holds a NUL character or a lone surrogate, which a text cell cannot hold."
)


@dataclass(frozen=True)
class ImportReport:
    """What an import did: rows created, updated and unchanged, or (with row errors)
    nothing at all."""

    created_count: int
    updated_count: int
    unchanged_count: int
    row_errors: list[RowError]

    @classmethod
    def refused(cls, problems: list[RowError]) -> ImportReport:
        """The report of a file of which nothing was imported: every problem, by line."""
        return cls(0, 0, 0, sorted(problems, key=lambda error: error.line))

    @property
    def imported_count(self) -> int:
        """Rows of the file taken in: created, updated or found unchanged."""
        return self.created_count + self.updated_count + self.unchanged_count

    def audit_changes(self, noun: str) -> dict[str, dict[str, int | None]]:
        """The ``changes`` of an import's audit event: the counts, under ``noun``
        (``training_programs``) for those created and ``updated_``/``unchanged_`` + noun."""
        return {
            noun: {"from": None, "to": self.created_count},
            f"updated_{noun}": {"from": None, "to": self.updated_count},
            f"unchanged_{noun}": {"from": None, "to": self.unchanged_count},
        }

    def nothing_imported(self) -> UserError | None:
        """The file-level error of a refused file (its rows' errors say what is wrong)."""
        if not self.row_errors:
            return None
        lines = {error.line for error in self.row_errors}
        if 1 in lines:
            message = "The file has errors; nothing was imported."
        elif len(lines) == 1:
            message = "1 row has errors; nothing was imported."
        else:
            message = f"{len(lines)} rows have errors; nothing was imported."
        return UserError(("csv",), message, "INVALID")


def read_records(
    text: str,
    *,
    columns: Sequence[str],
    required: Sequence[str],
    max_rows: int = DEFAULT_MAX_ROWS,
) -> tuple[list[Record], list[RowError]]:
    """The file's data rows (blank lines skipped), and any problem with its shape.

    Never raises on what a file holds: an empty file, or a malformed one (a quote never
    closed, a stray quote in a cell, an over-long cell, a NUL or a lone surrogate, which
    PostgreSQL text cannot hold), is a problem on the line of the row where it was
    found, and no rows.
    """
    text = text.lstrip("\ufeff")
    if not text.strip():
        return [], [RowError(1, "header", "The file is empty: its first line must be the header.")]
    # newline="": the reader, not the line splitter, decides what a line break means, so
    # CR, LF and CRLF all end a row and a break inside quotes stays in the cell.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    raw: list[tuple[int, list[str]]] = []
    filled = 0
    line = 1
    while True:
        try:
            row = next(reader, None)
        except csv.Error as error:
            return [], [RowError(line, "row", _malformed(str(error)))]
        if row is None:
            break
        if any(UNSTORABLE.search(cell) for cell in row):
            return [], [RowError(line, "row", UNSTORABLE_MESSAGE)]
        raw.append((line, row))
        filled += any(cell.strip() for cell in row)
        if filled > max_rows + 1:  # the header and max_rows rows
            return [], [RowError(line, "row", f"A file holds at most {max_rows} rows.")]
        line = reader.line_num + 1
    return _records(raw, columns, required)


def _malformed(reason: str) -> str:
    if reason == "unexpected end of data":
        detail = "a quoted cell is never closed"
    elif reason.startswith("field larger than field limit"):
        detail = f"a cell is longer than {csv.field_size_limit()} characters"
    else:
        detail = 'a quote inside a cell must be doubled ("") and the cell quoted'
    return f"The file is not valid CSV from this row on: {detail}."


def _records(
    raw: list[tuple[int, list[str]]], columns: Sequence[str], required: Sequence[str]
) -> tuple[list[Record], list[RowError]]:
    header = [name.strip().lower() for name in raw[0][1]]
    problems: list[RowError] = []
    unnamed = [str(number) for number, name in enumerate(header, start=1) if not name]
    unknown = [name for name in header if name and name not in columns]
    missing = [name for name in required if name not in header]
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
    records: list[Record] = []
    for line, row in raw[1:]:
        if any(cell.strip() for cell in row):
            if len(row) > len(header):
                problems.append(RowError(line, "row", "The row has more cells than the header."))
            else:
                cells = dict(zip(header, (cell.strip() for cell in row), strict=False))
                records.append(Record(line, cells))
    if not records and not problems:
        problems.append(RowError(1, "row", "The file has no rows under its header."))
    return records, problems


def read_cents(text: str, *, what: str = "An amount") -> tuple[int | None, str | None]:
    """An amount like ``23.50``, ``$52,000`` as whole cents (read exactly, never as a
    float), or the message saying why it is not one."""
    cleaned = text.replace("$", "").replace(",", "").strip()
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        return None, f"{text!r} is not an amount like 23.50."
    exponent = amount.as_tuple().exponent
    if not amount.is_finite() or not isinstance(exponent, int):
        return None, f"{text!r} is not an amount like 23.50."
    if exponent < -2:
        return None, "Give at most 2 decimals (whole cents)."
    if amount < 0:
        return None, f"{what} cannot be negative."
    return int(amount * 100), None


def read_yes_no(text: str) -> bool | None:
    """``yes``/``no`` (and y/n, true/false, 1/0) as a bool; None for anything else."""
    answer = text.strip().lower()
    if answer in YES:
        return True
    if answer in NO:
        return False
    return None


def text_cell(value: str | None) -> str:
    """User text made safe for spreadsheets: an apostrophe before a cell that would start
    a formula (see the module's docstring); None is the empty cell."""
    if not value:
        return ""
    if value.lstrip("'").lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + value
    return value


def read_text_cell(text: str) -> str:
    """The text ``text_cell`` made ``text`` from (for any text, reading what
    ``text_cell`` wrote gives it back): the apostrophe ``text_cell`` adds taken off,
    any other text as it is."""
    if text.startswith("'") and text_cell(text[1:]) == text:
        return text[1:]
    return text


__all__ = [
    "DEFAULT_MAX_ROWS",
    "FORMULA_STARTS",
    "NO",
    "YES",
    "ImportReport",
    "Record",
    "RowError",
    "read_cents",
    "read_records",
    "read_text_cell",
    "read_yes_no",
    "text_cell",
]
