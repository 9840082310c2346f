"""The figures of one pooled-demand response, from one release's rows.

Two passes over the rows a response reads:

- *Deciding* what may be shown: ``disclose`` (the disclosure engine: the rule,
  filter differencing, canonical breakdowns, secondary suppression) over the
  POOLED rows of employers other than the reader's own organizations, with their
  true openings. A reader's own rows and NAMED rows (public) take no part, so
  nothing the reader does with its own signals moves a decision. A cell with no
  such rows is shown if it holds only NAMED openings; one holding the reader's own
  reads as hidden, exactly like one where a lone competitor sits beside them.
- *Publishing*: a shown cell's openings are the sum of every row's noised openings
  (NAMED as they are, the reader's own noised like everyone's), rounded to whole
  openings; employers as a band; the median of each employer's noised hourly wage,
  given when its other POOLED employers with a wage are none or at least k.

A hidden cell is listed (with no numbers) only if its key is known to the reader
anyway: the response asked for it (``known_keys``: a trend's quarters), or NAMED or
the reader's own signals fall in it. Otherwise it is left out: a listed key would
tell that a lone employer posted there.
"""

from __future__ import annotations

import enum
import itertools
import uuid
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from coalition.demand.summary_rows import ReleaseRows
from coalition.disclosure.cells import Breakdown, Columns, median, round_half_even
from coalition.disclosure.engine import disclose
from coalition.disclosure.rule import DisclosureRule, order_key


class EmployerBand(enum.StrEnum):
    """How many employers stand behind a number, as a band: an exact count would
    confirm when one employer joins or leaves."""

    FEWER_THAN_5 = "FEWER_THAN_5"
    FROM_5_TO_9 = "FROM_5_TO_9"
    FROM_10_TO_19 = "FROM_10_TO_19"
    AT_LEAST_20 = "AT_LEAST_20"

    @classmethod
    def of(cls, count: int) -> EmployerBand:
        if count < 5:
            return cls.FEWER_THAN_5
        if count < 10:
            return cls.FROM_5_TO_9
        if count < 20:
            return cls.FROM_10_TO_19
        return cls.AT_LEAST_20


@dataclass(frozen=True)
class PublishedFigure:
    """A cell or the total as a reader sees it. Suppressed: every number is None."""

    key: tuple[Hashable, ...]
    suppressed: bool
    openings: int | None = None
    employers: EmployerBand | None = None
    median_wage: int | None = None
    currency: str | None = None


@dataclass
class _Cell:
    rows: list[int] = field(default_factory=list)
    decided: bool = False  # holds POOLED rows of other employers


def published(
    rows: ReleaseRows,
    rule: DisclosureRule,
    breakdown: Breakdown,
    *,
    readers: Iterable[uuid.UUID | str],
    known_keys: Sequence[tuple[Hashable, ...]] = (),
) -> tuple[list[PublishedFigure], PublishedFigure]:
    """Every cell the reader may see listed, in key order, and the total."""
    own = frozenset(str(reader) for reader in readers)
    others = [
        not rows.named[row] and rows.employers[row] not in own and rows.openings[row] > 0
        for row in range(len(rows.employers))
    ]
    mine = [employer in own for employer in rows.employers]
    cells, total = _cells(rows, breakdown, others)
    shown_keys, total_shown = _decide(rows, rule, breakdown, others)
    figures: list[PublishedFigure] = []
    known = set(known_keys)
    for key in sorted(set(cells) | known, key=lambda k: tuple(map(order_key, k))):
        cell = cells.get(key)
        if cell is None:
            figures.append(PublishedFigure(key=key, suppressed=True))
            continue
        # A cell without other employers' POOLED openings is shown unless the reader's
        # own are in it: then it reads as hidden, as it would with a lone competitor
        # beside them (else posting 1 opening in a cell would tell whether anyone is there).
        shown = key in shown_keys if cell.decided else not any(mine[row] for row in cell.rows)
        if shown:
            figures.append(_figure(rows, rule, key, cell.rows, others))
        elif key in known or not all(others[row] for row in cell.rows):
            figures.append(PublishedFigure(key=key, suppressed=True))
    # The total likewise: with no other employer's POOLED openings under the filter, it
    # is shown only if none of the reader's own are there either.
    total_shown = total_shown if total.decided else not any(mine[row] for row in total.rows)
    total_figure = (
        _figure(rows, rule, (), total.rows, others)
        if total.rows and total_shown
        else PublishedFigure(key=(), suppressed=True)
    )
    return figures, total_figure


def _kept_rows(rows: ReleaseRows, breakdown: Breakdown) -> list[int]:
    kept = list(range(len(rows.employers)))
    for condition in breakdown.conditions:
        column = rows.values[condition.attribute]
        verdicts: dict[Any, bool] = {}
        chosen = []
        for row in kept:
            value = column[row]
            verdict = verdicts.get(value)
            if verdict is None:
                verdict = verdicts[value] = bool(condition.accepts(value))
            if verdict:
                chosen.append(row)
        kept = chosen
    return kept


def _cells(
    rows: ReleaseRows, breakdown: Breakdown, others: list[bool]
) -> tuple[dict[tuple[Hashable, ...], _Cell], _Cell]:
    kept = _kept_rows(rows, breakdown)
    total = _Cell(rows=kept, decided=any(others[row] for row in kept))
    # Each dimension's keys per distinct value (several for skills), computed once.
    key_lists: list[list[tuple[Hashable, ...]]] = []
    for dimension in breakdown.dimensions:
        column = rows.values[dimension.attribute]
        keys_of = {value: tuple(dict.fromkeys(dimension.keys_of(value))) for value in set(column)}
        key_lists.append([keys_of[value] for value in column])
    members: dict[tuple[Hashable, ...], list[int]] = {}
    if all(len(keys) == 1 for column in key_lists for keys in column):
        firsts = [[keys[0] for keys in column] for column in key_lists]
        for row in kept:
            key = tuple(column[row] for column in firsts)
            found = members.get(key)
            if found is None:
                members[key] = [row]
            else:
                found.append(row)
    else:
        for row in kept:
            for key in itertools.product(*(column[row] for column in key_lists)):
                members.setdefault(key, []).append(row)
    cells = {
        key: _Cell(rows=found, decided=any(others[row] for row in found))
        for key, found in members.items()
    }
    return cells, total


def _decide(
    rows: ReleaseRows, rule: DisclosureRule, breakdown: Breakdown, others: list[bool]
) -> tuple[set[tuple[Hashable, ...]], bool]:
    chosen = [row for row, other in enumerate(others) if other]
    if not chosen:
        return set(), True
    decision = Columns(
        contributors=[rows.employers[row] for row in chosen],
        amounts=[rows.openings[row] for row in chosen],
        values={name: [column[row] for row in chosen] for name, column in rows.values.items()},
        measurements=[None] * len(chosen),
        units=[None] * len(chosen),
    )
    result = disclose(decision, rule, breakdown)
    shown = {figure.key for figure in result.cells if not figure.suppressed}
    return shown, not result.total.suppressed


def _figure(
    rows: ReleaseRows,
    rule: DisclosureRule,
    key: tuple[Hashable, ...],
    members: list[int],
    others: list[bool],
) -> PublishedFigure:
    noised = sum(rows.noised[row] for row in members)
    employers = {rows.employers[row] for row in members}
    wages: dict[Any, list[float]] = {}
    wage_others: set[Any] = set()
    currencies: set[str] = set()
    for row in members:
        weight = rows.wage_openings[row]
        if weight <= 0:
            continue
        who = rows.employers[row]
        part = wages.setdefault(who, [0.0, 0.0])
        part[0] += weight
        part[1] += rows.noised_wage_sums[row]
        currencies.add(rows.currencies[row])
        if others[row]:
            wage_others.add(who)
    middle = currency = None
    if (
        wages
        and len(currencies) == 1
        and (not wage_others or len(wage_others) >= rule.min_employers)
    ):
        per_employer = [round(total / weight) for weight, total in wages.values()]
        middle, currency = median(per_employer), currencies.pop()
    return PublishedFigure(
        key=key,
        suppressed=False,
        openings=round_half_even(round(noised * 1000), 1000),
        employers=EmployerBand.of(len(employers)),
        median_wage=middle,
        currency=currency,
    )


__all__ = ["EmployerBand", "PublishedFigure", "published"]
