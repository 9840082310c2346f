"""The request metrics, as pure ASGI middleware (as ``coalition.middleware`` is, so the
facts' context variable reaches the endpoint).

Each HTTP request is counted by its route's template (``/graphql``; a path that matches
no route is ``unmatched``, never the path itself), method, status and GraphQL operation
type; its duration is observed, and so are its GraphQL outcome, cost and statements.
"""

from __future__ import annotations

import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from coalition.telemetry import metrics
from coalition.telemetry.facts import RequestFacts, current_facts, request_facts_var

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"


def route_template(scope: Scope) -> str:
    """The template of the route that served ``scope`` (Starlette records it there)."""
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    return template if isinstance(template, str) and template else UNMATCHED


def count_statement(*_: Any) -> None:
    """A ``before_cursor_execute`` listener: one more statement for the current request."""
    facts = current_facts()
    if facts is not None:
        facts.statements += 1


class TelemetryMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        facts = RequestFacts()
        token = request_facts_var.set(facts)
        started = time.perf_counter()
        status = 500

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            request_facts_var.reset(token)
            _record(scope, facts, status, time.perf_counter() - started)


def _record(scope: Scope, facts: RequestFacts, status: int, seconds: float) -> None:
    route = route_template(scope)
    method = scope["method"] if scope["method"] in METHODS else "OTHER"
    tenant = facts.tenant_label
    metrics.HTTP_REQUESTS.labels(
        route=route,
        method=method,
        status=str(status),
        operation_type=facts.operation_type,
        tenant=tenant,
    ).inc()
    metrics.HTTP_DURATION.labels(
        route=route, method=method, operation_type=facts.operation_type, tenant=tenant
    ).observe(seconds)
    metrics.STATEMENTS.labels(route=route).observe(facts.statements)
    if facts.outcome:
        metrics.GRAPHQL_OPERATIONS.labels(
            operation_type=facts.operation_type,
            operation=facts.operation,
            outcome=facts.outcome,
            tenant=tenant,
        ).inc()
    if facts.cost is not None:
        metrics.QUERY_COST.labels(operation_type=facts.operation_type).observe(facts.cost)
