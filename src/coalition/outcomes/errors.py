"""The codes of the outcomes domain's userErrors (what a client may branch on)."""

from __future__ import annotations

import enum


class OutcomeErrorCode(enum.StrEnum):
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
    LOOKS_LIKE_SSN = "LOOKS_LIKE_SSN"


__all__ = ["OutcomeErrorCode"]
