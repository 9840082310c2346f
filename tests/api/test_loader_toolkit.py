"""The DataLoader toolkit: batches of each shape, built once per request, and a clear
error instead of a deadlock when a loader is awaited inside the request's session."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.api.context import Context
from coalition.api.loaders import (
    LoaderDeadlock,
    LoaderSet,
    by_key,
    lists_by_key,
    pages_by_parent,
)
from coalition.auth.principal import Principal, system_principal
from coalition.config import Settings
from coalition.db.engine import SessionFactory
from coalition.db.session import RequestTransaction
from coalition.pagination import Page, PageRequest
from tests.support.world import World

Batches = list[tuple[str, list[object]]]


def _context(settings: Settings, sessions: SessionFactory, world: World) -> Context:
    return Context(
        settings=settings,
        request_id="test",
        principal=system_principal(world.id, "test"),
        transaction=RequestTransaction(sessions, world.id),
    )


class Recorded(LoaderSet):
    """Loaders over fake reads that record each batch they are asked for."""

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.batches: Batches = []

        async def squares(
            session: AsyncSession, principal: Principal, keys: Sequence[int]
        ) -> dict[int, int]:
            self.batches.append(("squares", list(keys)))
            return {key: key * key for key in keys if key != 3}

        async def divisors(
            session: AsyncSession, principal: Principal, keys: Sequence[int]
        ) -> dict[int, list[int]]:
            self.batches.append(("divisors", list(keys)))
            return {key: [d for d in range(1, key + 1) if key % d == 0] for key in keys if key > 1}

        async def pages(
            session: AsyncSession,
            principal: Principal,
            parent_ids: Sequence[uuid.UUID],
            page: PageRequest,
        ) -> dict[uuid.UUID, Page[str]]:
            self.batches.append(("pages", [page.first, *parent_ids]))
            return {
                parent_id: Page(
                    items=[str(parent_id)] * page.first,
                    cursors=["c"] * page.first,
                    has_next_page=False,
                    total_count=page.first,
                )
                for parent_id in parent_ids
            }

        self.square = by_key(context, squares, default=lambda: -1)
        self.divisors = lists_by_key(context, divisors)
        self.pages = pages_by_parent(context, pages)


async def test_each_shape_batches_its_keys(
    settings: Settings, owner_sessions: SessionFactory, world: World
) -> None:
    context = _context(settings, owner_sessions, world)
    loaders = context.loaders.of(Recorded)
    first, second = uuid.uuid4(), uuid.uuid4()
    try:
        squares, divisors, pages = await asyncio.gather(
            asyncio.gather(*(loaders.square.load(key) for key in (2, 3, 4))),
            asyncio.gather(*(loaders.divisors.load(key) for key in (1, 6))),
            asyncio.gather(
                loaders.pages.load((first, PageRequest(first=2))),
                loaders.pages.load((second, PageRequest(first=2))),
                loaders.pages.load((first, PageRequest(first=1))),
            ),
        )
    finally:
        assert context.transaction is not None
        await context.transaction.finish(commit=False)

    assert squares == [4, -1, 16]
    assert divisors == [[], [1, 2, 3, 6]]
    assert [page.items for page in pages] == [[str(first)] * 2, [str(second)] * 2, [str(first)]]
    assert sorted(loaders.batches, key=str) == sorted(
        [
            ("squares", [2, 3, 4]),
            ("divisors", [1, 6]),
            ("pages", [2, first, second]),
            ("pages", [1, first]),
        ],
        key=str,
    )


async def test_a_loader_set_is_built_once_per_request(
    settings: Settings, owner_sessions: SessionFactory, world: World
) -> None:
    context = _context(settings, owner_sessions, world)
    other = _context(settings, owner_sessions, world)

    assert context.loaders.of(Recorded) is context.loaders.of(Recorded)
    assert context.loaders.of(Recorded) is not other.loaders.of(Recorded)


async def test_awaiting_a_loader_inside_the_session_is_refused_not_a_deadlock(
    settings: Settings, owner_sessions: SessionFactory, world: World
) -> None:
    context = _context(settings, owner_sessions, world)
    loaders = context.loaders.of(Recorded)
    try:
        async with context.session():
            with pytest.raises(LoaderDeadlock, match=r"inside context\.session"):
                await asyncio.wait_for(loaders.square.load(2), timeout=5)
        # Outside the session the same loader works.
        assert await asyncio.wait_for(loaders.square.load(2), timeout=5) == 4
    finally:
        assert context.transaction is not None
        await context.transaction.finish(commit=False)
