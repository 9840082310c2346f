"""Currencies, amounts and match ratios: exact integers and fractions, never floats.

The one money policy of every domain. An amount is a whole number of the currency's
minor units (cents for USD, yen for JPY), named with the ``_minor`` suffix wherever
it is stored or passed (``amount_minor``, ``matched_minor``); messages for people
say "cents" (``in_smallest_unit``). A currency is one that some territory uses as
legal tender today (ISO 4217, from the Unicode CLDR data in Babel), so historic and
testing codes such as DEM or XXX are refused.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache

from babel.core import get_global
from babel.numbers import format_currency, get_currency_precision, get_territory_currencies

# Large enough for any public fund (a trillion dollars), small enough for bigint sums.
MAX_AMOUNT_MINOR = 10**14
MAX_RATIO = Fraction(100)
MAX_RATIO_DIGITS = 6


@lru_cache(maxsize=1)
def currencies() -> frozenset[str]:
    """ISO 4217 codes that are legal tender somewhere today."""
    today = date.today()
    territories = get_global("territory_currencies").keys()
    codes: set[str] = set()
    for territory in territories:
        codes.update(get_territory_currencies(territory, start_date=today, tender=True))
    return frozenset(codes)


def is_currency(code: str) -> bool:
    return code in currencies()


@lru_cache(maxsize=512)
def minor_digits(currency: str) -> int:
    """Digits after the decimal point of the currency (2 for USD, 0 for JPY)."""
    return int(get_currency_precision(currency))


def to_major(amount_minor: int, currency: str) -> Decimal:
    return Decimal(amount_minor).scaleb(-minor_digits(currency))


def format_money(amount_minor: int, currency: str) -> str:
    """For people: "$1,234.56", "¥1,234", "-$5.00" (US English conventions)."""
    return str(format_currency(to_major(amount_minor, currency), currency, locale="en_US"))


def in_smallest_unit(amount_minor: int, currency: str | None) -> str:
    """An amount for a message people read: "2350 cents ($23.50)" in USD, "2350 in the
    currency's smallest unit (€23.50)" in any other currency (or none known)."""
    if currency == "USD":
        return f"{amount_minor:,} cents ({format_money(amount_minor, currency)})"
    shown = f" ({format_money(amount_minor, currency)})" if currency else ""
    return f"{amount_minor:,} in the currency's smallest unit{shown}"


def plain_amount(amount_minor: int, currency: str) -> str:
    """For files: "1234.56" (no grouping, the currency's own number of decimals)."""
    digits = minor_digits(currency)
    return f"{to_major(amount_minor, currency):.{digits}f}"


def parse_ratio(value: str) -> Fraction | None:
    """A match ratio written as a decimal ("2", "1.5", "0.25"): pool dollars per
    contributed dollar. None when it is not a plain decimal number."""
    text = value.strip()
    if not text or len(text) > 20 or not all(ch.isdigit() or ch == "." for ch in text):
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_RATIO_DIGITS:
        return None
    return Fraction(number)


def format_ratio(ratio: Fraction) -> str:
    """A ratio as the shortest exact decimal when there is one ("1.5"), else "n/d"."""
    denominator = ratio.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    if denominator != 1:
        return f"{ratio.numerator}/{ratio.denominator}"
    value = Decimal(ratio.numerator) / Decimal(ratio.denominator)
    text = format(value.normalize(), "f")
    return text


def apply_ratio(amount_minor: int, ratio: Fraction) -> int:
    """The match for an amount: rounded down to a whole minor unit (never over-pays)."""
    return amount_minor * ratio.numerator // ratio.denominator
