"""Reading career pathways: every query starts from ``permissions.visible_pathways``.

Each function filters by the caller's tenant and returns only what the caller may
see; what it may not see is absent, as if the ID did not exist. The batched readers
serve the per-request DataLoaders: one statement per batch, whatever its size.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant, scoped
from coalition.pagination import Page, PageRequest, SortKey, fetch_page
from coalition.pathways.models import (
    CareerPathway,
    CareerPathwayStep,
    CareerPathwayStepEmployer,
    CareerPathwayStepProgram,
)
from coalition.pathways.permissions import (
    may_read_pathways,
    require_pathways_read,
    visible_pathways,
)
from coalition.supply.models import ProgramStatus, TrainingProgram, TrainingProgramSkill
from coalition.supply.permissions import program_visibility
from coalition.tenancy.models import Organization


@dataclass(frozen=True)
class ProgramRef:
    """A training program as pathways show it: its ID, name, provider and status."""

    id: uuid.UUID
    name: str
    provider_name: str
    status: ProgramStatus


@dataclass(frozen=True)
class TaughtSkill:
    """An ACTIVE program that teaches a skill, to a level from 1 to 4."""

    program: ProgramRef
    skill_id: str
    level: int


async def list_pathways(
    session: AsyncSession, principal: Principal, *, page: PageRequest
) -> Page[CareerPathway]:
    """The partnership's pathways, oldest first."""
    require_pathways_read(principal)
    key = SortKey([CareerPathway.created_at, CareerPathway.id], [datetime.fromisoformat, uuid.UUID])
    return await fetch_page(session, visible_pathways(principal), page, key)


async def pathways_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, CareerPathway]:
    """The pathways among ``ids`` the caller may see; the others are simply absent."""
    if not may_read_pathways(principal) or not ids:
        return {}
    rows = await session.scalars(visible_pathways(principal).where(CareerPathway.id.in_(ids)))
    return {row.id: row for row in rows}


async def steps_by_pathway_ids(
    session: AsyncSession, principal: Principal, pathway_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[CareerPathwayStep]]:
    """Each visible pathway's steps (retired ones too), in order."""
    if not may_read_pathways(principal) or not pathway_ids:
        return {}
    rows = await session.scalars(
        scoped(CareerPathwayStep, principal)
        .where(CareerPathwayStep.pathway_id.in_(pathway_ids))
        .order_by(CareerPathwayStep.pathway_id, CareerPathwayStep.position)
    )
    found: dict[uuid.UUID, list[CareerPathwayStep]] = {}
    for row in rows:
        found.setdefault(row.pathway_id, []).append(row)
    return found


async def employers_by_step_ids(
    session: AsyncSession, principal: Principal, step_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Organization]]:
    """Each step's typical employers, in the order given."""
    if not may_read_pathways(principal) or not step_ids:
        return {}
    rows = await session.execute(
        select(CareerPathwayStepEmployer.step_id, Organization)
        .join(
            Organization,
            in_tenant(Organization, principal)
            & (Organization.id == CareerPathwayStepEmployer.organization_id),
        )
        .where(
            in_tenant(CareerPathwayStepEmployer, principal),
            CareerPathwayStepEmployer.step_id.in_(step_ids),
        )
        .order_by(CareerPathwayStepEmployer.step_id, CareerPathwayStepEmployer.position)
    )
    found: dict[uuid.UUID, list[Organization]] = {}
    for step_id, organization in rows:
        found.setdefault(step_id, []).append(organization)
    return found


def _program_ref(program_id: uuid.UUID, name: str, provider: str, status: str) -> ProgramRef:
    return ProgramRef(program_id, name, provider, ProgramStatus(status))


async def programs_by_step_ids(
    session: AsyncSession, principal: Principal, step_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[ProgramRef]]:
    """Each step's bridging programs the caller may see, in the order given: ACTIVE and
    DISCONTINUED ones, and DRAFT ones only for the provider's people and the partnership
    admins (supply's rule: a pathway naming a draft must not show it to the others)."""
    if not may_read_pathways(principal) or not step_ids:
        return {}
    rows = await session.execute(
        select(
            CareerPathwayStepProgram.step_id,
            TrainingProgram.id,
            TrainingProgram.name,
            Organization.name,
            TrainingProgram.status,
        )
        .join(
            TrainingProgram,
            in_tenant(TrainingProgram, principal)
            & (TrainingProgram.id == CareerPathwayStepProgram.program_id),
        )
        .join(
            Organization,
            in_tenant(Organization, principal)
            & (Organization.id == TrainingProgram.organization_id),
        )
        .where(
            in_tenant(CareerPathwayStepProgram, principal),
            CareerPathwayStepProgram.step_id.in_(step_ids),
            program_visibility(principal),
        )
        .order_by(CareerPathwayStepProgram.step_id, CareerPathwayStepProgram.position)
    )
    found: dict[uuid.UUID, list[ProgramRef]] = {}
    for step_id, program_id, name, provider, status in rows:
        found.setdefault(step_id, []).append(_program_ref(program_id, name, provider, status))
    return found


async def active_programs_teaching(
    session: AsyncSession, principal: Principal, skill_ids: Iterable[str]
) -> list[TaughtSkill]:
    """The partnership's ACTIVE programs teaching any of ``skill_ids``, with the level
    of each (one statement), by program name."""
    wanted = sorted(set(skill_ids))
    if not may_read_pathways(principal) or not wanted:
        return []
    rows = await session.execute(
        select(
            TrainingProgram.id,
            TrainingProgram.name,
            Organization.name,
            TrainingProgram.status,
            TrainingProgramSkill.skill_id,
            TrainingProgramSkill.level,
        )
        .join(
            TrainingProgram,
            in_tenant(TrainingProgram, principal)
            & (TrainingProgram.id == TrainingProgramSkill.program_id),
        )
        .join(
            Organization,
            in_tenant(Organization, principal)
            & (Organization.id == TrainingProgram.organization_id),
        )
        .where(
            in_tenant(TrainingProgramSkill, principal),
            TrainingProgramSkill.skill_id.in_(wanted),
            TrainingProgram.status == ProgramStatus.ACTIVE,
        )
        .order_by(TrainingProgram.name, TrainingProgram.id, TrainingProgramSkill.skill_id)
    )
    return [
        TaughtSkill(_program_ref(pid, name, provider, status), skill_id, level)
        for pid, name, provider, status, skill_id, level in rows
    ]


__all__ = [
    "ProgramRef",
    "TaughtSkill",
    "active_programs_teaching",
    "employers_by_step_ids",
    "list_pathways",
    "pathways_by_ids",
    "programs_by_step_ids",
    "steps_by_pathway_ids",
]
