"""Helpers for the pages' forms: money typed in dollars, and a mutation's problems
placed on the form's inputs."""

from __future__ import annotations

import re
from collections.abc import Collection
from decimal import Decimal, InvalidOperation

from coalition.api.inprocess import Answer
from coalition.web.visit import FormError

_DOLLARS = re.compile(r"\$?\s*([0-9][0-9,]*)(?:\.([0-9]{1,2}))?")


def dollars_to_minor(text: str) -> str | None:
    """Dollars as a person types them ("12.50", "$1,200", "7") as whole cents for
    GraphQL's ``amountMinor`` ("1250", "120000", "700"); None when it is not an amount
    of dollars and cents (the form then says so: nothing is guessed)."""
    match = _DOLLARS.fullmatch(text.strip())
    if match is None or len(text) > 40:
        return None
    whole, cents = match.group(1), match.group(2) or "0"
    if "," in whole and not re.fullmatch(r"[0-9]{1,3}(,[0-9]{3})+", whole):
        return None
    try:
        amount = Decimal(whole.replace(",", "")) * 100 + Decimal(cents.ljust(2, "0"))
    except InvalidOperation:
        return None
    return str(int(amount))


def errors_on(answer: Answer, root: str, fields: Collection[str]) -> list[FormError]:
    """Like ``visit.user_errors``, for forms whose inputs are not the last names of the
    GraphQL paths (``wageMin.amountMinor`` is the form's ``wageMin``): each problem goes
    to the last part of its path that names one of ``fields``, else to the whole form."""
    found = [
        FormError("", str(error.get("message", "That did not work."))) for error in answer.errors
    ]
    payload = (answer.data or {}).get(root) or {}
    for error in payload.get("userErrors") or ():
        path = [str(part) for part in error.get("field") or []]
        named = [part for part in path if part in fields]
        found.append(FormError(named[-1] if named else "", str(error["message"])))
    return found
