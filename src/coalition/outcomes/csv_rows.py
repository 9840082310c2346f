"""The participant file's rows, read into the fields ``validation.record_fields`` takes.

``coalition.csv_files`` reads the file's shape; ``layout`` says what each column is;
this module turns each cell into a typed value (dates as ``2027-09-01`` or the PIRL's
``20270901``, codes or names, yes/no, amounts like ``23.50``), the member's program,
cohort, initiative and employer from their names, and names each of the validation's
problems by the column it came from. A column left out of the file leaves the field of
a record it updates as it is; an empty cell clears it. A cell the export guarded against
spreadsheet formulas (``'=...``) is read without its apostrophe (``read_text_cell``).
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from coalition.csv_files import (
    Record,
    RowError,
    read_cents,
    read_records,
    read_text_cell,
    read_yes_no,
)
from coalition.errors import UserError
from coalition.outcomes.layout import (
    BY_FIELD,
    BY_HEADER,
    CODE_HINTS,
    CODES,
    ENUM_OF_FIELD,
    GAIN_COLUMNS,
    NONE_CODES,
    REQUIRED,
)
from coalition.outcomes.models import MAX_CREDENTIALS, RACES, Barrier, SkillGainType
from coalition.outcomes.validation import API_NAMES

MAX_ROWS = 20_000
OTHER = "other"
COLUMN_OF_API = {api: BY_FIELD[name].name for name, api in API_NAMES.items() if name in BY_FIELD}
COLUMN_OF_API |= {"employerId": "employer", "employerIsOther": "employer"}


def normalized(name: str) -> str:
    return " ".join(name.split()).lower()


@dataclass
class Names:
    """What a file's names stand for: the member's programs (by program_id and by
    name), their cohorts (by program and start date), the tenant's initiatives and
    organizations (by name, any case and spacing)."""

    program_by_external_id: dict[str, uuid.UUID] = field(default_factory=dict)
    programs_by_name: dict[str, list[uuid.UUID]] = field(default_factory=dict)
    cohorts: dict[tuple[uuid.UUID, date], list[uuid.UUID]] = field(default_factory=dict)
    initiatives: dict[str, uuid.UUID] = field(default_factory=dict)
    organizations: dict[str, uuid.UUID] = field(default_factory=dict)


def read_day(text: str) -> date | None:
    """``2027-09-01`` or the PIRL's ``20270901``; None for anything else."""
    cleaned = text.strip()
    if len(cleaned) == 8 and cleaned.isdigit():
        cleaned = f"{cleaned[:4]}-{cleaned[4:6]}-{cleaned[6:]}"
    try:
        return date.fromisoformat(cleaned)
    except ValueError:
        return None


def read_code(text: str, codes: dict[str, object], kind: type[enum.StrEnum]) -> Any:
    """A PIRL code or an enum name (any case, dashes or spaces for underscores)."""
    key = text.strip().lower().replace("-", "_").replace(" ", "_")
    if key in codes:
        return codes[key]
    try:
        return kind(key.upper())
    except ValueError:
        return None


class Row:
    """One data row, read into the fields ``validation.record_fields`` takes."""

    def __init__(self, record: Record, headers: dict[str, str]) -> None:
        self.line = record.line
        # By column name, whether the header gave the name or the element number.
        self.cells = {
            BY_HEADER[header].name: read_text_cell(value) for header, value in record.cells.items()
        }
        self.headers = headers
        self.errors: list[RowError] = []
        self.fields: dict[str, Any] = {}
        self.gain_columns: list[str] = []

    @property
    def identifier(self) -> str | None:
        return self.cells.get("participant_identifier") or None

    def fail(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.line, self.headers.get(column, column), message))

    def read(self, names: Names) -> None:
        cells = self.cells
        self.fields["participant_identifier"] = cells.get("participant_identifier") or None
        for name in ("entry_date", "exit_date"):
            self._day(BY_FIELD[name].name, name)
        for name, (codes, kind) in ENUM_OF_FIELD.items():
            if name.startswith("credential_"):
                continue
            column = BY_FIELD[name].name
            if column in cells:
                text = cells[column]
                if text.strip() in NONE_CODES.get(codes, ()):
                    text = ""
                value = read_code(text, CODES[codes], kind) if text else None
                if text and value is None:
                    hint = f" {CODE_HINTS[codes]}" if codes in CODE_HINTS else ""
                    self.fail(column, f"Use a PIRL code{hint} or one of {', '.join(kind)}.")
                else:
                    self.fields[name] = value
        for name in (
            *RACES,
            "training_completed",
            "is_related_to_training",
            "same_employer_q2_q4",
        ):
            self._yes_no(BY_FIELD[name].name, name)
        if "barriers" in cells:
            self._barriers(cells["barriers"])
        for name in ("hourly_wage_cents", "earnings_q2_cents", "earnings_q4_cents"):
            column = BY_FIELD[name].name
            if column in cells:
                cents, problem = read_cents(cells[column]) if cells[column] else (None, None)
                if problem is not None:
                    self.fail(column, problem)
                else:
                    self.fields[name] = cents
        if "occupational_code" in cells:
            self.fields["occupation_code"] = cells["occupational_code"] or None
        self._credentials()
        self._gains()
        self._names(names)

    def _day(self, column: str, name: str) -> date | None:
        if column not in self.cells:
            return None
        text = self.cells[column]
        day = read_day(text) if text else None
        if text and day is None:
            self.fail(column, "Write a date as 2027-09-01 or 20270901.")
            return None
        self.fields[name] = day
        return day

    def _yes_no(self, column: str, name: str) -> None:
        if column not in self.cells:
            return
        text = self.cells[column]
        answer = read_yes_no(text) if text else None
        if text and answer is None:
            self.fail(column, "Write yes or no (or 1 or 0), or leave it empty.")
        else:
            self.fields[name] = answer

    def _barriers(self, text: str) -> None:
        barriers = []
        for item in filter(None, (part.strip() for part in text.split(";"))):
            try:
                barriers.append(Barrier(item.upper().replace(" ", "_").replace("-", "_")))
            except ValueError:
                self.fail(
                    "barriers", f"Separate barriers with ;, each one of {', '.join(Barrier)}."
                )
                return
        self.fields["barriers"] = barriers

    def _credentials(self) -> None:
        present = [
            n
            for n in range(1, MAX_CREDENTIALS + 1)
            if f"type_of_recognized_credential_{n}" in self.cells
        ]
        if not present:
            return
        credentials = []
        for n in present:
            type_column = f"type_of_recognized_credential_{n}"
            date_column = f"date_attained_recognized_credential_{n}"
            type_text, date_text = self.cells[type_column], self.cells.get(date_column, "")
            if not type_text and not date_text:
                continue
            codes, kind = ENUM_OF_FIELD[f"credential_{n}_type"]
            kind_value = read_code(type_text, CODES[codes], kind) if type_text else None
            if type_text and kind_value is None:
                self.fail(type_column, f"Use a PIRL code 1 to 7 or one of {', '.join(kind)}.")
            day = read_day(date_text) if date_text else None
            if date_text and day is None:
                self.fail(date_column, "Write a date as 2027-09-01 or 20270901.")
            credentials.append((kind_value, day))
        self.fields["credentials"] = credentials

    def _gains(self) -> None:
        present = [(kind, column) for kind, column in GAIN_COLUMNS.items() if column in self.cells]
        if not present:
            return
        gains: list[tuple[SkillGainType, date | None]] = []
        for kind, column in present:
            text = self.cells[column]
            if not text:
                continue
            day = read_day(text)
            if day is None:
                self.fail(column, "Write a date as 2027-09-01 or 20270901.")
            gains.append((kind, day))
            self.gain_columns.append(column)
        self.fields["skill_gains"] = gains

    def _names(self, names: Names) -> None:
        cells = self.cells
        program_id: uuid.UUID | None = None
        if "program" in cells:
            text = cells["program"]
            if text:
                program_id = names.program_by_external_id.get(text)
                if program_id is None:
                    found = names.programs_by_name.get(normalized(text), [])
                    if len(found) == 1:
                        program_id = found[0]
                    elif found:
                        self.fail("program", "Two programs have this name: use its program_id.")
                    else:
                        self.fail(
                            "program",
                            "No program of this organization has this program_id or name.",
                        )
            self.fields["program_id"] = program_id
        if "cohort_start" in cells:
            text = cells["cohort_start"]
            cohort_id = None
            if text:
                day = read_day(text)
                found = names.cohorts.get((program_id, day), []) if program_id and day else []
                if len(found) == 1:
                    cohort_id = found[0]
                elif found:
                    self.fail("cohort_start", "Two cohorts of the program start on this day.")
                else:
                    self.fail("cohort_start", "No cohort of the row's program starts on this day.")
            self.fields["cohort_id"] = cohort_id
        if "initiative" in cells:
            text = cells["initiative"]
            initiative = names.initiatives.get(normalized(text)) if text else None
            if text and initiative is None:
                self.fail("initiative", "No initiative of the partnership has this name.")
            self.fields["initiative_id"] = initiative
        if "employer" in cells:
            text = cells["employer"]
            is_other = normalized(text) == OTHER
            employer = names.organizations.get(normalized(text)) if text and not is_other else None
            if text and not is_other and employer is None:
                self.fail(
                    "employer",
                    "No member organization has this name (write other for a non-member).",
                )
            self.fields["employer_organization_id"] = employer
            self.fields["employer_is_other"] = is_other

    def report(self, errors: list[UserError]) -> None:
        """Name each of the validation's problems by its column; a column whose cell
        could not be read has its problem already (not a second one, like "required")."""
        unreadable = {error.column for error in self.errors}
        for error in errors:
            name, *rest = error.field
            if name == "credentials" and rest and rest[0].isdigit():
                n = int(rest[0]) + 1
                column = (
                    f"date_attained_recognized_credential_{n}"
                    if rest[-1] == "attainedOn"
                    else f"type_of_recognized_credential_{n}"
                )
            elif (
                name == "skillGains"
                and rest
                and rest[0].isdigit()
                and int(rest[0]) < len(self.gain_columns)
            ):
                column = self.gain_columns[int(rest[0])]
            else:
                column = COLUMN_OF_API.get(name, name)
            if self.headers.get(column, column) not in unreadable:
                self.fail(column, error.message)


def read_rows(text: str, names: Names) -> tuple[list[Row], list[RowError]]:
    """The file's data rows (blank lines skipped), read, and any problem with its shape:
    a header naming a column twice (by name and by number) or lacking a required one."""
    records, problems = read_records(text, columns=tuple(BY_HEADER), required=(), max_rows=MAX_ROWS)
    headers: dict[str, str] = {}
    if records:
        given = dict.fromkeys(header for record in records for header in record.cells)
        for header in given:
            column = BY_HEADER[header].name
            if column in headers:
                problems.append(RowError(1, header, f"{header!r} names the column {column} twice."))
            headers[column] = header
        missing = [name for name in REQUIRED if name not in headers]
        if missing:
            problems.append(RowError(1, missing[0], f"Missing columns: {', '.join(missing)}."))
    if problems:
        return [], problems
    rows = [Row(record, headers) for record in records]
    for row in rows:
        row.read(names)
    return rows, problems


__all__ = ["MAX_ROWS", "OTHER", "Names", "Row", "normalized", "read_day", "read_rows"]
