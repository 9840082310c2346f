"""One metric's figures for one period, broken down or not, as the caller may see them.

- **Exact** when the caller asks for an organization whose records it keeps (its own
  admins): every number, no suppression.
- **Suppressed** for everyone else (the convener, funders, other members, partner
  apps, the operator's reports). The disclosure engine (``coalition.disclosure``, with
  the people rule: fewer than n people, the partnership's ``outcomes.min_people``,
  default 10) decides each cell over the rows of the members *other than the caller's
  own organizations*: nothing a member does with its own records moves what it is
  shown, and what a shown cell adds beyond the member's own people is itself at least
  n people. Decided over the quarters of the program year(s) the period lies in
  (quarters nest in program years; calendar years are refused outside the member),
  with the filters (initiative, program, organization) as conditions the engine
  relaxes, and as checked breakdowns when asked, as are the quarter and the
  breakdown's dimensions: so no hidden cell follows by subtraction from the total,
  from another breakdown, from another period or from a wider or a sibling filter (the
  partnership less two of three initiatives). People with none of an amount stay as
  rows of 0: a cell where nobody (or everybody) had the outcome is a cell of 0,
  hidden with a partner.
- A rate's people show when they pass; its count and share only when the people with
  the outcome *and* those without it each pass (among other members' people), each
  with its own complementary suppression: a share and its people give both counts, so
  neither may be a hidden cell's. A shown rate above 95% or below 5% shows only as that
  bound, with no count. (So a bound shows only for 200 people or more: below, the
  small side is under n and the rate shows no share at all; a bound there would pin
  the small side, and the hidden partner's, to a few people. Deciding on other
  members' people also means a member cannot lift the coding, or reveal a count, by
  adding people of its own to a cell.) A median shows when the people measured do; a
  cost per outcome when the outcomes' count does.

Tested as attacks (``tests/outcomes/test_suppression_attacks.py``): an attacker
solving for a hidden cell from every linear combination of what it was shown.

Shown numbers include everyone's people (the caller's own too).
"""

from __future__ import annotations

import uuid
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import Principal
from coalition.disclosure.cells import Breakdown, Columns, Condition, Dimension, median
from coalition.disclosure.engine import disclose
from coalition.disclosure.people import PeopleRule
from coalition.outcomes.definitions import DEFINITIONS, Definition
from coalition.outcomes.metric_names import MetricKind, MetricName
from coalition.outcomes.metric_rows import KEYS, BreakdownBy, MetricRows, Scope, Source, load_rows
from coalition.outcomes.periods import Period

TOP_CODE = Decimal("0.95")
BOTTOM_CODE = Decimal("0.05")
MAX_BREAKDOWNS = 2


class Basis:
    """Which kind of data stands behind a figure."""

    PARTICIPANT_RECORDS = "PARTICIPANT_RECORDS"
    AGGREGATE_COUNTS = "AGGREGATE_COUNTS"
    BOTH = "BOTH"
    NONE = "NONE"


class Bound:
    ABOVE_95_PERCENT = "ABOVE_95_PERCENT"
    BELOW_5_PERCENT = "BELOW_5_PERCENT"


@dataclass(frozen=True)
class MetricQuery:
    metric: MetricName
    period: Period
    initiative_id: uuid.UUID | None = None
    program_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    breakdown_by: tuple[BreakdownBy, ...] = ()

    @property
    def scope(self) -> Scope:
        return Scope(self.initiative_id, self.program_id, self.organization_id, self.breakdown_by)


@dataclass(frozen=True)
class MetricCell:
    """A cell (``key``: one value per breakdown dimension) or the total (``key`` empty).

    ``people``: how many people stand behind the figure (a rate's denominator, a
    count's count, a median's people measured). ``count``: a rate's numerator.
    ``value``: a COUNT's people, a RATE's share (0 to 1), a MONEY figure's whole cents.
    ``bound``: a rate shown only as above 95% or below 5%. Suppressed: the figure (a
    rate's count and share, a count, a median) is not shown, and nothing else is,
    except a rate's ``people`` when they pass on their own."""

    key: tuple[str, ...]
    suppressed: bool
    people: int | None = None
    count: int | None = None
    value: int | Decimal | None = None
    bound: str | None = None
    basis: str = Basis.NONE


@dataclass(frozen=True)
class MetricFigures:
    definition: Definition
    query: MetricQuery
    exact: bool
    min_people: int
    total: MetricCell
    cells: list[MetricCell] = field(default_factory=list)


@dataclass(frozen=True)
class Cost:
    """Funds disbursed to an initiative in a period, in whole cents of one currency."""

    amount: int
    currency: str


def grid(breakdown_by: Sequence[BreakdownBy]) -> list[tuple[str, ...]]:
    """Every cell key of the breakdown, in report order."""
    keys: list[tuple[str, ...]] = [()]
    for dimension in breakdown_by:
        keys = [(*key, value) for key in keys for value in KEYS[dimension]]
    return keys if breakdown_by else []


def compute(
    definition: Definition,
    query: MetricQuery,
    rows: MetricRows,
    rule: PeopleRule,
    *,
    own: frozenset[uuid.UUID],
    exact: bool,
    cost: Cost | None = None,
) -> MetricFigures:
    """The figures from the rows (module docstring); pure."""
    selected = [i for i in range(len(rows)) if _selected(rows, i, query)]
    members = _cell_members(rows, selected, query.breakdown_by)
    shown = Decisions({}, {})
    if not exact:
        shown = _decisions(definition, query, rows, rule, own)
    cells = [
        _cell(definition, key, members.get(key, []), rows, shown, exact, cost)
        for key in grid(query.breakdown_by)
    ]
    total = _cell(definition, (), selected, rows, shown, exact, cost)
    return MetricFigures(definition, query, exact, rule.min_people, total, cells)


def _selected(rows: MetricRows, i: int, query: MetricQuery) -> bool:
    return (
        rows.quarter[i] in query.period.quarters
        and (query.initiative_id is None or rows.initiative[i] == query.initiative_id)
        and (query.program_id is None or rows.program[i] == query.program_id)
        and (query.organization_id is None or rows.organization[i] == query.organization_id)
    )


def _cell_members(
    rows: MetricRows, selected: list[int], breakdown_by: Sequence[BreakdownBy]
) -> dict[tuple[str, ...], list[int]]:
    members: dict[tuple[str, ...], list[int]] = {}
    if not breakdown_by:
        return members
    for i in selected:
        keys: list[tuple[str, ...]] = [()]
        for d in range(len(breakdown_by)):
            keys = [(*key, value) for key in keys for value in rows.keys[d][i]]
        for key in keys:
            members.setdefault(key, []).append(i)
    return members


# --- deciding ------------------------------------------------------------------------


def _decisions(
    definition: Definition,
    query: MetricQuery,
    rows: MetricRows,
    rule: PeopleRule,
    own: frozenset[uuid.UUID],
) -> Decisions:
    """Which numbers of each cell (and of the total, key ``()``) may be shown: each
    amount the figure publishes passes the engine, decided over other members' rows
    only. A key missing from an amount's verdicts has none of it from other members."""
    others = [i for i in range(len(rows)) if rows.organization[i] not in own]
    if definition.kind == MetricKind.RATE:
        misses = [people - hits for people, hits in zip(rows.people, rows.hits, strict=True)]
        people = _disclose(query, rows, others, rows.people, rule)
        hits = _disclose(query, rows, others, rows.hits, rule)
        missed = _disclose(query, rows, others, misses, rule)
        counted = {
            key: verdict and hits.get(key, False) and missed.get(key, False)
            for key, verdict in people.items()
        }
        return Decisions(people, counted)
    if definition.measurement is not None:
        amount = [len(values) for values in rows.measurements]
    else:
        amount = rows.hits
    verdicts = _disclose(query, rows, others, amount, rule)
    return Decisions(verdicts, verdicts)


@dataclass(frozen=True)
class Decisions:
    """Per key: whether its people may be shown, and whether its figure (a rate's count
    and share, a count, a median, a cost) may."""

    people: dict[tuple[str, ...], bool]
    figure: dict[tuple[str, ...], bool]


# The filters and the reporting member are checked breakdowns too (a value for rows
# without one, so the values sort).
_NONE = ""


def _disclose(
    query: MetricQuery,
    rows: MetricRows,
    others: list[int],
    amount: list[int],
    rule: PeopleRule,
) -> dict[tuple[str, ...], bool]:
    # Rows of people with none of this amount stay: a cell where nobody lacks the outcome
    # (or nobody has it) is then a cell of 0, fewer than n, hidden and given a partner,
    # rather than a cell the engine never sees beside a total that gives it away.
    kept = [i for i in others if rows.people[i] > 0]
    if not kept:
        return {}
    values: dict[str, list[Hashable]] = {
        "quarter": [rows.quarter[i] for i in kept],
        "initiative": [_text(rows.initiative[i]) for i in kept],
        "program": [_text(rows.program[i]) for i in kept],
        "organization": [_text(rows.organization[i]) for i in kept],
    }
    dimensions = []
    for d, dimension in enumerate(query.breakdown_by):
        values[dimension] = [rows.keys[d][i] for i in kept]
        dimensions.append(Dimension(dimension, dimension, keys_of=_keys_of))
    conditions = [_condition("quarter", frozenset(query.period.quarters))]
    checked: set[str] = {"quarter"}
    for attribute, wanted in (
        ("initiative", query.initiative_id),
        ("program", query.program_id),
        ("organization", query.organization_id),
    ):
        if wanted is not None:
            conditions.append(_condition(attribute, frozenset({_text(wanted)})))
            checked.add(attribute)
    # The breakdown's own dimensions, those where a person falls in several cells (race,
    # barriers) too: their canonical line is by combination of values, strict (its small
    # combinations hide many cells), but without it two breakdowns could be subtracted.
    checked.update(query.breakdown_by)
    columns = Columns(
        contributors=[rows.organization[i] for i in kept],
        amounts=[amount[i] for i in kept],
        values=values,
        measurements=[None] * len(kept),
        units=[None] * len(kept),
    )
    breakdown = Breakdown(
        dimensions=tuple(dimensions),
        conditions=tuple(conditions),
        split_checked=frozenset(checked),
    )
    disclosure = disclose(columns, rule, breakdown)
    verdicts = {
        tuple(str(k) for k in figure.key): not figure.suppressed for figure in disclosure.cells
    }
    verdicts[()] = not disclosure.total.suppressed
    return verdicts


def _text(value: uuid.UUID | None) -> str:
    return _NONE if value is None else str(value)


def _keys_of(value: tuple[str, ...]) -> tuple[str, ...]:
    return value


def _condition(attribute: str, accepted: frozenset[object]) -> Condition:
    return Condition(attribute, accepted.__contains__)


# --- the numbers ---------------------------------------------------------------------


def _cell(
    definition: Definition,
    key: tuple[str, ...],
    members: list[int],
    rows: MetricRows,
    shown: Decisions,
    exact: bool,
    cost: Cost | None,
) -> MetricCell:
    people = sum(rows.people[i] for i in members)
    hits = sum(rows.hits[i] for i in members)
    basis = _basis({rows.source[i] for i in members if rows.people[i]})
    kind = definition.kind
    if not exact and not shown.figure.get(key, False):
        if kind == MetricKind.RATE and shown.people.get(key, False):
            return MetricCell(key=key, suppressed=True, people=people, basis=basis)
        return MetricCell(key=key, suppressed=True)
    if definition.cost_of is not None:
        if cost is None or not hits:
            return MetricCell(key=key, suppressed=False, people=hits, basis=basis)
        return MetricCell(
            key=key, suppressed=False, people=hits, value=cost_per(cost.amount, hits), basis=basis
        )
    if definition.measurement is not None:
        measured = [value for i in members for value in rows.measurements[i]]
        middle = median(measured)
        return MetricCell(
            key=key, suppressed=False, people=len(measured), value=middle, basis=basis
        )
    if kind == MetricKind.COUNT:
        return MetricCell(key=key, suppressed=False, people=hits, value=hits, basis=basis)
    if not people:
        return MetricCell(key=key, suppressed=False, people=0, count=0, basis=basis)
    rate = (Decimal(hits) / Decimal(people)).quantize(Decimal("0.0001"))
    if not exact and rate > TOP_CODE:
        return MetricCell(
            key=key, suppressed=False, people=people, bound=Bound.ABOVE_95_PERCENT, basis=basis
        )
    if not exact and rate < BOTTOM_CODE:
        return MetricCell(
            key=key, suppressed=False, people=people, bound=Bound.BELOW_5_PERCENT, basis=basis
        )
    return MetricCell(key=key, suppressed=False, people=people, count=hits, value=rate, basis=basis)


def cost_per(amount: int, count: int) -> int:
    """``amount / count`` (count > 0) to a whole minor unit, half up: a cost per outcome."""
    quotient, remainder = divmod(amount, count)
    return quotient + (1 if 2 * remainder >= count else 0)


def _basis(sources: set[Source]) -> str:
    if sources == {Source.RECORDS}:
        return Basis.PARTICIPANT_RECORDS
    if sources == {Source.COUNTS}:
        return Basis.AGGREGATE_COUNTS
    if sources:
        return Basis.BOTH
    return Basis.NONE


async def metric_figures(
    session: AsyncSession,
    principal: Principal,
    query: MetricQuery,
    *,
    rule: PeopleRule,
    exact: bool,
    cost: Cost | None = None,
) -> MetricFigures:
    """Load the rows and compute (the service checks the caller and the query first)."""
    definition = DEFINITIONS[query.metric]
    rows = await load_rows(session, principal, definition, query.period, query.scope)
    own = frozenset() if principal.is_system else principal.administered_organization_ids
    return compute(definition, query, rows, rule, own=own, exact=exact, cost=cost)


__all__ = [
    "MAX_BREAKDOWNS",
    "Basis",
    "Bound",
    "Cost",
    "MetricCell",
    "MetricFigures",
    "MetricQuery",
    "compute",
    "cost_per",
    "grid",
    "metric_figures",
]
