"""The input checker every domain's validation uses: each problem becomes a userError
with its API input path, and all of them are reported at once (``done``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar
from urllib.parse import urlsplit

from coalition.errors import InvalidInput, UserError
from coalition.money import MAX_AMOUNT_MINOR, format_money, in_smallest_unit, is_currency

E = TypeVar("E", bound=StrEnum)
INTEGER = re.compile(r"^[+-]?\d{1,19}$")
MAX_NAME = 200
MAX_TEXT = 5000
MAX_EMAIL = 320
MAX_URL = 2048
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _digits_message(currency: str | None) -> str:
    """How to write an amount, in words people do not misread ("minor units" and "whole
    number" were read as dollars)."""
    if currency == "USD":
        return "Give the amount in cents as digits, e.g. 2350 for $23.50."
    example = format_money(2350, currency or "USD")
    return (
        "Give the amount in the currency's smallest unit (cents for USD) as digits, "
        f"e.g. 2350 for {example}."
    )


@dataclass
class Checker:
    """Collects problems; ``done`` raises them all together."""

    errors: list[UserError] = field(default_factory=list)

    def add(self, path: Sequence[str], message: str, code: str) -> None:
        self.errors.append(UserError(tuple(path), message, code))

    def done(self) -> None:
        if self.errors:
            raise InvalidInput(self.errors)

    def text(
        self, path: Sequence[str], value: str | None, *, required: bool, limit: int = MAX_TEXT
    ) -> str | None:
        cleaned = (value or "").strip()
        if not cleaned:
            if required:
                self.add(path, "This field may not be blank.", "BLANK")
            return None
        if len(cleaned) > limit:
            self.add(path, f"Use at most {limit} characters.", "TOO_LONG")
            return None
        return cleaned

    def amount(
        self, path: Sequence[str], value: int | str | None, *, currency: str | None = None
    ) -> int | None:
        """A positive whole number of minor units (cents for USD) of ``currency`` (when
        known: the messages name it), given as an int or a string of digits."""
        if value is None:
            self.add(path, "An amount is required.", "REQUIRED")
            return None
        text = str(value).strip()
        digits = text[1:] if text.startswith("-") else text
        if not digits.isascii() or not digits.isdigit() or len(digits) > 20:
            self.add(path, _digits_message(currency), "INVALID")
            return None
        amount = int(text)
        if amount <= 0:
            self.add(path, "The amount must be more than zero.", "OUT_OF_RANGE")
            return None
        if amount > MAX_AMOUNT_MINOR:
            self.add(
                path,
                f"The amount may be at most {in_smallest_unit(MAX_AMOUNT_MINOR, currency)}.",
                "OUT_OF_RANGE",
            )
            return None
        return amount

    def cap(
        self, path: Sequence[str], value: int | str | None, *, currency: str | None = None
    ) -> int | None:
        """An optional cap: zero or more minor units."""
        if value is None:
            return None
        text = str(value).strip()
        if text in {"0", "-0"}:
            return 0
        if text.startswith("-") and text[1:].isdigit():
            self.add(path, "A cap may not be below zero.", "OUT_OF_RANGE")
            return None
        return self.amount(path, value, currency=currency)

    def currency(
        self, path: Sequence[str], value: str | None, *, expected: str | None = None
    ) -> str | None:
        code = (value or "").strip().upper()
        if not is_currency(code):
            self.add(path, f"{value!r} is not an ISO 4217 currency in use.", "INVALID")
            return None
        if expected is not None and code != expected:
            self.add(
                path, f"This pool is in {expected}; the amount is in {code}.", "CURRENCY_MISMATCH"
            )
            return None
        return code

    def choice(self, path: Sequence[str], value: Any, kind: type[E]) -> E | None:
        try:
            return kind(value)
        except ValueError:
            allowed = ", ".join(kind)
            self.add(path, f"Use one of {allowed}.", "INVALID")
            return None

    def choices(self, path: Sequence[str], values: Sequence[Any], kind: type[E]) -> list[E]:
        if not values:
            self.add(path, "Name at least one.", "REQUIRED")
            return []
        chosen: list[E] = []
        for value in values:
            item = self.choice(path, value, kind)
            if item is not None and item not in chosen:
                chosen.append(item)
        return chosen

    def date_range(
        self, start_path: Sequence[str], start: date, end_path: Sequence[str], end: date | None
    ) -> None:
        if end is not None and end < start:
            self.add(end_path, "The end date may not be before the start date.", "OUT_OF_RANGE")

    def integer(self, path: Sequence[str], value: Any, *, name: str) -> int | None:
        """A required whole number, given as an int or as text (a file's cell): the
        messages name the field (``openings must be a whole number.``)."""
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

    def choice_by_name(
        self, path: Sequence[str], value: Any, kind: type[E], *, name: str
    ) -> E | None:
        """A required member of ``kind`` by name, read leniently as people type it in a
        file (``growth``, ``on-the-job training``); the message names the field and lists
        the valid values."""
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

    def name(
        self, path: Sequence[str], value: str | None, *, required: bool, limit: int = MAX_NAME
    ) -> str | None:
        """``text`` with every run of whitespace made one space: two names that differ
        only in spacing are the same name, for display and for uniqueness."""
        return self.text(path, " ".join((value or "").split()), required=required, limit=limit)

    def bounded(
        self, path: Sequence[str], value: int | None, *, low: int, high: int | None = None
    ) -> int | None:
        """An optional whole number from ``low`` (to ``high`` when given)."""
        if value is None:
            return None
        if type(value) is not int or value < low or (high is not None and value > high):
            bounds = f"from {low} to {high}" if high is not None else f"of at least {low}"
            self.add(path, f"Use a whole number {bounds}.", "OUT_OF_RANGE")
            return None
        return value

    def email(self, path: Sequence[str], value: str | None, *, required: bool) -> str | None:
        """An email address, lowercased (addresses are matched without case)."""
        address = self.text(path, value, required=required, limit=MAX_EMAIL)
        if address is None:
            return None
        if not EMAIL.match(address):
            self.add(path, "This is not a valid email address.", "INVALID")
            return None
        return address.lower()

    def url(self, path: Sequence[str], value: str | None, *, required: bool) -> str | None:
        """An http:// or https:// address with a host."""
        address = self.text(path, value, required=required, limit=MAX_URL)
        if address is None:
            return None
        parts = urlsplit(address)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            self.add(path, "Give an http:// or https:// address.", "INVALID")
            return None
        return address

    def has_error(self, path: Sequence[str]) -> bool:
        """Whether ``path`` already has a problem (so a slower check can be skipped)."""
        return any(error.field == tuple(path) for error in self.errors)


__all__ = ["MAX_NAME", "MAX_TEXT", "Checker"]
