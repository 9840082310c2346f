"""``disclose``: one response's cells and total, each shown or suppressed.

The primary test of each number is the ``table``'s; this module adds the
secondary suppression inside the response (rule 3 of the package docstring)
and builds the figures.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from coalition.disclosure.cells import Breakdown, Columns, Disclosure, Figure, Record, median
from coalition.disclosure.rule import Rule, order_key
from coalition.disclosure.table import CellKey, Constraint, Table, constraint_of


@dataclass(frozen=True)
class _Group:
    fixed: tuple[int, ...]
    marginal: Constraint
    cells: list[CellKey]


def disclose(records: Sequence[Record] | Columns, rule: Rule, breakdown: Breakdown) -> Disclosure:
    """Every cell with at least one kept record, in key order, and the total; each shown
    or suppressed by the rule (the package docstring). Deterministic for the same input:
    the same records in any order give the same answer."""
    rows = records if isinstance(records, Columns) else Columns.of(records)
    table = Table(rows, rule, breakdown)
    hidden = {key: not table.primary(constraint_of(key)) for key in table.cells}
    total_shown = table.primary(())
    groups = _groups(table)
    # Checked whenever the marginal could be known (it passes the bare rule).
    checked = [
        group
        for group in groups
        if group.fixed and rule.allows(table.kept_contributions(group.marginal))
    ]
    # A cell that is all of a published marginal is public anyway: it protects nobody,
    # so it never counts towards a group's hidden cells.
    pinned = {
        group.cells[0]
        for group in checked
        if len(group.cells) == 1
        and table.kept(constraint_of(group.cells[0])) == table.kept(group.marginal)
        and table.primary(group.marginal)
    }
    grand = [group for group in groups if not group.fixed]
    changed = True
    while changed:
        changed = False
        for group in (grand if total_shown else []) + checked:
            while not _group_holds(table, group, hidden, pinned):
                candidates = [k for k in group.cells if not hidden[k] and k not in pinned]
                if candidates:
                    smallest = min(candidates, key=lambda key: _smallest_first(table, key))
                    hidden[smallest] = True
                    changed = True
                    continue
                if not group.fixed and total_shown:
                    total_shown, changed = False, True
                break
    cells = [_figure(table, key, shown=not hidden[key]) for key in table.cells]
    return Disclosure(cells, _figure(table, (), shown=total_shown))


def _groups(table: Table) -> list[_Group]:
    """Cells sharing the keys of each proper subset of the dimensions (the empty one:
    all cells, whose marginal is the total)."""
    count = len(table.dimensions)
    groups: list[_Group] = []
    for size in range(count):
        for fixed in itertools.combinations(range(count), size):
            members: dict[CellKey, list[CellKey]] = {}
            for key in table.cells:
                members.setdefault(tuple(key[d] for d in fixed), []).append(key)
            for group_key, cells in members.items():
                groups.append(_Group(fixed, tuple(zip(fixed, group_key, strict=True)), cells))
    return groups


def _smallest_first(table: Table, key: CellKey) -> tuple[float, tuple[Any, ...]]:
    amount = sum(table.kept_contributions(constraint_of(key)).values())
    return amount, tuple(map(order_key, key))


def _group_holds(
    table: Table, group: _Group, hidden: dict[CellKey, bool], pinned: set[CellKey]
) -> bool:
    """The hidden cells (pinned ones aside) are none, or at least two that pass together
    (also for what the conditions drop from them). Each hidden cell already respects
    the canonical breakdowns; what is derivable here is their union."""
    concealed = [key for key in group.cells if hidden[key] and key not in pinned]
    if not concealed:
        return True
    if len(concealed) == 1:
        return False
    constraints = [constraint_of(key) for key in concealed]
    rows = frozenset().union(*(table.kept(constraint) for constraint in constraints))
    return table.rule.allows(table.contributions(rows)) and table.relaxations_pass(constraints)


def _figure(table: Table, key: CellKey, *, shown: bool) -> Figure:
    if not shown:
        return Figure(key=key, suppressed=True)
    constraint = constraint_of(key)
    contributions = table.kept_contributions(constraint)
    measured_by: dict[int, int] = {}
    measured: list[int] = []
    units: set[str | None] = set()
    measurements, unit_of, contributor = table.measurements, table.units, table.contributor
    for row in table.kept(constraint):
        values = measurements[row]
        if values:
            who = contributor[row]
            measured_by[who] = measured_by.get(who, 0) + len(values)
            measured.extend(values)
            units.add(unit_of[row])
    middle = unit = None
    if len(units) == 1 and table.rule.allows(measured_by):
        middle, unit = median(measured, table.measure), units.pop()
    return Figure(
        key=key,
        suppressed=False,
        amount=sum(contributions.values()),
        contributor_count=len(contributions),
        median=middle,
        unit=unit,
    )


__all__ = ["disclose"]
