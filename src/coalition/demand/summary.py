"""Pooled demand: what a release of ACTIVE signals shared POOLED or NAMED lets each reader see.

``summarize_demand`` and ``demand_trend`` read one release (the newest, or one
named by ID; ``releases``) and never the live signals. For each response:

1. *What may be shown* is decided by ``coalition.disclosure.engine.disclose`` on
   the POOLED part of the other employers alone: the reader's own organizations'
   contributions and NAMED signals (public anyway) are left out of the decision,
   so no edit, withdrawal or re-post of one's own moves it (``figures``).
2. *What is shown* is the sum of everyone's noised contributions (NAMED as they
   are), rounded to whole openings; employers as a band; the median wage over
   each employer's noised wage.

PRIVATE and DRAFT signals (and FILLED, WITHDRAWN) never count. The rule is the
one the release was made under.
"""

from __future__ import annotations

import enum
import uuid
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import Principal
from coalition.demand.figures import EmployerBand, published
from coalition.demand.models import DemandRelease, WorkBasedLearning
from coalition.demand.permissions import require_demand_read
from coalition.demand.quarters import (
    QuarterError,
    add_quarters,
    format_quarter,
    parse_quarter,
    quarter_of,
)
from coalition.demand.reads import partnership_settings, partnership_today
from coalition.demand.releases import latest_release, release_by_id, rule_of
from coalition.demand.summary_rows import (
    Labels,
    employers_in_release,
    occupation_record,
    read_rows,
)
from coalition.disclosure.cells import Breakdown, Condition, Dimension
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
    quarter_from: str | None = None  # openings in this quarter and later
    quarter_to: str | None = None  # openings in this quarter and earlier
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
    """Suppressed: openings, employers and median_wage_cents are all None."""

    key: CellKey
    suppressed: bool
    openings: int | None
    employers: EmployerBand | None
    median_wage_cents: int | None
    currency: str | None


@dataclass(frozen=True)
class DemandSummary:
    release: DemandRelease | None
    cells: list[DemandCell]
    total: DemandCell
    rule: DisclosureRule


@dataclass(frozen=True)
class DemandTrend:
    release: DemandRelease | None
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


def _key(key: tuple[Any, ...], dimensions: Sequence[DemandDimension], labels: Labels) -> CellKey:
    parts: dict[str, Any] = {}
    value: Any
    for dimension, value in zip(dimensions, key, strict=True):
        if dimension is DemandDimension.OCCUPATION:
            parts["occupation"] = CodeTitle(value, labels.occupations[value])
        elif dimension is DemandDimension.MAJOR_GROUP:
            parts["major_group"] = CodeTitle(value, labels.majors[value])
        elif dimension is DemandDimension.SKILL:
            parts["skill"] = CodeTitle(value, labels.skills.get(value, value))
        elif dimension is DemandDimension.QUARTER:
            parts["quarter"] = format_quarter(value)
        elif dimension is DemandDimension.WORK_BASED_LEARNING:
            parts["work_based_learning"] = WorkBasedLearning(value)
        else:
            parts["is_degree_required"] = value
    return CellKey(**parts)


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
    release_id: uuid.UUID | None = None,
) -> DemandSummary:
    """Pooled demand by ``group_by`` (1 to 3 distinct dimensions) in the newest release
    (or ``release_id``), cells in key order.

    Any member of the partnership (any role) and partner apps with ``demand:read`` may
    read it. Cells the rule hides are left out unless their key is known to the reader
    anyway (it holds NAMED or its own signals), then listed with no numbers. Before the
    first release: no cells, the total suppressed, ``release`` None."""
    require_demand_read(principal)
    _check_group_by(group_by)
    demand_filter = filter or DemandFilter()
    _conditions(demand_filter, Labels())  # a bad quarter is refused before anything is read
    release = await _release(session, principal, release_id)
    if release is None:
        rule = DisclosureRule.from_settings(await partnership_settings(session, principal))
        return DemandSummary(None, [], _hidden(CellKey()), rule)
    return await _summarize(session, principal, release, tuple(group_by), demand_filter)


async def _release(
    session: AsyncSession, principal: Principal, release_id: uuid.UUID | None
) -> DemandRelease | None:
    if release_id is None:
        return await latest_release(session, principal)
    return await release_by_id(session, principal, release_id)


# A release never changes, so a response is a function of the release, the reader's
# organizations that have signals in it (for everyone else, none: the convener, analysts,
# partner apps and members without signals there all get one answer) and the question.
# The last few hundred are kept, per process.
_ANSWERS: OrderedDict[Hashable, tuple[list[DemandCell], DemandCell]] = OrderedDict()
ANSWERS_KEPT = 256


async def _summarize(
    session: AsyncSession,
    principal: Principal,
    release: DemandRelease,
    group_by: tuple[DemandDimension, ...],
    demand_filter: DemandFilter,
    *,
    known_keys: Sequence[tuple[Any, ...]] = (),
) -> DemandSummary:
    rule = rule_of(release)
    readers = await employers_in_release(session, principal, release.id, principal.organization_ids)
    question = (
        principal.tenant_id,
        release.id,
        readers,
        group_by,
        demand_filter,
        tuple(known_keys),
    )
    answer = _ANSWERS.get(question)
    if answer is None:
        answer = await _answer(
            session, principal, release, readers, group_by, demand_filter, known_keys
        )
        _ANSWERS[question] = answer
        if len(_ANSWERS) > ANSWERS_KEPT:
            _ANSWERS.popitem(last=False)
    else:
        _ANSWERS.move_to_end(question)
    cells, total = answer
    return DemandSummary(release=release, cells=list(cells), total=total, rule=rule)


async def _answer(
    session: AsyncSession,
    principal: Principal,
    release: DemandRelease,
    readers: frozenset[uuid.UUID],
    group_by: tuple[DemandDimension, ...],
    demand_filter: DemandFilter,
    known_keys: Sequence[tuple[Any, ...]],
) -> tuple[list[DemandCell], DemandCell]:
    rule = rule_of(release)
    labels = Labels()
    # The conditions read ``labels`` (filled when the rows arrive).
    conditions = _conditions(demand_filter, labels)
    attributes = (
        set(ALWAYS_READ) | {_ATTRIBUTES[d] for d in group_by} | {c.attribute for c in conditions}
    )
    rows = await read_rows(session, principal, release.id, attributes, labels)
    dimensions = tuple(_dimension(dimension, labels) for dimension in group_by)
    breakdown = Breakdown(dimensions, conditions, SPLIT_CHECKED & attributes)
    cells, total = published(rows, rule, breakdown, readers=readers, known_keys=known_keys)
    return (
        [_demand_cell(figure, _key(figure.key, group_by, labels)) for figure in cells],
        _demand_cell(total, CellKey()),
    )


def _demand_cell(figure: Any, key: CellKey) -> DemandCell:
    return DemandCell(
        key=key,
        suppressed=figure.suppressed,
        openings=figure.openings,
        employers=figure.employers,
        median_wage_cents=figure.median_wage,
        currency=figure.currency,
    )


async def demand_trend(
    session: AsyncSession,
    principal: Principal,
    *,
    occupation_code: str,
    quarters: int = 8,
    start: str | None = None,
    release_id: uuid.UUID | None = None,
) -> DemandTrend:
    """Openings of one occupation per quarter (a signal counts in every quarter of its
    horizon), ``quarters`` (1 to 20) from ``start`` (default: the current quarter), in
    the newest release (or ``release_id``) under the same rule as ``summarize_demand``:
    a point per quarter, in order, whether or not any signal falls in it (an empty
    quarter reads exactly like a suppressed one)."""
    require_demand_read(principal)
    if not 1 <= quarters <= MAX_TREND_QUARTERS:
        raise _invalid(("quarters",), f"quarters must be from 1 to {MAX_TREND_QUARTERS}.")
    settings = await partnership_settings(session, principal)
    first = _quarter(start, ("from",)) or quarter_of(partnership_today(settings))
    occupation = await occupation_record(session, occupation_code)
    if occupation is None:
        raise _invalid(("occupationCode",), "No occupation with this code.")
    release = await _release(session, principal, release_id)
    days = [add_quarters(first, offset) for offset in range(quarters)]
    if release is None:
        rule = DisclosureRule.from_settings(settings)
        points = [_hidden(CellKey(quarter=format_quarter(day))) for day in days]
        return DemandTrend(None, occupation, points, _hidden(CellKey()), rule)
    demand_filter = DemandFilter(
        occupation_codes=(occupation.code,),
        quarter_from=format_quarter(first),
        quarter_to=format_quarter(days[-1]),
    )
    summary = await _summarize(
        session,
        principal,
        release,
        (DemandDimension.QUARTER,),
        demand_filter,
        known_keys=[(day,) for day in days],
    )
    by_quarter = {cell.key.quarter: cell for cell in summary.cells}
    points = [
        by_quarter.get(format_quarter(day)) or _hidden(CellKey(quarter=format_quarter(day)))
        for day in days
    ]
    return DemandTrend(release, occupation, points, summary.total, summary.rule)


def _hidden(key: CellKey) -> DemandCell:
    return DemandCell(
        key=key,
        suppressed=True,
        openings=None,
        employers=None,
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
