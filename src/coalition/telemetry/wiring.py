"""How ``coalition.app`` puts telemetry in: the middleware around the routes, the
``/metrics`` route, and what starts and stops with the app's engine."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Route

from coalition.config import Settings
from coalition.db.engine import SessionFactory
from coalition.telemetry.exposition import metrics_endpoint, worker_stopped
from coalition.telemetry.http import TelemetryMiddleware, count_statement
from coalition.telemetry.labels import BoundedLabels, TenantLabels
from coalition.telemetry.tracing import SpanAttributes, Tracing, provider_from_environment

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider


class Telemetry:
    """Metrics always; traces when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set or a provider
    is given."""

    def __init__(self, settings: Settings, tracer_provider: TracerProvider | None = None) -> None:
        self.settings = settings
        provider = tracer_provider or provider_from_environment()
        self.tracing = (
            None if provider is None else Tracing(provider, owned=tracer_provider is None)
        )

    def outer_middleware(self) -> list[Middleware]:
        """Outside the request context: the server span (so it covers everything)."""
        return [] if self.tracing is None else self.tracing.middleware()

    def inner_middleware(self) -> list[Middleware]:
        """Inside the request context (the request id is known): the metrics, then the
        span's attributes."""
        inner = [Middleware(TelemetryMiddleware)]
        if self.tracing is not None:
            inner.append(Middleware(SpanAttributes))
        return inner

    def routes(self) -> list[BaseRoute]:
        return [Route("/metrics", metrics_endpoint, methods=["GET"])]

    def start(self, app: Starlette, engine: AsyncEngine, sessions: SessionFactory) -> None:
        settings = self.settings
        app.state.operation_labels = BoundedLabels(settings.metrics_max_operations)
        app.state.tenant_labels = TenantLabels(
            sessions, enabled=settings.metrics_tenant_labels, limit=settings.metrics_max_tenants
        )
        event.listen(engine.sync_engine, "before_cursor_execute", count_statement)
        if self.tracing is not None:
            self.tracing.instrument(engine)

    def stop(self, engine: AsyncEngine) -> None:
        event.remove(engine.sync_engine, "before_cursor_execute", count_statement)
        if self.tracing is not None:
            self.tracing.shutdown()
        worker_stopped()
