"""The Starlette application: routes, middleware, lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import importlib.util
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute

from coalition.api.endpoint import graphql_endpoint
from coalition.api.graphiql import STATIC_PATH, static_files
from coalition.api.schema import build_schema
from coalition.api.websocket import graphql_websocket
from coalition.auth.authenticate import Authenticator
from coalition.auth.keys import JWKS_CACHE_SECONDS, KeyStore
from coalition.auth.oauth import token_endpoint
from coalition.auth.oidc import OidcVerifier
from coalition.auth.scopes import SCOPES
from coalition.config import Settings, get_settings
from coalition.db.engine import SessionFactory, create_engine, create_session_factory
from coalition.db.urls import app_url
from coalition.domains import DOMAINS
from coalition.live import Hub, Listener, listen_dsn
from coalition.middleware import RequestContextMiddleware
from coalition.observability import configure_logging, silence_duplicate_loggers
from coalition.readiness import Migrations, readyz
from coalition.telemetry.pool import MeasuredPool
from coalition.telemetry.wiring import Telemetry
from coalition.web.routes import web_mount

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def jwks(request: Request) -> Response:
    keys = await request.app.state.keys.public_jwks()
    return JSONResponse(keys, headers={"Cache-Control": f"public, max-age={JWKS_CACHE_SECONDS}"})


async def authorization_server_metadata(request: Request) -> Response:
    """RFC 8414 metadata, so OAuth2 libraries can configure themselves.

    The URLs start from the configured public URL, or else from the URL this request
    came to (``serve --port 8101`` advertises port 8101); the issuer is what the
    server's tokens carry in ``iss``, which verifiers compare.
    """
    settings: Settings = request.app.state.settings
    base = settings.public_url or str(request.base_url).rstrip("/")
    return JSONResponse(
        {
            "issuer": settings.issuer,
            "token_endpoint": f"{base}/oauth/token",
            "jwks_uri": f"{base}/.well-known/jwks.json",
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


# How long startup waits for the live updates' LISTEN connection (it keeps trying after).
LISTEN_WAIT_SECONDS = 5.0

Job = Callable[[SessionFactory, Settings], Coroutine[Any, Any, None]]


def domain_jobs(domains: tuple[str, ...] = DOMAINS) -> list[Job]:
    """Each domain's background jobs (its ``jobs`` module's ``JOBS``), run for the server's
    lifetime and cancelled when it stops."""
    found: list[Job] = []
    for package in domains:
        if importlib.util.find_spec(f"{package}.jobs") is not None:
            found.extend(importlib.import_module(f"{package}.jobs").JOBS)
    return found


def domain_routes(domains: tuple[str, ...] = DOMAINS) -> list[BaseRoute]:
    """Each domain's plain HTTP routes (its ``routes`` module's ``ROUTES``), such as a
    public listing served with no login."""
    found: list[BaseRoute] = []
    for package in domains:
        if importlib.util.find_spec(f"{package}.routes") is not None:
            found.extend(importlib.import_module(f"{package}.routes").ROUTES)
    return found


def create_app(
    settings: Settings | None = None,
    *,
    configure_logs: bool = True,
    tracer_provider: TracerProvider | None = None,
) -> Starlette:
    """The app; ``tracer_provider`` turns tracing on with it (else only the environment's
    OTEL_EXPORTER_OTLP_ENDPOINT does, ``telemetry.tracing``)."""
    settings = settings or get_settings()
    if configure_logs:
        configure_logging(json_format=settings.is_production)
    silence_duplicate_loggers()
    telemetry = Telemetry(settings, tracer_provider)
    migrations = Migrations()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        engine = create_engine(
            app_url(settings), pool_size=settings.db_pool_size, poolclass=MeasuredPool
        )
        sessions = create_session_factory(engine)
        app.state.migrations = migrations
        telemetry.start(app, engine, sessions)
        keys = KeyStore(sessions)
        app.state.settings = settings
        app.state.engine = engine
        app.state.sessions = sessions
        app.state.keys = keys
        app.state.authenticator = Authenticator(settings, keys, sessions, _oidc(settings))
        app.state.schema = build_schema(settings)
        app.state.live = Hub()
        listener = Listener(listen_dsn(app_url(settings)), app.state.live)
        jobs = [asyncio.create_task(job(sessions, settings)) for job in domain_jobs()]
        jobs.append(asyncio.create_task(listener.run()))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(listener.connected.wait(), LISTEN_WAIT_SECONDS)
        app.state.listener = listener
        try:
            yield {}
        finally:
            for task in jobs:
                task.cancel()
            for task in jobs:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            telemetry.stop(engine)
            await engine.dispose()

    routes: list[BaseRoute] = [
        Route("/graphql", graphql_endpoint, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql_websocket),
        Route("/oauth/token", token_endpoint, methods=["POST"]),
        Route("/.well-known/jwks.json", jwks, methods=["GET"]),
        Route(
            "/.well-known/oauth-authorization-server",
            authorization_server_metadata,
            methods=["GET"],
        ),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        *domain_routes(),
        *telemetry.routes(),
    ]
    if not settings.is_production:
        routes.append(Mount(STATIC_PATH, app=static_files(), name="graphiql-assets"))
    routes.append(web_mount(settings))  # last: the pages take every path left
    middleware = [
        *telemetry.outer_middleware(),
        Middleware(RequestContextMiddleware),
        *telemetry.inner_middleware(),
    ]
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
