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

import uuid
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import Principal
from coalition.demand.figures import EmployerBand, published
from coalition.demand.models import DemandRelease
from coalition.demand.permissions import require_demand_read
from coalition.demand.quarters import add_quarters, format_quarter, quarter_of
from coalition.demand.questions import (
    ALWAYS_READ,
    ATTRIBUTES,
    MAX_TREND_QUARTERS,
    SPLIT_CHECKED,
    CellKey,
    DemandDimension,
    DemandFilter,
    cell_key,
    check_group_by,
    conditions_of,
    dimension_of,
    invalid,
    quarter_given,
)
from coalition.demand.reads import partnership_settings, partnership_today
from coalition.demand.releases import latest_release, release_by_id, rule_of
from coalition.demand.summary_rows import (
    Labels,
    employers_in_release,
    occupation_record,
    read_rows,
)
from coalition.disclosure.cells import Breakdown
from coalition.disclosure.rule import DisclosureRule
from coalition.skills.reads import OccupationRecord


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
    check_group_by(group_by)
    demand_filter = filter or DemandFilter()
    conditions_of(demand_filter, Labels())  # a bad quarter is refused before anything is read
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
    conditions = conditions_of(demand_filter, labels)
    attributes = (
        set(ALWAYS_READ) | {ATTRIBUTES[d] for d in group_by} | {c.attribute for c in conditions}
    )
    rows = await read_rows(session, principal, release.id, attributes, labels)
    dimensions = tuple(dimension_of(dimension, labels) for dimension in group_by)
    breakdown = Breakdown(dimensions, conditions, SPLIT_CHECKED & attributes)
    cells, total = published(rows, rule, breakdown, readers=readers, known_keys=known_keys)
    return (
        [_demand_cell(figure, cell_key(figure.key, group_by, labels)) for figure in cells],
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
        raise invalid(("quarters",), f"quarters must be from 1 to {MAX_TREND_QUARTERS}.")
    settings = await partnership_settings(session, principal)
    first = quarter_given(start, ("from",)) or quarter_of(partnership_today(settings))
    occupation = await occupation_record(session, occupation_code)
    if occupation is None:
        raise invalid(("occupationCode",), "No occupation with this code.")
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
    "DemandCell",
    "DemandSummary",
    "DemandTrend",
    "demand_trend",
    "summarize_demand",
]
