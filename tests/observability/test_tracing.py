"""Traces: one server span per request, a child span per SQL statement, the request id
and tenant id on the server span; with no provider and no OTLP endpoint, nothing is
instrumented."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from sqlalchemy import event
from starlette.applications import Starlette

from coalition.app import create_app
from coalition.config import Settings
from coalition.telemetry.tracing import ENDPOINT_ENV
from tests.support.statements import StatementCounter
from tests.support.world import World

QUERY = "{ viewer { label } organizations { totalCount } }"


@pytest.fixture
async def traced(settings: Settings) -> AsyncIterator[tuple[Starlette, InMemorySpanExporter]]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    application = create_app(settings, configure_logs=False, tracer_provider=provider)
    async with application.router.lifespan_context(application):
        yield application, exporter
    provider.shutdown()


async def test_a_graphql_request_is_a_server_span_over_its_statements(
    traced: tuple[Starlette, InMemorySpanExporter], world: World
) -> None:
    application, exporter = traced
    counter = StatementCounter()
    event.listen(application.state.engine.sync_engine, "before_cursor_execute", counter)
    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        exporter.clear()
        response = await client.post(
            "/graphql",
            json={"query": QUERY},
            headers={
                "Authorization": f"Bearer {world.tokens['admin']}",
                "X-Request-ID": "trace-test-0001",
            },
        )
    event.remove(application.state.engine.sync_engine, "before_cursor_execute", counter)

    assert response.status_code == 200, response.text
    spans: tuple[ReadableSpan, ...] = exporter.get_finished_spans()
    [server] = [span for span in spans if span.kind is SpanKind.SERVER]
    # The instrumentation adds a span for each checkout ("connect") beside the statements'.
    database = [span for span in spans if span.kind is SpanKind.CLIENT]
    statements = [span for span in database if span.name != "connect"]
    assert server.name == "POST /graphql"
    assert server.attributes is not None
    assert server.attributes["coalition.request_id"] == "trace-test-0001"
    assert server.attributes["coalition.tenant_id"] == str(world.id)
    assert server.attributes["http.route"] == "/graphql"
    assert len(statements) == len(counter.every_statement)
    assert server.context is not None
    assert all(span.attributes and "db.statement" in span.attributes for span in statements)
    for span in database:
        assert span.parent is not None
        assert span.parent.span_id == server.context.span_id
        assert span.context is not None
        assert span.context.trace_id == server.context.trace_id
    assert len(spans) == 1 + len(database)


async def test_without_an_endpoint_nothing_is_instrumented(
    app: Starlette, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    monkeypatch.delenv(ENDPOINT_ENV, raising=False)
    untraced = create_app(settings, configure_logs=False)

    names = [entry.cls.__name__ for entry in untraced.user_middleware]  # type: ignore[attr-defined]

    assert names == ["RequestContextMiddleware", "TelemetryMiddleware"]


async def test_an_endpoint_turns_the_server_span_on(
    monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    monkeypatch.setenv(ENDPOINT_ENV, "http://127.0.0.1:4318")
    traced = create_app(settings, configure_logs=False)
    async with traced.router.lifespan_context(traced):
        pass  # its stop shuts the exporter's provider down again

    names = [entry.cls.__name__ for entry in traced.user_middleware]  # type: ignore[attr-defined]

    assert names == [
        "OpenTelemetryMiddleware",
        "RequestContextMiddleware",
        "TelemetryMiddleware",
        "SpanAttributes",
    ]
