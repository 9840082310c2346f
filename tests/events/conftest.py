"""Fixtures of the events tests: the starter vocabulary (occupations events target) and
a partner app that holds events:read."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from coalition.auth.scopes import EVENTS_READ
from coalition.config import Settings
from coalition.db.engine import SessionFactory
from tests.supply.conftest import _client_token, starter_vocabulary
from tests.support.world import World

__all__ = ["events_reader", "starter_vocabulary"]


@pytest.fixture
async def events_reader(
    app: Starlette, owner_sessions: SessionFactory, settings: Settings, world: World
) -> str:
    """A token of a partner app of ``world`` whose only scope is events:read."""
    return await _client_token(app, owner_sessions, settings, world, [EVENTS_READ])
