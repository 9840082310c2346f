"""Reading what people type into forms, for GraphQL input: dollars to minor units,
whole numbers, and a mutation's problems put back on the inputs that caused them.

These only turn text into the values GraphQL's input types take (a form cannot send
an Int or a MoneyInput); every rule about what a value may be is the schema's.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from decimal import Decimal, InvalidOperation

from coalition.api.inprocess import Answer
from coalition.web.visit import FormError

_DOLLARS = re.compile(r"^\$?\s*(\d{1,3}(,\d{3})+|\d+)?(\.\d*)?$")


def dollars_to_minor(text: str) -> str | None:
    """An amount in dollars as a person types it ("12.50", "$2,750", "0") as whole cents
    for ``MoneyInput.amountMinor`` ("1250"), or None when it is not such an amount (more
    than two decimals, letters, a minus sign: the form says so)."""
    cleaned = text.strip()
    if not cleaned or not _DOLLARS.match(cleaned) or cleaned in {"$", ".", "$."}:
        return None
    try:
        amount = Decimal(cleaned.replace("$", "").replace(",", "").strip())
    except InvalidOperation:
        return None
    cents = amount * 100
    if cents != cents.to_integral_value():
        return None
    return str(int(cents))


def whole_number(text: str) -> int | None:
    """A whole number as typed ("12", "1,200"), or None; the schema checks its range."""
    cleaned = text.strip().replace(",", "")
    if not re.fullmatch(r"-?\d{1,9}", cleaned):
        return None
    return int(cleaned)


def decimal_number(text: str) -> float | None:
    """A number as typed ("85", "85.5", "85.5%"), or None (for a Float input, such as a
    completion rate in percent: never money)."""
    cleaned = text.strip().removesuffix("%").strip()
    if not re.fullmatch(r"-?\d{1,9}(\.\d{1,6})?", cleaned):
        return None
    return float(cleaned)


def input_errors(answer: Answer, root: str, fields: Mapping[str, str]) -> list[FormError]:
    """A mutation's problems for a form whose inputs are not named after the input's last
    field: each ``userErrors`` path (``["credential", "name"]``, ``["occupationCodes",
    "2"]``) goes to the input ``fields`` names for its longest prefix ("credential.name",
    else "credential"; list positions left out), or to the whole form; errors of the
    operation itself go to the whole form."""
    found = [
        FormError("", str(error.get("message", "That did not work."))) for error in answer.errors
    ]
    payload = (answer.data or {}).get(root) or {}
    for error in payload.get("userErrors") or ():
        parts = [str(part) for part in error.get("field") or () if not str(part).isdigit()]
        target = ""
        for length in range(len(parts), 0, -1):
            key = ".".join(parts[:length])
            if key in fields:
                target = fields[key]
                break
        found.append(FormError(target, str(error["message"])))
    return found


def errors_on(answer: Answer, root: str, fields: Collection[str]) -> list[FormError]:
    """``input_errors`` for a form whose inputs are named after the input's fields
    (``wageMin.amountMinor`` goes to the form's ``wageMin``)."""
    return input_errors(answer, root, {name: name for name in fields})


__all__ = ["decimal_number", "dollars_to_minor", "errors_on", "input_errors", "whole_number"]
