"""Field rules of a demand signal, shared by the API and the CSV import.

``signal_fields`` checks the fields it is given against the vocabulary it is
handed (sets of occupation codes and skill IDs, so an import of 10,000 rows
checks them in memory), against the signal's current state for the rules that
span fields (horizon, wage range, wage unit, one currency), and against today
for the horizon's bounds. Every problem is reported in one round: a rule that
spans fields runs on the fields that are valid, whatever else is wrong.

Error paths name the API's input fields (``startQuarter``, ``skills.2.level``);
the CSV import maps them to its columns.

Wages (amounts, currencies, their range and unit) are checked by ``wages``.

The horizon: a signal may not end before the current quarter (in the
partnership's time zone: demand for the past is no demand) nor start more than
``MAX_QUARTERS_AHEAD`` quarters after it (five years: further out, no employer
knows). The bounds are checked when a signal is posted and when a change moves
its horizon; a signal whose horizon has passed may still be marked FILLED.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Container
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from coalition.demand.errors import DemandErrorCode as Code
from coalition.demand.models import (
    DemandStatus,
    OpeningsKind,
    SharingLevel,
    WageUnit,
    WorkBasedLearning,
)
from coalition.demand.quarters import (
    QuarterError,
    add_quarters,
    format_quarter,
    parse_quarter,
    quarter_of,
)
from coalition.demand.wages import DEFAULT_CURRENCY, check_wages, wage
from coalition.errors import UserError
from coalition.validation import Checker

E = TypeVar("E", bound=enum.StrEnum)

MAX_OPENINGS = 100_000
MIN_LEVEL, MAX_LEVEL = 1, 4
MAX_SKILLS = 30
MAX_CREDENTIALS = 20
MAX_CREDENTIAL = 200
MAX_CITY = 120
MAX_EXTERNAL_ID = 100
MAX_QUARTERS_AHEAD = 20
POSTAL_CODE = re.compile(r"^\d{5}(-\d{4})?$")

# A status may move along these arrows; FILLED and WITHDRAWN are final.
TRANSITIONS: dict[DemandStatus, frozenset[DemandStatus]] = {
    DemandStatus.DRAFT: frozenset(
        {DemandStatus.DRAFT, DemandStatus.ACTIVE, DemandStatus.WITHDRAWN}
    ),
    DemandStatus.ACTIVE: frozenset(
        {DemandStatus.ACTIVE, DemandStatus.FILLED, DemandStatus.WITHDRAWN}
    ),
    DemandStatus.FILLED: frozenset(),
    DemandStatus.WITHDRAWN: frozenset(),
}
INITIAL_STATUSES = frozenset({DemandStatus.DRAFT, DemandStatus.ACTIVE})


class _Invalid:
    """The value of a field that failed its own check: rules spanning it are skipped."""


INVALID = _Invalid()


@dataclass(frozen=True)
class Vocabulary:
    """The occupation codes and skill IDs that exist (or at least those asked about)."""

    occupation_codes: Container[str]
    skill_ids: Container[str]


def defaults() -> dict[str, Any]:
    """The values a new signal takes for the fields it was not given."""
    return {
        "skills": [],
        "external_id": None,
        "wage_min_minor": None,
        "wage_max_minor": None,
        "wage_unit": None,
        "currency": DEFAULT_CURRENCY,
        "is_degree_required": False,
        "credentials": [],
        "work_based_learning": [],
        "city": None,
        "postal_code": None,
        "sharing_level": SharingLevel.POOLED,
        "status": DemandStatus.ACTIVE,
    }


REQUIRED_ON_CREATE = (
    "occupation_code",
    "openings",
    "start_quarter",
    "end_quarter",
    "openings_kind",
)


def _occupation(check: Checker, value: Any, vocabulary: Vocabulary) -> str | None:
    code = str(value).strip() if value is not None else ""
    if not code:
        check.add(("occupationCode",), "occupationCode is required.", Code.REQUIRED)
        return None
    if code not in vocabulary.occupation_codes:
        check.add(("occupationCode",), f"No occupation with SOC code {code!r}.", Code.NOT_FOUND)
        return None
    return code


def _openings(check: Checker, value: Any) -> int | None:
    openings = check.integer(("openings",), value, name="openings")
    if openings is not None and not 1 <= openings <= MAX_OPENINGS:
        check.add(
            ("openings",), f"openings must be between 1 and {MAX_OPENINGS}.", Code.OUT_OF_RANGE
        )
        return None
    return openings


def _quarter(check: Checker, field: str, value: Any) -> date | None:
    if value is None or not str(value).strip():
        check.add((field,), f"{field} is required.", Code.REQUIRED)
        return None
    try:
        return parse_quarter(str(value))
    except QuarterError as error:
        check.add((field,), str(error), Code.INVALID)
        return None


def _skills(check: Checker, value: Any, vocabulary: Vocabulary) -> list[tuple[str, int]] | None:
    items = list(value or [])
    if len(items) > MAX_SKILLS:
        check.add(("skills",), f"A signal lists at most {MAX_SKILLS} skills.", Code.TOO_MANY)
        return None
    before = len(check.errors)
    cleaned: list[tuple[str, int]] = []
    seen: set[str] = set()
    for index, (raw_id, raw_level) in enumerate(items):
        position = ("skills", str(index))
        skill_id = str(raw_id).strip()
        if skill_id in seen:
            check.add(
                (*position, "skillId"), f"Skill {skill_id!r} is listed twice.", Code.DUPLICATE
            )
        elif skill_id not in vocabulary.skill_ids:
            check.add((*position, "skillId"), f"No skill with ID {skill_id!r}.", Code.NOT_FOUND)
        seen.add(skill_id)
        level = check.integer((*position, "level"), raw_level, name="level")
        if level is not None and not MIN_LEVEL <= level <= MAX_LEVEL:
            check.add(
                (*position, "level"),
                f"level must be between {MIN_LEVEL} and {MAX_LEVEL}.",
                Code.OUT_OF_RANGE,
            )
        if level is not None:
            cleaned.append((skill_id, level))
    return cleaned if len(check.errors) == before else None


def _credentials(check: Checker, value: Any) -> list[str] | None:
    items = list(value or [])
    if len(items) > MAX_CREDENTIALS:
        check.add(("credentials",), f"List at most {MAX_CREDENTIALS} credentials.", Code.TOO_MANY)
        return None
    cleaned: list[str] = []
    before = len(check.errors)
    for index, item in enumerate(items):
        text = check.text(
            ("credentials", str(index)),
            None if item is None else str(item),
            required=True,
            limit=MAX_CREDENTIAL,
        )
        if text is not None:
            cleaned.append(text)
    return cleaned if len(check.errors) == before else None


def _work_based_learning(check: Checker, value: Any) -> list[str] | None:
    kinds: list[str] = []
    before = len(check.errors)
    for index, item in enumerate(value or []):
        kind = check.choice_by_name(
            ("workBasedLearning", str(index)), item, WorkBasedLearning, name="workBasedLearning"
        )
        if kind is not None and kind.value not in kinds:
            kinds.append(kind.value)
    if len(check.errors) != before:
        return None
    if WorkBasedLearning.NONE.value in kinds and len(kinds) > 1:
        check.add(("workBasedLearning",), "NONE cannot be combined with other kinds.", Code.INVALID)
        return None
    return kinds


def _optional_text(check: Checker, field: str, value: Any, limit: int) -> str | None:
    return check.text((field,), None if value is None else str(value), required=False, limit=limit)


def _postal_code(check: Checker, value: Any) -> str | None:
    code = _optional_text(check, "postalCode", value, 10)
    if code is not None and not POSTAL_CODE.match(code):
        check.add(
            ("postalCode",), "postalCode must be a ZIP code: 12345 or 12345-6789.", Code.INVALID
        )
        return None
    return code


def _status(check: Checker, value: Any, current: DemandStatus | None) -> DemandStatus | None:
    status = check.choice_by_name(("status",), value, DemandStatus, name="status")
    if status is None:
        return None
    allowed = INITIAL_STATUSES if current is None else TRANSITIONS[current]
    if status not in allowed:
        origin = "a new signal" if current is None else f"a {current.value} signal"
        check.add(("status",), f"{origin} cannot become {status.value}.", Code.INVALID_TRANSITION)
        return None
    return status


def _named(check: Checker, field: str, value: Any, kind: type[E]) -> E | None:
    return check.choice_by_name((field,), value, kind, name=field)


def _optional_named(check: Checker, field: str, value: Any, kind: type[E]) -> E | None:
    return None if value is None else _named(check, field, value, kind)


def _is_degree_required(check: Checker, value: Any) -> bool | None:
    if not isinstance(value, bool):
        check.add(("isDegreeRequired",), "isDegreeRequired must be true or false.", Code.INVALID)
        return None
    return value


def signal_fields(
    values: dict[str, Any],
    *,
    current: dict[str, Any] | None,
    vocabulary: Vocabulary,
    today: date,
) -> tuple[dict[str, Any], list[UserError]]:
    """Check the given fields; with ``current`` None a new signal (every required field).

    ``values`` holds: occupation_code, openings, start_quarter and end_quarter ("2027Q1"),
    openings_kind, skills [(skill_id, level)], wage_min and wage_max ((amount in cents,
    currency) or None to clear), wage_unit, is_degree_required, credentials,
    work_based_learning, city, postal_code, external_id, sharing_level, status.
    ``today`` is the date in the partnership's time zone (the horizon's bounds). The
    result holds column values (``wage_min_minor``, ``currency``...) for the given
    fields only, plus ``skills`` when given, and every problem found, all at once.
    """
    check = Checker()
    cleaned: dict[str, Any] = {}
    creating = current is None
    for name in REQUIRED_ON_CREATE:
        if creating and name not in values:
            values = {**values, name: None}

    def take(column: str, read: Callable[..., Any], *arguments: Any) -> None:
        """The column's checked value, or INVALID when its check added a problem."""
        before = len(check.errors)
        value = read(check, *arguments)
        cleaned[column] = value if len(check.errors) == before else INVALID

    if "occupation_code" in values:
        take("occupation_code", _occupation, values["occupation_code"], vocabulary)
    if "openings" in values:
        take("openings", _openings, values["openings"])
    for name, field in (("start_quarter", "startQuarter"), ("end_quarter", "endQuarter")):
        if name in values:
            take(name, _quarter, field, values[name])
    if "openings_kind" in values:
        take("openings_kind", _named, "openingsKind", values["openings_kind"], OpeningsKind)
    if "skills" in values:
        take("skills", _skills, values["skills"], vocabulary)
    currencies: dict[str, str] = {}
    for name, field in (("wage_min", "wageMin"), ("wage_max", "wageMax")):
        if name in values:
            before = len(check.errors)
            cents, currency = wage(check, field, values[name])
            cleaned[f"{name}_minor"] = cents if len(check.errors) == before else INVALID
            if currency is not None:
                currencies[field] = currency
    if "wage_unit" in values:
        take("wage_unit", _optional_named, "wageUnit", values["wage_unit"], WageUnit)
    if "is_degree_required" in values:
        take("is_degree_required", _is_degree_required, values["is_degree_required"])
    if "credentials" in values:
        take("credentials", _credentials, values["credentials"])
    if "work_based_learning" in values:
        take("work_based_learning", _work_based_learning, values["work_based_learning"])
    if "city" in values:
        take("city", _optional_text, "city", values["city"], MAX_CITY)
    if "postal_code" in values:
        take("postal_code", _postal_code, values["postal_code"])
    if "external_id" in values:
        take("external_id", _optional_text, "externalId", values["external_id"], MAX_EXTERNAL_ID)
    if "sharing_level" in values:
        take("sharing_level", _named, "sharingLevel", values["sharing_level"], SharingLevel)
    if "status" in values:
        take("status", _status, values["status"], None if current is None else current["status"])
    _check_horizon(check, cleaned, current, today)
    check_wages(check, cleaned, {**(current or defaults()), **cleaned}, currencies, given=values)
    return {k: v for k, v in cleaned.items() if v is not INVALID}, check.errors


def _moves_horizon(cleaned: dict[str, Any], current: dict[str, Any] | None) -> bool:
    if current is None:
        return True
    return any(
        name in cleaned and cleaned[name] != current[name]
        for name in ("start_quarter", "end_quarter")
    )


def _check_horizon(
    check: Checker, cleaned: dict[str, Any], current: dict[str, Any] | None, today: date
) -> None:
    """The horizon as it would be: ordered, and (when it is set or moved) within bounds."""
    merged = {**(current or {}), **cleaned}
    start, end = merged.get("start_quarter"), merged.get("end_quarter")
    if isinstance(start, date) and isinstance(end, date) and end < start:
        check.add(("endQuarter",), "endQuarter must not be before startQuarter.", Code.OUT_OF_RANGE)
    if not _moves_horizon(cleaned, current):
        return
    this_quarter = quarter_of(today)
    if isinstance(end, date) and end < this_quarter:
        check.add(
            ("endQuarter",),
            f"endQuarter must not be before the current quarter, {format_quarter(this_quarter)}.",
            Code.OUT_OF_RANGE,
        )
    latest = add_quarters(this_quarter, MAX_QUARTERS_AHEAD)
    if isinstance(start, date) and start > latest:
        check.add(
            ("startQuarter",),
            f"startQuarter must be at most {MAX_QUARTERS_AHEAD} quarters ahead: "
            f"{format_quarter(latest)} or earlier.",
            Code.OUT_OF_RANGE,
        )


__all__ = [
    "INITIAL_STATUSES",
    "MAX_CREDENTIALS",
    "MAX_EXTERNAL_ID",
    "MAX_OPENINGS",
    "MAX_QUARTERS_AHEAD",
    "MAX_SKILLS",
    "TRANSITIONS",
    "Vocabulary",
    "defaults",
    "signal_fields",
]
