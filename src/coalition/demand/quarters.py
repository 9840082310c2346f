"""Calendar quarters: "2027Q1" in the API and in files, the quarter's first day in the database."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MIN_YEAR = 2000
MAX_YEAR = 2100
_QUARTER = re.compile(r"^(\d{4})\s*-?\s*Q([1-4])$", re.IGNORECASE | re.ASCII)
_ANY_QUARTER = re.compile(r"^\d{4}\s*-?\s*Q\d+$", re.IGNORECASE | re.ASCII)


class QuarterError(ValueError):
    """Not a quarter, or a quarter outside 2000Q1 to 2100Q4; the message says which."""


def parse_quarter(text: str) -> date:
    """``2027Q1`` (also ``2027q1`` and ``2027-Q1``) as the quarter's first day, 2027-01-01."""
    cleaned = text.strip()
    match = _QUARTER.match(cleaned)
    if match is None:
        if _ANY_QUARTER.match(cleaned):
            raise QuarterError("The quarter must be Q1, Q2, Q3 or Q4.")
        raise QuarterError("A quarter is written like 2027Q1.")
    year, quarter = int(match.group(1)), int(match.group(2))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise QuarterError(f"The year must be between {MIN_YEAR} and {MAX_YEAR}.")
    return date(year, 3 * (quarter - 1) + 1, 1)


def format_quarter(day: date) -> str:
    """The quarter a day falls in: 2027-01-01 (or 2027-02-14) is ``2027Q1``."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def quarter_of(day: date) -> date:
    """The first day of the quarter ``day`` falls in."""
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def add_quarters(day: date, count: int) -> date:
    """The first day of the quarter ``count`` quarters after ``day``'s (before, if negative)."""
    index = day.year * 4 + (day.month - 1) // 3 + count
    return date(index // 4, 3 * (index % 4) + 1, 1)


def today_in(time_zone: str | None) -> date:
    """Today's date in an IANA time zone (UTC when there is none or it is unknown)."""
    try:
        zone: ZoneInfo | None = ZoneInfo(time_zone) if time_zone else None
    except (ZoneInfoNotFoundError, ValueError):
        zone = None
    return datetime.now(zone or UTC).date()


__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
    "QuarterError",
    "add_quarters",
    "format_quarter",
    "parse_quarter",
    "quarter_of",
    "today_in",
]
