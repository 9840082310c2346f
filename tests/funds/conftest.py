"""Fixtures of the funds tests: the partnership of ``support.world`` in each tenant."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from coalition.config import Settings
from coalition.db.engine import SessionFactory
from tests.funds.support.world import FundsWorld, create_funds_world
from tests.support.world import World


@pytest.fixture
async def funds(
    world: World, owner_sessions: SessionFactory, app: Starlette, settings: Settings
) -> FundsWorld:
    return await create_funds_world(owner_sessions, app, settings, world)


@pytest.fixture
async def other_funds(
    other_world: World, owner_sessions: SessionFactory, app: Starlette, settings: Settings
) -> FundsWorld:
    return await create_funds_world(owner_sessions, app, settings, other_world)
