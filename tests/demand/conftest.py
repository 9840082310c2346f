"""Fixtures of the demand tests: the starter vocabulary, a demand:read client, signals."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from starlette.applications import Starlette

from coalition.auth.scopes import DEMAND_READ
from coalition.auth.secrets import hash_client_secret
from coalition.auth.tokens import issue_access_token
from coalition.config import Settings
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.demand import service
from coalition.skills.starter import load_starter
from coalition.tenancy.models import ApiClient, format_client_id
from tests.demand.support import (
    DEMAND_TABLES,
    DemandRows,
    PostSignal,
    principal_of,
    signal_fields,
)
from tests.support.snapshots import Rows, snapshot
from tests.support.world import CLIENT_SECRET, World

_starter_loaded: list[bool] = []


@pytest.fixture(scope="session", autouse=True)
async def starter_vocabulary(owner_sessions: SessionFactory) -> None:
    """The starter occupations and skills, loaded once per run as the owner (loading
    them again is harmless: it only inserts what is missing)."""
    if not _starter_loaded:
        async with owner_sessions() as session, session.begin():
            await load_starter(session)
        _starter_loaded.append(True)


@pytest.fixture
def post_signal(owner_sessions: SessionFactory) -> PostSignal:
    """Create a signal through the service as ``person`` (default: the employer's member)
    for ``organization`` (default: the employer); returns its ID."""

    async def post(
        world: World, *, person: str = "member", organization: str = "employer", **fields: Any
    ) -> uuid.UUID:
        async with tenant_transaction(owner_sessions, world.id) as session:
            signal = await service.create_demand_signal(
                session,
                principal_of(world, person),
                organization_id=world.organizations[organization],
                fields=signal_fields(**fields),
            )
        return signal.id

    return post


@pytest.fixture
async def demand_reader(
    app: Starlette, owner_sessions: SessionFactory, settings: Settings, world: World
) -> str:
    """A token of a partner app of ``world`` whose only scope is demand:read."""
    client_id = uuid.uuid4()
    async with tenant_transaction(owner_sessions, world.id) as session:
        session.add(
            ApiClient(
                tenant_id=world.id,
                id=client_id,
                name="alpha demand reader",
                secret_hash=hash_client_secret(CLIENT_SECRET),
                scopes=[DEMAND_READ],
            )
        )
    key = await app.state.keys.signer()
    oauth_client_id = format_client_id(world.id, client_id)
    return issue_access_token(
        key,
        settings,
        tenant_id=world.id,
        subject=oauth_client_id,
        client_id=oauth_client_id,
        scopes={DEMAND_READ},
    )


@pytest.fixture
def demand_rows(owner_sessions: SessionFactory) -> DemandRows:
    """Every row of a tenant's demand tables (signals, skills, versions), read as the
    owner (tests.support.snapshots)."""

    async def take(tenant_id: uuid.UUID) -> Rows:
        return await snapshot(owner_sessions, tenant_id, DEMAND_TABLES)

    return take
