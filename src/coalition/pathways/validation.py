"""Input checks of career pathways with the shared checker; paths are API input paths.

Every problem of an input is reported at once. IDs of organizations and programs
arrive decoded (None for an ID that is malformed or of another type) and are checked
against the caller's tenant by the service: another tenant's ID, a malformed one and
a random one are all NOT_FOUND, alike.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from coalition.demand.models import WageUnit, WorkBasedLearning
from coalition.pathways.errors import PathwayErrorCode as Code
from coalition.validation import MAX_TEXT, Checker

CURRENCIES = frozenset({"USD", "CAD", "EUR", "GBP", "MXN"})
MAX_WAGE_MINOR = 10_000_000_000
MAX_LINKS = 20
MAX_STEPS = 30
CENTS = re.compile(r"[+-]?\d{1,19}")
SOC_CODE = re.compile(r"^\d{2}-\d{4}$")

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class StepFields:
    """A step as given: wages as (cents as text, currency), IDs decoded (None: bad)."""

    occupation_code: str
    employer_ids: Sequence[uuid.UUID | None] = ()
    wage_min: tuple[str, str] | None = None
    wage_max: tuple[str, str] | None = None
    wage_unit: WageUnit | None = None
    program_ids: Sequence[uuid.UUID | None] = ()
    work_based_learning: Sequence[WorkBasedLearning] = ()


@dataclass(frozen=True)
class StepValues:
    """A checked step, as columns and link lists."""

    occupation_code: str
    employer_ids: list[uuid.UUID]
    wage_min_minor: int | None
    wage_max_minor: int | None
    wage_unit: WageUnit | None
    currency: str
    program_ids: list[uuid.UUID]
    work_based_learning: list[str]


@dataclass(frozen=True)
class Known:
    """What exists among the IDs and codes asked for: occupation codes, the tenant's
    organizations (with whether each is archived) and its training programs."""

    occupation_codes: frozenset[str] = frozenset()
    organizations: dict[uuid.UUID, bool] = field(default_factory=dict)
    program_ids: frozenset[uuid.UUID] = frozenset()


def _p(prefix: Path, *rest: str | int) -> tuple[str, ...]:
    return tuple(str(part) for part in (*prefix, *rest))


def pathway_text(
    check: Checker, name: str | None, description: str | None
) -> tuple[str | None, str]:
    """The pathway's name (required, 200 characters) and description (5,000)."""
    cleaned = check.name(("name",), name, required=True)
    about = check.text(("description",), description, required=False, limit=MAX_TEXT)
    return cleaned, about or ""


def _wage(check: Checker, prefix: Path, name: str, value: tuple[str, str] | None) -> int | None:
    if value is None:
        return None
    amount, _ = value
    text = str(amount).strip()
    if not CENTS.fullmatch(text):
        check.add(
            _p(prefix, name, "amountMinor"),
            f"Give {name} in cents, without a decimal point: 2350 for $23.50.",
            Code.INVALID,
        )
        return None
    cents = int(text)
    if cents < 0:
        check.add(_p(prefix, name, "amountMinor"), f"{name} cannot be negative.", Code.OUT_OF_RANGE)
        return None
    if cents > MAX_WAGE_MINOR:
        check.add(
            _p(prefix, name, "amountMinor"),
            f"{name} may be at most {MAX_WAGE_MINOR} cents.",
            Code.OUT_OF_RANGE,
        )
        return None
    return cents


def _currency(check: Checker, prefix: Path, fields: StepFields) -> str:
    found: list[str] = []
    for name, value in (("wageMin", fields.wage_min), ("wageMax", fields.wage_max)):
        if value is None:
            continue
        code = str(value[1] or "").strip().upper()
        if code not in CURRENCIES:
            allowed = ", ".join(sorted(CURRENCIES))
            check.add(
                _p(prefix, name, "currency"), f"currency must be one of {allowed}.", Code.INVALID
            )
            continue
        found.append(code)
    if len(set(found)) > 1:
        check.add(
            _p(prefix, "wageMax", "currency"), "Both wages must be in one currency.", Code.INVALID
        )
    return found[0] if found else "USD"


def _ids(
    check: Checker,
    prefix: Path,
    name: str,
    ids: Sequence[uuid.UUID | None],
    exists: dict[uuid.UUID, bool] | frozenset[uuid.UUID],
    what: str,
) -> list[uuid.UUID]:
    if len(ids) > MAX_LINKS:
        check.add(_p(prefix, name), f"Name at most {MAX_LINKS}.", Code.TOO_MANY)
        return []
    chosen: list[uuid.UUID] = []
    for index, item in enumerate(ids):
        path = _p(prefix, name, index)
        if item is None or item not in exists:
            check.add(path, f"No {what} with this ID.", Code.NOT_FOUND)
        elif item in chosen:
            check.add(path, f"This {what} is named twice.", Code.DUPLICATE)
        elif isinstance(exists, dict) and exists[item]:
            check.add(path, f"This {what} is archived.", Code.ARCHIVED)
        else:
            chosen.append(item)
    return chosen


def step_values(check: Checker, prefix: Path, fields: StepFields, known: Known) -> StepValues:
    """The checked step; its problems are in ``check`` (the values are then unusable)."""
    code = (fields.occupation_code or "").strip()
    if not code:
        check.add(_p(prefix, "occupationCode"), "This field may not be blank.", Code.BLANK)
    elif not SOC_CODE.match(code):
        check.add(_p(prefix, "occupationCode"), "Give a SOC 2018 code, e.g. 29-2061.", Code.INVALID)
    elif code not in known.occupation_codes:
        check.add(_p(prefix, "occupationCode"), "No occupation with this code.", Code.NOT_FOUND)
    low = _wage(check, prefix, "wageMin", fields.wage_min)
    high = _wage(check, prefix, "wageMax", fields.wage_max)
    if low is not None and high is not None and low > high:
        check.add(
            _p(prefix, "wageMax"), "wageMax must not be less than wageMin.", Code.OUT_OF_RANGE
        )
    currency = _currency(check, prefix, fields)
    has_wage = fields.wage_min is not None or fields.wage_max is not None
    if has_wage and fields.wage_unit is None:
        check.add(
            _p(prefix, "wageUnit"), "Say whether the wages are per HOUR or per YEAR.", Code.REQUIRED
        )
    if not has_wage and fields.wage_unit is not None:
        check.add(_p(prefix, "wageUnit"), "A wage unit needs a wage.", Code.INVALID)
    learning: list[str] = []
    for kind in fields.work_based_learning:
        if kind.value not in learning:
            learning.append(kind.value)
    if WorkBasedLearning.NONE.value in learning and len(learning) > 1:
        check.add(
            _p(prefix, "workBasedLearning"), "NONE cannot be given with other kinds.", Code.INVALID
        )
    return StepValues(
        occupation_code=code,
        employer_ids=_ids(
            check,
            prefix,
            "typicalEmployerIds",
            fields.employer_ids,
            known.organizations,
            "organization",
        ),
        wage_min_minor=low,
        wage_max_minor=high,
        wage_unit=fields.wage_unit,
        currency=currency,
        program_ids=_ids(
            check,
            prefix,
            "bridgingProgramIds",
            fields.program_ids,
            known.program_ids,
            "training program",
        ),
        work_based_learning=learning,
    )


def step_order(
    check: Checker, given: Sequence[uuid.UUID | None], current: Sequence[uuid.UUID]
) -> list[uuid.UUID]:
    """A new order of the steps: exactly the current ones, each once."""
    chosen = [item for item in given if item is not None]
    if (
        len(chosen) != len(given)
        or sorted(chosen) != sorted(current)
        or len(set(chosen)) != len(chosen)
    ):
        check.add(
            ("stepIds",),
            "List every current (not retired) step of the pathway exactly once.",
            Code.INVALID,
        )
    return chosen


__all__ = [
    "MAX_LINKS",
    "MAX_STEPS",
    "Known",
    "StepFields",
    "StepValues",
    "pathway_text",
    "step_order",
    "step_values",
]
