"""Wages of demand signals: whole cents in one of a few currencies, a range, a unit.

Wages are whole cents (minor units, the kernel's ``_minor`` suffix) in one of
``CURRENCIES``, a small, explicit subset of ISO 4217 (all with two decimal
places, so a file's ``23.50`` reads exactly) that covers the partnerships we
serve; add a code here to accept it. Messages say "cents", which is what people
type: ``2350`` is $23.50.
"""

from __future__ import annotations

import re
from typing import Any

from coalition.demand.errors import DemandErrorCode as Code
from coalition.validation import Checker

CURRENCIES = frozenset({"USD", "CAD", "EUR", "GBP", "MXN"})
DEFAULT_CURRENCY = "USD"
MAX_WAGE_MINOR = 10_000_000_000
WAGE_EXAMPLE = "2350 for $23.50"
CENTS = re.compile(r"[+-]?\d{1,19}")

# Given an amount of cents (an int, or a string of digits) and a currency code.
WageInput = tuple[int | str, str]


def _wage_cents(check: Checker, field: str, amount: int | str) -> int | None:
    path = (field, "amountMinor")
    if isinstance(amount, bool) or not CENTS.fullmatch(str(amount).strip()):
        check.add(
            path,
            f"Give {field} in cents, without a decimal point: {WAGE_EXAMPLE}.",
            Code.INVALID,
        )
        return None
    cents = int(str(amount).strip())
    if cents < 0:
        check.add(path, f"{field} cannot be negative.", Code.OUT_OF_RANGE)
        return None
    if cents > MAX_WAGE_MINOR:
        check.add(
            path,
            f"{field} may be at most {MAX_WAGE_MINOR} cents (100,000,000.00).",
            Code.OUT_OF_RANGE,
        )
        return None
    return cents


def wage(check: Checker, field: str, value: WageInput | None) -> tuple[int | None, str | None]:
    """A wage given as (cents, currency): its cents and its currency code, each None
    when it is not valid (the problem is in ``check``)."""
    if value is None:
        return None, None
    amount, currency = value
    cents = _wage_cents(check, field, amount)
    code = str(currency or "").strip().upper()
    if code not in CURRENCIES:
        allowed = ", ".join(sorted(CURRENCIES))
        check.add((field, "currency"), f"currency must be one of {allowed}.", Code.INVALID)
        return cents, None
    return cents, code


def check_wages(
    check: Checker,
    cleaned: dict[str, Any],
    merged: dict[str, Any],
    currencies: dict[str, str],
    *,
    given: dict[str, Any],
) -> None:
    """Rules over the wages as they would be (``merged``: the given fields over the
    current state): the range ordered, a unit with any wage, one currency. Sets
    ``cleaned["currency"]`` to the given wages' currency."""
    low, high = merged["wage_min_minor"], merged["wage_max_minor"]
    if isinstance(low, int) and isinstance(high, int) and low > high:
        check.add(("wageMax",), "wageMax must not be less than wageMin.", Code.OUT_OF_RANGE)
    # A wage given with a bad amount is still a wage: it needs its unit all the same.
    has_wage = any(
        value is not None
        for value in (
            given["wage_min"] if "wage_min" in given else low,
            given["wage_max"] if "wage_max" in given else high,
        )
    )
    if has_wage and merged["wage_unit"] is None:
        check.add(("wageUnit",), "Say whether the wages are per HOUR or per YEAR.", Code.REQUIRED)
    distinct = set(currencies.values())
    if len(distinct) > 1:
        check.add(("wageMax", "currency"), "Both wages must be in one currency.", Code.INVALID)
        return
    if not distinct:
        return
    currency = distinct.pop()
    for name, field in (("wage_min", "wageMin"), ("wage_max", "wageMax")):
        kept = name not in given and merged[f"{name}_minor"] is not None
        if kept and merged["currency"] != currency:
            check.add(
                (next(iter(currencies)), "currency"),
                f"The signal's {field} is in {merged['currency']}: give both wages to change "
                "the currency.",
                Code.INVALID,
            )
            return
    cleaned["currency"] = currency


__all__ = [
    "CURRENCIES",
    "DEFAULT_CURRENCY",
    "MAX_WAGE_MINOR",
    "WageInput",
    "check_wages",
    "wage",
]
