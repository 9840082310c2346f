"""Reporting periods: calendar quarters, program years and calendar years.

A period is named by a label, the way funders write them:

- ``2026Q1``: a calendar quarter (January to March 2026);
- ``PY2025``: a WIOA program year, July 1, 2025 to June 30, 2026 (20 CFR 677.155 reads
  measurable skill gains by program year);
- ``2026``: a calendar year.

Every period is a whole number of calendar quarters, the unit outcome cohorts are kept
in (exit quarters, aggregate counts' quarters): figures for a longer period are sums
of its quarters', so suppression can treat the quarter as one more breakdown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

from coalition.errors import InvalidInput, UserError

FIRST_YEAR = 1990
LAST_YEAR = 2100
_QUARTER = re.compile(r"(\d{4})Q([1-4])")
_PROGRAM_YEAR = re.compile(r"PY(\d{4})")
_YEAR = re.compile(r"(\d{4})")


def quarter_start(day: date) -> date:
    """The first day of the calendar quarter of ``day``."""
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def add_quarters(start: date, count: int) -> date:
    """The first day of the quarter ``count`` quarters after the one starting ``start``."""
    index = start.year * 4 + (start.month - 1) // 3 + count
    return date(index // 4, 3 * (index % 4) + 1, 1)


def quarter_label(start: date) -> str:
    return f"{start.year}Q{(start.month - 1) // 3 + 1}"


@dataclass(frozen=True)
class Period:
    """A reporting period: its label and its first and last days (inclusive)."""

    label: str
    starts_on: date
    ends_on: date

    @cached_property
    def quarters(self) -> tuple[date, ...]:
        """The first day of each calendar quarter the period spans, in order (computed
        once: the metrics test every row's quarter against it)."""
        found, start = [], self.starts_on
        while start <= self.ends_on:
            found.append(start)
            start = add_quarters(start, 1)
        return tuple(found)

    def contains(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def elapsed_share(self, today: date) -> float:
        """How much of the period has passed on ``today``, from 0 to 1."""
        if today < self.starts_on:
            return 0.0
        if today > self.ends_on:
            return 1.0
        days = (self.ends_on - self.starts_on).days + 1
        return ((today - self.starts_on).days + 1) / days


def program_year_of(day: date) -> Period:
    """The program year (July to June) ``day`` falls in."""
    year = day.year if day.month >= 7 else day.year - 1
    return Period(f"PY{year}", date(year, 7, 1), date(year + 1, 6, 30))


def program_years_span(period: Period) -> Period:
    """The program years the period lies in, from the first's July to the last's June:
    the rows a suppressed figure is decided over (a quarter and its program year are
    nested, so one can only be subtracted from the other within that year)."""
    first, last = program_year_of(period.starts_on), program_year_of(period.ends_on)
    label = first.label if first == last else f"{first.label}-{last.label}"
    return Period(label, first.starts_on, last.ends_on)


def is_calendar_year(period: Period) -> bool:
    return period.label.isdigit()


def parse_period(label: str) -> Period:
    """The period a label names (``2026Q1``, ``PY2025``, ``2026``), or InvalidInput."""
    text = label.strip().upper() if isinstance(label, str) else ""
    if match := _QUARTER.fullmatch(text):
        year, quarter = int(match[1]), int(match[2])
        _check_year(year, label)
        start = date(year, 3 * quarter - 2, 1)
        return Period(text, start, add_quarters(start, 1) - timedelta(days=1))
    if match := _PROGRAM_YEAR.fullmatch(text):
        year = int(match[1])
        _check_year(year, label)
        return Period(text, date(year, 7, 1), date(year + 1, 6, 30))
    if match := _YEAR.fullmatch(text):
        year = int(match[1])
        _check_year(year, label)
        return Period(text, date(year, 1, 1), date(year, 12, 31))
    raise _invalid(
        "The period must be a calendar quarter (2026Q1), a program year (PY2025, July to "
        "June) or a calendar year (2026)."
    )


def quarter_period(start: date) -> Period:
    """The calendar quarter starting on ``start`` (a quarter's first day)."""
    return parse_period(quarter_label(quarter_start(start)))


def _check_year(year: int, label: str) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise _invalid(f"The period's year must be from {FIRST_YEAR} to {LAST_YEAR}.")


def _invalid(message: str) -> InvalidInput:
    return InvalidInput([UserError(("period",), message, "INVALID")])


__all__ = [
    "Period",
    "add_quarters",
    "is_calendar_year",
    "parse_period",
    "program_year_of",
    "program_years_span",
    "quarter_label",
    "quarter_period",
    "quarter_start",
]
