"""Per-request DataLoaders of the demand domain: one statement per batch, whatever its size.

Resolvers reach them as ``info.context.loaders.of(DemandLoaders)``.
Each batch runs through the demand read functions, so it sees only what the
caller may see.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from coalition.api.loaders import LoaderSet, by_key, pages_by_parent
from coalition.auth.principal import Principal
from coalition.demand import reads
from coalition.demand.history import versions_of_signals
from coalition.demand.models import DemandSignal, DemandSignalVersion
from coalition.pagination import Page, PageRequest
from coalition.tenancy.models import Organization

if TYPE_CHECKING:
    from coalition.api.context import Context

HistoryKey = tuple[uuid.UUID, PageRequest]


async def _history(
    session: AsyncSession,
    principal: Principal,
    signal_ids: Sequence[uuid.UUID],
    page: PageRequest,
) -> dict[uuid.UUID, Page[DemandSignalVersion] | None]:
    return await versions_of_signals(session, principal, signal_ids, page=page)


class DemandLoaders(LoaderSet):
    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.signal: DataLoader[uuid.UUID, DemandSignal | None] = by_key(
            context, reads.demand_signals_by_ids
        )
        self.skills: DataLoader[uuid.UUID, list[reads.SignalSkill] | None] = by_key(
            context, reads.signal_skills_by_signal_ids, list
        )
        self.employer: DataLoader[uuid.UUID, Organization | None] = by_key(
            context, reads.employers_of_signals
        )

        self.history: DataLoader[HistoryKey, Page[DemandSignalVersion] | None] = pages_by_parent(
            context, _history
        )


__all__ = ["DemandLoaders"]
