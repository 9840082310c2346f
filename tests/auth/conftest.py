"""Fixtures for the auth tests: revoking a client, and a throwaway identity provider.

The identity provider is a real HTTP server on 127.0.0.1 (an ephemeral port)
that serves JSON documents by path and counts every fetch, so tests can prove
which key URLs the API fetched, and how often.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import httpx
import pytest
from joserfc.jwk import ECKey, RSAKey
from starlette.applications import Starlette

from coalition.app import create_app
from coalition.config import Settings
from tests.support.graphql import GraphQLClient
from tests.support.world import World, global_id

IDP_ISSUER = "https://idp.test"
IDP_AUDIENCE = "coalition-people"
IDP_TENANT_CLAIM = "coalition_tenant"
IDP_LEEWAY_SECONDS = 30

REVOKE = """mutation($id: ID!) { revokeApiClient(input: {id: $id}) {
    apiClient { clientId revokedAt } userErrors { code } } }"""


@pytest.fixture
def revoke_client(gql: GraphQLClient) -> Callable[[World, str], Awaitable[None]]:
    """Revokes one of a world's API clients as its partnership admin."""

    async def revoke(world: World, name: str) -> None:
        body = await gql(
            REVOKE, {"id": global_id("ApiClient", world.clients[name])}, token=world.tokens["admin"]
        )
        payload = body["data"]["revokeApiClient"]
        assert payload["userErrors"] == []
        assert payload["apiClient"]["clientId"] == world.client_id(name)
        assert payload["apiClient"]["revokedAt"] is not None

    return revoke


@dataclass
class KeyServer:
    """What the fake identity provider serves, and what it was asked for."""

    port: int
    documents: dict[str, dict[str, Any]]
    fetches: Counter[str] = field(default_factory=Counter)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def _serve(server: KeyServer) -> type[BaseHTTPRequestHandler]:
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with lock:
                server.fetches[self.path] += 1
                document = server.documents.get(self.path)
            if document is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = json.dumps(document).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            """Quiet: the test output is not the place for an access log."""

    return Handler


@pytest.fixture
def idp_key() -> RSAKey:
    return RSAKey.generate_key(2048, {"kid": "idp-key-1"}, private=True)


def public_jwks(*keys: RSAKey | ECKey) -> dict[str, Any]:
    return {"keys": [dict(key.as_dict(private=False)) for key in keys]}


@pytest.fixture
def key_server(idp_key: RSAKey) -> Iterator[KeyServer]:
    """The identity provider's JWKS at ``/jwks``; stopped when the test ends."""
    state = KeyServer(port=0, documents={"/jwks": public_jwks(idp_key)})
    httpd = HTTPServer(("127.0.0.1", 0), _serve(state))
    state.port = httpd.server_address[1]
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
        assert not thread.is_alive()


@pytest.fixture
def oidc_settings(settings: Settings, key_server: KeyServer) -> Settings:
    return settings.model_copy(
        update={
            "oidc_issuer": IDP_ISSUER,
            "oidc_jwks_url": key_server.url("/jwks"),
            "oidc_audience": IDP_AUDIENCE,
            "oidc_tenant_claim": IDP_TENANT_CLAIM,
            "oidc_leeway_seconds": IDP_LEEWAY_SECONDS,
        }
    )


@pytest.fixture
async def oidc_app(oidc_settings: Settings) -> AsyncIterator[Starlette]:
    """A separate app that trusts the fake identity provider (fresh key cache per test)."""
    application = create_app(oidc_settings, configure_logs=False)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def oidc_http(oidc_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=oidc_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as client:
        yield client
