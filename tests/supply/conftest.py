"""Fixtures of the supply tests: the starter vocabulary, a programs:read client,
programs and cohorts made through the services."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from starlette.applications import Starlette

from coalition.auth.scopes import PROGRAMS_READ
from coalition.auth.secrets import hash_client_secret
from coalition.auth.tokens import issue_access_token
from coalition.config import Settings
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.skills.starter import load_starter
from coalition.tenancy.models import ApiClient, format_client_id
from tests.supply.support import (
    SUPPLY_TABLES,
    AddCohort,
    AddProgram,
    SupplyRows,
    add_cohort,
    add_program,
)
from tests.support.snapshots import Rows, snapshot
from tests.support.world import CLIENT_SECRET, World

_starter_loaded: list[bool] = []


@pytest.fixture(scope="session", autouse=True)
async def starter_vocabulary(owner_sessions: SessionFactory) -> None:
    """The starter occupations, skills and CIP programs (with their crosswalk pairs),
    loaded once per run as the owner (loading them again only inserts what is missing)."""
    if not _starter_loaded:
        async with owner_sessions() as session, session.begin():
            await load_starter(session)
        _starter_loaded.append(True)


@pytest.fixture
def new_program(owner_sessions: SessionFactory) -> AddProgram:
    """``support.add_program`` bound to the owner's sessions."""

    async def create(world: World, **fields: Any) -> uuid.UUID:
        return await add_program(owner_sessions, world, **fields)

    return create


@pytest.fixture
def new_cohort(owner_sessions: SessionFactory) -> AddCohort:
    """``support.add_cohort`` bound to the owner's sessions."""

    async def create(world: World, program_id: uuid.UUID, **fields: Any) -> uuid.UUID:
        return await add_cohort(owner_sessions, world, program_id, **fields)

    return create


async def _client_token(
    app: Starlette,
    owner_sessions: SessionFactory,
    settings: Settings,
    world: World,
    scopes: list[str],
) -> str:
    client_id = uuid.uuid4()
    async with tenant_transaction(owner_sessions, world.id) as session:
        session.add(
            ApiClient(
                tenant_id=world.id,
                id=client_id,
                name=f"{world.slug} {' '.join(scopes)}",
                secret_hash=hash_client_secret(CLIENT_SECRET),
                scopes=scopes,
            )
        )
    oauth_client_id = format_client_id(world.id, client_id)
    return issue_access_token(
        await app.state.keys.signer(),
        settings,
        tenant_id=world.id,
        subject=oauth_client_id,
        client_id=oauth_client_id,
        scopes=set(scopes),
    )


@pytest.fixture
async def programs_reader(
    app: Starlette, owner_sessions: SessionFactory, settings: Settings, world: World
) -> str:
    """A token of a partner app of ``world`` whose only scope is programs:read."""
    return await _client_token(app, owner_sessions, settings, world, [PROGRAMS_READ])


@pytest.fixture
def supply_rows(owner_sessions: SessionFactory) -> SupplyRows:
    """Every row of a tenant's supply tables, read as the owner."""

    async def take(tenant_id: uuid.UUID) -> Rows:
        return await snapshot(owner_sessions, tenant_id, SUPPLY_TABLES)

    return take
