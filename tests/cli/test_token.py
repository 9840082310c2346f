"""``coalition token``: a bearer token for an existing person (development only)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.app import create_app
from coalition.config import Settings, get_settings
from coalition.tenancy.models import User
from tests.support.cli import owner, run, tenant_id

LAKESHORE = "lakeshore-manufacturing"


@pytest.fixture
def demo(cli_env: Settings) -> Settings:
    result = run("demo")
    assert result.exit_code == 0, result.output
    return cli_env


def test_token_prints_one_jwt_that_the_api_accepts(demo: Settings) -> None:
    # given
    email = f"admin@{LAKESHORE}.example"

    # when
    result = run("token", "--tenant", LAKESHORE, "--email", email.upper())

    # then
    assert result.exit_code == 0, result.output
    lines = result.stdout.split("\n")
    assert lines[1:] == [""]
    token = lines[0]
    assert len(token.split(".")) == 3

    async def viewer() -> dict[str, Any]:
        application = create_app(demo, configure_logs=False)
        async with application.router.lifespan_context(application):
            transport = httpx.ASGITransport(app=application)
            async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
                response = await http.post(
                    "/graphql",
                    json={"query": "{ viewer { kind label roles } }"},
                    headers={"Authorization": f"Bearer {token}"},
                )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    assert asyncio.run(viewer()) == {
        "data": {"viewer": {"kind": "USER", "label": email, "roles": ["PARTNERSHIP_ADMIN"]}},
        "extensions": {"cost": {"requestedQueryCost": 4, "maximumQueryCost": 20_000}},
    }


def test_token_claims_name_the_tenant_and_person(demo: Settings) -> None:
    from coalition.auth.tokens import unverified_parts

    # given
    email = f"admin@{LAKESHORE}.example"
    tenant = tenant_id(demo, LAKESHORE)

    async def user_id(session: AsyncSession) -> uuid.UUID | None:
        return await session.scalar(select(User.id).where(User.email == email))

    # when
    result = run("token", "--tenant", LAKESHORE, "--email", email)

    # then
    header, claims = unverified_parts(result.stdout.strip())
    assert header["typ"] == "at+jwt"
    assert claims["tenant"] == str(tenant)
    assert claims["sub"] == str(owner(demo, user_id, tenant))


def test_token_is_refused_in_production(cli_env: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    # given
    monkeypatch.setenv("COALITION_ENV", "production")
    get_settings.cache_clear()

    # when
    result = run("token", "--tenant", LAKESHORE, "--email", f"admin@{LAKESHORE}.example")

    # then
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "refused when COALITION_ENV=production" in result.stderr


def test_token_for_an_unknown_person_fails(demo: Settings) -> None:
    # when
    result = run("token", "--tenant", LAKESHORE, "--email", "nobody@example.org")

    # then
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "no person with email 'nobody@example.org'" in result.stderr
