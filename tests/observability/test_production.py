"""In production configuration /metrics is off, unless a token is set: then only that
bearer token opens it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from pydantic import SecretStr

from coalition.app import create_app
from coalition.config import Environment, Settings
from tests.observability.support import scrape

TOKEN = "metrics-token-0123456789abcdef"


@asynccontextmanager
async def client_of(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    application = create_app(settings, configure_logs=False)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            yield client


async def test_production_hides_the_metrics_without_a_token(settings: Settings) -> None:
    production = settings.model_copy(update={"env": Environment.PRODUCTION})

    async with client_of(production) as client:
        response = await client.get("/metrics")
        with_some_token = await client.get("/metrics", headers={"Authorization": "Bearer x"})

    assert response.status_code == 404
    assert with_some_token.status_code == 404
    assert "coalition_" not in response.text + with_some_token.text


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer wrong-token", f"Bearer {TOKEN}x", TOKEN, f"Basic {TOKEN}"],
)
async def test_production_with_a_token_refuses_any_other(
    settings: Settings, authorization: str | None
) -> None:
    production = settings.model_copy(
        update={"env": Environment.PRODUCTION, "metrics_token": SecretStr(TOKEN)}
    )
    headers = {} if authorization is None else {"Authorization": authorization}

    async with client_of(production) as client:
        response = await client.get("/metrics", headers=headers)

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="metrics"'
    assert "coalition_" not in response.text


async def test_production_with_a_token_opens_to_that_token(settings: Settings) -> None:
    production = settings.model_copy(
        update={"env": Environment.PRODUCTION, "metrics_token": SecretStr(TOKEN)}
    )

    headers = {"Authorization": f"Bearer {TOKEN}"}
    series = {"route": "/healthz", "status": "200"}

    async with client_of(production) as client:
        before = await scrape(client, headers=headers)
        await client.get("/healthz")
        after = await scrape(client, headers=headers)

    moved = after.value("coalition_http_requests_total", **series) - before.value(
        "coalition_http_requests_total", **series
    )
    assert moved == 1


async def test_development_serves_the_metrics_to_anyone(http: httpx.AsyncClient) -> None:
    response = await http.get("/metrics")

    assert response.status_code == 200
    assert "# TYPE coalition_http_requests_total counter" in response.text
