"""The skills gap: pooled demand from the release, against expected completers.

Demand is read through ``demand.service.pooled_demand``: the very answer
``demandSummary`` gives this reader for the same grouping, horizon (as its quarter
filter) and occupation filter, from the same release and through the same disclosure
decisions. So a row's demand is shown exactly when demandSummary shows that cell, and
then with its published (noised, rounded) openings.

A row whose demand is not shown is *hidden*: no demand, no gap, no ratio (with the
supply, which is public, either would give the hidden demand back: demand = gap +
supply = ratio x supply). Its supply is still given. Rows are the shown and listed
cells of demand, and every occupation (skill) some cohort supplies in the horizon; a
supplied row without a listed demand cell reads as hidden too, so "no demand" and
"demand withheld" look alike (as an empty quarter of demandTrend reads like a
suppressed one).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import Principal
from coalition.demand.models import DemandRelease
from coalition.demand.quarters import format_quarter
from coalition.demand.questions import DemandDimension, DemandFilter
from coalition.demand.service import pooled_demand
from coalition.skills.models import Occupation, Skill
from coalition.supply.gap.access import require_gap_read
from coalition.supply.gap.question import GapFilter, GapGroup, Horizon, check_filter, horizon_of
from coalition.supply.gap.supply import (
    completers_by_occupation,
    completers_by_skill_level,
    demanded_levels,
)

CENT = Decimal("0.01")


@dataclass(frozen=True)
class GapRow:
    """One occupation or skill. Hidden: ``demand``, ``gap`` and ``ratio`` are None."""

    code: str
    title: str
    hidden: bool
    demand: int | None
    supply: Decimal
    gap: Decimal | None
    ratio: Decimal | None
    demanded_level: int | None = None  # SKILL rows only


@dataclass(frozen=True)
class SkillsGap:
    release: DemandRelease | None
    group_by: GapGroup
    horizon: Horizon
    rows: list[GapRow]


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_EVEN)


def _row(code: str, title: str, demand: int | None, supply: Decimal, level: int | None) -> GapRow:
    supply = _round(supply)
    if demand is None:
        return GapRow(code, title, True, None, supply, None, None, level)
    ratio = _round(Decimal(demand) / supply) if supply > 0 else None
    return GapRow(code, title, False, demand, supply, Decimal(demand) - supply, ratio, level)


def _order(row: GapRow) -> tuple[bool, Decimal, str]:
    """Shown rows first, the largest gap first; then by code."""
    return (row.hidden, -(row.gap or Decimal(0)), row.code)


async def skills_gap(
    session: AsyncSession,
    principal: Principal,
    *,
    start: str,
    end: str,
    group_by: GapGroup,
    filter: GapFilter | None = None,  # noqa: A002 (the API's own name)
    release_id: uuid.UUID | None = None,
) -> SkillsGap:
    """The gap per occupation (or skill) over quarters ``start`` to ``end``, largest gap
    first. Members of any role; partner apps with programs:read and demand:read."""
    require_gap_read(principal)
    horizon = horizon_of(start, end)
    gap_filter = await check_filter(session, group_by, filter or GapFilter())
    dimension = (
        DemandDimension.OCCUPATION if group_by is GapGroup.OCCUPATION else DemandDimension.SKILL
    )
    demand = await pooled_demand(
        session,
        principal,
        group_by=[dimension],
        filter=DemandFilter(
            occupation_codes=tuple(gap_filter.occupation_codes),
            major_group_codes=tuple(gap_filter.major_group_codes),
            quarter_from=format_quarter(horizon.first),
            quarter_to=format_quarter(horizon.last),
        ),
        release_id=release_id,
    )
    shown: dict[str, int | None] = {}
    titles: dict[str, str] = {}
    for cell in demand.cells:
        key = cell.key.occupation if group_by is GapGroup.OCCUPATION else cell.key.skill
        assert key is not None
        shown[key.code] = None if cell.suppressed else cell.openings
        titles[key.code] = key.title
    if group_by is GapGroup.OCCUPATION:
        supplied = await completers_by_occupation(session, principal, horizon, gap_filter)
        await _titles(session, titles, set(supplied), Occupation.soc_code, Occupation.title)
        rows = [
            _row(code, titles[code], shown.get(code), supplied.get(code, Decimal(0)), None)
            for code in set(shown) | set(supplied)
        ]
    else:
        by_level = await completers_by_skill_level(session, principal, horizon, gap_filter)
        if gap_filter.skill_ids:
            wanted = set(gap_filter.skill_ids)
            shown = {code: value for code, value in shown.items() if code in wanted}
        codes = set(shown) | set(by_level)
        release = demand.release
        levels = await demanded_levels(session, principal, release.id if release else None)
        await _titles(session, titles, codes, Skill.id, Skill.name)
        rows = []
        for code in codes:
            level = levels.get(code, 1)
            supply = sum(
                (total for taught, total in by_level.get(code, {}).items() if taught >= level),
                Decimal(0),
            )
            rows.append(_row(code, titles[code], shown.get(code), supply, level))
    rows.sort(key=_order)
    return SkillsGap(release=demand.release, group_by=group_by, horizon=horizon, rows=rows)


async def _titles(
    session: AsyncSession, titles: dict[str, str], codes: set[str], key: object, name: object
) -> None:
    """Titles of the codes demand did not label (always one statement, so a response's
    count of statements does not depend on the data)."""
    missing = sorted(codes - set(titles))
    rows = await session.execute(select(key, name).where(key.in_(missing)))  # type: ignore[call-overload, attr-defined]
    titles.update({code: title for code, title in rows})


__all__ = ["GapRow", "SkillsGap", "skills_gap"]
