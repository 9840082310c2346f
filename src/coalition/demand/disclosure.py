"""Disclosure control for pooled demand: which numbers a response may show.

Pure (no SQL, no GraphQL). ``summary.py`` hands it one row (a ``Record``, or
``Columns`` of many) per group of signals of one employer that agree on every
attribute a breakdown reads, and a ``Breakdown`` (dimensions, filter
conditions); it returns each cell and the total either shown, with its
numbers, or suppressed, with none. The engine is ``disclosure_table.py``.

The rule, a partnership setting: a number is shown only if at least
``min_employers`` distinct employers stand behind it and no single employer
holds more than ``max_share_percent`` of its openings (the BLS QCEW
"3 establishments / 80%" rule). A number that passes is then also held to:

1. Filters (differencing): for every way of removing some of the filter's
   conditions, the signals the filter drops from the number must be none or
   pass the rule, so two queries that differ by a filter isolate nobody.
2. Canonical breakdowns (consistency): along each attribute the number
   restricts (occupation, quarter, work-based learning, degree), the
   breakdown of its signals by that attribute (within its other keys, and
   tenant-wide; under the filter, and under none) has hidden atoms: those
   failing the rule, plus the next-smallest until they are at least two and
   pass together (``hidden_in_line``). The number must take the hidden atoms'
   signals whole or not at all, so no filter, quarter range or major group
   publishes a cell that another response hides to protect its neighbour.
   Along the checked attributes it does not restrict, the part of the
   tenant-wide breakdown's hidden signals it takes, and the part it leaves,
   must each be none or pass (a quarter must not be exactly an occupation's
   hidden partner).
3. Secondary suppression inside the response: in every group of cells with a
   common marginal (all cells and the total; each row and column of a
   multi-way breakdown), the hidden cells together must pass the rule and be
   at least two (a cell that is all of a shown marginal does not count); else the
   shown cell with the fewest openings is hidden too (ties by key, never by
   a hidden value). If nothing is left to hide, the total is hidden.

Which cells exist depends only on which key combinations have at least one
kept signal: existence is disclosed, values are not (QCEW's "(D)" cells).
Medians are given only for shown numbers whose wages come from at least
``min_employers`` employers, none holding more than ``max_share_percent`` of
the signals with wages, all in one currency.

Limits, stated: every shown number passes the rule, one response gives away at
most sums of hidden cells that pass it, and the attacks in
tests/demand/test_summary_attacks.py (combining every breakdown, filter and
trend of small markets) recover no hidden employer. It is not a proof against
every combination of many two- and three-way breakdowns and filters (an
attacker solving for bounds, or exact values in larger markets): full
protection of linked tables is an audit problem this rule does not solve.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

DEFAULT_MIN_EMPLOYERS = 3
DEFAULT_MAX_SHARE_PERCENT = 80

K = TypeVar("K", bound=Hashable)
Contributions = Mapping[Any, int]


class InvalidDisclosureSettings(ValueError):
    """The partnership's disclosure settings are malformed or weaker than allowed."""


def round_half_even(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` (denominator > 0) to the nearest integer, ties to even."""
    quotient, remainder = divmod(numerator, denominator)
    if 2 * remainder > denominator or (2 * remainder == denominator and quotient % 2 == 1):
        quotient += 1
    return quotient


def _same(value: int) -> int:
    return value


def median(values: Iterable[int], cents: Callable[[int], int] = _same) -> int | None:
    """The median of ``cents(value)``: the mean of the two middle ones (round half to even)
    for an even count. ``cents`` must never decrease as its argument grows."""
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return cents(ordered[middle])
    return round_half_even(cents(ordered[middle - 1]) + cents(ordered[middle]), 2)


@dataclass(frozen=True)
class DisclosureRule:
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
        """At least k employers with something, none above p% of the whole."""
        amounts = [amount for amount in contributions.values() if amount > 0]
        if len(amounts) < self.min_employers:
            return False
        return max(amounts) * 100 <= self.max_share_percent * sum(amounts)


def merge(parts: Iterable[Contributions]) -> dict[Any, int]:
    merged: defaultdict[Any, int] = defaultdict(int)
    for part in parts:
        for employer, amount in part.items():
            merged[employer] += amount
    return merged


def order_key(value: Any) -> Any:
    """How keys sort: as themselves, a set as its sorted members."""
    if isinstance(value, frozenset):
        return tuple(sorted(map(str, value)))
    return value


def hidden_in_line(atoms: Mapping[K, Contributions], rule: DisclosureRule) -> frozenset[K]:
    """The atoms a breakdown hides: those failing the rule and, when the whole passes
    (so it may be shown and the hidden part is the whole minus the shown part), the
    next-smallest shown atoms until the hidden ones are at least two and pass together.
    Ordered by openings then key, so the choice depends on shown values only."""
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


@dataclass(frozen=True, slots=True)
class Record:
    """Signals of one employer that agree on every attribute the breakdown reads.

    ``wages``: a value per signal with a wage, all in ``currency``; the breakdown's
    ``wage_cents`` turns one into the hourly wage in cents."""

    employer: Hashable
    openings: int
    values: Mapping[str, Hashable]
    wages: tuple[int, ...] = ()
    currency: str | None = None


@dataclass(frozen=True)
class Columns:
    """Records as columns, one value per row in each: what ``summary`` builds straight
    from the aggregate's rows (tens of thousands of them)."""

    employers: Sequence[Hashable]
    openings: Sequence[int]
    values: Mapping[str, Sequence[Any]]
    wages: Sequence[Sequence[int] | None]  # None or empty: no signal with a wage
    currencies: Sequence[str | None]  # of the row's wages; read only when it has some

    @classmethod
    def of(cls, records: Sequence[Record]) -> Columns:
        names = {name for record in records for name in record.values}
        return cls(
            employers=[record.employer for record in records],
            openings=[record.openings for record in records],
            values={name: [record.values[name] for record in records] for name in names},
            wages=[record.wages for record in records],
            currencies=[record.currency for record in records],
        )


def _single_key(value: Any) -> tuple[Hashable, ...]:
    return (value,)


@dataclass(frozen=True)
class Dimension:
    """A way to group: the cell keys of an attribute's value (several when a value falls
    in several cells, as a signal's skills do: then the cells overlap)."""

    name: str
    attribute: str
    keys_of: Callable[[Any], Iterable[Hashable]] = _single_key


@dataclass(frozen=True)
class Condition:
    """One filter condition on one attribute's value."""

    attribute: str
    accepts: Callable[[Any], bool]


@dataclass(frozen=True)
class Breakdown:
    dimensions: tuple[Dimension, ...]
    conditions: tuple[Condition, ...] = ()
    split_checked: frozenset[str] = frozenset()
    wage_cents: Callable[[int], int] = _same

    def __post_init__(self) -> None:
        attributes = [condition.attribute for condition in self.conditions]
        if len(set(attributes)) != len(attributes):
            raise ValueError("one condition per attribute: combine them")


@dataclass(frozen=True)
class Figure:
    """A cell or the total. Suppressed: every number is None."""

    key: tuple[Hashable, ...]
    suppressed: bool
    openings: int | None = None
    employer_count: int | None = None
    median_wage_cents: int | None = None
    currency: str | None = None


@dataclass(frozen=True)
class Disclosure:
    cells: list[Figure]
    total: Figure


def disclose(
    records: Sequence[Record] | Columns, rule: DisclosureRule, breakdown: Breakdown
) -> Disclosure:
    """Every cell with at least one kept record, in key order, and the total; each
    shown or suppressed by the rule above. Deterministic for the same input."""
    # The engine lives in its own module (size); it imports this one's types.
    from coalition.demand.disclosure_table import Table

    rows = records if isinstance(records, Columns) else Columns.of(records)
    return Table(rows, rule, breakdown).disclose()


__all__ = [
    "DEFAULT_MAX_SHARE_PERCENT",
    "DEFAULT_MIN_EMPLOYERS",
    "Breakdown",
    "Columns",
    "Condition",
    "Dimension",
    "Disclosure",
    "DisclosureRule",
    "Figure",
    "InvalidDisclosureSettings",
    "Record",
    "disclose",
    "hidden_in_line",
    "median",
    "merge",
    "round_half_even",
]
