"""Computed outcome figures, remembered per partnership data version.

Every change of a participant record or an aggregate count bumps the partnership's
``outcome_data_versions`` row (a trigger, migration 0014), so figures computed at one
version are the figures of any later request that reads the same version, for the same
question, the same reader's own organizations and the same threshold. The version is
read *before* the rows: figures remembered under a version are never older than it (at
worst a change committed in between is already in them, and the next request, reading
the new version, computes again). Each server process keeps its own few hundred
answers; processes agree through the version in the database.

Costs per outcome are never remembered: they read the funds ledger, which the version
does not follow.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Hashable
from threading import Lock
from typing import Any, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant
from coalition.outcomes.figures import MetricFigures
from coalition.outcomes.models import OutcomeDataVersion
from coalition.telemetry import activity

CAPACITY = 256


async def data_version(session: AsyncSession, principal: Principal) -> int:
    """The partnership's outcome data version (0 before its first record or count)."""
    found = await session.scalar(
        select(OutcomeDataVersion.version).where(in_tenant(OutcomeDataVersion, principal))
    )
    return int(found or 0)


T = TypeVar("T")


class FigureCache(Generic[T]):
    """A bounded map from (partnership, version, question) to figures, least recently
    used first out."""

    def __init__(self, capacity: int = CAPACITY, *, name: str = "figures") -> None:
        self.capacity = capacity
        self.name = name  # the ``cache`` label of coalition_figure_cache_lookups
        self._items: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> T | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                self.misses += 1
                activity.cache_looked_up(self.name, hit=False)
                return None
            self._items.move_to_end(key)
            self.hits += 1
            activity.cache_looked_up(self.name, hit=True)
            return found

    def put(self, key: Hashable, figures: T) -> None:
        with self._lock:
            self._items[key] = figures
            self._items.move_to_end(key)
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


FIGURES: FigureCache[MetricFigures] = FigureCache()
# An outcome report's totals and breakdown rows (``report``), per question.
REPORTS: FigureCache[Any] = FigureCache(capacity=32, name="reports")


def cache_key(
    tenant_id: uuid.UUID,
    version: int,
    question: Hashable,
    own: frozenset[uuid.UUID],
    exact: bool,
    min_people: int,
) -> Hashable:
    return (tenant_id, version, question, own, exact, min_people)


__all__ = ["CAPACITY", "FIGURES", "REPORTS", "FigureCache", "cache_key", "data_version"]
