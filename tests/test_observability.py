"""Logs: JSON with the request id in production, readable text in development."""

from __future__ import annotations

import json
import logging

import pytest

from coalition.observability import configure_logging, request_id_var


@pytest.fixture
def restore_logging() -> object:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield None
    root.handlers[:] = handlers
    root.setLevel(level)


def test_production_logs_are_json_with_the_request_id(
    restore_logging: object, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(json_format=True)
    token = request_id_var.set("req-123")
    try:
        logging.getLogger("coalition.test").warning("disk %s", "full")
    finally:
        request_id_var.reset(token)

    entry = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert entry["level"] == "warning"
    assert entry["logger"] == "coalition.test"
    assert entry["message"] == "disk full"
    assert entry["request_id"] == "req-123"


def test_development_logs_are_text_with_the_request_id(
    restore_logging: object, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(json_format=False)
    token = request_id_var.set("req-456")
    try:
        logging.getLogger("coalition.test").info("hello")
    finally:
        request_id_var.reset(token)

    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert "[req-456] coalition.test: hello" in line
