"""Per-request DataLoaders of the demand domain: one statement per batch, whatever its size.

Attach one ``DemandLoaders`` per request context (``context.loaders.demand``).
Each batch runs through the demand read functions, so it sees only what the
caller may see.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from coalition.auth.principal import Principal
from coalition.demand import reads
from coalition.demand.history import versions_of_signals
from coalition.demand.models import DemandSignal, DemandSignalVersion
from coalition.pagination import Page, PageRequest
from coalition.tenancy.models import Organization

if TYPE_CHECKING:
    from coalition.api.context import Context

V = TypeVar("V")

HistoryKey = tuple[uuid.UUID, PageRequest]


def _by_signal(
    context: Context,
    fetch: Callable[[AsyncSession, Principal, Sequence[uuid.UUID]], Awaitable[dict[uuid.UUID, V]]],
    default: Callable[[], V | None] = lambda: None,
) -> DataLoader[uuid.UUID, V | None]:
    async def load(keys: list[uuid.UUID]) -> list[V | None]:
        principal = context.require_principal()
        async with context.session() as session:
            found = await fetch(session, principal, keys)
        return [found[key] if key in found else default() for key in keys]

    return DataLoader(load_fn=load)


class DemandLoaders:
    def __init__(self, context: Context) -> None:
        self.signal: DataLoader[uuid.UUID, DemandSignal | None] = _by_signal(
            context, reads.demand_signals_by_ids
        )
        self.skills: DataLoader[uuid.UUID, list[reads.SignalSkill] | None] = _by_signal(
            context, reads.signal_skills_by_signal_ids, list
        )
        self.employer: DataLoader[uuid.UUID, Organization | None] = _by_signal(
            context, reads.employers_of_signals
        )

        async def history(keys: list[HistoryKey]) -> list[Page[DemandSignalVersion] | None]:
            principal = context.require_principal()
            by_page: dict[PageRequest, list[uuid.UUID]] = {}
            for signal_id, page in keys:
                by_page.setdefault(page, []).append(signal_id)
            found: dict[HistoryKey, Page[DemandSignalVersion] | None] = {}
            async with context.session() as session:
                for page, signal_ids in by_page.items():
                    pages = await versions_of_signals(session, principal, signal_ids, page=page)
                    found.update({(signal_id, page): pages[signal_id] for signal_id in signal_ids})
            return [found[key] for key in keys]

        self.history: DataLoader[HistoryKey, Page[DemandSignalVersion] | None] = DataLoader(
            load_fn=history
        )


__all__ = ["DemandLoaders"]
