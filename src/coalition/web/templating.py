"""Jinja2 for the pages: autoescaped templates, and filters for the partnership's time
zone, money in dollars and plain numbers."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, select_autoescape

TEMPLATES = Path(__file__).parent / "templates"
LOCALE = "en_US"


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _instant(value: str | datetime | None) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def local_time(value: str | datetime | None, time_zone: str | None) -> str:
    """An instant as a person in the partnership reads it: "Tue, Mar 3, 2026, 9:00 AM CST"."""
    instant = _instant(value)
    if instant is None:
        return ""
    return format_datetime(
        instant, "EEE, MMM d, y, h:mm a zzz", tzinfo=zone(time_zone), locale=LOCALE
    )


def local_date(value: str | date | None) -> str:
    if value is None or value == "":
        return ""
    day = date.fromisoformat(value[:10]) if isinstance(value, str) else value
    return format_date(day, "MMM d, y", locale=LOCALE)


def number(value: Any) -> str:
    if value is None or value == "":
        return ""
    try:
        return format_decimal(float(value), locale=LOCALE)
    except (TypeError, ValueError):
        return str(value)


def percent(value: Any) -> str:
    """A share given as a fraction (0.42) or a decimal string ("0.42") as "42%"."""
    if value is None or value == "":
        return ""
    try:
        return f"{float(value) * 100:.0f}%"
    except (TypeError, ValueError):
        return str(value)


# The CSRF token of the request being rendered (set by ``visit.render``), for macros
# imported without the template's context.
CURRENT_CSRF: ContextVar[str] = ContextVar("current_csrf", default="")


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(("html", "svg")),
        trim_blocks=True,
        lstrip_blocks=True,
        enable_async=False,
    )
    env.filters["local_date"] = local_date
    env.filters["number"] = number
    env.filters["percent"] = percent
    env.globals["current_csrf"] = CURRENT_CSRF.get
    return env


ENVIRONMENT = environment()
