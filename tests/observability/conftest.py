"""Apps in other configurations than the shared one: tenant labels on, production."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from coalition.app import create_app
from coalition.config import Settings


@pytest.fixture(scope="session")
async def labelled_app(settings: Settings) -> AsyncIterator[Starlette]:
    """The app with a ``tenant`` label on its metrics (``metrics_tenant_labels``)."""
    labelled = settings.model_copy(update={"metrics_tenant_labels": True})
    application = create_app(labelled, configure_logs=False)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def labelled_http(labelled_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=labelled_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as client:
        yield client
