"""Fixtures for the API layer's tests: counting rows as the owner, spying on services, the
app in its production configuration."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from starlette.applications import Starlette

from coalition.app import create_app
from coalition.config import Environment, Settings
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.tenancy import reads as tenancy
from coalition.tenancy.models import Organization
from tests.support.graphql import GraphQLClient

# Every tenancy read a query can reach: a limit that holds "before any resolver"
# leaves all of them uncalled.
SPIED_READS = (
    "get_tenant",
    "list_organizations",
    "organizations_by_ids",
    "memberships_by_ids",
    "memberships_of_organizations",
    "users_by_ids",
)


@pytest.fixture
def organization_count(
    owner_sessions: SessionFactory,
) -> Callable[[uuid.UUID], Awaitable[int]]:
    """How many organizations (archived ones included) a tenant has, read as the owner."""

    async def count(tenant_id: uuid.UUID) -> int:
        # Filtered by hand as well: the test server's owner may be a superuser, whom RLS skips.
        async with tenant_transaction(owner_sessions, tenant_id) as session:
            total = await session.scalar(
                select(func.count())
                .select_from(Organization)
                .where(Organization.tenant_id == tenant_id)
            )
        return int(total or 0)

    return count


@pytest.fixture
def service_calls(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Wraps the tenancy reads; the counter says how often each ran."""
    calls: Counter[str] = Counter()

    def spy(name: str) -> Callable[..., Awaitable[Any]]:
        original = getattr(tenancy, name)

        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return await original(*args, **kwargs)

        return wrapper

    for name in SPIED_READS:
        monkeypatch.setattr(tenancy, name, spy(name))
    return calls


@pytest.fixture(scope="session")
async def production_app(settings: Settings) -> AsyncIterator[Starlette]:
    # The enum, not the string "production": model_copy does not validate, and
    # Settings.is_production compares by identity.
    production = settings.model_copy(update={"env": Environment.PRODUCTION})
    application = create_app(production, configure_logs=False)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def production_gql(production_app: Starlette) -> AsyncIterator[GraphQLClient]:
    transport = httpx.ASGITransport(app=production_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as client:
        yield GraphQLClient(client)
