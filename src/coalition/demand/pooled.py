"""Pooled demand for other domains (the skills gap, next steps), whose core may import
demand's ``service`` (which re-exports these) but not its ``summary``: exactly what
``demandSummary`` shows the reader, so whatever they derive hides what it hides."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import Principal
from coalition.demand.permissions import may_read_demand
from coalition.demand.questions import DemandDimension, DemandFilter
from coalition.demand.summary import DemandSummary, summarize_demand


async def pooled_demand(
    session: AsyncSession,
    principal: Principal,
    *,
    group_by: list[DemandDimension],
    filter: DemandFilter | None = None,  # noqa: A002 (demand's own name)
    release_id: uuid.UUID | None = None,
) -> DemandSummary:
    """Pooled demand exactly as ``demandSummary`` answers this reader
    (``summary.summarize_demand``: the same release, the same disclosure decisions, the
    same refusals), for other domains, whose core may import demand's ``service`` but not
    its ``summary``. Whatever they derive from it must hide what it hides."""
    return await summarize_demand(
        session, principal, group_by=group_by, filter=filter, release_id=release_id
    )


async def pooled_median_wages(
    session: AsyncSession, principal: Principal
) -> dict[str, tuple[int, str]]:
    """Each occupation's median hourly wage (cents, currency) in the newest release of
    pooled demand, where ``summarize_demand`` shows it to this reader (the same
    disclosure rule, so a hidden wage stays hidden); empty for readers without demand
    access and before the first release."""
    if not may_read_demand(principal):
        return {}
    summary = await summarize_demand(session, principal, group_by=[DemandDimension.OCCUPATION])
    return {
        cell.key.occupation.code: (cell.median_wage_cents, cell.currency)
        for cell in summary.cells
        if cell.key.occupation is not None
        and not cell.suppressed
        and cell.median_wage_cents is not None
        and cell.currency is not None
    }


__all__ = ["pooled_demand", "pooled_median_wages"]
