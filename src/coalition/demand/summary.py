"""Pooled demand: ACTIVE signals shared POOLED or NAMED, summed under disclosure control.

``summarize_demand`` and ``demand_trend`` each run ONE aggregate over the
tenant's ACTIVE shared signals (``summary_rows``; unfiltered: the filter is
applied in Python, so the part a filter drops comes from the same statement),
grouped by the attributes the breakdown reads and the employer;
``coalition.disclosure.engine.disclose`` then decides what may be shown. PRIVATE and DRAFT
signals (and FILLED, WITHDRAWN) never count. The disclosure rule is the
tenant's ``settings["disclosure"]``.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import Principal
from coalition.demand.models import WorkBasedLearning
from coalition.demand.permissions import require_demand_read
from coalition.demand.quarters import (
    QuarterError,
    add_quarters,
    format_quarter,
    parse_quarter,
    quarter_of,
)
from coalition.demand.reads import partnership_settings, partnership_today
from coalition.demand.summary_rows import (
    Labels,
    hourly_cents,
    occupation_record,
    read_rows,
)
from coalition.disclosure.cells import Breakdown, Condition, Dimension, Figure
from coalition.disclosure.engine import disclose
from coalition.disclosure.rule import DisclosureRule
from coalition.errors import InvalidInput, UserError
from coalition.skills.reads import OccupationRecord

MAX_DIMENSIONS = 3
MAX_TREND_QUARTERS = 20
# Attributes whose breakdowns a number may not split (coalition.disclosure, rule 2). Not skills:
# a signal has many, so skill cells overlap and no subtraction isolates one.
SPLIT_CHECKED = frozenset({"occupation", "quarter", "work_based_learning", "degree"})
# Read by every response, grouped or not, so that no breakdown of one exposes what a
# breakdown of the other hides; the other two when grouped or filtered (cost: rows).
ALWAYS_READ = frozenset({"occupation", "quarter"})


class DemandDimension(enum.StrEnum):
    OCCUPATION = "OCCUPATION"
    MAJOR_GROUP = "MAJOR_GROUP"
    SKILL = "SKILL"
    QUARTER = "QUARTER"
    WORK_BASED_LEARNING = "WORK_BASED_LEARNING"
    DEGREE_REQUIRED = "DEGREE_REQUIRED"


@dataclass(frozen=True)
class DemandFilter:
    """Keep only signals matching every given part (an empty list restricts nothing)."""

    occupation_codes: Sequence[str] = ()
    major_group_codes: Sequence[str] = ()
    quarter_from: str | None = None
    quarter_to: str | None = None
    work_based_learning: Sequence[WorkBasedLearning] = ()
    is_degree_required: bool | None = None


@dataclass(frozen=True)
class CodeTitle:
    code: str
    title: str


@dataclass(frozen=True)
class CellKey:
    """The cell's value of each grouped dimension; None for the others."""

    occupation: CodeTitle | None = None
    major_group: CodeTitle | None = None
    skill: CodeTitle | None = None
    quarter: str | None = None
    work_based_learning: WorkBasedLearning | None = None
    is_degree_required: bool | None = None


@dataclass(frozen=True)
class DemandCell:
    """Suppressed: openings, employer_count and median_wage_cents are all None."""

    key: CellKey
    suppressed: bool
    openings: int | None
    employer_count: int | None
    median_wage_cents: int | None
    currency: str | None


@dataclass(frozen=True)
class DemandSummary:
    cells: list[DemandCell]
    total: DemandCell
    rule: DisclosureRule


@dataclass(frozen=True)
class DemandTrend:
    occupation: OccupationRecord
    points: list[DemandCell]
    total: DemandCell
    rule: DisclosureRule


def _invalid(field: tuple[str, ...], message: str) -> InvalidInput:
    return InvalidInput([UserError(field, message, "INVALID")])


def _quarter(text: str | None, field: tuple[str, ...]) -> date | None:
    if text is None:
        return None
    try:
        return parse_quarter(text)
    except QuarterError as error:
        raise _invalid(field, str(error)) from None


def _dimension(dimension: DemandDimension, labels: Labels) -> Dimension:
    if dimension is DemandDimension.OCCUPATION:
        return Dimension(dimension.value, "occupation")
    if dimension is DemandDimension.MAJOR_GROUP:
        return Dimension(dimension.value, "occupation", lambda code: (labels.major_of[code],))
    if dimension is DemandDimension.SKILL:
        return Dimension(dimension.value, "skills", lambda ids: ids)
    if dimension is DemandDimension.QUARTER:
        return Dimension(dimension.value, "quarter")
    if dimension is DemandDimension.WORK_BASED_LEARNING:
        return Dimension(dimension.value, "work_based_learning", sorted)
    return Dimension(dimension.value, "degree")


_ATTRIBUTES = {
    DemandDimension.OCCUPATION: "occupation",
    DemandDimension.MAJOR_GROUP: "occupation",
    DemandDimension.SKILL: "skills",
    DemandDimension.QUARTER: "quarter",
    DemandDimension.WORK_BASED_LEARNING: "work_based_learning",
    DemandDimension.DEGREE_REQUIRED: "degree",
}


def _conditions(demand_filter: DemandFilter, labels: Labels) -> tuple[Condition, ...]:
    conditions: list[Condition] = []
    codes = frozenset(demand_filter.occupation_codes)
    majors = frozenset(demand_filter.major_group_codes)
    if codes or majors:

        def occupation(code: str) -> bool:
            return (not codes or code in codes) and (not majors or labels.major_of[code] in majors)

        conditions.append(Condition("occupation", occupation))
    start = _quarter(demand_filter.quarter_from, ("filter", "quarterFrom"))
    end = _quarter(demand_filter.quarter_to, ("filter", "quarterTo"))
    if start and end and start > end:
        raise _invalid(("filter", "quarterTo"), "quarterTo must not be before quarterFrom.")
    if start or end:
        conditions.append(
            Condition(
                "quarter",
                lambda day: (start is None or day >= start) and (end is None or day <= end),
            )
        )
    kinds = frozenset(kind.value for kind in demand_filter.work_based_learning)
    if kinds:
        conditions.append(Condition("work_based_learning", lambda hosted: bool(hosted & kinds)))
    wanted = demand_filter.is_degree_required
    if wanted is not None:
        conditions.append(Condition("degree", lambda required: required is wanted))
    return tuple(conditions)


def _cell(figure: Figure, dimensions: Sequence[DemandDimension], labels: Labels) -> DemandCell:
    parts: dict[str, Any] = {}
    value: Any
    for dimension, value in zip(dimensions, figure.key, strict=True):
        if dimension is DemandDimension.OCCUPATION:
            parts["occupation"] = CodeTitle(value, labels.occupations[value])
        elif dimension is DemandDimension.MAJOR_GROUP:
            parts["major_group"] = CodeTitle(value, labels.majors[value])
        elif dimension is DemandDimension.SKILL:
            parts["skill"] = CodeTitle(value, labels.skills[value])
        elif dimension is DemandDimension.QUARTER:
            parts["quarter"] = format_quarter(value)
        elif dimension is DemandDimension.WORK_BASED_LEARNING:
            parts["work_based_learning"] = WorkBasedLearning(value)
        else:
            parts["is_degree_required"] = value
    return DemandCell(
        key=CellKey(**parts),
        suppressed=figure.suppressed,
        openings=figure.amount,
        employer_count=figure.contributor_count,
        median_wage_cents=figure.median,
        currency=figure.unit,
    )


def _check_group_by(group_by: Sequence[DemandDimension]) -> None:
    if not group_by:
        raise _invalid(("groupBy",), "Group by at least one dimension.")
    if len(set(group_by)) != len(group_by):
        raise _invalid(("groupBy",), "Name each dimension at most once.")
    if len(group_by) > MAX_DIMENSIONS:
        raise _invalid(("groupBy",), f"Group by at most {MAX_DIMENSIONS} dimensions.")


async def summarize_demand(
    session: AsyncSession,
    principal: Principal,
    *,
    group_by: Sequence[DemandDimension],
    filter: DemandFilter | None = None,  # noqa: A002 (the API's own name)
) -> DemandSummary:
    """Pooled demand by ``group_by`` (1 to 3 distinct dimensions), cells in key order.

    Any member of the partnership (any role) and partner apps with ``demand:read`` may
    read it. Every cell and the total obey the tenant's disclosure rule: a suppressed
    number carries no value at all. Statements: the tenant's settings, the aggregate (one,
    after a transaction-local ``work_mem``), the titles of the occupations it found."""
    require_demand_read(principal)
    _check_group_by(group_by)
    rule = DisclosureRule.from_settings(await partnership_settings(session, principal))
    return await _summarize(session, principal, rule, tuple(group_by), filter or DemandFilter())


async def _summarize(
    session: AsyncSession,
    principal: Principal,
    rule: DisclosureRule,
    group_by: tuple[DemandDimension, ...],
    demand_filter: DemandFilter,
) -> DemandSummary:
    labels = Labels()
    # The conditions read ``labels`` (filled when the rows arrive); built first, so a bad
    # quarter is refused before the aggregate runs.
    conditions = _conditions(demand_filter, labels)
    attributes = (
        set(ALWAYS_READ) | {_ATTRIBUTES[d] for d in group_by} | {c.attribute for c in conditions}
    )
    rows = await read_rows(session, principal, attributes, labels)
    dimensions = tuple(_dimension(dimension, labels) for dimension in group_by)
    breakdown = Breakdown(dimensions, conditions, SPLIT_CHECKED & attributes, hourly_cents)
    result = disclose(rows, rule, breakdown)
    return DemandSummary(
        cells=[_cell(figure, group_by, labels) for figure in result.cells],
        total=_cell(result.total, (), labels),
        rule=rule,
    )


async def demand_trend(
    session: AsyncSession,
    principal: Principal,
    *,
    occupation_code: str,
    quarters: int = 8,
    start: str | None = None,
) -> DemandTrend:
    """Openings of one occupation per quarter (by the quarter a signal's horizon starts),
    ``quarters`` (1 to 20) from ``start`` (default: the current quarter), under the same
    rule as ``summarize_demand``: a point per quarter, in order, whether or not any signal
    starts then (an empty quarter reads exactly like a suppressed one)."""
    require_demand_read(principal)
    if not 1 <= quarters <= MAX_TREND_QUARTERS:
        raise _invalid(("quarters",), f"quarters must be from 1 to {MAX_TREND_QUARTERS}.")
    settings = await partnership_settings(session, principal)
    rule = DisclosureRule.from_settings(settings)
    first = _quarter(start, ("from",)) or quarter_of(partnership_today(settings))
    occupation = await occupation_record(session, occupation_code)
    if occupation is None:
        raise _invalid(("occupationCode",), "No occupation with this code.")
    demand_filter = DemandFilter(
        occupation_codes=(occupation.code,),
        quarter_from=format_quarter(first),
        quarter_to=format_quarter(add_quarters(first, quarters - 1)),
    )
    summary = await _summarize(session, principal, rule, (DemandDimension.QUARTER,), demand_filter)
    by_quarter = {cell.key.quarter: cell for cell in summary.cells}
    points = []
    for offset in range(quarters):
        name = format_quarter(add_quarters(first, offset))
        points.append(by_quarter.get(name) or _hidden(CellKey(quarter=name)))
    return DemandTrend(occupation=occupation, points=points, total=summary.total, rule=rule)


def _hidden(key: CellKey) -> DemandCell:
    return DemandCell(
        key=key,
        suppressed=True,
        openings=None,
        employer_count=None,
        median_wage_cents=None,
        currency=None,
    )


__all__ = [
    "CellKey",
    "CodeTitle",
    "DemandCell",
    "DemandDimension",
    "DemandFilter",
    "DemandSummary",
    "DemandTrend",
    "demand_trend",
    "summarize_demand",
]
