"""Checks of the funds domain's input with the shared ``Checker``: every problem
becomes a userError with its API input path, and all of them are reported at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from coalition.money import MAX_RATIO, parse_ratio
from coalition.validation import Checker

MAX_TIERS = 10
MAX_REASON = 2000


@dataclass(frozen=True)
class Tier:
    """One match tier, checked: recipients with at most ``max_employees`` employees
    (any size when None) get ``ratio`` pool dollars per contributed dollar."""

    max_employees: int | None
    ratio: Fraction


def tiers(
    check: Checker, path: Sequence[str], given: Sequence[tuple[int | None, str]]
) -> list[Tier]:
    """Checked tiers, smallest size bound first, the unbounded tier (if any) last."""
    if not given:
        check.add(path, "Give at least one match tier.", "REQUIRED")
        return []
    if len(given) > MAX_TIERS:
        check.add(path, f"Give at most {MAX_TIERS} match tiers.", "TOO_MANY")
        return []
    result: list[Tier] = []
    seen: set[int | None] = set()
    for index, (max_employees, ratio_text) in enumerate(given):
        here = (*path, str(index))
        # Both fields of a tier are checked, so every problem shows in one answer.
        bound_ok = True
        if max_employees is not None and max_employees < 0:
            check.add((*here, "maxEmployees"), "A size bound may not be negative.", "OUT_OF_RANGE")
            bound_ok = False
        elif max_employees in seen:
            check.add((*here, "maxEmployees"), "Two tiers have the same size bound.", "DUPLICATE")
            bound_ok = False
        seen.add(max_employees)
        ratio = parse_ratio(ratio_text)
        if ratio is None:
            check.add(
                (*here, "ratio"), "Write the ratio as a decimal number, e.g. 2 or 1.5.", "INVALID"
            )
        elif ratio <= 0 or ratio > MAX_RATIO:
            check.add(
                (*here, "ratio"),
                f"The ratio must be above 0 and at most {MAX_RATIO}.",
                "OUT_OF_RANGE",
            )
        elif bound_ok:
            result.append(Tier(max_employees, ratio))
    return sorted(result, key=lambda t: (t.max_employees is None, t.max_employees or 0))


def tier_for(tiers_: Sequence[Tier], employee_count: int | None) -> Tier | None:
    """The tier that covers a recipient of this size: the first whose bound it fits
    (an unknown size fits only the unbounded tier); None when no tier does."""
    for tier in tiers_:
        if tier.max_employees is None:
            return tier
        if employee_count is not None and employee_count <= tier.max_employees:
            return tier
    return None


def check_reason(check: Checker, value: str | None) -> str | None:
    """Why a tranche is cancelled or a record reversed: required, at most 2000 characters."""
    return check.text(("reason",), value, required=True, limit=MAX_REASON)
