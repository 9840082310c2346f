"""Writing and re-reading the skills of signals being changed (no visibility check: the
caller has already found, and locked, signals it may edit)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import Uuid, any_, insert, literal, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant
from coalition.demand.models import DemandSignalSkill

Skills = list[tuple[str, int]]


async def write_skills(
    session: AsyncSession, principal: Principal, rows: Sequence[tuple[uuid.UUID, Skills]]
) -> None:
    """Insert the skills of each ``(signal_id, skills)`` in one statement."""
    values = [
        {
            "tenant_id": principal.tenant_id,
            "id": uuid.uuid4(),
            "signal_id": signal_id,
            "skill_id": skill_id,
            "level": level,
        }
        for signal_id, skills in rows
        for skill_id, level in skills
    ]
    if values:
        await session.execute(insert(DemandSignalSkill), values)


async def skills_of_signals(
    session: AsyncSession, principal: Principal, signal_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Skills]:
    """Each signal's skills by skill ID (no check of who may see them: for writers)."""
    if not signal_ids:
        return {}
    rows = await session.execute(
        select(DemandSignalSkill.signal_id, DemandSignalSkill.skill_id, DemandSignalSkill.level)
        .where(
            in_tenant(DemandSignalSkill, principal),
            # One array parameter: an import may update up to 100,000 signals.
            DemandSignalSkill.signal_id == any_(literal(list(signal_ids), ARRAY(Uuid()))),
        )
        .order_by(DemandSignalSkill.signal_id, DemandSignalSkill.skill_id)
    )
    found: dict[uuid.UUID, Skills] = {signal_id: [] for signal_id in signal_ids}
    for signal_id, skill_id, level in rows:
        found[signal_id].append((skill_id, level))
    return found


__all__ = ["Skills", "skills_of_signals", "write_skills"]
