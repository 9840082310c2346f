"""Field rules of participant records, shared by the API and the CSV import.

``record_fields`` checks the fields it is given (typed values: the GraphQL layer and
the CSV reader parse text first) against the references it is handed (the programs,
cohorts, initiatives, organizations and SOC codes asked about that exist, so a file
of many rows is checked in memory) and against the record as it would be, for rules
that span fields. Every problem is reported in one round, each with the API input path
of its field (``entryDate``, ``credentials.1.attainedOn``).

Decisions:

- The participant identifier is the member's own (PIRL 100): 1 to 40 characters, no
  control characters, and never an SSN: nine digits, alone or grouped 3-2-4 with
  dashes or spaces, are refused (LOOKS_LIKE_SSN), whatever surrounds them.
- Exit (PIRL 901) is not before entry (900); an exit reason (923) needs an exit date.
  No date is before 1990 or more than a year ahead.
- A credential (type and date, PIRL 1800-1805, at most three) and a skill gain (one
  date per type, PIRL 1806-1810) is not dated before entry.
- The employer is a member organization of the partnership or "other", not both.
- The hourly wage at placement is 1 cent to $500.00; quarterly earnings $0 to
  $1,000,000.00 (in cents): anything outside is a typing mistake far more often than
  a fact.
- "Did not self-identify" (PIRL 216) excludes any race answered yes.
- The type of training service (PIRL 1303) is one of its eleven types or none; whether
  training was completed (no PIRL element: to verify) and retention with the same
  employer in the 2nd and 4th quarters after exit (PIRL 1618) are yes, no or not
  recorded. Retention with the same employer is not yes while the 2nd or 4th quarter
  after exit is recorded as not employed.
- A cohort is of the member's own program, and of the program given if both are.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Container
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from coalition.errors import UserError
from coalition.outcomes.errors import OutcomeErrorCode as Code
from coalition.outcomes.models import (
    MAX_CREDENTIALS,
    RACES,
    SKILL_GAIN_COLUMNS,
    Barrier,
    CredentialType,
    EmploymentStatus,
    SkillGainType,
    TrainingServiceType,
)
from coalition.validation import Checker

MAX_IDENTIFIER = 40
MAX_HOURLY_WAGE_CENTS = 50_000
MAX_QUARTERLY_EARNINGS_CENTS = 100_000_000
EARLIEST = date(1990, 1, 1)
SSN = re.compile(r"(?<!\d)\d{3}([- ]?)\d{2}\1\d{4}(?!\d)")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
AMOUNT = re.compile(r"^-?[0-9]{1,15}$")

API_NAMES: dict[str, str] = {
    "participant_identifier": "participantIdentifier",
    "program_id": "programId",
    "cohort_id": "cohortId",
    "initiative_id": "initiativeId",
    "entry_date": "entryDate",
    "exit_date": "exitDate",
    "exit_reason": "exitReason",
    "sex": "sex",
    "hispanic_latino": "hispanicLatino",
    "american_indian_alaska_native": "americanIndianAlaskaNative",
    "asian": "asian",
    "black_african_american": "blackAfricanAmerican",
    "native_hawaiian_pacific_islander": "nativeHawaiianPacificIslander",
    "white": "white",
    "race_not_self_identified": "raceNotSelfIdentified",
    "age_band": "ageBand",
    "veteran_status": "veteranStatus",
    "barriers": "barriers",
    "training_service_type": "trainingServiceType",
    "training_completed": "trainingCompleted",
    "credentials": "credentials",
    "employed_q1": "employedQ1",
    "employed_q2": "employedQ2",
    "employed_q3": "employedQ3",
    "employed_q4": "employedQ4",
    "employer_organization_id": "employerId",
    "employer_is_other": "employerIsOther",
    "occupation_code": "occupationCode",
    "hourly_wage_cents": "hourlyWage",
    "earnings_q2_cents": "earningsQ2",
    "earnings_q4_cents": "earningsQ4",
    "is_related_to_training": "isRelatedToTraining",
    "same_employer_q2_q4": "sameEmployerQ2Q4",
    "skill_gains": "skillGains",
}
"""The fields ``record_fields`` takes, and the API input name each problem is put on."""
REQUIRED = ("participant_identifier", "entry_date")
CREDENTIAL_COLUMNS = tuple(
    (f"credential_{n}_type", f"credential_{n}_on") for n in range(1, MAX_CREDENTIALS + 1)
)
# Fields stored as they come (their type is the check: enums, booleans).
PLAIN = (
    "exit_reason",
    "sex",
    *RACES,
    "age_band",
    "veteran_status",
    "employed_q1",
    "employed_q2",
    "employed_q3",
    "employed_q4",
    "is_related_to_training",
)
# Answers checked for their type here: the API's parser and the file's reader give
# these, but a service caller could hand anything.
YES_NO = ("training_completed", "same_employer_q2_q4")


@dataclass(frozen=True)
class References:
    """What the fields may point at: the reporting member's programs (program ID to its
    organization), cohorts of those (cohort ID to program ID), the tenant's initiatives
    and organizations, and the SOC codes that exist (or at least those asked about)."""

    programs: dict[uuid.UUID, uuid.UUID] = field(default_factory=dict)
    cohorts: dict[uuid.UUID, uuid.UUID] = field(default_factory=dict)
    initiative_ids: Container[uuid.UUID] = frozenset()
    organization_ids: Container[uuid.UUID] = frozenset()
    occupation_codes: Container[str] = frozenset()


def looks_like_ssn(text: str) -> bool:
    """Whether ``text`` holds nine digits that could be a Social Security number."""
    return SSN.search(text) is not None


def _dollars(cents: int) -> str:
    return f"${cents // 100:,}.{cents % 100:02d}"


def _path(name: str, *rest: str) -> tuple[str, ...]:
    return (API_NAMES[name], *rest)


class _Check:
    def __init__(self, latest: date) -> None:
        self.check = Checker()
        self.latest = latest

    def add(self, path: tuple[str, ...], message: str, code: str) -> None:
        self.check.add(path, message, code)

    def identifier(self, value: Any) -> str | None:
        path = _path("participant_identifier")
        text = value.strip() if isinstance(value, str) else ""
        if not text:
            self.add(path, "A participant identifier is required.", Code.REQUIRED)
            return None
        if len(text) > MAX_IDENTIFIER:
            self.add(path, f"Use at most {MAX_IDENTIFIER} characters.", Code.TOO_LONG)
            return None
        if CONTROL.search(text):
            self.add(path, "The identifier may not hold control characters.", Code.INVALID)
            return None
        if looks_like_ssn(text):
            self.add(
                path,
                "This looks like a Social Security number; use your own participant ID.",
                Code.LOOKS_LIKE_SSN,
            )
            return None
        return text

    def day(self, path: tuple[str, ...], value: Any, *, required: bool) -> date | None:
        if value is None:
            if required:
                self.add(path, "A date is required.", Code.REQUIRED)
            return None
        if not isinstance(value, date):
            self.add(path, "Give a date: 2027-09-01.", Code.INVALID)
            return None
        if not EARLIEST <= value <= self.latest:
            message = f"The date must be between {EARLIEST} and {self.latest}."
            self.add(path, message, Code.OUT_OF_RANGE)
            return None
        return value

    def cents(self, name: str, value: Any, *, low: int, high: int) -> int | None:
        """Whole cents: an int (a file's cell, read already), or the API's (amount in
        minor units as text, currency) pair, in USD."""
        if value is None:
            return None
        path = _path(name)
        if isinstance(value, tuple):
            text, currency = value
            path = (*path, "amountMinor")
            if str(currency).strip().upper() != "USD":
                self.add((*path[:-1], "currency"), "Amounts are in USD.", Code.INVALID)
                return None
            value = int(text) if AMOUNT.match(str(text).strip()) else None
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(path, "Give whole cents as digits, e.g. 2350 for $23.50.", Code.INVALID)
            return None
        if not low <= value <= high:
            message = f"Give between {_dollars(low)} and {_dollars(high)} ({low} to {high} cents)."
            self.add(path, message, Code.OUT_OF_RANGE)
            return None
        return value

    def credentials(self, value: Any) -> list[tuple[CredentialType, date]] | None:
        items = list(value or [])
        if len(items) > MAX_CREDENTIALS:
            message = f"Record at most {MAX_CREDENTIALS} credentials."
            self.add(_path("credentials"), message, Code.TOO_MANY)
            return None
        found: list[tuple[CredentialType, date]] = []
        for index, (kind, attained_on) in enumerate(items):
            path = _path("credentials", str(index))
            if not isinstance(kind, CredentialType):
                self.add((*path, "type"), "A credential needs its type.", Code.REQUIRED)
            day = self.day((*path, "attainedOn"), attained_on, required=True)
            if isinstance(kind, CredentialType) and day is not None:
                found.append((kind, day))
        return found if len(found) == len(items) else None

    def skill_gains(self, value: Any) -> dict[SkillGainType, date] | None:
        found: dict[SkillGainType, date] = {}
        items = list(value or [])
        for index, (kind, achieved_on) in enumerate(items):
            path = _path("skill_gains", str(index))
            if kind in found:
                self.add((*path, "type"), "Each type of skill gain once.", Code.DUPLICATE)
                continue
            day = self.day((*path, "achievedOn"), achieved_on, required=True)
            if isinstance(kind, SkillGainType) and day is not None:
                found[kind] = day
        return found if len(found) == len(items) else None


def _reference(check: _Check, name: str, value: Any, known: Container[Any], noun: str) -> Any:
    if value is not None and value not in known:
        what = "code" if name == "occupation_code" else "ID"
        check.add(_path(name), f"No {noun} with this {what}.", Code.NOT_FOUND)
        return None
    return value


def _stored(cleaned: dict[str, Any]) -> dict[str, Any]:
    """The model's columns for the cleaned fields (credentials and gains spread out)."""
    columns = {k: v for k, v in cleaned.items() if k not in {"credentials", "skill_gains"}}
    if "credentials" in cleaned:
        credentials = cleaned["credentials"]
        for index, (type_column, date_column) in enumerate(CREDENTIAL_COLUMNS):
            item = credentials[index] if index < len(credentials) else (None, None)
            columns[type_column], columns[date_column] = item
    if "skill_gains" in cleaned:
        for kind, column in SKILL_GAIN_COLUMNS.items():
            columns[column] = cleaned["skill_gains"].get(kind)
    if "barriers" in columns:
        columns["barriers"] = [barrier.value for barrier in columns["barriers"]]
    return columns


def record_fields(
    values: dict[str, Any],
    *,
    current: dict[str, Any] | None,
    organization_id: uuid.UUID,
    references: References,
    today: date,
) -> tuple[dict[str, Any], list[UserError]]:
    """Check the given fields of a participant record of ``organization_id``; with
    ``current`` None a new one (participant_identifier and entry_date required).

    ``values`` holds any of ``API_NAMES`` (credentials as (type, date) pairs, skill
    gains as (type, date) pairs, barriers as ``Barrier`` values, money in cents).
    ``current`` is the stored record's columns. Returns the model's columns to write
    (credentials and skill gains spread into theirs) and every problem."""
    if current is None:
        values = {name: None for name in REQUIRED} | values
    check = _Check(today + timedelta(days=366))
    cleaned: dict[str, Any] = {}
    failed: set[str] = set()

    for name in PLAIN:
        if name in values:
            cleaned[name] = values[name]
    if "training_service_type" in values:
        kind = values["training_service_type"]
        if kind is None or isinstance(kind, TrainingServiceType):
            cleaned["training_service_type"] = kind
        else:
            message = f"Give one of {', '.join(TrainingServiceType)}, or null for none."
            check.add(_path("training_service_type"), message, Code.INVALID)
    for name in YES_NO:
        if name in values:
            if values[name] is None or isinstance(values[name], bool):
                cleaned[name] = values[name]
            else:
                check.add(_path(name), "Give true or false, or null.", Code.INVALID)
    if "participant_identifier" in values:
        before = len(check.check.errors)
        identifier = check.identifier(values["participant_identifier"])
        if len(check.check.errors) == before:
            cleaned["participant_identifier"] = identifier
    for name, required in (("entry_date", True), ("exit_date", False)):
        if name in values:
            before = len(check.check.errors)
            day = check.day(_path(name), values[name], required=required)
            if len(check.check.errors) == before:
                cleaned[name] = day
            else:
                failed.add(name)
    if "barriers" in values:
        barriers = list(values["barriers"] or [])
        if len(set(barriers)) != len(barriers):
            check.add(_path("barriers"), "Name each barrier once.", Code.DUPLICATE)
        else:
            cleaned["barriers"] = sorted(Barrier(barrier) for barrier in barriers)
    for name, high in (
        ("hourly_wage_cents", MAX_HOURLY_WAGE_CENTS),
        ("earnings_q2_cents", MAX_QUARTERLY_EARNINGS_CENTS),
        ("earnings_q4_cents", MAX_QUARTERLY_EARNINGS_CENTS),
    ):
        if name in values:
            before = len(check.check.errors)
            low = 1 if name == "hourly_wage_cents" else 0
            amount = check.cents(name, values[name], low=low, high=high)
            if len(check.check.errors) == before:
                cleaned[name] = amount
    if "credentials" in values:
        credentials = check.credentials(values["credentials"])
        if credentials is not None:
            cleaned["credentials"] = credentials
    if "skill_gains" in values:
        gains = check.skill_gains(values["skill_gains"])
        if gains is not None:
            cleaned["skill_gains"] = gains
    for name, known, noun in (
        ("program_id", references.programs, "program of this organization"),
        ("cohort_id", references.cohorts, "cohort of this organization's programs"),
        ("initiative_id", references.initiative_ids, "initiative"),
        ("employer_organization_id", references.organization_ids, "organization"),
        ("occupation_code", references.occupation_codes, "SOC 2018 occupation"),
    ):
        if name in values:
            before = len(check.check.errors)
            found = _reference(check, name, values[name], known, noun)
            if len(check.check.errors) == before:
                cleaned[name] = found
            else:
                failed.add(name)
    program = cleaned.get("program_id")
    if program is not None and references.programs[program] != organization_id:
        message = "No program of this organization with this ID."
        check.add(_path("program_id"), message, Code.NOT_FOUND)
        del cleaned["program_id"]
        failed.add("program_id")
    if "employer_is_other" in values:
        cleaned["employer_is_other"] = bool(values["employer_is_other"])
    cohort = cleaned.get("cohort_id")
    if cohort is not None and cleaned.get("program_id") is None and "program_id" not in failed:
        # A cohort names its program: a record of a cohort is a record of its program.
        cleaned["program_id"] = references.cohorts[cohort]
    stored = _stored(cleaned)
    _spanning(check, {**(current or {}), **stored}, cleaned, failed, references)
    return stored, check.check.errors


def _spanning(
    check: _Check,
    merged: dict[str, Any],
    cleaned: dict[str, Any],
    failed: set[str],
    references: References,
) -> None:
    """The rules that span fields, on the record as it would be."""
    entry = merged.get("entry_date")
    exit_date = merged.get("exit_date")
    if "entry_date" in failed:
        return
    if isinstance(entry, date) and isinstance(exit_date, date) and exit_date < entry:
        name = "exit_date" if "exit_date" in cleaned else "entry_date"
        check.add(_path(name), "The exit date may not be before the entry date.", Code.OUT_OF_RANGE)
    if merged.get("exit_reason") is not None and exit_date is None and "exit_date" not in failed:
        check.add(_path("exit_reason"), "An exit reason needs an exit date.", Code.INVALID)
    if isinstance(entry, date):
        for index, (type_column, date_column) in enumerate(CREDENTIAL_COLUMNS):
            day = merged.get(date_column)
            if merged.get(type_column) is not None and isinstance(day, date) and day < entry:
                check.add(
                    _path("credentials", str(index), "attainedOn"),
                    "A credential may not be attained before the entry date.",
                    Code.OUT_OF_RANGE,
                )
        for index, (kind, column) in enumerate(SKILL_GAIN_COLUMNS.items()):
            day = merged.get(column)
            if isinstance(day, date) and day < entry:
                position = _gain_position(cleaned, kind, index)
                check.add(
                    _path("skill_gains", position, "achievedOn"),
                    "A skill gain may not be dated before the entry date.",
                    Code.OUT_OF_RANGE,
                )
    if merged.get("employer_is_other") and merged.get("employer_organization_id") is not None:
        name = (
            "employer_is_other" if cleaned.get("employer_is_other") else "employer_organization_id"
        )
        check.add(
            _path(name), "The employer is a member organization or other, not both.", Code.INVALID
        )
    races_said = [name for name in RACES[1:-1] if merged.get(name)]
    if merged.get("race_not_self_identified") and races_said:
        check.add(
            _path("race_not_self_identified"),
            "A person who did not self-identify a race has no race answered yes.",
            Code.INVALID,
        )
    if merged.get("same_employer_q2_q4"):
        not_employed = EmploymentStatus.NOT_EMPLOYED
        quarters = [q for q in ("employed_q2", "employed_q4") if merged.get(q) == not_employed]
        if quarters:
            # On the field the caller gave: the retention, else the quarter it changed.
            changed = [q for q in quarters if q in cleaned] or quarters
            name = "same_employer_q2_q4" if "same_employer_q2_q4" in cleaned else changed[0]
            check.add(
                _path(name),
                "Retention with the same employer in the 2nd and 4th quarters after exit "
                "needs employment in both.",
                Code.INVALID,
            )
    cohort = merged.get("cohort_id")
    program = merged.get("program_id")
    if cohort is not None and cohort in references.cohorts and program is not None:
        if references.cohorts[cohort] != program:
            check.add(_path("cohort_id"), "This cohort is of another program.", Code.INVALID)


def _gain_position(cleaned: dict[str, Any], kind: SkillGainType, index: int) -> str:
    gains = cleaned.get("skill_gains")
    if gains is not None and kind in gains:
        return str(list(gains).index(kind))
    return str(index)


__all__ = [
    "API_NAMES",
    "CREDENTIAL_COLUMNS",
    "MAX_HOURLY_WAGE_CENTS",
    "MAX_IDENTIFIER",
    "MAX_QUARTERLY_EARNINGS_CENTS",
    "References",
    "looks_like_ssn",
    "record_fields",
]
