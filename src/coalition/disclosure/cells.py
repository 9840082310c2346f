"""What goes into the engine (rows of contributions, a breakdown) and what comes out (figures)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# How much a contributor adds: openings or people (never money), fractional when a
# signal's openings are spread over the quarters of its horizon.
Count = float


def round_half_even(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` (denominator > 0) to the nearest integer, ties to even."""
    quotient, remainder = divmod(numerator, denominator)
    if 2 * remainder > denominator or (2 * remainder == denominator and quotient % 2 == 1):
        quotient += 1
    return quotient


def _same(value: int) -> int:
    return value


def median(values: Iterable[int], measure: Callable[[int], int] = _same) -> int | None:
    """The median of ``measure(value)``: the mean of the two middle ones (round half to
    even) for an even count. ``measure`` must never decrease as its argument grows."""
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return measure(ordered[middle])
    return round_half_even(measure(ordered[middle - 1]) + measure(ordered[middle]), 2)


@dataclass(frozen=True, slots=True)
class Record:
    """What one contributor adds to the items that agree on every attribute read.

    ``amount``: the items' sum (openings, people), not negative (0: there with none).
    ``measurements``: a value per item that has one (a wage), all in ``unit`` (a
    currency); the breakdown's
    ``measure`` turns one into the value whose median is reported."""

    contributor: Hashable
    amount: Count
    values: Mapping[str, Hashable]
    measurements: tuple[int, ...] = ()
    unit: str | None = None


@dataclass(frozen=True)
class Columns:
    """Records as columns, one value per row in each: what a caller builds straight from
    an aggregate's rows (tens of thousands of them)."""

    contributors: Sequence[Hashable]
    amounts: Sequence[Count]
    values: Mapping[str, Sequence[Any]]
    measurements: Sequence[Sequence[int] | None]  # None or empty: nothing measured
    units: Sequence[str | None]  # of the row's measurements; read only when it has some

    @classmethod
    def of(cls, records: Sequence[Record]) -> Columns:
        names = {name for record in records for name in record.values}
        return cls(
            contributors=[record.contributor for record in records],
            amounts=[record.amount for record in records],
            values={name: [record.values[name] for record in records] for name in names},
            measurements=[record.measurements for record in records],
            units=[record.unit for record in records],
        )


def _single_key(value: Any) -> tuple[Hashable, ...]:
    return (value,)


@dataclass(frozen=True)
class Dimension:
    """A way to group: the cell keys of an attribute's value (several when a value falls
    in several cells, as a demand signal's skills do: then the cells overlap)."""

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
    """The cells asked for (``dimensions``), the filter (``conditions``, one per
    attribute), the attributes whose breakdowns no number may split (``split_checked``),
    and how a measurement becomes the value whose median is shown (``measure``)."""

    dimensions: tuple[Dimension, ...]
    conditions: tuple[Condition, ...] = ()
    split_checked: frozenset[str] = frozenset()
    measure: Callable[[int], int] = _same

    def __post_init__(self) -> None:
        attributes = [condition.attribute for condition in self.conditions]
        if len(set(attributes)) != len(attributes):
            raise ValueError("one condition per attribute: combine them")


@dataclass(frozen=True)
class Figure:
    """A cell or the total. Suppressed: every number is None."""

    key: tuple[Hashable, ...]
    suppressed: bool
    amount: Count | None = None
    contributor_count: int | None = None
    median: int | None = None
    unit: str | None = None


@dataclass(frozen=True)
class Disclosure:
    cells: list[Figure]
    total: Figure


__all__ = [
    "Breakdown",
    "Columns",
    "Condition",
    "Count",
    "Dimension",
    "Disclosure",
    "Figure",
    "Record",
    "median",
    "round_half_even",
]
