"""The OAuth server metadata (RFC 8414) names the URLs a client can actually reach."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette

from coalition.app import create_app
from coalition.config import DEFAULT_ISSUER, Settings

METADATA = "/.well-known/oauth-authorization-server"


async def metadata_at(app: Starlette, base_url: str) -> dict[str, object]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
        response = await client.get(METADATA)
    assert response.status_code == 200
    body: dict[str, object] = response.json()
    return body


async def test_without_a_public_url_the_urls_are_the_requests(
    app: Starlette, settings: Settings
) -> None:
    # given no configured public URL, a server on port 8101 (``coalition serve --port 8101``)
    assert settings.public_url is None

    metadata = await metadata_at(app, "http://localhost:8101")

    assert metadata["token_endpoint"] == "http://localhost:8101/oauth/token"
    assert metadata["jwks_uri"] == "http://localhost:8101/.well-known/jwks.json"
    # The issuer is what the tokens say in ``iss`` (and ``coalition token`` signs with).
    assert metadata["issuer"] == DEFAULT_ISSUER == settings.issuer


async def test_behind_tls_the_urls_keep_the_scheme(app: Starlette) -> None:
    metadata = await metadata_at(app, "https://api.partnership.example")

    assert metadata["token_endpoint"] == "https://api.partnership.example/oauth/token"


async def test_a_configured_public_url_wins_over_the_request(settings: Settings) -> None:
    # given COALITION_ISSUER=https://coalition.example.org/
    configured = settings.model_copy(update={"issuer": "https://coalition.example.org/"})
    application = create_app(configured, configure_logs=False)

    async with application.router.lifespan_context(application):
        metadata = await metadata_at(application, "http://10.0.0.7:8000")

    assert metadata == {
        "issuer": "https://coalition.example.org/",
        "token_endpoint": "https://coalition.example.org/oauth/token",
        "jwks_uri": "https://coalition.example.org/.well-known/jwks.json",
        "grant_types_supported": ["client_credentials"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "scopes_supported": [
            "demand:read",
            "events:read",
            "funds:read",
            "outcomes:read",
            "programs:read",
            "read",
            "write",
        ],
    }
