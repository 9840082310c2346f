"""Turning what people type into forms into GraphQL input values (one helper per kind)."""

from __future__ import annotations

import re

_WHOLE = re.compile(r"[+-]?\d{1,12}")


def whole_number(text: str) -> int | None:
    """A whole number typed as "12", " 1,200 " or "+3"; None when it is not one."""
    cleaned = text.strip().replace(",", "")
    if not _WHOLE.fullmatch(cleaned):
        return None
    return int(cleaned)
