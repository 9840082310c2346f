"""Fixtures of the pathways tests: the full reference data (real O*NET rows), a
programs:read client, training programs, and pathways made through the service."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from starlette.applications import Starlette

from coalition.auth.scopes import PROGRAMS_READ, READ
from coalition.auth.secrets import hash_client_secret
from coalition.auth.tokens import issue_access_token
from coalition.config import Settings
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.pathways import service
from coalition.pathways.validation import StepFields
from coalition.supply import service as supply_service
from coalition.supply.models import (
    ProgramStatus,
)
from coalition.tenancy.models import ApiClient, format_client_id
from tests.demand.support import principal_of
from tests.skills.conftest import data_files, reference_data  # noqa: F401 (fixtures)
from tests.supply.support import add_program as add_supply_program
from tests.support.world import CLIENT_SECRET, World

AddProgram = Callable[..., Awaitable[uuid.UUID]]
CreatePathway = Callable[..., Awaitable[uuid.UUID]]


@pytest.fixture(autouse=True)
def _loaded(reference_data: dict[str, int]) -> None:  # noqa: F811
    """Every pathways test reads the full reference data (the real O*NET rows)."""


@pytest.fixture
async def programs_reader(
    app: Starlette, owner_sessions: SessionFactory, settings: Settings, world: World
) -> str:
    """A token of a partner app of ``world`` with read and programs:read."""
    client_id = uuid.uuid4()
    async with tenant_transaction(owner_sessions, world.id) as session:
        session.add(
            ApiClient(
                tenant_id=world.id,
                id=client_id,
                name="alpha programs reader",
                secret_hash=hash_client_secret(CLIENT_SECRET),
                scopes=[READ, PROGRAMS_READ],
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
        scopes={READ, PROGRAMS_READ},
    )


@pytest.fixture
def add_program(owner_sessions: SessionFactory) -> AddProgram:
    """A training program of ``world``'s college (CIP 51.3901), made through the supply
    service as the partnership admin, teaching ``skills`` (element ID, level 1-4);
    returns its ID."""

    async def add(
        world: World,
        name: str,
        skills: list[tuple[str, int]],
        *,
        status: ProgramStatus = ProgramStatus.ACTIVE,
        organization: str = "college",
    ) -> uuid.UUID:
        # A program starts DRAFT or ACTIVE; a DISCONTINUED one was ACTIVE first.
        first = ProgramStatus.DRAFT if status is ProgramStatus.DRAFT else ProgramStatus.ACTIVE
        program_id = await add_supply_program(
            owner_sessions,
            world,
            person="admin",
            organization=organization,
            name=name,
            cip_code="51.3901",
            skills=skills,
            status=first.value,
        )
        if status is ProgramStatus.DISCONTINUED:
            async with tenant_transaction(owner_sessions, world.id) as session:
                await supply_service.set_training_program_status(
                    session, principal_of(world, "admin"), program_id=program_id, status=status
                )
        return program_id

    return add


def step(code: str, **fields: Any) -> StepFields:
    return StepFields(occupation_code=code, **fields)


@pytest.fixture
def create_pathway(owner_sessions: SessionFactory) -> CreatePathway:
    """A pathway of ``world`` made through the service as ``person`` (default: the
    partnership admin) with steps of the given SOC codes; returns its ID."""

    async def create(
        world: World,
        codes: list[str],
        *,
        person: str = "admin",
        name: str = "Medical assistant to nurse",
        organization: str | None = None,
        steps: list[StepFields] | None = None,
    ) -> uuid.UUID:
        async with tenant_transaction(owner_sessions, world.id) as session:
            pathway = await service.create_pathway(
                session,
                principal_of(world, person),
                name=name,
                description="",
                organization_id=world.organizations[organization] if organization else None,
                organization_given=organization is not None,
                steps=steps if steps is not None else [step(code) for code in codes],
            )
        return pathway.id

    return create
