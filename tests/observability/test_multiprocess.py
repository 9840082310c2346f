"""Several workers (``serve --workers N``): each writes its metrics to files in
PROMETHEUS_MULTIPROC_DIR, emptied before they start, and /metrics adds them up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client import generate_latest

from coalition.telemetry import exposition
from tests.observability.support import Scrape

# One worker's life in brief: the metrics module imported with the directory set, two
# requests counted, a connection checked out, and the app's shutdown.
WORKER = """
from coalition.telemetry import exposition, metrics
series = metrics.HTTP_REQUESTS.labels(
    route="/healthz", method="GET", status="200", operation_type="", tenant=""
)
series.inc()
series.inc()
metrics.POOL_CHECKED_OUT.set(1)
exposition.worker_stopped()
"""


def test_one_worker_keeps_its_metrics_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(exposition.MULTIPROC_ENV, raising=False)

    assert exposition.prepare_multiprocess(1, tmp_path) is None
    assert exposition.MULTIPROC_ENV not in os.environ


def test_workers_share_a_directory_emptied_before_they_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Empty is unset to it; unlike delenv, setenv has the variable removed again after.
    monkeypatch.setenv(exposition.MULTIPROC_ENV, "")
    stale = tmp_path / "metrics" / "counter_123.db"
    stale.parent.mkdir()
    stale.write_bytes(b"from an earlier run")

    directory = exposition.prepare_multiprocess(2, tmp_path)

    assert directory == tmp_path / "metrics"
    assert os.environ[exposition.MULTIPROC_ENV] == str(directory)
    assert list(directory.iterdir()) == []


def test_the_page_adds_up_what_every_worker_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(exposition.MULTIPROC_ENV, str(tmp_path))
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    for _ in range(2):
        subprocess.run(  # noqa: S603 - this interpreter, our own module
            [sys.executable, "-c", WORKER], env=environment, check=True, timeout=60
        )

    page = Scrape(generate_latest(exposition._registry()).decode())

    assert page.value("coalition_http_requests_total", route="/healthz", status="200") == 4
    # The gauges of workers that stopped are gone (livesum counts live workers only).
    assert page.value("coalition_db_pool_checked_out") == 0
