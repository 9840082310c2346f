"""Reading the shared vocabulary by key: occupations, their skill profiles, skills,
industries (the batch readers behind the DataLoaders).

The tables are global reference data, the same for every partnership; any
member or ``read`` client may read them. Searching them is ``search.py``; the
essential skills framework and a partnership's own examples for it live in
``essentials.py``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from coalition.auth.permissions import require_reference_read
from coalition.auth.principal import Principal
from coalition.skills.models import (
    Industry,
    Occupation,
    OccupationAlias,
    OccupationGroup,
    OccupationSkillRating,
    OnetOccupation,
    Skill,
)

ONET_SOURCE = "O*NET 29.3"
MAX_ALIASES = 20
SOC_CODE = re.compile(r"^\d{2}-\d{4}$")
ONET_CODE = re.compile(r"^(\d{2}-\d{4})\.\d{2}$")
TWO_DIGITS = re.compile(r"^\d{2}$")


@dataclass(frozen=True)
class GroupRef:
    code: str
    title: str


@dataclass(frozen=True)
class OccupationRecord:
    code: str
    title: str
    definition: str | None
    major: GroupRef
    minor: GroupRef
    broad: GroupRef


@dataclass(frozen=True)
class RatedSkill:
    skill: Skill
    importance: Decimal | None
    level: Decimal | None
    is_suppressed_recommended: bool
    is_not_relevant: bool


@dataclass(frozen=True)
class SkillProfile:
    """Ratings of the SOC code's own ``.00`` O*NET occupation; ``has_ratings`` is False
    (and ``skills`` empty) when O*NET 29.3 has none for it: nothing is estimated."""

    soc_code: str
    has_ratings: bool
    source: str | None
    onet_code: str | None
    skills: list[RatedSkill]


def occupations_with_groups() -> Select[Occupation, str, str, str]:
    """Occupations with the titles of their three groups (read back with ``record``)."""
    major, minor, broad = (aliased(OccupationGroup) for _ in range(3))
    return (
        select(Occupation, major.title, minor.title, broad.title)
        .join(major, major.code == Occupation.major_code)
        .join(minor, minor.code == Occupation.minor_code)
        .join(broad, broad.code == Occupation.broad_code)
    )


def record(row: Any) -> OccupationRecord:
    occupation, major, minor, broad = row
    return OccupationRecord(
        code=occupation.soc_code,
        title=occupation.title,
        definition=occupation.definition,
        major=GroupRef(occupation.major_code, major),
        minor=GroupRef(occupation.minor_code, minor),
        broad=GroupRef(occupation.broad_code, broad),
    )


def soc_code_of(code: str) -> str | None:
    """The SOC code for ``51-4041`` or the O*NET-SOC code ``51-4041.00``; None otherwise."""
    code = code.strip()
    if SOC_CODE.match(code):
        return code
    onet = ONET_CODE.match(code)
    return onet.group(1) if onet else None


async def occupations_by_codes(
    session: AsyncSession, principal: Principal, codes: Sequence[str]
) -> dict[str, OccupationRecord]:
    """Occupations keyed by the codes asked for (SOC or O*NET-SOC); unknown codes are absent."""
    require_reference_read(principal)
    wanted = {code: soc for code in codes if (soc := soc_code_of(code))}
    if not wanted:
        return {}
    rows = await session.execute(
        occupations_with_groups().where(Occupation.soc_code.in_(set(wanted.values())))
    )
    found = {record.code: record for record in map(record, rows)}
    return {code: found[soc] for code, soc in wanted.items() if soc in found}


async def get_occupation(
    session: AsyncSession, principal: Principal, code: str
) -> OccupationRecord | None:
    return (await occupations_by_codes(session, principal, [code])).get(code)


async def onet_occupations_of(
    session: AsyncSession, principal: Principal, soc_codes: Sequence[str]
) -> dict[str, list[OnetOccupation]]:
    """The O*NET-SOC occupations under each SOC code, ``.00`` first."""
    require_reference_read(principal)
    rows = await session.scalars(
        select(OnetOccupation)
        .where(OnetOccupation.soc_code.in_(list(soc_codes)))
        .order_by(OnetOccupation.onet_code)
    )
    found: dict[str, list[OnetOccupation]] = {code: [] for code in soc_codes}
    for row in rows:
        found[row.soc_code].append(row)
    return found


async def aliases_of(
    session: AsyncSession, principal: Principal, soc_codes: Sequence[str]
) -> dict[str, list[str]]:
    """Up to ``MAX_ALIASES`` direct-match titles per SOC code (illustrative ones first)."""
    require_reference_read(principal)
    position = (
        func.row_number()
        .over(
            partition_by=OccupationAlias.soc_code,
            order_by=(OccupationAlias.is_illustrative.desc(), OccupationAlias.title),
        )
        .label("position")
    )
    ranked = (
        select(OccupationAlias.soc_code, OccupationAlias.title, position)
        .where(OccupationAlias.soc_code.in_(list(soc_codes)))
        .subquery()
    )
    rows = await session.execute(
        select(ranked.c.soc_code, ranked.c.title)
        .where(ranked.c.position <= MAX_ALIASES)
        .order_by(ranked.c.soc_code, ranked.c.position)
    )
    found: dict[str, list[str]] = {code: [] for code in soc_codes}
    for soc_code, title in rows:
        found[soc_code].append(title)
    return found


async def skill_profiles(
    session: AsyncSession, principal: Principal, soc_codes: Sequence[str]
) -> dict[str, SkillProfile]:
    """The skill profile of each SOC code, most important skill first, in one statement."""
    require_reference_read(principal)
    onet_codes = {f"{code}.00": code for code in soc_codes}
    rows = await session.execute(
        select(OccupationSkillRating, Skill)
        .join(Skill, Skill.id == OccupationSkillRating.skill_id)
        .where(OccupationSkillRating.onet_code.in_(list(onet_codes)))
        .order_by(
            OccupationSkillRating.onet_code,
            OccupationSkillRating.importance.desc().nulls_last(),
            OccupationSkillRating.level.desc().nulls_last(),
            Skill.name,
        )
    )
    rated: dict[str, list[RatedSkill]] = {}
    for rating, skill in rows:
        rated.setdefault(onet_codes[rating.onet_code], []).append(
            RatedSkill(
                skill=skill,
                importance=rating.importance,
                level=rating.level,
                is_suppressed_recommended=rating.is_suppressed_recommended,
                is_not_relevant=rating.is_not_relevant,
            )
        )
    return {
        code: SkillProfile(
            soc_code=code,
            has_ratings=code in rated,
            source=ONET_SOURCE if code in rated else None,
            onet_code=f"{code}.00" if code in rated else None,
            skills=rated.get(code, []),
        )
        for code in soc_codes
    }


async def occupation_skill_profile(
    session: AsyncSession, principal: Principal, soc_code: str
) -> SkillProfile:
    return (await skill_profiles(session, principal, [soc_code]))[soc_code]


async def skills_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[str]
) -> dict[str, Skill]:
    require_reference_read(principal)
    rows = await session.scalars(select(Skill).where(Skill.id.in_(list(ids))))
    return {row.id: row for row in rows}


def _industry_match(code: str) -> ColumnElement[bool]:
    """The row for ``code``; a two-digit code also finds its range sector (32 in 31-33)."""
    if not TWO_DIGITS.match(code):
        return Industry.naics_code == code
    return or_(
        Industry.naics_code == code,
        (Industry.level == "Sector")
        & Industry.naics_code.like("__-__")
        & (func.substr(Industry.naics_code, 1, 2) <= code)
        & (func.substr(Industry.naics_code, 4, 2) >= code),
    )


async def get_industry(session: AsyncSession, principal: Principal, code: str) -> Industry | None:
    require_reference_read(principal)
    return await session.scalar(select(Industry).where(_industry_match(code.strip())).limit(1))


async def industry_exists(session: AsyncSession, naics_code: str) -> bool:
    """Whether ``naics_code`` is a NAICS 2022 code (for validating input; reads only
    global reference data, so it needs no principal)."""
    found = await session.scalar(
        select(Industry.naics_code).where(_industry_match(naics_code.strip())).limit(1)
    )
    return found is not None
