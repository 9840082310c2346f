"""A provider's view of the gap: its ACTIVE programs against the shortages, and the
demanded skills nobody in the partnership teaches.

A program *meets a shortage* when it targets an occupation, or teaches a skill at or
above its demanded level, whose gap is shown and positive (hidden rows never count:
their gap is not shown). A skill *nobody teaches* is one whose demand is shown and
positive and that no ACTIVE program of the partnership teaches at or above its
demanded level.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant, scoped
from coalition.errors import Forbidden, InvalidInput, UserError
from coalition.supply.gap.access import require_gap_read
from coalition.supply.gap.answer import GapRow, SkillsGap, skills_gap
from coalition.supply.gap.question import GapGroup
from coalition.supply.models import (
    PROVIDER_KINDS,
    ProgramStatus,
    TrainingProgram,
    TrainingProgramOccupation,
    TrainingProgramSkill,
)
from coalition.tenancy.models import Organization


@dataclass(frozen=True)
class ProgramAgainstGap:
    program_id: uuid.UUID
    name: str
    occupations: list[GapRow]  # the occupations it targets, as rows of the gap
    skills: list[GapRow]  # the skills it teaches at or above their demanded level
    meets_shortage: bool


@dataclass(frozen=True)
class ProviderGap:
    organization: Organization
    occupations: SkillsGap
    skills: SkillsGap
    programs: list[ProgramAgainstGap]
    untaught_skills: list[GapRow]


async def _organization(
    session: AsyncSession, principal: Principal, organization_id: uuid.UUID | None
) -> Organization:
    if not principal.is_user and not principal.is_system:
        raise Forbidden("The provider's view is for people of the partnership.")
    if organization_id is None:
        providers = await session.scalars(
            scoped(Organization, principal).where(
                Organization.id.in_(sorted(principal.organization_ids)),
                Organization.kind.in_(PROVIDER_KINDS),
            )
        )
        found = list(providers)
        if len(found) != 1:
            raise InvalidInput(
                [
                    UserError(
                        ("organizationId",),
                        "Name the provider: you belong to no provider organization, or to several.",
                        "REQUIRED",
                    )
                ]
            )
        return found[0]
    if not principal.is_partnership_admin and organization_id not in principal.organization_ids:
        raise Forbidden(
            "Only the convener may see another organization's programs against the gap."
        )
    organization = await session.scalar(
        scoped(Organization, principal).where(Organization.id == organization_id)
    )
    if organization is None:
        raise InvalidInput(
            [UserError(("organizationId",), "No organization with this ID.", "NOT_FOUND")]
        )
    return organization


async def provider_gap(
    session: AsyncSession,
    principal: Principal,
    *,
    start: str,
    end: str,
    organization_id: uuid.UUID | None = None,
    release_id: uuid.UUID | None = None,
) -> ProviderGap:
    """The viewer's provider organization (or, for partnership admins, ``organization_id``)
    against the gap over quarters ``start`` to ``end``."""
    require_gap_read(principal)
    organization = await _organization(session, principal, organization_id)
    by_occupation = await skills_gap(
        session,
        principal,
        start=start,
        end=end,
        group_by=GapGroup.OCCUPATION,
        release_id=release_id,
    )
    by_skill = await skills_gap(
        session, principal, start=start, end=end, group_by=GapGroup.SKILL, release_id=release_id
    )
    program = TrainingProgram
    active = scoped(program, principal).where(program.status == ProgramStatus.ACTIVE)
    own = list(
        await session.scalars(
            active.where(program.organization_id == organization.id).order_by(
                program.name, program.id
            )
        )
    )
    own_ids = [p.id for p in own]
    targets: dict[uuid.UUID, list[str]] = {}
    for program_id, code in await session.execute(
        select(TrainingProgramOccupation.program_id, TrainingProgramOccupation.occupation_code)
        .where(
            in_tenant(TrainingProgramOccupation, principal),
            TrainingProgramOccupation.program_id.in_(own_ids),
        )
        .order_by(TrainingProgramOccupation.occupation_code)
    ):
        targets.setdefault(program_id, []).append(code)
    taught: dict[uuid.UUID, dict[str, int]] = {}
    for program_id, skill_id, level in await session.execute(
        select(
            TrainingProgramSkill.program_id,
            TrainingProgramSkill.skill_id,
            TrainingProgramSkill.level,
        )
        .where(
            in_tenant(TrainingProgramSkill, principal),
            TrainingProgramSkill.program_id.in_(own_ids),
        )
        .order_by(TrainingProgramSkill.skill_id)
    ):
        taught.setdefault(program_id, {})[skill_id] = level
    # The best level each skill is taught to by any ACTIVE program of the partnership.
    best: dict[str, int] = {
        skill_id: level
        for skill_id, level in (
            await session.execute(
                select(TrainingProgramSkill.skill_id, func.max(TrainingProgramSkill.level))
                .join(
                    program,
                    and_(
                        in_tenant(program, principal), program.id == TrainingProgramSkill.program_id
                    ),
                )
                .where(
                    in_tenant(TrainingProgramSkill, principal),
                    program.status == ProgramStatus.ACTIVE,
                )
                .group_by(TrainingProgramSkill.skill_id)
            )
        )
    }
    occupation_rows = {row.code: row for row in by_occupation.rows}
    skill_rows = {row.code: row for row in by_skill.rows}
    programs = []
    for item in own:
        occupations = [occupation_rows[c] for c in targets.get(item.id, []) if c in occupation_rows]
        skills = [
            skill_rows[s]
            for s, level in taught.get(item.id, {}).items()
            if s in skill_rows and level >= (skill_rows[s].demanded_level or 1)
        ]
        meets = any(_short(row) for row in (*occupations, *skills))
        programs.append(ProgramAgainstGap(item.id, item.name, occupations, skills, meets))
    untaught = [
        row
        for row in by_skill.rows
        if not row.hidden
        and (row.demand or 0) > 0
        and best.get(row.code, 0) < (row.demanded_level or 1)
    ]
    return ProviderGap(organization, by_occupation, by_skill, programs, untaught)


def _short(row: GapRow) -> bool:
    return not row.hidden and row.gap is not None and row.gap > Decimal(0)


__all__ = ["ProgramAgainstGap", "ProviderGap", "provider_gap"]
