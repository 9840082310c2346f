"""Signing in with the partnership's OpenID Connect provider: the authorization code
flow with PKCE (S256), against a real provider on a local port
(``tests/support/oidc_provider.py``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from pydantic import SecretStr
from starlette.applications import Starlette

from coalition.app import create_app
from coalition.config import Settings
from tests.support.live_server import live_server
from tests.support.oidc_provider import Person, Provider
from tests.web.conftest import LAKESHORE, email


@pytest.fixture
async def provider(web_demo: None) -> AsyncIterator[Provider]:
    idp = Provider(client_id="coalition-web", client_secret="s3cret")
    server = idp.app()
    async with server.router.lifespan_context(server), live_server(server) as client:
        idp.issuer = str(client.base_url).rstrip("/")
        yield idp


@pytest.fixture
async def oidc_web(settings: Settings, provider: Provider) -> AsyncIterator[httpx.AsyncClient]:
    configured = settings.model_copy(
        update={
            "oidc_issuer": provider.issuer,
            "oidc_jwks_url": f"{provider.issuer}/jwks",
            "web_oidc_client_id": provider.client_id,
            "web_oidc_client_secret": SecretStr(provider.client_secret),
        }
    )
    app: Starlette = create_app(configured, configure_logs=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as web:
            yield web


async def _through_provider(web: httpx.AsyncClient, start: str) -> httpx.Response:
    """Start at ``start``; follow the redirect to the provider and back; the callback."""
    going = await web.get(start)
    assert going.status_code == 302, going.text
    async with httpx.AsyncClient() as browser:
        at_provider = await browser.get(going.headers["location"])
    assert at_provider.status_code == 302, at_provider.text
    back = urlsplit(at_provider.headers["location"])
    return await web.get(f"{back.path}?{back.query}")


async def test_a_person_signs_in_with_the_provider_using_pkce(
    oidc_web: httpx.AsyncClient, provider: Provider
) -> None:
    provider.person = Person(sub="idp|funder-1", email=email("funder"))
    going = await oidc_web.get(f"/signin/oidc?partnership={LAKESHORE}&next=/funds")
    query = parse_qs(urlsplit(going.headers["location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"]
    assert query["state"] and query["nonce"]

    callback = await _through_provider(oidc_web, f"/signin/oidc?partnership={LAKESHORE}&next=/")
    assert callback.status_code == 303 and callback.headers["location"] == "/"
    assert provider.token_requests[-1]["code_verifier"]  # the verifier was proved
    home = await oidc_web.get("/")
    assert home.status_code == 200 and "Welcome, Program Officer" in home.text


async def test_the_sign_in_page_offers_the_provider(oidc_web: httpx.AsyncClient) -> None:
    page = await oidc_web.get("/signin")
    assert 'action="/signin/oidc"' in page.text


async def test_someone_the_partnership_does_not_know_is_not_signed_in(
    oidc_web: httpx.AsyncClient, provider: Provider
) -> None:
    provider.person = Person(sub="idp|stranger", email="stranger@elsewhere.example")
    callback = await _through_provider(oidc_web, f"/signin/oidc?partnership={LAKESHORE}")
    assert callback.headers["location"] == "/signin?error=1"
    assert (await oidc_web.get("/")).status_code == 303


async def test_an_unverified_email_does_not_find_a_person(
    oidc_web: httpx.AsyncClient, provider: Provider
) -> None:
    provider.person = Person(sub="idp|claims-admin", email=email("admin"), email_verified=False)
    callback = await _through_provider(oidc_web, f"/signin/oidc?partnership={LAKESHORE}")
    assert callback.headers["location"] == "/signin?error=1"


async def test_a_callback_with_a_forged_state_is_refused(
    oidc_web: httpx.AsyncClient, provider: Provider
) -> None:
    provider.person = Person(sub="idp|funder-2", email=email("funder"))
    going = await oidc_web.get(f"/signin/oidc?partnership={LAKESHORE}")
    async with httpx.AsyncClient() as browser:
        at_provider = await browser.get(going.headers["location"])
    back = parse_qs(urlsplit(at_provider.headers["location"]).query)
    forged = await oidc_web.get(f"/signin/callback?code={back['code'][0]}&state=forged")
    assert forged.headers["location"] == "/signin?error=1"
    assert (await oidc_web.get("/")).status_code == 303


async def test_a_callback_without_starting_is_refused(oidc_web: httpx.AsyncClient) -> None:
    response = await oidc_web.get("/signin/callback?code=x&state=y")
    assert response.status_code == 303 and response.headers["location"] == "/signin?error=1"
