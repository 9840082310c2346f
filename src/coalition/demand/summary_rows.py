"""Reading pooled demand: one release's fine cells behind ``summary.py``, and their labels.

Every statement is scoped to the caller's tenant explicitly (``in_tenant``; row-level
security is the backstop) and reads one release: its cells grouped by the
attributes a response reads (occupation and quarter always) and the employer.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Text, cast, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant
from coalition.demand.models import DemandReleaseCell
from coalition.skills.models import Occupation, OccupationGroup, Skill
from coalition.skills.reads import GroupRef, OccupationRecord, soc_code_of

HOURS_PER_YEAR = 2080


@dataclass
class Labels:
    """Titles and names for the keys, and each occupation's major group, from the rows."""

    occupations: dict[str, str] = field(default_factory=dict)
    major_of: dict[str, str] = field(default_factory=dict)
    majors: dict[str, str] = field(default_factory=dict)
    skills: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ReleaseRows:
    """One row per employer, sharing level and combination of the attributes read."""

    employers: list[str]  # organization IDs as text: strings hash once, UUIDs every time
    named: list[bool]
    values: dict[str, list[Any]]
    currencies: list[str]
    openings: list[float]
    noised: list[float]
    wage_openings: list[float]
    noised_wage_sums: list[float]


_COLUMNS = {
    "occupation": DemandReleaseCell.occupation_code,
    "quarter": DemandReleaseCell.quarter,
    "degree": DemandReleaseCell.is_degree_required,
    "work_based_learning": DemandReleaseCell.work_based_learning,
    "skills": DemandReleaseCell.skill_ids,
}


async def employers_in_release(
    session: AsyncSession,
    principal: Principal,
    release_id: uuid.UUID,
    organization_ids: frozenset[uuid.UUID],
) -> frozenset[uuid.UUID]:
    """Which of ``organization_ids`` have signals in the release (an index lookup each)."""
    if not organization_ids:
        return frozenset()
    cell = DemandReleaseCell
    found = await session.scalars(
        select(cell.organization_id)
        .where(
            in_tenant(cell, principal),
            cell.release_id == release_id,
            cell.organization_id.in_(sorted(organization_ids)),
        )
        .distinct()
    )
    return frozenset(found)


async def read_rows(
    session: AsyncSession,
    principal: Principal,
    release_id: uuid.UUID,
    attributes: set[str],
    labels: Labels,
) -> ReleaseRows:
    """The release's cells grouped by ``attributes`` and employer; fills ``labels`` for
    the keys (titles in small second reads: repeated on every row they cost more)."""
    cell = DemandReleaseCell
    names = [name for name in _COLUMNS if name in attributes]
    keys: list[Any] = [cast(cell.organization_id, Text), cell.named, cell.currency]
    keys += [_COLUMNS[name] for name in names]
    statement = (
        select(
            *keys,
            func.sum(cell.openings),
            func.sum(cell.noised_openings),
            func.sum(cell.wage_openings),
            func.sum(cell.noised_wage_sum),
        )
        .where(in_tenant(cell, principal), cell.release_id == release_id)
        .group_by(*keys)
    )
    connection = await session.connection()
    await connection.execute(text("SET LOCAL work_mem = '64MB'"))
    result = await connection.execute(statement)
    # The driver's rows as they are: SQLAlchemy's Row objects cost more than the sums.
    rows = result.cursor.fetchall()
    result.close()
    width = len(keys)

    def column(position: int) -> list[Any]:
        return [row[position] for row in rows]

    values: dict[str, list[Any]] = {name: column(3 + i) for i, name in enumerate(names)}
    if "work_based_learning" in values:
        values["work_based_learning"] = [frozenset(v) for v in values["work_based_learning"]]
    if "skills" in values:
        values["skills"] = [tuple(v) for v in values["skills"]]
        present = sorted({skill for ids in values["skills"] for skill in ids})
        if present:
            found = await connection.execute(
                select(Skill.id, Skill.name).where(Skill.id.in_(present))
            )
            labels.skills.update({skill_id: name for skill_id, name in found})
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
    return ReleaseRows(
        employers=column(0),
        named=column(1),
        values=values,
        currencies=column(2),
        openings=[float(v) for v in column(width)],
        noised=[float(v) for v in column(width + 1)],
        wage_openings=[float(v) for v in column(width + 2)],
        noised_wage_sums=[float(v) for v in column(width + 3)],
    )


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
