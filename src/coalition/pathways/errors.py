"""The codes of the pathways domain's userErrors (what a client may branch on)."""

from __future__ import annotations

import enum


class PathwayErrorCode(enum.StrEnum):
    REQUIRED = "REQUIRED"
    BLANK = "BLANK"
    INVALID = "INVALID"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    TOO_LONG = "TOO_LONG"
    TOO_MANY = "TOO_MANY"
    DUPLICATE = "DUPLICATE"
    NOT_FOUND = "NOT_FOUND"
    ARCHIVED = "ARCHIVED"
    ALREADY_RETIRED = "ALREADY_RETIRED"


__all__ = ["PathwayErrorCode"]
