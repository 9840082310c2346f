"""Field rules of a demand signal, shared by the API and the CSV import.

``signal_fields`` checks the fields it is given against the vocabulary it is
handed (sets of occupation codes and skill IDs, so an import of 10,000 rows
checks them in memory) and against the signal's current state for the rules
that span fields (horizon, wage range, wage unit, one currency).

Error paths name the API's input fields (``startQuarter``, ``skills.2.level``);
the CSV import maps them to its columns.

Currencies: wages are integer minor units in one of ``CURRENCIES``, a small,
explicit subset of ISO 4217 (all with two decimal places) that covers the
partnerships we serve; add a code here to accept it.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Container
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from coalition.demand.models import (
    DemandStatus,
    OpeningsKind,
    SharingLevel,
    WageUnit,
    WorkBasedLearning,
)
from coalition.demand.quarters import QuarterError, parse_quarter
from coalition.errors import UserError

E = TypeVar("E", bound=enum.Enum)

CURRENCIES = frozenset({"USD", "CAD", "EUR", "GBP", "MXN"})
DEFAULT_CURRENCY = "USD"
MAX_OPENINGS = 100_000
MAX_WAGE_MINOR = 10_000_000_000
MIN_LEVEL, MAX_LEVEL = 1, 4
MAX_SKILLS = 30
MAX_CREDENTIALS = 20
MAX_CREDENTIAL = 200
MAX_CITY = 120
POSTAL_CODE = re.compile(r"^\d{5}(-\d{4})?$")
INTEGER = re.compile(r"^[+-]?\d{1,19}$")

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

# Given an amount of minor units (an int, or a string of digits) and a currency code.
WageInput = tuple[int | str, str]


@dataclass(frozen=True)
class Vocabulary:
    """The occupation codes and skill IDs that exist (or at least those asked about)."""

    occupation_codes: Container[str]
    skill_ids: Container[str]


def defaults() -> dict[str, Any]:
    """The values a new signal takes for the fields it was not given."""
    return {
        "skills": [],
        "wage_min_cents": None,
        "wage_max_cents": None,
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


class _Checker:
    def __init__(self) -> None:
        self.errors: list[UserError] = []

    def add(self, path: tuple[str, ...], message: str, code: str) -> None:
        self.errors.append(UserError(path, message, code))

    def integer(self, path: tuple[str, ...], value: Any, name: str) -> int | None:
        if value is None:
            self.add(path, f"{name} is required.", "REQUIRED")
            return None
        if isinstance(value, bool):
            self.add(path, f"{name} must be a whole number.", "INVALID")
            return None
        if isinstance(value, int):
            return value
        text = str(value).strip()
        if not INTEGER.match(text):
            self.add(path, f"{name} must be a whole number.", "INVALID")
            return None
        return int(text)

    def choice(self, path: tuple[str, ...], value: Any, kind: type[E], name: str) -> E | None:
        if value is None:
            self.add(path, f"{name} is required.", "REQUIRED")
            return None
        if isinstance(value, kind):
            return value
        if isinstance(value, str):
            key = value.strip().upper().replace("-", "_").replace(" ", "_")
            if key in kind.__members__:
                return kind[key]
        allowed = ", ".join(member.name for member in kind)
        self.add(path, f"{name} must be one of {allowed}.", "INVALID")
        return None

    def text(self, path: tuple[str, ...], value: Any, limit: int, name: str) -> str | None:
        if value is None:
            return None
        cleaned = str(value).strip()
        if len(cleaned) > limit:
            self.add(path, f"{name} must be at most {limit} characters.", "TOO_LONG")
            return None
        return cleaned or None


def _occupation(check: _Checker, value: Any, vocabulary: Vocabulary) -> str | None:
    code = str(value).strip() if value is not None else ""
    if not code:
        check.add(("occupationCode",), "occupationCode is required.", "REQUIRED")
        return None
    if code not in vocabulary.occupation_codes:
        check.add(("occupationCode",), f"No occupation with SOC code {code!r}.", "NOT_FOUND")
        return None
    return code


def _openings(check: _Checker, value: Any) -> int | None:
    openings = check.integer(("openings",), value, "openings")
    if openings is not None and not 1 <= openings <= MAX_OPENINGS:
        check.add(("openings",), f"openings must be between 1 and {MAX_OPENINGS}.", "OUT_OF_RANGE")
        return None
    return openings


def _quarter(check: _Checker, field: str, value: Any) -> date | None:
    if value is None or not str(value).strip():
        check.add((field,), f"{field} is required.", "REQUIRED")
        return None
    try:
        return parse_quarter(str(value))
    except QuarterError as error:
        check.add((field,), str(error), "INVALID")
        return None


def _skills(check: _Checker, value: Any, vocabulary: Vocabulary) -> list[tuple[str, int]] | None:
    items = list(value or [])
    if len(items) > MAX_SKILLS:
        check.add(("skills",), f"A signal lists at most {MAX_SKILLS} skills.", "TOO_MANY")
        return None
    before = len(check.errors)
    cleaned: list[tuple[str, int]] = []
    seen: set[str] = set()
    for index, (raw_id, raw_level) in enumerate(items):
        position = ("skills", str(index))
        skill_id = str(raw_id).strip()
        if skill_id in seen:
            check.add((*position, "skillId"), f"Skill {skill_id!r} is listed twice.", "DUPLICATE")
        elif skill_id not in vocabulary.skill_ids:
            check.add((*position, "skillId"), f"No skill with ID {skill_id!r}.", "NOT_FOUND")
        seen.add(skill_id)
        level = check.integer((*position, "level"), raw_level, "level")
        if level is not None and not MIN_LEVEL <= level <= MAX_LEVEL:
            check.add(
                (*position, "level"),
                f"level must be between {MIN_LEVEL} and {MAX_LEVEL}.",
                "OUT_OF_RANGE",
            )
        if level is not None:
            cleaned.append((skill_id, level))
    return cleaned if len(check.errors) == before else None


def _wage(check: _Checker, field: str, value: WageInput | None) -> tuple[int | None, str | None]:
    if value is None:
        return None, None
    amount, currency = value
    cents = check.integer((field, "amountMinor"), amount, f"{field} amount")
    if cents is not None and not 0 <= cents <= MAX_WAGE_MINOR:
        check.add(
            (field, "amountMinor"),
            f"{field} must be between 0 and {MAX_WAGE_MINOR} minor units.",
            "OUT_OF_RANGE",
        )
        cents = None
    code = str(currency or "").strip().upper()
    if code not in CURRENCIES:
        allowed = ", ".join(sorted(CURRENCIES))
        check.add((field, "currency"), f"currency must be one of {allowed}.", "INVALID")
        return cents, None
    return cents, code


def _credentials(check: _Checker, value: Any) -> list[str] | None:
    items = list(value or [])
    if len(items) > MAX_CREDENTIALS:
        check.add(("credentials",), f"List at most {MAX_CREDENTIALS} credentials.", "TOO_MANY")
        return None
    cleaned: list[str] = []
    before = len(check.errors)
    for index, item in enumerate(items):
        errors_so_far = len(check.errors)
        text = check.text(("credentials", str(index)), item, MAX_CREDENTIAL, "A credential")
        if text is None and len(check.errors) == errors_so_far:
            check.add(("credentials", str(index)), "A credential must not be blank.", "BLANK")
        if text is not None:
            cleaned.append(text)
    return cleaned if len(check.errors) == before else None


def _work_based_learning(check: _Checker, value: Any) -> list[str] | None:
    kinds: list[str] = []
    before = len(check.errors)
    for index, item in enumerate(value or []):
        kind = check.choice(
            ("workBasedLearning", str(index)), item, WorkBasedLearning, "workBasedLearning"
        )
        if kind is not None and kind.value not in kinds:
            kinds.append(kind.value)
    if len(check.errors) != before:
        return None
    if WorkBasedLearning.NONE.value in kinds and len(kinds) > 1:
        check.add(("workBasedLearning",), "NONE cannot be combined with other kinds.", "INVALID")
        return None
    return kinds


def _postal_code(check: _Checker, value: Any) -> str | None:
    code = check.text(("postalCode",), value, 10, "postalCode")
    if code is not None and not POSTAL_CODE.match(code):
        check.add(("postalCode",), "postalCode must be a ZIP code: 12345 or 12345-6789.", "INVALID")
        return None
    return code


def _status(check: _Checker, value: Any, current: DemandStatus | None) -> DemandStatus | None:
    status = check.choice(("status",), value, DemandStatus, "status")
    if status is None:
        return None
    allowed = INITIAL_STATUSES if current is None else TRANSITIONS[current]
    if status not in allowed:
        origin = "a new signal" if current is None else f"a {current.value} signal"
        check.add(("status",), f"{origin} cannot become {status.value}.", "INVALID_TRANSITION")
        return None
    return status


def signal_fields(
    values: dict[str, Any], *, current: dict[str, Any] | None, vocabulary: Vocabulary
) -> tuple[dict[str, Any], list[UserError]]:
    """Check the given fields; with ``current`` None a new signal (every required field).

    ``values`` holds: occupation_code, openings, start_quarter and end_quarter ("2027Q1"),
    openings_kind, skills [(skill_id, level)], wage_min and wage_max ((amount_minor,
    currency) or None to clear), wage_unit, is_degree_required, credentials,
    work_based_learning, city, postal_code, sharing_level, status. The result holds column
    values (``wage_min_cents``, ``currency``...) for the given fields only, plus
    ``skills`` when given.
    """
    check = _Checker()
    cleaned: dict[str, Any] = {}
    creating = current is None
    for name in REQUIRED_ON_CREATE:
        if creating and name not in values:
            values = {**values, name: None}
    if "occupation_code" in values:
        cleaned["occupation_code"] = _occupation(check, values["occupation_code"], vocabulary)
    if "openings" in values:
        cleaned["openings"] = _openings(check, values["openings"])
    for name, field in (("start_quarter", "startQuarter"), ("end_quarter", "endQuarter")):
        if name in values:
            cleaned[name] = _quarter(check, field, values[name])
    if "openings_kind" in values:
        cleaned["openings_kind"] = check.choice(
            ("openingsKind",), values["openings_kind"], OpeningsKind, "openingsKind"
        )
    if "skills" in values:
        cleaned["skills"] = _skills(check, values["skills"], vocabulary)
    currencies: dict[str, str] = {}
    for name, field in (("wage_min", "wageMin"), ("wage_max", "wageMax")):
        if name in values:
            cents, currency = _wage(check, field, values[name])
            cleaned[f"{name}_cents"] = cents
            if currency is not None:
                currencies[field] = currency
    if "wage_unit" in values:
        unit = values["wage_unit"]
        cleaned["wage_unit"] = (
            None if unit is None else check.choice(("wageUnit",), unit, WageUnit, "wageUnit")
        )
    if "is_degree_required" in values:
        required = values["is_degree_required"]
        if not isinstance(required, bool):
            check.add(("isDegreeRequired",), "isDegreeRequired must be true or false.", "INVALID")
        cleaned["is_degree_required"] = required
    if "credentials" in values:
        cleaned["credentials"] = _credentials(check, values["credentials"])
    if "work_based_learning" in values:
        cleaned["work_based_learning"] = _work_based_learning(check, values["work_based_learning"])
    if "city" in values:
        cleaned["city"] = check.text(("city",), values["city"], MAX_CITY, "city")
    if "postal_code" in values:
        cleaned["postal_code"] = _postal_code(check, values["postal_code"])
    if "sharing_level" in values:
        cleaned["sharing_level"] = check.choice(
            ("sharingLevel",), values["sharing_level"], SharingLevel, "sharingLevel"
        )
    if "status" in values:
        cleaned["status"] = _status(
            check, values["status"], None if current is None else current["status"]
        )
    if not check.errors:
        _check_across_fields(check, cleaned, current, currencies)
    return cleaned, check.errors


def _check_across_fields(
    check: _Checker,
    cleaned: dict[str, Any],
    current: dict[str, Any] | None,
    currencies: dict[str, str],
) -> None:
    """Rules over the signal as it would be: given fields over its current state."""
    merged = {**(current or defaults()), **cleaned}
    if merged["end_quarter"] < merged["start_quarter"]:
        check.add(("endQuarter",), "endQuarter must not be before startQuarter.", "OUT_OF_RANGE")
    low, high = merged["wage_min_cents"], merged["wage_max_cents"]
    if low is not None and high is not None and low > high:
        check.add(("wageMax",), "wageMax must not be less than wageMin.", "OUT_OF_RANGE")
    if (low is not None or high is not None) and merged["wage_unit"] is None:
        check.add(("wageUnit",), "Say whether the wages are per HOUR or per YEAR.", "REQUIRED")
    distinct = set(currencies.values())
    if len(distinct) > 1:
        check.add(("wageMax", "currency"), "Both wages must be in one currency.", "INVALID")
        return
    if not distinct:
        return
    currency = distinct.pop()
    for name, field in (("wage_min", "wageMin"), ("wage_max", "wageMax")):
        kept = f"{name}_cents" not in cleaned and merged[f"{name}_cents"] is not None
        if kept and merged["currency"] != currency:
            given = next(iter(currencies))
            check.add(
                (given, "currency"),
                f"The signal's {field} is in {merged['currency']}: give both wages to change "
                "the currency.",
                "INVALID",
            )
            return
    cleaned["currency"] = currency


__all__ = [
    "CURRENCIES",
    "DEFAULT_CURRENCY",
    "INITIAL_STATUSES",
    "MAX_CREDENTIALS",
    "MAX_OPENINGS",
    "MAX_SKILLS",
    "TRANSITIONS",
    "Vocabulary",
    "WageInput",
    "defaults",
    "signal_fields",
]
