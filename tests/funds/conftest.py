"""Fixtures of the funds tests: the partnership of ``support.world`` in each tenant, and
its funds objects for the isolation tests (``support.isolation``)."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from coalition.config import Settings
from coalition.db.engine import SessionFactory
from tests.funds.support.isolation import Objects, make_objects
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


@pytest.fixture
async def own(funds: FundsWorld, owner_sessions: SessionFactory) -> Objects:
    return await make_objects(funds, owner_sessions)


@pytest.fixture
async def foreign(other_funds: FundsWorld, owner_sessions: SessionFactory) -> Objects:
    return await make_objects(other_funds, owner_sessions)
