"""Field rules of a cohort (see the package docstring for the decisions)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from coalition.errors import UserError
from coalition.supply.errors import SupplyErrorCode as Code
from coalition.supply.models import CohortStatus
from coalition.supply.validation.shared import Fields, status_of, with_required
from coalition.validation import Checker

MAX_SEATS = 10_000
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
RATE = "expectedCompletionRate"

COHORT_TRANSITIONS: dict[CohortStatus, frozenset[CohortStatus]] = {
    CohortStatus.PLANNED: frozenset(
        {CohortStatus.PLANNED, CohortStatus.ENROLLING, CohortStatus.RUNNING, CohortStatus.CANCELLED}
    ),
    CohortStatus.ENROLLING: frozenset(
        {
            CohortStatus.ENROLLING,
            CohortStatus.PLANNED,
            CohortStatus.RUNNING,
            CohortStatus.CANCELLED,
        }
    ),
    CohortStatus.RUNNING: frozenset(
        {CohortStatus.RUNNING, CohortStatus.COMPLETED, CohortStatus.CANCELLED}
    ),
    CohortStatus.COMPLETED: frozenset({CohortStatus.COMPLETED}),
    CohortStatus.CANCELLED: frozenset({CohortStatus.CANCELLED}),
}
FINAL_COHORT_STATUSES = frozenset({CohortStatus.COMPLETED, CohortStatus.CANCELLED})
COHORT_REQUIRED = ("starts_on", "ends_on", "seats", "completion_rate_percent")


def _date(check: Checker, field: str, value: Any) -> date | None:
    if value is None:
        check.add((field,), f"{field} is required.", Code.REQUIRED)
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        check.add((field,), f"{field} must be a date: 2027-09-01.", Code.INVALID)
        return None


def _count(check: Checker, field: str, value: Any, *, required: bool) -> int | None:
    if value is None and not required:
        return None
    number = check.integer((field,), value, name=field)
    if number is not None and not 0 <= number <= MAX_SEATS:
        check.add((field,), f"{field} must be between 0 and {MAX_SEATS}.", Code.OUT_OF_RANGE)
        return None
    return number


def _rate(check: Checker, value: Any) -> Decimal | None:
    if value is None:
        check.add((RATE,), f"{RATE} is required.", Code.REQUIRED)
        return None
    rate: Decimal | None = None
    if not isinstance(value, bool):
        try:
            rate = Decimal(str(value).strip())
        except InvalidOperation:
            rate = None
    if rate is None or not rate.is_finite():
        check.add((RATE,), f"{RATE} must be a percentage: 85 or 72.5.", Code.INVALID)
        return None
    if not 0 <= rate <= HUNDRED:
        check.add((RATE,), f"{RATE} must be between 0 and 100.", Code.OUT_OF_RANGE)
        return None
    if rate != rate.quantize(CENT):
        check.add((RATE,), f"{RATE} has at most two decimals.", Code.INVALID)
        return None
    return rate.quantize(CENT)


def cohort_fields(
    values: dict[str, Any], *, current: dict[str, Any] | None
) -> tuple[dict[str, Any], list[UserError]]:
    """Check the given fields of a cohort; with ``current`` None a new one (starts_on,
    ends_on, seats and completion_rate_percent required).

    ``values`` holds any of: starts_on, ends_on (dates or ISO text), seats, enrolled
    (None: not known yet), completion_rate_percent (0 to 100), status. The rules that
    span fields (the end not before the start, enrolled not above seats) run on the
    cohort as it would be, on the fields that are valid."""
    if current is None:
        values = with_required(values, COHORT_REQUIRED)
    fields = Fields(values)
    fields.take("starts_on", lambda c, v: _date(c, "startsOn", v))
    fields.take("ends_on", lambda c, v: _date(c, "endsOn", v))
    fields.take("seats", lambda c, v: _count(c, "seats", v, required=True))
    fields.take("enrolled", lambda c, v: _count(c, "enrolled", v, required=False))
    fields.take("completion_rate_percent", _rate)
    fields.take(
        "status",
        lambda c, v: status_of(
            c,
            v,
            current=None if current is None else current["status"],
            kind=CohortStatus,
            transitions=COHORT_TRANSITIONS,
            initial=frozenset(CohortStatus),
            noun="cohort",
        ),
    )
    cleaned = fields.valid()
    merged = {**(current or {"enrolled": None}), **fields.cleaned}
    check = fields.check
    start, end = merged.get("starts_on"), merged.get("ends_on")
    if isinstance(start, date) and isinstance(end, date) and end < start:
        check.add(("endsOn",), "endsOn must not be before startsOn.", Code.OUT_OF_RANGE)
    seats, enrolled = merged.get("seats"), merged.get("enrolled")
    if isinstance(seats, int) and isinstance(enrolled, int) and enrolled > seats:
        field = "enrolled" if "enrolled" in fields.cleaned else "seats"
        check.add((field,), "enrolled must not be more than seats.", Code.OUT_OF_RANGE)
    return cleaned, fields.errors


__all__ = ["COHORT_TRANSITIONS", "FINAL_COHORT_STATUSES", "MAX_SEATS", "cohort_fields"]
