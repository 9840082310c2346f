"""Reading training programs and cohorts: every query starts from
``permissions.visible_programs``.

Each function filters by the caller's tenant (through ``visible_programs``) and
returns only what the caller may see; what it may not see is absent, as if the ID did
not exist. The batched readers serve the per-request DataLoaders: one statement per
batch, whatever its size. The CIP and SOC vocabulary (``instructional_programs``,
``program_occupations``) is global reference data.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Text, exists, func, literal, literal_column, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant
from coalition.pagination import Page, PageRequest, SortKey, fetch_page, fetch_pages_by_parent
from coalition.skills.models import (
    InstructionalProgram,
    Occupation,
    ProgramOccupation,
    Skill,
)
from coalition.skills.reads import OccupationRecord, occupations_with_groups, record
from coalition.supply.models import (
    SEARCH_TEXT,
    Cohort,
    Modality,
    ProgramStatus,
    Schedule,
    Support,
    TrainingProgram,
    TrainingProgramOccupation,
    TrainingProgramSkill,
)
from coalition.supply.permissions import may_read_programs, require_programs_read, visible_programs
from coalition.supply.validation import Vocabulary
from coalition.tenancy.models import Organization

MAX_SEARCH = 200
MAX_SEARCH_WORDS = 8
CIP_PREFIX = re.compile(r"^\d{2}(\.\d{2}(\d{2})?)?$")
NEWEST_FIRST = SortKey(
    [TrainingProgram.created_at, TrainingProgram.id],
    [datetime.fromisoformat, uuid.UUID],
    descending=True,
)
BY_START = SortKey([Cohort.starts_on, Cohort.id], [date.fromisoformat, uuid.UUID])


@dataclass(frozen=True)
class ProgramSkill:
    """A skill a program teaches, and to which level (1 to 4)."""

    skill: Skill
    level: int


@dataclass(frozen=True)
class ProgramFilter:
    """Which programs to list; every criterion given must hold.

    ``cip_code``: a 6-digit code, or a 2- or 4-digit family or series (``51``,
    ``51.39``) for every program under it. ``supports``: the program offers all of
    them. ``search``: each word starts a word of the name or description."""

    cip_code: str | None = None
    occupation_code: str | None = None
    skill_id: str | None = None
    modality: Modality | None = None
    schedule: Schedule | None = None
    supports: Sequence[Support] = field(default_factory=tuple)
    provider_id: uuid.UUID | None = None
    search: str | None = None
    status: ProgramStatus | None = None


def words_of(search: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", search.lower()[:MAX_SEARCH])[:MAX_SEARCH_WORDS]


def _matches(words: Sequence[str]) -> ColumnElement[bool]:
    """Every word starts a word of the name or description (the indexed expression)."""
    vector = func.to_tsvector(literal_column("'simple'::regconfig"), literal_column(SEARCH_TEXT))
    # The words are [a-z0-9]+ only, so the query text cannot carry tsquery syntax.
    query = func.to_tsquery(
        literal_column("'simple'::regconfig"), " & ".join(f"{word}:*" for word in words)
    )
    return vector.op("@@")(query)


def _cip_clause(code: str) -> ColumnElement[bool]:
    if len(code) == len("51.3902"):
        return TrainingProgram.cip_code == code
    return TrainingProgram.cip_code.startswith(code if "." in code else f"{code}.")


def filtered_programs(principal: Principal, chosen: ProgramFilter) -> Any:
    """``visible_programs`` narrowed by ``chosen`` (a Select of programs)."""
    statement = visible_programs(principal)
    code = (chosen.cip_code or "").strip()
    if code:
        statement = statement.where(
            _cip_clause(code) if CIP_PREFIX.match(code) else TrainingProgram.cip_code == code
        )
    if chosen.occupation_code:
        statement = statement.where(
            exists().where(
                in_tenant(TrainingProgramOccupation, principal),
                TrainingProgramOccupation.program_id == TrainingProgram.id,
                TrainingProgramOccupation.occupation_code == chosen.occupation_code.strip(),
            )
        )
    if chosen.skill_id:
        statement = statement.where(
            exists().where(
                in_tenant(TrainingProgramSkill, principal),
                TrainingProgramSkill.program_id == TrainingProgram.id,
                TrainingProgramSkill.skill_id == chosen.skill_id.strip(),
            )
        )
    if chosen.modality is not None:
        statement = statement.where(TrainingProgram.modality == chosen.modality)
    if chosen.schedule is not None:
        statement = statement.where(
            TrainingProgram.schedules.op("@>")(literal([chosen.schedule.value], ARRAY(Text)))
        )
    if chosen.supports:
        wanted = sorted({support.value for support in chosen.supports})
        statement = statement.where(TrainingProgram.supports.op("@>")(literal(wanted, ARRAY(Text))))
    if chosen.provider_id is not None:
        statement = statement.where(TrainingProgram.organization_id == chosen.provider_id)
    if chosen.status is not None:
        statement = statement.where(TrainingProgram.status == chosen.status)
    words = words_of(chosen.search or "")
    if words:
        statement = statement.where(_matches(words))
    elif (chosen.search or "").strip():
        # Words with no letter or digit match no program (rather than every program).
        statement = statement.where(literal_column("false"))
    return statement


async def list_training_programs(
    session: AsyncSession,
    principal: Principal,
    *,
    page: PageRequest,
    chosen: ProgramFilter | None = None,
) -> Page[TrainingProgram]:
    """The programs the caller may see, newest first. Partner apps need ``programs:read``."""
    require_programs_read(principal)
    statement = filtered_programs(principal, chosen or ProgramFilter())
    return await fetch_page(session, statement, page, NEWEST_FIRST)


async def programs_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, TrainingProgram]:
    """The programs among ``ids`` the caller may see; the others are simply absent."""
    if not may_read_programs(principal) or not ids:
        return {}
    rows = await session.scalars(visible_programs(principal).where(TrainingProgram.id.in_(ids)))
    return {row.id: row for row in rows}


def _visible_ids(principal: Principal, program_ids: Sequence[uuid.UUID]) -> Any:
    return (
        visible_programs(principal)
        .where(TrainingProgram.id.in_(list(program_ids)))
        .with_only_columns(TrainingProgram.id)
    )


async def occupations_by_program_ids(
    session: AsyncSession, principal: Principal, program_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[OccupationRecord]]:
    """Each visible program's target occupations, by SOC code, in one statement."""
    if not may_read_programs(principal) or not program_ids:
        return {}
    rows = await session.execute(
        occupations_with_groups()
        .add_columns(TrainingProgramOccupation.program_id)
        .join(
            TrainingProgramOccupation,
            TrainingProgramOccupation.occupation_code == Occupation.soc_code,
        )
        .where(
            in_tenant(TrainingProgramOccupation, principal),
            TrainingProgramOccupation.program_id.in_(_visible_ids(principal, program_ids)),
        )
        .order_by(TrainingProgramOccupation.program_id, Occupation.soc_code)
    )
    found: dict[uuid.UUID, list[OccupationRecord]] = {}
    for *occupation, program_id in rows:
        found.setdefault(program_id, []).append(record(occupation))
    return found


async def skills_by_program_ids(
    session: AsyncSession, principal: Principal, program_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[ProgramSkill]]:
    """Each visible program's skills with their levels, by skill ID, in one statement."""
    if not may_read_programs(principal) or not program_ids:
        return {}
    rows = await session.execute(
        select(TrainingProgramSkill.program_id, TrainingProgramSkill.level, Skill)
        .join(Skill, Skill.id == TrainingProgramSkill.skill_id)
        .where(
            in_tenant(TrainingProgramSkill, principal),
            TrainingProgramSkill.program_id.in_(_visible_ids(principal, program_ids)),
        )
        .order_by(TrainingProgramSkill.program_id, TrainingProgramSkill.skill_id)
    )
    found: dict[uuid.UUID, list[ProgramSkill]] = {}
    for program_id, level, skill in rows:
        found.setdefault(program_id, []).append(ProgramSkill(skill=skill, level=level))
    return found


async def providers_of_programs(
    session: AsyncSession, principal: Principal, program_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Organization]:
    """The provider behind each visible program: whoever may see a program may see who
    runs it (a ``programs:read`` app included, which tenancy's own lookup refuses)."""
    if not may_read_programs(principal) or not program_ids:
        return {}
    visible = visible_programs(principal).where(TrainingProgram.id.in_(program_ids)).subquery()
    rows = await session.execute(
        select(visible.c.id, Organization).join(
            Organization,
            in_tenant(Organization, principal) & (Organization.id == visible.c.organization_id),
        )
    )
    return {program_id: organization for program_id, organization in rows}


async def cohorts_of_programs(
    session: AsyncSession,
    principal: Principal,
    program_ids: Sequence[uuid.UUID],
    page: PageRequest,
) -> dict[uuid.UUID, Page[Cohort]]:
    """A page of each visible program's cohorts, earliest start first, in one statement
    (an empty page for a program the caller may not see)."""
    empty: Page[Cohort] = Page(items=[], cursors=[], has_next_page=False, total_count=0)
    if not may_read_programs(principal) or not program_ids:
        return dict.fromkeys(program_ids, empty)
    statement = select(Cohort).where(
        in_tenant(Cohort, principal), Cohort.program_id.in_(_visible_ids(principal, program_ids))
    )
    return await fetch_pages_by_parent(
        session, principal, statement, Cohort.program_id, program_ids, page, BY_START
    )


async def cohorts_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Cohort]:
    """The cohorts among ``ids`` whose program the caller may see."""
    if not may_read_programs(principal) or not ids:
        return {}
    visible = visible_programs(principal).with_only_columns(TrainingProgram.id)
    rows = await session.scalars(
        select(Cohort).where(
            in_tenant(Cohort, principal), Cohort.id.in_(ids), Cohort.program_id.in_(visible)
        )
    )
    return {row.id: row for row in rows}


async def programs_of_organizations(
    session: AsyncSession,
    principal: Principal,
    organization_ids: Sequence[uuid.UUID],
    page: PageRequest,
) -> dict[uuid.UUID, Page[TrainingProgram]]:
    """A page of each organization's programs the caller may see, newest first, in one
    statement (an empty page when there are none, or the caller may read none)."""
    empty: Page[TrainingProgram] = Page(items=[], cursors=[], has_next_page=False, total_count=0)
    if not may_read_programs(principal) or not organization_ids:
        return dict.fromkeys(organization_ids, empty)
    return await fetch_pages_by_parent(
        session,
        principal,
        visible_programs(principal),
        TrainingProgram.organization_id,
        organization_ids,
        page,
        NEWEST_FIRST,
    )


async def instructional_programs_by_codes(
    session: AsyncSession, principal: Principal, codes: Sequence[str]
) -> dict[str, InstructionalProgram]:
    """CIP 2020 programs by code (global reference data)."""
    if not codes:
        return {}
    rows = await session.scalars(
        select(InstructionalProgram).where(InstructionalProgram.cip_code.in_(list(codes)))
    )
    return {row.cip_code: row for row in rows}


async def suggested_occupations(session: AsyncSession, cip_code: str) -> list[OccupationRecord]:
    """The occupations the NCES CIP 2020 to SOC 2018 crosswalk pairs with ``cip_code``
    (experts' judgement of what the program prepares for), by SOC code; none for a
    code that is not in it. Global reference data: needs no principal."""
    rows = await session.execute(
        occupations_with_groups()
        .join(ProgramOccupation, ProgramOccupation.soc_code == Occupation.soc_code)
        .where(ProgramOccupation.cip_code == cip_code.strip())
        .order_by(Occupation.soc_code)
    )
    return [record(row) for row in rows]


async def vocabulary_for(
    session: AsyncSession,
    *,
    cip_codes: Iterable[str] = (),
    occupation_codes: Iterable[str] = (),
    skill_ids: Iterable[str] = (),
) -> Vocabulary:
    """The given CIP codes, SOC codes and skill IDs that exist (global reference data)."""

    def cleaned(values: Iterable[Any]) -> set[str]:
        return {str(value).strip() for value in values if value is not None}

    async def found(column: Any, wanted: set[str]) -> set[str]:
        if not wanted:
            return set()
        return set(await session.scalars(select(column).where(column.in_(wanted))))

    return Vocabulary(
        cip_codes=await found(InstructionalProgram.cip_code, cleaned(cip_codes)),
        occupation_codes=await found(Occupation.soc_code, cleaned(occupation_codes)),
        skill_ids=await found(Skill.id, cleaned(skill_ids)),
    )


__all__ = [
    "BY_START",
    "NEWEST_FIRST",
    "ProgramFilter",
    "ProgramSkill",
    "cohorts_by_ids",
    "cohorts_of_programs",
    "filtered_programs",
    "instructional_programs_by_codes",
    "list_training_programs",
    "occupations_by_program_ids",
    "programs_by_ids",
    "programs_of_organizations",
    "providers_of_programs",
    "skills_by_program_ids",
    "suggested_occupations",
    "vocabulary_for",
]
