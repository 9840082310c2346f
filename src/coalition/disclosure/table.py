"""The rows behind each number of one response, and the primary test of a number.

Rows are kept as columns of plain lists and contributors as small integers: a
breakdown of 100,000 demand signals reads tens of thousands of rows, and every
test below is a pass over some.

A number is a ``Constraint``: the dimension keys it fixes (a cell fixes all, a
group's marginal some, the total none); the filter's conditions apply to every
number of the response. Rules 1 and 2 of the package docstring live here;
``engine`` applies rule 3.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from coalition.disclosure.cells import Breakdown, Columns
from coalition.disclosure.rule import Rule, hidden_in_line, merge, order_key

Constraint = tuple[tuple[int, Hashable], ...]
CellKey = tuple[Hashable, ...]
LineKey = tuple[str, Constraint, int]  # attribute, keys fixed, conditions applied


@dataclass(frozen=True)
class _Line:
    hidden_rows: frozenset[int]
    hidden_passes: bool


def constraint_of(key: CellKey) -> Constraint:
    """The constraint of a cell: every dimension fixed to the cell's key."""
    return tuple(enumerate(key))


class Table:
    def __init__(self, rows: Columns, rule: Rule, breakdown: Breakdown):
        self.rule = rule
        self.dimensions = breakdown.dimensions
        self.conditions = breakdown.conditions
        self.checked = breakdown.split_checked
        self.measure = breakdown.measure
        self.bits = {c.attribute: 1 << i for i, c in enumerate(self.conditions)}
        self.all_conditions = (1 << len(self.conditions)) - 1
        self.count = len(rows.amounts)
        ids: dict[Hashable, int] = {}
        self.contributor = [ids.setdefault(who, len(ids)) for who in rows.contributors]
        self.amounts = list(rows.amounts)
        # Zero is allowed: a row that is there with nothing of the amount (people none of
        # whom had the outcome) makes its cell a cell of 0, which the rule hides.
        if any(amount < 0 for amount in self.amounts):
            raise ValueError("a record's amount must not be negative")
        self.measurements = rows.measurements
        self.units = rows.units
        attributes = (
            set(self.checked)
            | {d.attribute for d in self.dimensions}
            | {c.attribute for c in self.conditions}
        )
        self.values = {a: rows.values[a] for a in attributes}
        self.contributor_count = len(ids)
        # Each checked attribute's values as small integers, numbered in the values' order.
        self.codes: dict[str, list[int]] = {}
        for attribute in self.checked:
            distinct = sorted(set(self.values[attribute]), key=order_key)
            numbers = {value: number for number, value in enumerate(distinct)}
            self.codes[attribute] = [numbers[value] for value in self.values[attribute]]
        if any(
            len(column) != self.count
            for column in (
                self.contributor,
                self.measurements,
                self.units,
                *self.values.values(),
            )
        ):
            raise ValueError("every column must have a value per row")
        self.failed = [0] * self.count
        for position, condition in enumerate(self.conditions):
            verdicts: dict[Any, bool] = {}
            bit = 1 << position
            for row, value in enumerate(self.values[condition.attribute]):
                accepted = verdicts.get(value)
                if accepted is None:
                    accepted = verdicts[value] = bool(condition.accepts(value))
                if not accepted:
                    self.failed[row] |= bit
        self.by_keys = self._rows_by_keys()
        every = tuple(range(len(self.dimensions)))
        self.cells = sorted(
            (
                key
                for key, rows in self.by_keys[every].items()
                if any(not self.failed[r] for r in rows)
            ),
            key=lambda key: tuple(map(order_key, key)),
        )
        self._rows: dict[Constraint, frozenset[int]] = {}
        self._kept: dict[Constraint, frozenset[int]] = {}
        self._contributions: dict[Constraint, dict[int, float]] = {}
        self._primary: dict[Constraint, bool] = {}
        self._dropped: dict[Constraint, dict[int, list[int]]] = {}
        self._lines: dict[LineKey, _Line] = {}
        self._strict: dict[Constraint, list[LineKey]] = {}

    def _rows_by_keys(self) -> dict[tuple[int, ...], dict[CellKey, list[int]]]:
        """The rows of every combination of keys of every subset of the dimensions."""
        # Each dimension's keys per row: one key (most dimensions) or several (skills).
        single: list[list[Hashable] | None] = []
        several: list[list[tuple[Hashable, ...]]] = []
        for dimension in self.dimensions:
            column = self.values[dimension.attribute]
            keys_of = {
                value: tuple(dict.fromkeys(dimension.keys_of(value))) for value in set(column)
            }
            several.append([keys_of[value] for value in column])
            is_single = all(len(keys) == 1 for keys in keys_of.values())
            single.append([keys_of[value][0] for value in column] if is_single else None)
        by_keys: dict[tuple[int, ...], dict[CellKey, list[int]]] = {}
        for size in range(len(self.dimensions) + 1):
            for fixed in itertools.combinations(range(len(self.dimensions)), size):
                rows_by_key: dict[CellKey, list[int]] = {}
                firsts = [single[d] for d in fixed]
                if not fixed:
                    rows_by_key[()] = list(range(self.count))
                elif all(column is not None for column in firsts):
                    keys = zip(*(column for column in firsts if column is not None), strict=True)
                    for row, key in enumerate(keys):
                        rows_by_key.setdefault(key, []).append(row)
                elif len(fixed) == 1:
                    # One dimension of several keys per row (barriers, skills): no product.
                    for row, row_keys in enumerate(several[fixed[0]]):
                        for one in row_keys:
                            found = rows_by_key.get((one,))
                            if found is None:
                                rows_by_key[(one,)] = [row]
                            else:
                                found.append(row)
                else:
                    for row in range(self.count):
                        for key in itertools.product(*(several[d][row] for d in fixed)):
                            rows_by_key.setdefault(key, []).append(row)
                by_keys[fixed] = rows_by_key
        return by_keys

    # --- the rows behind a number --------------------------------------------------------

    def rows(self, constraint: Constraint) -> frozenset[int]:
        """Rows matching the keys, whatever the conditions say."""
        found = self._rows.get(constraint)
        if found is None:
            fixed = tuple(d for d, _ in constraint)
            key = tuple(k for _, k in constraint)
            found = self._rows[constraint] = frozenset(self.by_keys[fixed].get(key, ()))
        return found

    def kept(self, constraint: Constraint) -> frozenset[int]:
        found = self._kept.get(constraint)
        if found is None:
            failed = self.failed
            found = self.rows(constraint)
            if self.conditions:
                found = frozenset(row for row in found if not failed[row])
            self._kept[constraint] = found
        return found

    def contributions(self, rows: Iterable[int]) -> dict[int, float]:
        totals: dict[int, float] = {}
        contributor, amounts = self.contributor, self.amounts
        for row in rows:
            who = contributor[row]
            totals[who] = totals.get(who, 0) + amounts[row]
        return totals

    def kept_contributions(self, constraint: Constraint) -> dict[int, float]:
        found = self._contributions.get(constraint)
        if found is None:
            found = self._contributions[constraint] = self.contributions(self.kept(constraint))
        return found

    def dropped(self, constraint: Constraint) -> dict[int, list[int]]:
        """Rows the conditions drop from the number, by the set of conditions they fail."""
        found = self._dropped.get(constraint)
        if found is None:
            found = {}
            for row in self.rows(constraint):
                mask = self.failed[row]
                if mask:
                    found.setdefault(mask, []).append(row)
            self._dropped[constraint] = found
        return found

    # --- the primary test of one number --------------------------------------------------

    def primary(self, constraint: Constraint) -> bool:
        verdict = self._primary.get(constraint)
        if verdict is None:
            verdict = (
                self.rule.allows(self.kept_contributions(constraint))
                and self.relaxations_pass([constraint])
                and self.consistent(constraint)
            )
            self._primary[constraint] = verdict
        return verdict

    def relaxations_pass(self, constraints: Sequence[Constraint]) -> bool:
        """For every subset of conditions removed, what they drop is none or passes."""
        by_mask = [self.dropped(constraint) for constraint in constraints]
        for relaxed in range(1, self.all_conditions + 1):
            rows = {
                row
                for dropped in by_mask
                for mask, masked in dropped.items()
                if not mask & ~relaxed
                for row in masked
            }
            if rows and not self.rule.allows(self.contributions(rows)):
                return False
        return True

    def consistent(self, constraint: Constraint) -> bool:
        """Rule 2 of the package docstring. Along an attribute the number restricts, with
        any of its other keys lifted, under its conditions or none, it takes a breakdown's
        hidden rows whole (and the whole passes) or not at all. Along another attribute it
        reads, the part of the overall breakdown's hidden rows it takes, and the part it
        leaves, are each none or pass (so no cell of one breakdown exposes another's
        partner)."""
        kept = self.kept(constraint)
        for key in self._restricted_lines(constraint):
            line = self._line(key)
            if not kept.isdisjoint(line.hidden_rows):
                if not (line.hidden_passes and line.hidden_rows <= kept):
                    return False
        for attribute in sorted(self.checked - self._restricted(constraint)):
            hidden = self._line((attribute, (), 0)).hidden_rows
            taken = kept & hidden
            for part in (taken, hidden - taken):
                if part and not self.rule.allows(self.contributions(part)):
                    return False
        return True

    def _restricted(self, constraint: Constraint) -> set[str]:
        return {self.dimensions[d].attribute for d, _ in constraint} | set(self.bits)

    def _restricted_lines(self, constraint: Constraint) -> list[LineKey]:
        found = self._strict.get(constraint)
        if found is None:
            found = []
            for attribute in sorted(self.checked & self._restricted(constraint)):
                other = [(d, k) for d, k in constraint if self.dimensions[d].attribute != attribute]
                conditions = self.all_conditions & ~self.bits.get(attribute, 0)
                # Within the number's other keys and overall; under the response's
                # conditions and under none. (Each other subset would cost a pass over the
                # rows: the three-way cells' two-key subsets and partial filters are left out.)
                for subset in dict.fromkeys((tuple(other), ())):
                    for active in dict.fromkeys((conditions, 0)):
                        key = (attribute, subset, active)
                        if self._line(key).hidden_rows:
                            found.append(key)
            self._strict[constraint] = found
        return found

    def _line(self, key: LineKey) -> _Line:
        """The breakdown by ``attribute`` of the rows with the keys fixed that pass the
        conditions applied, and the rows it hides (``hidden_in_line``)."""
        line = self._lines.get(key)
        if line is None:
            attribute, fixed, active = key
            rows = self.by_keys[tuple(d for d, _ in fixed)].get(tuple(k for _, k in fixed), [])
            line = self._lines[key] = self._breakdown(attribute, rows, active)
        return line

    def _breakdown(self, attribute: str, rows: Iterable[int], active: int) -> _Line:
        codes, contributor, amounts, failed = (
            self.codes[attribute],
            self.contributor,
            self.amounts,
            self.failed,
        )
        width = self.contributor_count
        if active:
            rows = [row for row in rows if not failed[row] & active]
        # One flat dict keyed by (value, contributor) as one int: the hot loop of a query.
        totals: dict[int, float] = {}
        for row in rows:
            slot = codes[row] * width + contributor[row]
            totals[slot] = totals.get(slot, 0) + amounts[row]
        atoms: dict[int, dict[int, float]] = {}
        for slot, amount in totals.items():
            code, who = divmod(slot, width)
            atoms.setdefault(code, {})[who] = amount
        # Codes follow the values' order, so ties break as they would on the values.
        hidden = hidden_in_line(atoms, self.rule)
        return _Line(
            hidden_rows=frozenset(row for row in rows if codes[row] in hidden)
            if hidden
            else frozenset(),
            hidden_passes=self.rule.allows(merge(atoms[code] for code in hidden)),
        )


__all__ = ["CellKey", "Constraint", "Table", "constraint_of"]
