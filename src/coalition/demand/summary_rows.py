"""Reading pooled demand: the one aggregate behind ``summary.py``, and its labels.

Every statement is scoped to the caller's tenant explicitly (``in_tenant``; row-level
security is the backstop). Only ACTIVE signals shared POOLED or NAMED are read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, case, func, select, text, true
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant
from coalition.demand.models import (
    DemandSignal,
    DemandSignalSkill,
    DemandStatus,
    SharingLevel,
    WageUnit,
    WorkBasedLearning,
)
from coalition.disclosure.cells import Columns, round_half_even
from coalition.skills.models import Occupation, OccupationGroup, Skill
from coalition.skills.reads import GroupRef, OccupationRecord, soc_code_of

HOURS_PER_YEAR = 2080
SHARED_LEVELS = (SharingLevel.POOLED, SharingLevel.NAMED)


@dataclass
class Labels:
    """Titles and names for the keys, and each occupation's major group, from the rows."""

    occupations: dict[str, str] = field(default_factory=dict)
    major_of: dict[str, str] = field(default_factory=dict)
    majors: dict[str, str] = field(default_factory=dict)
    skills: dict[str, str] = field(default_factory=dict)


def wbl_set(kinds: Iterable[str] | None) -> frozenset[str]:
    hosted = frozenset(kinds or ()) - {WorkBasedLearning.NONE.value}
    return hosted or frozenset({WorkBasedLearning.NONE.value})


def statement(principal: Principal, attributes: set[str]) -> Select[Any]:
    """One row per employer and combination of the attributes read (occupation and quarter
    always), over every ACTIVE signal shared POOLED or NAMED in the caller's tenant, no
    filter applied."""
    signal = DemandSignal
    both = func.coalesce(signal.wage_min_minor, signal.wage_max_minor) + func.coalesce(
        signal.wage_max_minor, signal.wage_min_minor
    )
    # The hourly midpoint times 4160 (2 x 2080) is an integer; rounded in disclosure.
    scaled = both * case((signal.wage_unit == WageUnit.HOUR, HOURS_PER_YEAR), else_=1)
    keys: list[Any] = [
        signal.organization_id,
        signal.currency,
        signal.occupation_code,
        signal.start_quarter,
    ]
    grouped = select(signal.organization_id).select_from(signal)
    if "degree" in attributes:
        keys.append(signal.is_degree_required)
    if "work_based_learning" in attributes:
        keys.append(signal.work_based_learning)
    if "skills" in attributes:
        skills = (
            select(
                func.array_agg(aggregate_order_by(Skill.id, Skill.id)).label("skill_ids"),
                func.array_agg(aggregate_order_by(Skill.name, Skill.id)).label("skill_names"),
            )
            .select_from(DemandSignalSkill)
            .join(Skill, Skill.id == DemandSignalSkill.skill_id)
            .where(
                in_tenant(DemandSignalSkill, principal),
                DemandSignalSkill.signal_id == signal.id,
            )
            .lateral("signal_skills")
        )
        grouped = grouped.outerjoin(skills, true())
        keys += [skills.c.skill_ids, skills.c.skill_names]
    columns = [
        *keys,
        func.sum(signal.openings).label("openings"),
        func.array_agg(scaled).filter(scaled.is_not(None)).label("wages"),
    ]
    return (
        grouped.with_only_columns(*columns)
        .where(
            in_tenant(signal, principal),
            signal.status == DemandStatus.ACTIVE,
            signal.sharing_level.in_(SHARED_LEVELS),
        )
        .group_by(*keys)
    )


async def read_rows(
    session: AsyncSession, principal: Principal, attributes: set[str], labels: Labels
) -> Columns:
    """The aggregate's rows as disclosure columns; fills ``labels`` for the keys (titles
    in a second, small read: repeated on every row they would cost more than the sums)."""
    connection = await session.connection()
    # The aggregate keeps a wage array per group: with the default 4MB it sorts on disk
    # instead of hashing (0.3 s instead of 0.1 s at 100,000 signals). Transaction-local.
    await connection.execute(text("SET LOCAL work_mem = '64MB'"))
    result = await connection.execute(statement(principal, attributes))
    at = {name: position for position, name in enumerate(result.keys())}
    # The driver's rows as they are: SQLAlchemy's Row objects cost more than the sums.
    # (The statement still runs through SQLAlchemy: logged, counted, in the transaction.)
    rows = result.cursor.fetchall()
    result.close()

    def column(name: str) -> list[Any]:
        position = at[name]
        return [row[position] for row in rows]

    values: dict[str, list[Any]] = {
        "occupation": column("occupation_code"),
        "quarter": column("start_quarter"),
    }
    if "degree" in attributes:
        values["degree"] = column("is_degree_required")
    if "work_based_learning" in attributes:
        values["work_based_learning"] = [wbl_set(kinds) for kinds in column("work_based_learning")]
    if "skills" in attributes:
        values["skills"] = [tuple(ids or ()) for ids in column("skill_ids")]
        for ids, names in zip(values["skills"], column("skill_names"), strict=True):
            labels.skills.update(zip(ids, names or (), strict=True))
    major = OccupationGroup
    titles = await connection.execute(
        select(Occupation.soc_code, Occupation.title, Occupation.major_code, major.title)
        .join(major, major.code == Occupation.major_code)
        .where(Occupation.soc_code.in_(sorted(set(values["occupation"]))))
    )
    for code, title, major_code, major_title in titles:
        labels.occupations[code] = title
        labels.major_of[code] = major_code
        labels.majors[major_code] = major_title
    return Columns(
        contributors=column("organization_id"),
        amounts=column("openings"),
        values=values,
        measurements=column("wages"),
        units=column("currency"),
    )


def hourly_cents(scaled: int) -> int:
    """A signal's hourly midpoint in cents from the aggregate's scaled value."""
    return round_half_even(scaled, 2 * HOURS_PER_YEAR)


async def occupation_record(session: AsyncSession, code: str) -> OccupationRecord | None:
    """The occupation (global reference data: partner apps with only ``demand:read`` may
    see the one their trend is about)."""
    soc_code = soc_code_of(code)
    if soc_code is None:
        return None
    major, minor, broad = (aliased(OccupationGroup) for _ in range(3))
    row = (
        await session.execute(
            select(Occupation, major.title, minor.title, broad.title)
            .join(major, major.code == Occupation.major_code)
            .join(minor, minor.code == Occupation.minor_code)
            .join(broad, broad.code == Occupation.broad_code)
            .where(Occupation.soc_code == soc_code)
        )
    ).one_or_none()
    if row is None:
        return None
    occupation, major_title, minor_title, broad_title = row
    return OccupationRecord(
        code=occupation.soc_code,
        title=occupation.title,
        definition=occupation.definition,
        major=GroupRef(occupation.major_code, major_title),
        minor=GroupRef(occupation.minor_code, minor_title),
        broad=GroupRef(occupation.broad_code, broad_title),
    )
