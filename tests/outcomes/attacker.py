"""An attacker of the outcome metrics' suppression, written as code (no database).

The fixture is built from ``Group``s: people identical in every attribute a metric
reads, all employed or all not. The attacker sees responses (``MetricFigures``) and
knows its own groups exactly; every number a response shows is a linear form over the
groups' sizes (a cell's people: the sum over the groups in it; a count: over those
employed). It pins down a number when that number's form is a linear combination of
the forms it has seen: every subtraction of totals, cells, breakdowns, periods,
filters and its own figures, before and after editing its own records, at once.

``leaks`` lists each hidden number of fewer than n people of *other* members (a
cell's people, the employed, or the not employed) the attacker can compute exactly.
``naive=True`` does the same as if only the small numbers themselves had been hidden
(no complementary suppression, no coding): tests use it to show their data would
give a cell away without the defence.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from coalition.outcomes.figures import MetricFigures, MetricQuery
from coalition.outcomes.metric_rows import (
    NOT_RECORDED,
    NOT_SELF_IDENTIFIED,
    RACE_KEYS,
    BreakdownBy,
)
from coalition.outcomes.models import AgeBand, Barrier, EmploymentStatus, Sex
from coalition.outcomes.periods import quarter_start

TOP, BOTTOM = Fraction(95, 100), Fraction(5, 100)


@dataclass(eq=False)
class Group:
    """``people`` records of ``organization`` (an ID) alike in everything read."""

    organization: uuid.UUID
    people: int
    employed: bool = True
    sex: Sex = Sex.MALE
    races: tuple[str, ...] = ("white",)
    age: AgeBand | None = AgeBand.AGE_25_34
    barriers: tuple[Barrier, ...] = ()
    exit: date = date(2026, 2, 15)
    initiative: uuid.UUID | None = None
    program: uuid.UUID | None = None

    def fields(self) -> dict[str, Any]:
        """The participant record's fields."""
        values: dict[str, Any] = {
            "entry_date": self.exit - timedelta(days=90),
            "exit_date": self.exit,
            "sex": self.sex,
            "age_band": self.age,
            "barriers": list(self.barriers),
            "initiative_id": self.initiative,
            "program_id": self.program,
            "employed_q2": EmploymentStatus.EMPLOYED
            if self.employed
            else EmploymentStatus.NOT_EMPLOYED,
        }
        for race in self.races:
            values[race] = True
        return values

    def keys(self, dimension: BreakdownBy) -> tuple[str, ...]:
        """The cell keys of the group along a dimension (as the metrics read them)."""
        if dimension == BreakdownBy.SEX:
            return (str(self.sex),)
        if dimension == BreakdownBy.AGE_BAND:
            return (str(self.age) if self.age else NOT_RECORDED,)
        if dimension == BreakdownBy.BARRIER:
            return tuple(sorted(self.barriers))
        if dimension == BreakdownBy.VETERAN:
            return ("NOT_DISCLOSED",)
        races = tuple(key for column, key in RACE_KEYS.items() if column in self.races)
        if "race_not_self_identified" in self.races or not races:
            return (NOT_SELF_IDENTIFIED,)
        return races

    def in_cell(self, query: MetricQuery, key: tuple[str, ...]) -> bool:
        return (
            quarter_start(self.exit) in query.period.quarters
            and query.initiative_id in (None, self.initiative)
            and query.program_id in (None, self.program)
            and query.organization_id in (None, self.organization)
            and all(
                value in self.keys(dimension)
                for dimension, value in zip(query.breakdown_by, key, strict=bool(key))
            )
        )


Form = dict[int, Fraction]


@dataclass
class _Target:
    label: str
    form: Form
    value: int


@dataclass
class _View:
    forms: list[Form] = field(default_factory=list)
    targets: list[_Target] = field(default_factory=list)


@dataclass
class Attacker:
    """A reader of the figures; ``own``: the organizations it reports for."""

    own: frozenset[uuid.UUID] = frozenset()
    min_people: int = 10
    # The naive defence decides over everyone's people (the reader's own too).
    naive_counts_own: bool = False
    atoms: dict[int, Group] = field(default_factory=dict)
    real: _View = field(default_factory=_View)
    naive: _View = field(default_factory=_View)
    responses: int = 0

    def _atom(self, group: Group) -> int:
        self.atoms.setdefault(id(group), group)
        return id(group)

    def know(self, groups: Iterable[Group]) -> None:
        """Its own groups, exactly (it keeps the records)."""
        for group in groups:
            assert group.organization in self.own
            for view in (self.real, self.naive):
                view.forms.append({self._atom(group): Fraction(1)})

    def see(self, figures: MetricFigures, present: Sequence[Group]) -> None:
        """One response, read while ``present`` were the partnership's records."""
        self.responses += 1
        query, n = figures.query, self.min_people
        for cell in [figures.total, *figures.cells]:
            members = [g for g in present if g.in_cell(query, cell.key)]
            for group in members:
                self._atom(group)
            everyone = _form(members)
            employed = _form([g for g in members if g.employed])
            # The model must give exactly what the response shows.
            if cell.people is not None:
                assert cell.people == _size(members), (query, cell)
                self.real.forms.append(everyone)
            if cell.count is not None:
                assert cell.count == _size([g for g in members if g.employed]), (query, cell)
                self.real.forms.append(employed)
            if figures.exact:
                continue
            others = [g for g in members if g.organization not in self.own]
            label = f"response {self.responses} {query.period.label} {cell.key or 'total'}"
            parts = {
                "people": others,
                "employed": [g for g in others if g.employed],
                "not employed": [g for g in others if not g.employed],
            }
            for name, part in parts.items():
                size = _size(part)
                if 0 < size < n:
                    target = _Target(f"{label}: {name} of other members", _form(part), size)
                    self.real.targets.append(target)
                    self.naive.targets.append(target)
            # The naive defence: each number shown when it stands for n others or more.
            decided = members if self.naive_counts_own else others
            people = _size(decided)
            hits = _size([g for g in decided if g.employed])
            if people >= n:
                self.naive.forms.append(everyone)
                rate = Fraction(hits, people)
                if hits >= n and BOTTOM <= rate <= TOP:
                    self.naive.forms.append(employed)

    def leaks(self, *, naive: bool = False) -> list[str]:
        """Each hidden number of fewer than n others' people the attacker computes."""
        view = self.naive if naive else self.real
        basis = _Basis()
        for form in view.forms:
            basis.add(form)
        found = []
        for target in view.targets:
            if basis.spans(target.form):
                found.append(f"{target.label} = {target.value}")
        return sorted(set(found))


def _form(groups: Iterable[Group]) -> Form:
    return {id(group): Fraction(1) for group in groups}


def _size(groups: Iterable[Group]) -> int:
    return sum(group.people for group in groups)


class _Basis:
    """Row-reduced linear forms over the rationals."""

    def __init__(self) -> None:
        self.rows: dict[int, Form] = {}  # pivot atom -> row with 1 there

    def _reduce(self, form: Form) -> Form:
        row = {atom: value for atom, value in form.items() if value}
        for pivot, basis_row in self.rows.items():
            factor = row.get(pivot)
            if factor:
                for atom, value in basis_row.items():
                    updated = row.get(atom, Fraction(0)) - factor * value
                    if updated:
                        row[atom] = updated
                    else:
                        row.pop(atom, None)
        return row

    def add(self, form: Form) -> None:
        row = self._reduce(form)
        if not row:
            return
        pivot = min(row)
        scale = row[pivot]
        row = {atom: value / scale for atom, value in row.items()}
        for other in self.rows.values():
            factor = other.get(pivot)
            if factor:
                for atom, value in row.items():
                    updated = other.get(atom, Fraction(0)) - factor * value
                    if updated:
                        other[atom] = updated
                    else:
                        other.pop(atom, None)
        self.rows[pivot] = row

    def spans(self, form: Form) -> bool:
        return not self._reduce(form)


__all__ = ["Attacker", "Group"]
