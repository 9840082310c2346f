"""The DataLoader toolkit every domain builds its per-request loaders with.

Three shapes cover every read of related rows:

- ``by_key``: one object per key (``organizations_by_ids``), or a default.
- ``lists_by_key``: a list per key (``tiers_by_pool_ids``), empty when absent.
- ``pages_by_parent``: a page of a nested connection per (parent, page asked
  for); parents asking for the same page share one statement.

Each batch runs in the request's session (``Context.session()``), so it sees
only the caller's tenant. A domain groups its loaders in a ``LoaderSet``
subclass; ``context.loaders.of(DemandLoaders)`` builds it on first use in a
request, so a request pays only for the loaders it touches.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from coalition.auth.principal import Principal

if TYPE_CHECKING:
    from coalition.api.context import Context

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
G = TypeVar("G", bound=Hashable)
S = TypeVar("S", bound="LoaderSet")

Fetch = Callable[[AsyncSession, Principal, Sequence[K]], Awaitable[dict[K, V]]]
FetchPages = Callable[
    [AsyncSession, Principal, Sequence[uuid.UUID], G], Awaitable[dict[uuid.UUID, V]]
]


class LoaderDeadlock(RuntimeError):
    """A resolver awaited a DataLoader while it held the request's session.

    The batch needs that same session, so it would wait forever; leave the
    ``async with context.session()`` block before awaiting the loader.
    """


class GuardedLoader(DataLoader[K, V]):
    """A DataLoader that refuses to be awaited from inside the request's session."""

    def __init__(self, context: Context, load_fn: Callable[[list[K]], Awaitable[list[V]]]) -> None:
        super().__init__(load_fn=load_fn)
        self._context = context

    def load(self, key: K) -> Awaitable[V]:
        transaction = self._context.transaction
        if transaction is not None and transaction.held_by_current_task():
            raise LoaderDeadlock(
                "a DataLoader was awaited inside context.session(); its batch needs the "
                "same session: load first, then open the session"
            )
        return super().load(key)


def by_key(
    context: Context,
    fetch: Fetch[K, V],
    default: Callable[[], V | None] = lambda: None,
) -> DataLoader[K, V | None]:
    """One object per key from ``fetch``; ``default()`` for keys it did not return."""

    async def load(keys: list[K]) -> list[V | None]:
        principal = context.require_principal()
        async with context.session() as session:
            found = await fetch(session, principal, keys)
        return [found[key] if key in found else default() for key in keys]

    return GuardedLoader(context, load)


def lists_by_key(context: Context, fetch: Fetch[K, list[V]]) -> DataLoader[K, list[V]]:
    """A list per key from ``fetch``; an empty list for keys it did not return."""

    async def load(keys: list[K]) -> list[list[V]]:
        principal = context.require_principal()
        async with context.session() as session:
            found = await fetch(session, principal, keys)
        return [found.get(key, []) for key in keys]

    return GuardedLoader(context, load)


def pages_by_parent(
    context: Context, fetch: FetchPages[G, V]
) -> DataLoader[tuple[uuid.UUID, G], V]:
    """Keys are (parent ID, page asked for): one ``fetch`` per distinct page asked for,
    covering every parent that asked for it. ``fetch`` returns a value (a ``Page``, or
    None for a parent the caller may not see) for each parent."""

    async def load(keys: list[tuple[uuid.UUID, G]]) -> list[V]:
        principal = context.require_principal()
        parents: dict[G, list[uuid.UUID]] = {}
        for parent_id, asked in keys:
            parents.setdefault(asked, []).append(parent_id)
        found: dict[tuple[uuid.UUID, G], V] = {}
        async with context.session() as session:
            for asked, parent_ids in parents.items():
                pages = await fetch(session, principal, parent_ids, asked)
                found.update({(parent_id, asked): pages[parent_id] for parent_id in parent_ids})
        return [found[key] for key in keys]

    return GuardedLoader(context, load)


class LoaderSet:
    """A domain's loaders for one request; subclasses set them up in ``__init__``."""

    def __init__(self, context: Context) -> None:
        self.context = context


class Loaders:
    """The request's loader sets, each built the first time a resolver asks for it."""

    def __init__(self, context: Context) -> None:
        self._context = context
        self._sets: dict[type[LoaderSet], LoaderSet] = {}

    def of(self, kind: type[S]) -> S:
        built = self._sets.get(kind)
        if built is None:
            built = self._sets[kind] = kind(self._context)
        return built  # type: ignore[return-value]


__all__ = [
    "GuardedLoader",
    "LoaderDeadlock",
    "LoaderSet",
    "Loaders",
    "by_key",
    "lists_by_key",
    "pages_by_parent",
]
