"""OpenTelemetry traces: a server span per request, a child span per SQL statement.

Off unless ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set: then spans go over OTLP/HTTP to that
collector (the exporter reads the standard ``OTEL_*`` variables itself). Unset, nothing
is instrumented and OpenTelemetry is not even imported. Tests pass a provider of their
own (``create_app(tracer_provider=...)``) with an in-memory exporter.

The server span carries ``coalition.request_id`` (the ``X-Request-ID``) and, once the
request is bound to a partnership, ``coalition.tenant_id``; it is named by the route's
template, never the raw path.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from coalition.observability import request_id_var
from coalition.telemetry.facts import current_facts
from coalition.telemetry.http import route_template

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

ENDPOINT_ENV = "OTEL_EXPORTER_OTLP_ENDPOINT"
SERVICE_NAME = "coalition"


def provider_from_environment() -> TracerProvider | None:
    """An OTLP-exporting provider when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set, else None."""
    if not os.environ.get(ENDPOINT_ENV):
        return None
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    name = os.environ.get("OTEL_SERVICE_NAME") or SERVICE_NAME
    provider = TracerProvider(resource=Resource.create({"service.name": name}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    return provider


class Tracing:
    """The instrumentation of one app, given the provider its spans go to."""

    def __init__(self, provider: TracerProvider, *, owned: bool) -> None:
        self.provider = provider
        self._owned = owned
        self._instrumentor: Any = None

    def middleware(self) -> list[Middleware]:
        """The server span's middleware, outermost (so it times everything)."""
        from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

        return [
            Middleware(
                OpenTelemetryMiddleware,
                tracer_provider=self.provider,
                exclude_spans=["receive", "send"],
            )
        ]

    def instrument(self, engine: AsyncEngine) -> None:
        """A span per statement of ``engine``, child of the request's span."""
        from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

        self._instrumentor = SQLAlchemyInstrumentor()
        # Its declared range stops below SQLAlchemy 2.1, whose engine events it uses
        # unchanged (tests/observability/test_tracing.py checks the spans).
        self._instrumentor.instrument(
            engine=engine.sync_engine, tracer_provider=self.provider, skip_dep_check=True
        )

    def shutdown(self) -> None:
        if self._instrumentor is not None:
            self._instrumentor.uninstrument()
            self._instrumentor = None
        if self._owned:
            self.provider.shutdown()


class SpanAttributes:
    """Names the server span by route template and gives it the request id and tenant id
    (inside ``RequestContextMiddleware`` and ``TelemetryMiddleware``, which set both)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        from opentelemetry import trace

        span = trace.get_current_span()
        request_id = request_id_var.get()
        if request_id is not None:
            span.set_attribute("coalition.request_id", request_id)

        async def send_and_name(message: Message) -> None:
            # At the response's start: the route has matched and the endpoint has bound
            # the tenant, and the span is still open (it ends with the response's body).
            if message["type"] == "http.response.start":
                template = route_template(scope)
                span.set_attribute("http.route", template)
                span.update_name(f"{scope['method']} {template}")
                facts = current_facts()
                if facts is not None and facts.tenant_id is not None:
                    span.set_attribute("coalition.tenant_id", str(facts.tenant_id))
            await send(message)

        await self.app(scope, receive, send_and_name)
