"""Expected completers, read with SQL aggregation over the tenant's programs and cohorts.

A cohort counts when it is not CANCELLED, its program is not a DRAFT, and it ends
within the horizon. Its expected completers are ``enrolled`` (once known, else
``seats``) x ``completion_rate_percent`` / 100.

- Per occupation: a program targeting n occupations gives each 1/n of its cohorts'
  completers (split, never double-counted: the occupations' supplies add up to the
  completers).
- Per skill: a completer of a program teaching three skills supplies each of them
  once (a person who learned three skills has each of them); a program counts for a
  skill when it teaches it at or above the skill's demanded level (``demanded_levels``).

Each function is one statement, whatever the number of programs and cohorts (the
demanded levels: one per release).
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Numeric, Select, and_, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant
from coalition.demand.models import DemandSignal, DemandSignalSkill, DemandStatus, SharingLevel
from coalition.skills.models import Occupation
from coalition.supply.gap.question import GapFilter, Horizon
from coalition.supply.models import (
    Cohort,
    CohortStatus,
    ProgramStatus,
    TrainingProgram,
    TrainingProgramOccupation,
    TrainingProgramSkill,
)


def _completers_by_program(principal: Principal, horizon: Horizon) -> Select[Any, Any]:
    cohort, program = Cohort, TrainingProgram
    completers = func.coalesce(cohort.enrolled, cohort.seats) * cohort.completion_rate_percent / 100
    return (
        select(cohort.program_id, func.sum(completers).label("completers"))
        .join(
            program,
            and_(in_tenant(program, principal), program.id == cohort.program_id),
        )
        .where(
            in_tenant(cohort, principal),
            program.status != ProgramStatus.DRAFT,
            cohort.status != CohortStatus.CANCELLED,
            cohort.ends_on >= horizon.starts,
            cohort.ends_on <= horizon.ends,
        )
        .group_by(cohort.program_id)
    )


def _occupation_condition(gap_filter: GapFilter, column: Any) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if gap_filter.occupation_codes:
        conditions.append(column.in_(list(gap_filter.occupation_codes)))
    if gap_filter.major_group_codes:
        conditions.append(
            column.in_(
                select(Occupation.soc_code).where(
                    Occupation.major_code.in_(list(gap_filter.major_group_codes))
                )
            )
        )
    return conditions


async def completers_by_occupation(
    session: AsyncSession, principal: Principal, horizon: Horizon, gap_filter: GapFilter
) -> dict[str, Decimal]:
    """Expected completers per occupation code (split evenly over a program's targets)."""
    target = TrainingProgramOccupation
    targets = (
        select(target.program_id, cast(func.count(), Numeric).label("count"))
        .where(in_tenant(target, principal))
        .group_by(target.program_id)
        .subquery()
    )
    completers = _completers_by_program(principal, horizon).subquery()
    statement = (
        select(target.occupation_code, func.sum(completers.c.completers / targets.c.count))
        .join(completers, completers.c.program_id == target.program_id)
        .join(targets, targets.c.program_id == target.program_id)
        .where(
            in_tenant(target, principal), *_occupation_condition(gap_filter, target.occupation_code)
        )
        .group_by(target.occupation_code)
    )
    rows = await session.execute(statement)
    return {code: Decimal(total) for code, total in rows}


def _filtered_programs(principal: Principal, gap_filter: GapFilter) -> Select[Any] | None:
    """With an occupation filter, a skill's supply counts only programs targeting one of
    the filtered occupations; None without one."""
    target = TrainingProgramOccupation
    conditions = _occupation_condition(gap_filter, target.occupation_code)
    if not conditions:
        return None
    return select(target.program_id).where(in_tenant(target, principal), *conditions)


async def completers_by_skill_level(
    session: AsyncSession, principal: Principal, horizon: Horizon, gap_filter: GapFilter
) -> dict[str, dict[int, Decimal]]:
    """Expected completers per skill and the level a program teaches it to."""
    taught = TrainingProgramSkill
    completers = _completers_by_program(principal, horizon).subquery()
    statement = (
        select(taught.skill_id, taught.level, func.sum(completers.c.completers))
        .join(completers, completers.c.program_id == taught.program_id)
        .where(in_tenant(taught, principal))
        .group_by(taught.skill_id, taught.level)
    )
    if gap_filter.skill_ids:
        statement = statement.where(taught.skill_id.in_(list(gap_filter.skill_ids)))
    programs = _filtered_programs(principal, gap_filter)
    if programs is not None:
        statement = statement.where(taught.program_id.in_(programs))
    found: dict[str, dict[int, Decimal]] = {}
    for skill_id, level, total in await session.execute(statement):
        found.setdefault(skill_id, {})[int(level)] = Decimal(total)
    return found


# The levels of each release, kept per process (the newest few hundred): read at the first
# skills gap of a release, they stay until the next release, as its pooled figures do.
_LEVELS: OrderedDict[tuple[uuid.UUID, uuid.UUID], dict[str, int]] = OrderedDict()
LEVELS_KEPT = 256


async def demanded_levels(
    session: AsyncSession, principal: Principal, release_id: uuid.UUID | None
) -> dict[str, int]:
    """The demanded level of each skill: the highest level an ACTIVE NAMED signal of the
    partnership asks for it at; a skill no such signal names is demanded at level 1
    (any program teaching it counts, the caller's default).

    Only NAMED signals: a release keeps no levels, and the levels of POOLED signals are
    the employers' own (a level read from them would move with one competitor's
    posting). NAMED signals are public to every reader, so every reader gets the same
    levels. Read once per release (``release_id``; every time before the first) and kept
    with it: one scan of the NAMED signals' skills, too slow to repeat on every read."""
    key = None if release_id is None else (principal.tenant_id, release_id)
    if key is not None and key in _LEVELS:
        _LEVELS.move_to_end(key)
        return _LEVELS[key]
    signal, skill = DemandSignal, DemandSignalSkill
    rows = await session.execute(
        select(skill.skill_id, func.max(skill.level))
        .join(signal, and_(in_tenant(signal, principal), signal.id == skill.signal_id))
        .where(
            in_tenant(skill, principal),
            signal.status == DemandStatus.ACTIVE,
            signal.sharing_level == SharingLevel.NAMED,
        )
        .group_by(skill.skill_id)
    )
    levels = {skill_id: int(level) for skill_id, level in rows}
    if key is not None:
        _LEVELS[key] = levels
        if len(_LEVELS) > LEVELS_KEPT:
            _LEVELS.popitem(last=False)
    return levels


__all__ = ["completers_by_occupation", "completers_by_skill_level", "demanded_levels"]
