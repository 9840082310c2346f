"""The codes of the supply domain's userErrors (what a client may branch on)."""

from __future__ import annotations

import enum


class SupplyErrorCode(enum.StrEnum):
    REQUIRED = "REQUIRED"
    BLANK = "BLANK"
    INVALID = "INVALID"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    TOO_LONG = "TOO_LONG"
    TOO_MANY = "TOO_MANY"
    DUPLICATE = "DUPLICATE"
    TAKEN = "TAKEN"
    NOT_FOUND = "NOT_FOUND"
    ARCHIVED = "ARCHIVED"
    INVALID_TRANSITION = "INVALID_TRANSITION"


__all__ = ["SupplyErrorCode"]
