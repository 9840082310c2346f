"""Structured logs with a request id: JSON in production, readable in development."""

from __future__ import annotations

import contextvars
import json
import logging
import sys
import time
from typing import Any

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for key in ("method", "path", "status", "duration_ms", "error_codes"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry)


# Loggers that would say again what ours say once: strawberry logs every GraphQL error
# at ERROR with a traceback (``api.errors.log_errors`` logs each at the right level), and
# uvicorn writes a second access line beside the middleware's.
DUPLICATE_LOGGERS = ("strawberry.execution", "uvicorn.access")


def silence_duplicate_loggers() -> None:
    for name in DUPLICATE_LOGGERS:
        logging.getLogger(name).disabled = True


def configure_logging(*, json_format: bool, level: int = logging.INFO) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_RequestIdFilter())
    if json_format:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)-7s [%(request_id)s] %(name)s: %(message)s")
        )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # pgserver logs every pg_ctl command line and its empty output at INFO, which reads
    # like an error report at each start and stop of the embedded server.
    logging.getLogger("pgserver").setLevel(max(level, logging.WARNING))
