"""``GET /metrics``: the Prometheus text format.

In production configuration the page is off (404, as if there were no route) unless
``metrics_token`` is set, and then it asks for that bearer token (compared in constant
time). In development it is open, like GraphiQL. With ``PROMETHEUS_MULTIPROC_DIR`` set
(``coalition serve --workers`` > 1) it adds up what every worker wrote there.
"""

from __future__ import annotations

import hmac
import os
from pathlib import Path

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from coalition.config import Settings

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def _registry() -> CollectorRegistry:
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return registry
    return REGISTRY


def _refusal(settings: Settings, authorization: str | None) -> Response | None:
    if not settings.is_production:
        return None
    if settings.metrics_token is None:
        return PlainTextResponse("Not Found", status_code=404)
    expected = f"Bearer {settings.metrics_token.get_secret_value()}".encode()
    if hmac.compare_digest((authorization or "").encode(), expected):
        return None
    return JSONResponse(
        {"detail": "Send the metrics token: Authorization: Bearer <COALITION_METRICS_TOKEN>."},
        status_code=401,
        headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
    )


async def metrics_endpoint(request: Request) -> Response:
    refused = _refusal(request.app.state.settings, request.headers.get("authorization"))
    if refused is not None:
        return refused
    return Response(generate_latest(_registry()), media_type=CONTENT_TYPE_LATEST)


def worker_stopped() -> None:
    """At a worker's end (the app's shutdown): its gauges leave the sum of live workers
    (its counters stay: they are totals)."""
    if os.environ.get(MULTIPROC_ENV):
        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]


def prepare_multiprocess(workers: int, data_dir: Path) -> Path | None:
    """For ``serve --workers N`` (N > 1), before the workers start: the directory they
    write their metrics to, emptied of an earlier run's files (PROMETHEUS_MULTIPROC_DIR
    if set, else ``data_dir/metrics``), exported so the workers see it. None for one
    worker, which keeps its metrics in memory."""
    if workers <= 1:
        return None
    directory = Path(os.environ.get(MULTIPROC_ENV) or data_dir / "metrics")
    if directory.exists():
        for stale in directory.glob("*.db"):
            stale.unlink()
    else:
        directory.mkdir(parents=True)
    os.environ[MULTIPROC_ENV] = str(directory)
    return directory
