"""The disclosure rule: how many contributors a number needs, and how large a share one may hold."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

DEFAULT_MIN_EMPLOYERS = 3
DEFAULT_MAX_SHARE_PERCENT = 80

K = TypeVar("K", bound=Hashable)
# What each contributor adds to a number: its amount (openings, people), by contributor.
Contributions = Mapping[Any, int]


class InvalidDisclosureSettings(ValueError):
    """The partnership's disclosure settings are malformed or weaker than allowed."""


class Rule(Protocol):
    """What the engine asks of a rule: whether a number with these contributions may be shown."""

    def allows(self, contributions: Contributions) -> bool: ...


@dataclass(frozen=True)
class DisclosureRule:
    """At least ``min_employers`` contributors, none above ``max_share_percent`` of the whole.

    The names are the partnership's settings (``settings["disclosure"]``), written for
    pooled demand, whose contributors are employers; the rule counts any contributor."""

    min_employers: int = DEFAULT_MIN_EMPLOYERS
    max_share_percent: int = DEFAULT_MAX_SHARE_PERCENT

    def __post_init__(self) -> None:
        k, p = self.min_employers, self.max_share_percent
        if type(k) is not int or k < 2:
            raise InvalidDisclosureSettings("min_employers must be an integer of at least 2.")
        if type(p) is not int or not 50 <= p <= 100:
            raise InvalidDisclosureSettings("max_share_percent must be an integer from 50 to 100.")

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None) -> DisclosureRule:
        """The rule in ``settings["disclosure"]`` (defaults 3 and 80). Malformed settings
        raise rather than fall back: a typo must not quietly change what is shown."""
        disclosure = (settings or {}).get("disclosure")
        if disclosure is None:
            return cls()
        if not isinstance(disclosure, Mapping):
            raise InvalidDisclosureSettings("settings.disclosure must be an object.")
        unknown = set(disclosure) - {"min_employers", "max_share_percent"}
        if unknown:
            raise InvalidDisclosureSettings(f"unknown disclosure settings: {sorted(unknown)}")
        return cls(
            min_employers=disclosure.get("min_employers", DEFAULT_MIN_EMPLOYERS),
            max_share_percent=disclosure.get("max_share_percent", DEFAULT_MAX_SHARE_PERCENT),
        )

    def allows(self, contributions: Contributions) -> bool:
        """At least k contributors with something, none above p% of the whole."""
        amounts = [amount for amount in contributions.values() if amount > 0]
        if len(amounts) < self.min_employers:
            return False
        return max(amounts) * 100 <= self.max_share_percent * sum(amounts)


def merge(parts: Iterable[Contributions]) -> dict[Any, int]:
    """The contributions of several parts together, by contributor."""
    merged: defaultdict[Any, int] = defaultdict(int)
    for part in parts:
        for contributor, amount in part.items():
            merged[contributor] += amount
    return merged


def order_key(value: Any) -> Any:
    """How keys sort: as themselves, a set as its sorted members."""
    if isinstance(value, frozenset):
        return tuple(sorted(map(str, value)))
    return value


def hidden_in_line(atoms: Mapping[K, Contributions], rule: Rule) -> frozenset[K]:
    """The atoms a breakdown hides: those failing the rule and, when the whole passes
    (so it may be shown and the hidden part is the whole minus the shown part), the
    next-smallest shown atoms until the hidden ones are at least two and pass together.
    Ordered by amount then key, so the choice depends on shown values only."""
    hidden = {key for key, part in atoms.items() if not rule.allows(part)}
    if not hidden or not rule.allows(merge(atoms.values())):
        return frozenset(hidden)
    shown = sorted(
        (key for key in atoms if key not in hidden),
        key=lambda key: (sum(atoms[key].values()), order_key(key)),
    )
    while shown and (len(hidden) == 1 or not rule.allows(merge(atoms[k] for k in hidden))):
        hidden.add(shown.pop(0))
    return frozenset(hidden)


__all__ = [
    "DEFAULT_MAX_SHARE_PERCENT",
    "DEFAULT_MIN_EMPLOYERS",
    "Contributions",
    "DisclosureRule",
    "InvalidDisclosureSettings",
    "Rule",
    "hidden_in_line",
    "merge",
    "order_key",
]
