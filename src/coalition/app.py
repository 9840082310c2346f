"""The Starlette application: routes, middleware, lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from coalition.api.endpoint import graphql_endpoint
from coalition.api.schema import build_schema
from coalition.auth.authenticate import Authenticator
from coalition.auth.keys import KeyStore
from coalition.auth.oauth import token_endpoint
from coalition.auth.oidc import OidcVerifier
from coalition.auth.scopes import SCOPES
from coalition.config import Settings, get_settings
from coalition.db.engine import create_engine, create_session_factory
from coalition.db.urls import app_url
from coalition.middleware import RequestContextMiddleware
from coalition.observability import configure_logging


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    try:
        async with request.app.state.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception:
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})


async def jwks(request: Request) -> Response:
    keys = await request.app.state.keys.public_jwks()
    return JSONResponse(keys, headers={"Cache-Control": "public, max-age=300"})


async def authorization_server_metadata(request: Request) -> Response:
    """RFC 8414 metadata, so OAuth2 libraries can configure themselves."""
    settings: Settings = request.app.state.settings
    issuer = settings.issuer.rstrip("/")
    return JSONResponse(
        {
            "issuer": settings.issuer,
            "token_endpoint": f"{issuer}/oauth/token",
            "jwks_uri": f"{issuer}/.well-known/jwks.json",
            "grant_types_supported": ["client_credentials"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "scopes_supported": sorted(SCOPES),
        }
    )


def _oidc(settings: Settings) -> OidcVerifier | None:
    if not (settings.oidc_issuer and settings.oidc_jwks_url):
        return None
    return OidcVerifier(
        issuer=settings.oidc_issuer,
        jwks_url=settings.oidc_jwks_url,
        audience=settings.oidc_audience or settings.audience,
        leeway_seconds=settings.oidc_leeway_seconds,
    )


def create_app(settings: Settings | None = None, *, configure_logs: bool = True) -> Starlette:
    settings = settings or get_settings()
    if configure_logs:
        configure_logging(json_format=settings.is_production)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        engine = create_engine(app_url(settings), pool_size=settings.db_pool_size)
        sessions = create_session_factory(engine)
        keys = KeyStore(sessions)
        app.state.settings = settings
        app.state.engine = engine
        app.state.sessions = sessions
        app.state.keys = keys
        app.state.authenticator = Authenticator(settings, keys, sessions, _oidc(settings))
        app.state.schema = build_schema(settings)
        try:
            yield {}
        finally:
            await engine.dispose()

    routes = [
        Route("/graphql", graphql_endpoint, methods=["GET", "POST"]),
        Route("/oauth/token", token_endpoint, methods=["POST"]),
        Route("/.well-known/jwks.json", jwks, methods=["GET"]),
        Route(
            "/.well-known/oauth-authorization-server",
            authorization_server_metadata,
            methods=["GET"],
        ),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
    ]
    return Starlette(
        routes=routes, middleware=[Middleware(RequestContextMiddleware)], lifespan=lifespan
    )
