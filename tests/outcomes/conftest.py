"""Fixtures of the outcomes tests: the starter vocabulary (SOC codes records name) and a
program of the world's college with a cohort, made through the supply services."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from starlette.applications import Starlette

from coalition.auth.scopes import OUTCOMES_READ
from coalition.config import Settings
from coalition.db.engine import SessionFactory
from tests.outcomes.support import CollegeProgram
from tests.supply.conftest import _client_token, starter_vocabulary
from tests.supply.support import add_cohort, add_program
from tests.support.world import World

__all__ = ["college_program", "outcomes_reader", "starter_vocabulary"]


@pytest.fixture
async def college_program(owner_sessions: SessionFactory, world: World) -> CollegeProgram:
    """An ACTIVE program of the world's college (program_id LCC-CNC-120) with one cohort
    starting 2026-01-12."""
    program_id = await add_program(
        owner_sessions,
        world,
        person="college_admin",
        name="CNC Operator",
        external_id="LCC-CNC-120",
    )
    cohort_id = await add_cohort(
        owner_sessions,
        world,
        program_id,
        starts_on=date(2026, 1, 12),
        ends_on=date(2026, 6, 12),
    )
    return CollegeProgram(program_id, cohort_id)


@pytest.fixture
def unused_id() -> uuid.UUID:
    return uuid.uuid4()


@pytest.fixture
async def outcomes_reader(
    app: Starlette, owner_sessions: SessionFactory, settings: Settings, world: World
) -> str:
    """A token of a partner app of ``world`` whose only scope is outcomes:read."""
    return await _client_token(app, owner_sessions, settings, world, [OUTCOMES_READ])
