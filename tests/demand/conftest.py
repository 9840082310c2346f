"""Fixtures of the demand tests: the starter vocabulary, a demand:read client, signals."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import select
from starlette.applications import Starlette

from coalition.auth.principal import Grant, Principal, PrincipalKind
from coalition.auth.scopes import DEMAND_READ
from coalition.auth.secrets import hash_client_secret
from coalition.auth.tokens import issue_access_token
from coalition.config import Settings
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.demand import service
from coalition.demand.models import (
    DemandSignal,
    DemandSignalSkill,
    DemandSignalVersion,
    OpeningsKind,
)
from coalition.skills.starter import load_starter
from coalition.tenancy.models import ApiClient, format_client_id
from tests.support.world import CLIENT_SECRET, PEOPLE, World

_starter_loaded: list[bool] = []

DEMAND_MODELS = (DemandSignal, DemandSignalSkill, DemandSignalVersion)
Rows = dict[str, list[dict[str, Any]]]


@pytest.fixture(scope="session", autouse=True)
async def starter_vocabulary(owner_sessions: SessionFactory) -> None:
    """The starter occupations and skills, loaded once per run as the owner (loading
    them again is harmless: it only inserts what is missing)."""
    if not _starter_loaded:
        async with owner_sessions() as session, session.begin():
            await load_starter(session)
        _starter_loaded.append(True)


def principal_of(world: World, person: str) -> Principal:
    """The principal the API builds for ``person`` of ``world`` (see tests.support.PEOPLE)."""
    organization, role = PEOPLE[person]
    return Principal(
        kind=PrincipalKind.USER,
        id=world.users[person],
        tenant_id=world.id,
        label=f"{person}@{world.slug}.example",
        scopes=frozenset({"read", "write"}),
        grants=(Grant(world.memberships[person], world.organizations[organization], role),),
    )


def signal_fields(**overrides: Any) -> dict[str, Any]:
    """A valid signal's service fields; ``overrides`` replace some."""
    fields: dict[str, Any] = {
        "occupation_code": "51-4041",
        "openings": 4,
        "start_quarter": "2027Q1",
        "end_quarter": "2027Q4",
        "openings_kind": OpeningsKind.GROWTH,
        "skills": [("2.B.3.h", 3), ("ES.teamwork", 2)],
    }
    return fields | overrides


PostSignal = Callable[..., Awaitable[uuid.UUID]]


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


DemandRows = Callable[[uuid.UUID], Awaitable[Rows]]


@pytest.fixture
def demand_rows(owner_sessions: SessionFactory) -> DemandRows:
    """Every demand row of a tenant (signals, skills, versions), read as the owner. The
    WHERE is needed: a superuser owner bypasses row-level security."""

    async def take(tenant_id: uuid.UUID) -> Rows:
        rows: Rows = {}
        async with tenant_transaction(owner_sessions, tenant_id) as session:
            for model in DEMAND_MODELS:
                table = model.__table__
                result = await session.execute(
                    select(table).where(table.c.tenant_id == tenant_id).order_by(table.c.id)
                )
                rows[model.__tablename__] = [dict(row) for row in result.mappings()]
        return rows

    return take
