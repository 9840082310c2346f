"""The rule for counts of people (outcomes): a number shows only if it stands for at
least n people (the partnership's ``settings["outcomes"]["min_people"]``, default 10,
the most common state rule for education and workforce data).

It plugs into the same engine as the employers' rule: rows are people grouped by
reporting member (the contributor), amounts are numbers of people, and complementary
suppression and the canonical breakdowns work as for pooled demand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from coalition.disclosure.rule import Contributions, InvalidDisclosureSettings

DEFAULT_MIN_PEOPLE = 10
LOWEST_MIN_PEOPLE = 3
HIGHEST_MIN_PEOPLE = 100


@dataclass(frozen=True)
class PeopleRule:
    """A number of people may be shown when it is at least ``min_people``."""

    min_people: int = DEFAULT_MIN_PEOPLE

    def __post_init__(self) -> None:
        n = self.min_people
        if type(n) is not int or not LOWEST_MIN_PEOPLE <= n <= HIGHEST_MIN_PEOPLE:
            raise InvalidDisclosureSettings(
                f"min_people must be an integer from {LOWEST_MIN_PEOPLE} to {HIGHEST_MIN_PEOPLE}."
            )

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None) -> PeopleRule:
        """The rule in ``settings["outcomes"]`` (default 10). Malformed settings raise."""
        outcomes = (settings or {}).get("outcomes")
        if outcomes is None:
            return cls()
        if not isinstance(outcomes, Mapping):
            raise InvalidDisclosureSettings("settings.outcomes must be an object.")
        unknown = set(outcomes) - {"min_people"}
        if unknown:
            raise InvalidDisclosureSettings(f"unknown outcomes settings: {sorted(unknown)}")
        if "min_people" not in outcomes:
            return cls()
        return cls(min_people=outcomes["min_people"])

    def as_settings(self) -> dict[str, int]:
        return {"min_people": self.min_people}

    def allows(self, contributions: Contributions) -> bool:
        """At least ``min_people`` people, whoever reported them."""
        return sum(amount for amount in contributions.values() if amount > 0) >= self.min_people


__all__ = ["DEFAULT_MIN_PEOPLE", "PeopleRule"]
