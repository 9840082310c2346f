"""An attacker of pooled demand that solves linear programs (scipy's HiGHS), and a Python
twin of the release builder to feed it without a database.

The attacker knows every signal's shape (employer, occupation, horizon, degree rule,
work-based learning, skills, sharing level) and everything about its own signals,
including their noise factors; it does not know other employers' POOLED openings nor
their factors. Each POOLED signal version of another employer is two variables: its
true openings ``x`` and its noised openings ``y`` with (1-max)x <= y <= (1+max)x (the
hull of the factor set). Every number it reads is a published total: the rounded sum,
over the quarters and cells it covers, of ``y/quarters`` per POOLED signal, plus the
known NAMED and own parts; rounding makes that an interval of width one. It then
bounds each other employer's openings in each fine cell (an employer, occupation,
quarter, degree rule, work-based learning set and skill set), both ways.
"""

from __future__ import annotations

import functools
import itertools
import uuid
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from scipy.optimize import linprog

from coalition.demand.figures import PublishedFigure, published
from coalition.demand.quarters import add_quarters, format_quarter, parse_quarter
from coalition.demand.questions import ALWAYS_READ, SPLIT_CHECKED
from coalition.demand.summary_rows import ReleaseRows
from coalition.disclosure.cells import Breakdown, Condition, Dimension
from coalition.disclosure.noise import factor
from coalition.disclosure.rule import DisclosureRule

# Half a unit plus the engine's 1/1000 pre-rounding: what a rounded total may hide.
SLACK = 0.5 + 1e-3
FineCell = tuple[str, str, date, bool, frozenset[str], tuple[str, ...]]


@dataclass(frozen=True)
class Posting:
    """One signal version as the attacker models it (``key``: its noise identity, the
    posting ID or signal ID; an edit keeps it)."""

    employer: str
    key: str
    openings: int
    occupation: str = "51-4041"
    first: str = "2027Q1"
    last: str | None = None
    degree: bool = False
    work_based_learning: frozenset[str] = frozenset()
    skills: tuple[str, ...] = ()
    named: bool = False

    @property
    def quarters(self) -> tuple[date, ...]:
        return _horizon(self.first, self.last or self.first)

    @property
    def learning(self) -> frozenset[str]:
        return self.work_based_learning or frozenset({"NONE"})

    def fine_cells(self) -> list[FineCell]:
        skills = tuple(sorted(self.skills))
        return [
            (self.employer, self.occupation, day, self.degree, self.learning, skills)
            for day in self.quarters
        ]


@functools.cache
def _horizon(first: str, last: str) -> tuple[date, ...]:
    day, end = parse_quarter(first), parse_quarter(last)
    days = [day]
    while days[-1] < end:
        days.append(add_quarters(days[-1], 1))
    return tuple(days)


@functools.cache
def _day(quarter: str) -> date:
    return parse_quarter(quarter)


def major_of(code: str) -> str:
    return code[:2] + "-0000"


# --- the release builder's twin -----------------------------------------------------------


@dataclass
class Twin:
    """A partnership's secret and employers: builds ``ReleaseRows`` as the SQL builder
    does (one row per employer, sharing level and fine cell; openings spread evenly over
    the horizon; one factor per value of a POOLED signal; NAMED exact)."""

    secret: bytes
    low: int = 10
    high: int = 25
    ids: dict[str, uuid.UUID] = field(default_factory=dict)
    factors: dict[Posting, float] = field(default_factory=dict)

    def employer_id(self, name: str) -> uuid.UUID:
        found = self.ids.get(name)
        if found is None:
            found = self.ids[name] = uuid.uuid5(uuid.NAMESPACE_DNS, name)
        return found

    def factor(self, posting: Posting) -> float:
        found = self.factors.get(posting)
        if found is None:
            employer = self.employer_id(posting.employer)
            key = f"openings:{employer}:posting:{posting.key}:{posting.openings}"
            found = 1.0 if posting.named else factor(self.secret, key, self.low, self.high)
            self.factors[posting] = found
        return found

    def rows(self, postings: Sequence[Posting], attributes: Iterable[str]) -> ReleaseRows:
        """The release's rows grouped by ``attributes`` (as ``read_rows`` reads them)."""
        read = [
            name
            for name in ("occupation", "quarter", "degree", "work_based_learning", "skills")
            if name in set(attributes)
        ]
        sums: dict[tuple[Any, ...], list[float]] = {}
        for posting in postings:
            share = posting.openings / len(posting.quarters)
            noised = share * self.factor(posting)
            for day in posting.quarters:
                value = {
                    "occupation": posting.occupation,
                    "quarter": day,
                    "degree": posting.degree,
                    "work_based_learning": posting.learning,
                    "skills": tuple(sorted(posting.skills)),
                }
                group = (posting.employer, posting.named, *(value[name] for name in read))
                total = sums.setdefault(group, [0.0, 0.0])
                total[0] += share
                total[1] += noised
        groups = list(sums)
        return ReleaseRows(
            employers=[str(self.employer_id(group[0])) for group in groups],
            named=[group[1] for group in groups],
            values={name: [group[2 + i] for group in groups] for i, name in enumerate(read)},
            currencies=["USD"] * len(groups),
            openings=[sums[group][0] for group in groups],
            noised=[sums[group][1] for group in groups],
            wage_openings=[0.0] * len(groups),
            noised_wage_sums=[0.0] * len(groups),
        )


# --- queries: what a reader may ask ----------------------------------------------------------

DIMENSIONS: dict[str, tuple[str, Callable[[Any], Iterable[Hashable]]]] = {
    "OCCUPATION": ("occupation", lambda code: (code,)),
    "MAJOR_GROUP": ("occupation", lambda code: (major_of(code),)),
    "SKILL": ("skills", lambda ids: ids),
    "QUARTER": ("quarter", lambda day: (day,)),
    "WORK_BASED_LEARNING": ("work_based_learning", sorted),
    "DEGREE_REQUIRED": ("degree", lambda required: (required,)),
}


@dataclass(frozen=True)
class Query:
    """A demandSummary request: ``group_by`` and a filter (the API's field names)."""

    group_by: tuple[str, ...]
    filter: tuple[tuple[str, Any], ...] = ()
    known_quarters: tuple[str, ...] = ()  # a trend's quarters: their keys are listed anyway

    @property
    def chosen(self) -> dict[str, Any]:
        return dict(self.filter)

    def accepts(self, occupation: str, day: date, degree: bool, learning: frozenset[str]) -> bool:
        chosen = self.chosen
        start = chosen.get("quarterFrom")
        end = chosen.get("quarterTo")
        kinds = chosen.get("workBasedLearning")
        return (
            (not chosen.get("occupationCodes") or occupation in chosen["occupationCodes"])
            and (
                not chosen.get("majorGroupCodes")
                or major_of(occupation) in chosen["majorGroupCodes"]
            )
            and (start is None or day >= _day(start))
            and (end is None or day <= _day(end))
            and (not kinds or bool(learning & set(kinds)))
            and (chosen.get("isDegreeRequired") is None or degree is chosen["isDegreeRequired"])
        )

    def breakdown(self) -> Breakdown:
        """The engine's breakdown, as ``summary._summarize`` builds it."""
        dimensions = tuple(
            Dimension(name, DIMENSIONS[name][0], DIMENSIONS[name][1]) for name in self.group_by
        )
        chosen = self.chosen
        conditions: list[Condition] = []
        codes = chosen.get("occupationCodes") or ()
        majors = chosen.get("majorGroupCodes") or ()
        if codes or majors:
            conditions.append(
                Condition(
                    "occupation",
                    lambda code: (
                        (not codes or code in codes) and (not majors or major_of(code) in majors)
                    ),
                )
            )
        if chosen.get("quarterFrom") or chosen.get("quarterTo"):
            start = parse_quarter(chosen["quarterFrom"]) if chosen.get("quarterFrom") else None
            end = parse_quarter(chosen["quarterTo"]) if chosen.get("quarterTo") else None
            conditions.append(
                Condition(
                    "quarter",
                    lambda day: (start is None or day >= start) and (end is None or day <= end),
                )
            )
        if chosen.get("workBasedLearning"):
            kinds = frozenset(chosen["workBasedLearning"])
            conditions.append(Condition("work_based_learning", lambda hosted: bool(hosted & kinds)))
        if chosen.get("isDegreeRequired") is not None:
            wanted = chosen["isDegreeRequired"]
            conditions.append(Condition("degree", lambda required: required is wanted))
        attributes = self.attributes()
        return Breakdown(dimensions, tuple(conditions), SPLIT_CHECKED & attributes)

    def attributes(self) -> set[str]:
        chosen = self.chosen
        read = set(ALWAYS_READ) | {DIMENSIONS[name][0] for name in self.group_by}
        if chosen.get("workBasedLearning"):
            read.add("work_based_learning")
        if chosen.get("isDegreeRequired") is not None:
            read.add("degree")
        return read

    def keys(self, posting: Posting, day: date) -> Iterable[tuple[Any, ...]]:
        """The keys (API terms) of the cells ``posting``'s share in quarter ``day`` counts in."""
        values: dict[str, Sequence[Any]] = {
            "OCCUPATION": (posting.occupation,),
            "MAJOR_GROUP": (major_of(posting.occupation),),
            "SKILL": posting.skills,
            "QUARTER": (format_quarter(day),),
            "WORK_BASED_LEARNING": sorted(posting.learning),
            "DEGREE_REQUIRED": (posting.degree,),
        }
        return itertools.product(*(values[name] for name in self.group_by))


def every_query(postings: Sequence[Posting]) -> list[Query]:
    """Every breakdown of one and two dimensions unfiltered; by occupation, quarter and
    skill under each single filter value, each one-quarter range and each "from" quarter;
    and each occupation's trend."""
    occupations = sorted({p.occupation for p in postings})
    quarters = sorted({format_quarter(day) for p in postings for day in p.quarters})
    kinds = sorted({kind for p in postings for kind in p.learning})
    filters: list[tuple[tuple[str, Any], ...]] = [()]
    filters += [(("occupationCodes", (code,)),) for code in occupations]
    filters += [(("quarterFrom", q), ("quarterTo", q)) for q in quarters]
    filters += [(("quarterFrom", q),) for q in quarters[1:]]
    filters += [(("isDegreeRequired", value),) for value in (False, True)]
    filters += [(("workBasedLearning", (kind,)),) for kind in kinds]
    names = list(DIMENSIONS)
    queries = [Query((name,)) for name in names]
    queries += [
        Query((name,), chosen)
        for name in ("OCCUPATION", "QUARTER", "SKILL")
        for chosen in filters[1:]
    ]
    queries += [Query(pair) for pair in itertools.combinations(names, 2)]
    queries += [
        Query(
            ("QUARTER",),
            (
                ("occupationCodes", (code,)),
                ("quarterFrom", quarters[0]),
                ("quarterTo", quarters[-1]),
            ),
            tuple(quarters),
        )
        for code in occupations
    ]
    return queries


def api_key(query: Query, figure: PublishedFigure) -> dict[str, Any]:
    """A figure's key in the API's terms (quarters as text)."""
    key: dict[str, Any] = {}
    for name, value in zip(query.group_by, figure.key, strict=True):
        key[name] = format_quarter(value) if isinstance(value, date) else value
    return key


def read_release(
    twin: Twin,
    postings: Sequence[Posting],
    queries: Sequence[Query],
    reader: str,
    rule: DisclosureRule,
) -> list[tuple[Query, list[tuple[dict[str, Any], PublishedFigure]]]]:
    """Every figure the reader gets for each query: (key, figure), the total's key {}."""
    read: list[tuple[Query, list[tuple[dict[str, Any], PublishedFigure]]]] = []
    grouped: dict[frozenset[str], ReleaseRows] = {}
    for query in queries:
        attributes = frozenset(query.attributes())
        rows = grouped.get(attributes)
        if rows is None:
            rows = grouped[attributes] = twin.rows(postings, attributes)
        known = [(parse_quarter(q),) for q in query.known_quarters]
        cells, total = published(
            rows, rule, query.breakdown(), readers=[twin.employer_id(reader)], known_keys=known
        )
        figures = [(api_key(query, figure), figure) for figure in cells]
        read.append((query, [*figures, ({}, total)]))
    return read


# --- the linear programs ------------------------------------------------------------------


@dataclass(frozen=True)
class Bound:
    release: str
    employer: str
    cell: FineCell
    truth: float
    low: float
    high: float

    @property
    def narrower_than_ten_percent(self) -> bool:
        return self.low >= 0.9 * self.truth - 1e-6 and self.high <= 1.1 * self.truth + 1e-6


class Attacker:
    """Published totals as linear constraints over other employers' signals."""

    def __init__(
        self, reader: str, noise_max_percent: int, factor_of: Callable[[Posting], float]
    ) -> None:
        self.reader = reader
        self.spread = noise_max_percent / 100
        # The true factors: the reader's own are known to it; the others only check the model.
        self.factor_of = factor_of
        self.unknowns: dict[Posting, int] = {}
        self.equations: list[tuple[dict[int, float], float, float]] = []
        self.cells: dict[tuple[str, str, FineCell], dict[Posting, float]] = {}
        self.hidden = self.shown = 0

    def _unknown(self, posting: Posting) -> int:
        return self.unknowns.setdefault(posting, len(self.unknowns))

    def learn(
        self,
        postings: Sequence[Posting],
        query: Query,
        figures: Sequence[tuple[dict[str, Any], int | None]],
    ) -> None:
        """The figures one query returned (key, openings; the total's key is {}) over
        ``postings``, every signal counted in that release."""
        # What each cell key (and the total, ()) sums: known noised openings, and a weight
        # per unknown signal; and the noised truth, to check the model.
        sums: dict[tuple[Any, ...], list[Any]] = {}
        for posting in postings:
            weight = 1 / len(posting.quarters)
            noised = posting.openings * self.factor_of(posting) * weight
            unknown = not posting.named and posting.employer != self.reader
            for day in posting.quarters:
                if not query.accepts(posting.occupation, day, posting.degree, posting.learning):
                    continue
                for key in itertools.chain([()], query.keys(posting, day)):
                    part = sums.setdefault(key, [0.0, 0.0, {}])
                    part[1] += noised
                    if unknown:
                        index = self._unknown(posting)
                        part[2][index] = part[2].get(index, 0.0) + weight
                    else:
                        part[0] += noised
        for key, openings in figures:
            if openings is None:
                self.hidden += 1
                continue
            self.shown += 1
            known, truth, terms = sums.get(tuple(key[n] for n in query.group_by if key), (0, 0, {}))
            # The model must be honest: the published number is the rounded noised truth.
            assert abs(openings - truth) <= SLACK, (query, key, openings, truth)
            self.equations.append((terms, openings - known - SLACK, openings - known + SLACK))

    def remember(self, release: str, postings: Sequence[Posting]) -> None:
        """The fine cells of other employers' POOLED signals in ``release``, to bound."""
        for posting in postings:
            if posting.named or posting.employer == self.reader:
                continue
            self._unknown(posting)
            for cell in posting.fine_cells():
                parts = self.cells.setdefault((release, posting.employer, cell), {})
                parts[posting] = 1 / len(posting.quarters)

    def bounds(self) -> list[Bound]:
        """The least and greatest openings of each remembered fine cell consistent with
        everything learned.

        Each published number constrains noised openings only, so the true openings of
        a signal range over [y/(1+max), y/(1-max)] whatever else holds: the least
        openings of a cell is the least of sum(w y)/(1+max) over the noised openings
        consistent with every number read, the greatest is the greatest of
        sum(w y)/(1-max): one linear program in ``y >= 0`` each (identical numbers and
        identical cells solved once)."""
        n = len(self.unknowns)
        # Numbers over the same signals (a cell read in several breakdowns) intersect.
        merged: dict[tuple[tuple[int, float], ...], list[float]] = {}
        for terms, low, high in self.equations:
            key = tuple(sorted((i, round(w, 9)) for i, w in terms.items() if w))
            if not key:
                assert low <= 0 <= high, "a number over known signals only is what they say"
                continue
            found = merged.setdefault(key, [low, high])
            found[0], found[1] = max(found[0], low), min(found[1], high)
        rows: list[np.ndarray] = []
        limits: list[float] = []
        for key, (low, high) in merged.items():
            row = np.zeros(n)
            for index, weight in key:
                row[index] = weight
            rows += [row, -row]
            limits += [high, -low]
        a_ub = np.array(rows) if rows else None
        b_ub = np.array(limits) if rows else None
        solved: dict[tuple[tuple[int, float], ...], tuple[float, float]] = {}
        found: list[Bound] = []
        for (release, employer, cell), parts in sorted(self.cells.items(), key=lambda i: str(i[0])):
            target = tuple(sorted((self.unknowns[p], w) for p, w in parts.items()))
            truth = sum(posting.openings * weight for posting, weight in parts.items())
            if target not in solved:
                objective = np.zeros(n)
                for index, weight in target:
                    objective[index] += weight
                ends = []
                for sign in (1, -1):
                    result = linprog(
                        sign * objective, A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs"
                    )
                    if result.status == 3:  # unbounded: nothing caps it
                        ends.append(float("inf"))
                        continue
                    assert result.status == 0, result.message
                    ends.append(sign * result.fun)
                solved[target] = (ends[0] / (1 + self.spread), ends[1] / (1 - self.spread))
            low, high = solved[target]
            found.append(Bound(release, employer, cell, truth, low, high))
        return found


__all__ = [
    "SLACK",
    "Attacker",
    "Bound",
    "Posting",
    "Query",
    "Twin",
    "every_query",
    "read_release",
]
