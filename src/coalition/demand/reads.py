"""Reading demand signals: every query starts from ``permissions.visible_signals``.

Each function filters by the caller's tenant (through ``visible_signals``)
and returns only what the caller may see; what it may not see is absent, as if
the ID did not exist. The batched readers serve the per-request DataLoaders:
one statement per batch, whatever its size.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant, scoped
from coalition.demand.history import versions_of_signals
from coalition.demand.models import (
    DemandSignal,
    DemandSignalSkill,
    DemandSignalVersion,
    DemandStatus,
    NoiseSecret,
    SharingLevel,
)
from coalition.demand.permissions import may_read_demand, require_demand_read, visible_signals
from coalition.demand.quarters import today_in
from coalition.demand.validation import Vocabulary
from coalition.pagination import (
    Page,
    PageRequest,
    SortKey,
    fetch_page,
)
from coalition.skills.models import Occupation, Skill
from coalition.tenancy.models import Organization, Tenant


@dataclass(frozen=True)
class SignalSkill:
    """A skill a signal requires, and at which level (1 to 4)."""

    skill: Skill
    level: int


async def list_demand_signals(
    session: AsyncSession,
    principal: Principal,
    *,
    page: PageRequest,
    organization_id: uuid.UUID | None = None,
    occupation_codes: Sequence[str] = (),
    statuses: Sequence[DemandStatus] = (),
    sharing_levels: Sequence[SharingLevel] = (),
) -> Page[DemandSignal]:
    """The signals the caller may see, newest first. Partner apps need ``demand:read``."""
    require_demand_read(principal)
    statement = visible_signals(principal)
    if organization_id is not None:
        statement = statement.where(DemandSignal.organization_id == organization_id)
    if occupation_codes:
        statement = statement.where(DemandSignal.occupation_code.in_(list(occupation_codes)))
    if statuses:
        statement = statement.where(DemandSignal.status.in_(list(statuses)))
    if sharing_levels:
        statement = statement.where(DemandSignal.sharing_level.in_(list(sharing_levels)))
    key = SortKey(
        [DemandSignal.created_at, DemandSignal.id],
        [datetime.fromisoformat, uuid.UUID],
        descending=True,
    )
    return await fetch_page(session, statement, page, key)


async def demand_signals_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, DemandSignal]:
    """The signals among ``ids`` the caller may see; the others are simply absent."""
    if not may_read_demand(principal) or not ids:
        return {}
    rows = await session.scalars(visible_signals(principal).where(DemandSignal.id.in_(ids)))
    return {row.id: row for row in rows}


async def signal_skills_by_signal_ids(
    session: AsyncSession, principal: Principal, signal_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[SignalSkill]]:
    """Each visible signal's skills, by skill ID, in one statement."""
    if not may_read_demand(principal) or not signal_ids:
        return {}
    visible = visible_signals(principal).where(DemandSignal.id.in_(signal_ids))
    rows = await session.execute(
        select(DemandSignalSkill.signal_id, DemandSignalSkill.level, Skill)
        .join(Skill, Skill.id == DemandSignalSkill.skill_id)
        .where(
            in_tenant(DemandSignalSkill, principal),
            DemandSignalSkill.signal_id.in_(visible.with_only_columns(DemandSignal.id)),
        )
        .order_by(DemandSignalSkill.signal_id, DemandSignalSkill.skill_id)
    )
    found: dict[uuid.UUID, list[SignalSkill]] = {}
    for signal_id, level, skill in rows:
        found.setdefault(signal_id, []).append(SignalSkill(skill=skill, level=level))
    return found


async def employers_of_signals(
    session: AsyncSession, principal: Principal, signal_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Organization]:
    """The employer behind each visible signal. Whoever may see a signal may see who
    posted it (PRIVATE and DRAFT: its own people; POOLED: and partnership admins; NAMED:
    everyone), so the visibility rule alone decides."""
    if not may_read_demand(principal) or not signal_ids:
        return {}
    visible = visible_signals(principal).where(DemandSignal.id.in_(signal_ids)).subquery()
    rows = await session.execute(
        select(visible.c.id, Organization).join(
            Organization,
            in_tenant(Organization, principal) & (Organization.id == visible.c.organization_id),
        )
    )
    return {signal_id: organization for signal_id, organization in rows}


async def versions_of_signal(
    session: AsyncSession, principal: Principal, *, signal_id: uuid.UUID, page: PageRequest
) -> Page[DemandSignalVersion] | None:
    """One signal's history, newest first; None when the caller may not read it."""
    if not may_read_demand(principal):
        return None
    pages = await versions_of_signals(session, principal, [signal_id], page=page)
    return pages[signal_id]


async def vocabulary_for(
    session: AsyncSession, occupation_codes: Iterable[str], skill_ids: Iterable[str]
) -> Vocabulary:
    """The given occupation codes and skill IDs that exist (global reference data)."""
    codes = {str(code).strip() for code in occupation_codes if code is not None}
    skills = {str(skill).strip() for skill in skill_ids if skill is not None}
    found_codes = (
        set(
            await session.scalars(select(Occupation.soc_code).where(Occupation.soc_code.in_(codes)))
        )
        if codes
        else set()
    )
    found_skills = (
        set(await session.scalars(select(Skill.id).where(Skill.id.in_(skills))))
        if skills
        else set()
    )
    return Vocabulary(occupation_codes=found_codes, skill_ids=found_skills)


async def partnership_settings(session: AsyncSession, principal: Principal) -> dict[str, Any]:
    """The caller's partnership's settings (its time zone, its disclosure rule)."""
    settings = await session.scalar(select(Tenant.settings).where(Tenant.id == principal.tenant_id))
    return dict(settings or {})


async def fixed_noise(session: AsyncSession, principal: Principal) -> tuple[int, int] | None:
    """The noise bounds fixed by the partnership's first release (min and max percent), or
    None before it: from then on they never change."""
    row = (
        await session.execute(
            scoped(NoiseSecret, principal).with_only_columns(
                NoiseSecret.noise_min_percent, NoiseSecret.noise_max_percent
            )
        )
    ).first()
    return None if row is None else (row[0], row[1])


def partnership_today(settings: dict[str, Any]) -> date:
    """Today in the partnership's time zone (UTC if it has none)."""
    return today_in(str(settings.get("time_zone") or "") or None)


__all__ = [
    "SignalSkill",
    "demand_signals_by_ids",
    "employers_of_signals",
    "fixed_noise",
    "list_demand_signals",
    "partnership_settings",
    "partnership_today",
    "signal_skills_by_signal_ids",
    "versions_of_signal",
    "vocabulary_for",
]
