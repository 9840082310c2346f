"""How often a partnership's aggregates are released: ``settings["releases"]``.

Releases are frozen snapshots that every aggregate over competitors' data is read
from (pooled demand today), made on a schedule and never closer together than a
minimum interval, so nobody can make the many releases that probing needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DEFAULT_EVERY_HOURS = 24
DEFAULT_MIN_INTERVAL_HOURS = 6
MAX_HOURS = 744
SCHEDULE_SETTINGS = ("every_hours", "min_interval_hours")


class InvalidReleaseSettings(ValueError):
    """``settings["releases"]`` is malformed."""


@dataclass(frozen=True)
class ReleaseSchedule:
    """How often releases are made (``every_hours``) and the least time between two
    (``min_interval_hours``), from 1 hour to 31 days."""

    every_hours: int = DEFAULT_EVERY_HOURS
    min_interval_hours: int = DEFAULT_MIN_INTERVAL_HOURS

    def __post_init__(self) -> None:
        for name in SCHEDULE_SETTINGS:
            value = getattr(self, name)
            if type(value) is not int or not 1 <= value <= MAX_HOURS:
                raise InvalidReleaseSettings(f"{name} must be a whole number of hours, 1 to 744.")
        if self.min_interval_hours > self.every_hours:
            raise InvalidReleaseSettings("min_interval_hours must not be above every_hours.")

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None) -> ReleaseSchedule:
        releases = (settings or {}).get("releases")
        if releases is None:
            return cls()
        if not isinstance(releases, Mapping):
            raise InvalidReleaseSettings("settings.releases must be an object.")
        unknown = set(releases) - set(SCHEDULE_SETTINGS)
        if unknown:
            raise InvalidReleaseSettings(f"unknown release settings: {sorted(unknown)}")
        return cls(**{name: releases[name] for name in SCHEDULE_SETTINGS if name in releases})

    def as_settings(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in SCHEDULE_SETTINGS}


__all__ = [
    "DEFAULT_EVERY_HOURS",
    "DEFAULT_MIN_INTERVAL_HOURS",
    "MAX_HOURS",
    "SCHEDULE_SETTINGS",
    "InvalidReleaseSettings",
    "ReleaseSchedule",
]
