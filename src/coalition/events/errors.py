"""The codes of the events domain's userErrors (what a client may branch on)."""

from __future__ import annotations

import enum


class EventErrorCode(enum.StrEnum):
    REQUIRED = "REQUIRED"
    BLANK = "BLANK"
    INVALID = "INVALID"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    TOO_LONG = "TOO_LONG"
    TOO_MANY = "TOO_MANY"
    DUPLICATE = "DUPLICATE"
    NOT_FOUND = "NOT_FOUND"
    ARCHIVED = "ARCHIVED"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    EVENT_CLOSED = "EVENT_CLOSED"
    CAPACITY_BELOW_CONFIRMED = "CAPACITY_BELOW_CONFIRMED"
    NOT_MEMBER = "NOT_MEMBER"
    ALREADY_REQUESTED = "ALREADY_REQUESTED"
    NOT_APPROVED = "NOT_APPROVED"
    NOT_STARTED = "NOT_STARTED"


__all__ = ["EventErrorCode"]
