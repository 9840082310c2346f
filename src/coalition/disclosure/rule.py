"""The disclosure rule: how many contributors a number needs, the p% rule, and the noise bounds."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

DEFAULT_MIN_EMPLOYERS = 3
DEFAULT_P_PERCENT = 10
DEFAULT_NOISE_MIN_PERCENT = 10
DEFAULT_NOISE_MAX_PERCENT = 25
SETTINGS = ("min_employers", "p_percent", "noise_min_percent", "noise_max_percent")

K = TypeVar("K", bound=Hashable)
# What each contributor adds to a number: its amount (openings, people), by contributor.
Contributions = Mapping[Any, float]


class InvalidDisclosureSettings(ValueError):
    """The partnership's disclosure settings are malformed or weaker than allowed."""


class Rule(Protocol):
    """What the engine asks of a rule: whether a number with these contributions may be shown."""

    def allows(self, contributions: Contributions) -> bool: ...


@dataclass(frozen=True)
class DisclosureRule:
    """When a number over contributors' amounts may be shown, and how it is distorted.

    - ``min_employers`` (k): at least k distinct contributors with something.
    - ``p_percent`` (the p% rule): the total minus the two largest contributions is at
      least p% of the largest, so the runner-up, who knows its own amount, cannot
      estimate the leader's within p%.
    - ``noise_min_percent``/``noise_max_percent``: each contribution is multiplied by a
      permanent factor in [1 - max, 1 - min] or [1 + min, 1 + max] (``noise``), so any
      number an attacker isolates is one contributor's value at least ``min``% off.

    The names are the partnership's settings (``settings["disclosure"]``), written for
    pooled demand, whose contributors are employers; the rule counts any contributor."""

    min_employers: int = DEFAULT_MIN_EMPLOYERS
    p_percent: int = DEFAULT_P_PERCENT
    noise_min_percent: int = DEFAULT_NOISE_MIN_PERCENT
    noise_max_percent: int = DEFAULT_NOISE_MAX_PERCENT

    def __post_init__(self) -> None:
        k, p = self.min_employers, self.p_percent
        low, high = self.noise_min_percent, self.noise_max_percent
        if type(k) is not int or not 2 <= k <= 50:
            raise InvalidDisclosureSettings("min_employers must be an integer from 2 to 50.")
        if type(p) is not int or not 1 <= p <= 50:
            raise InvalidDisclosureSettings("p_percent must be an integer from 1 to 50.")
        if type(low) is not int or not 5 <= low <= 40:
            raise InvalidDisclosureSettings("noise_min_percent must be an integer from 5 to 40.")
        if type(high) is not int or not low + 5 <= high <= 50:
            raise InvalidDisclosureSettings(
                "noise_max_percent must be an integer at least 5 above noise_min_percent "
                "and at most 50."
            )

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None) -> DisclosureRule:
        """The rule in ``settings["disclosure"]`` (defaults 3, 10, 10 and 25). Malformed
        settings raise rather than fall back: a typo must not quietly change what is shown."""
        disclosure = (settings or {}).get("disclosure")
        if disclosure is None:
            return cls()
        if not isinstance(disclosure, Mapping):
            raise InvalidDisclosureSettings("settings.disclosure must be an object.")
        unknown = set(disclosure) - set(SETTINGS)
        if unknown:
            raise InvalidDisclosureSettings(f"unknown disclosure settings: {sorted(unknown)}")
        return cls(**{name: disclosure[name] for name in SETTINGS if name in disclosure})

    def as_settings(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in SETTINGS}

    def allows(self, contributions: Contributions) -> bool:
        """At least k contributors with something, and the p% rule among them."""
        amounts = sorted((amount for amount in contributions.values() if amount > 0), reverse=True)
        if len(amounts) < self.min_employers:
            return False
        largest, runner_up = amounts[0], amounts[1]
        return (sum(amounts) - largest - runner_up) * 100 >= self.p_percent * largest


def merge(parts: Iterable[Contributions]) -> dict[Any, float]:
    """The contributions of several parts together, by contributor."""
    merged: defaultdict[Any, float] = defaultdict(float)
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
    "DEFAULT_MIN_EMPLOYERS",
    "DEFAULT_NOISE_MAX_PERCENT",
    "DEFAULT_NOISE_MIN_PERCENT",
    "DEFAULT_P_PERCENT",
    "SETTINGS",
    "Contributions",
    "DisclosureRule",
    "InvalidDisclosureSettings",
    "Rule",
    "hidden_in_line",
    "merge",
    "order_key",
]
