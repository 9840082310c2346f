"""The embedded PostgreSQL server a newcomer gets when DATABASE_URL is unset."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

_servers: dict[Path, Any] = {}


def embedded_server_uri(data_dir: Path) -> str:
    """Start (or join) the embedded server whose data lives under ``data_dir``.

    The server keeps running while this process holds its handle; pgserver
    stops it when the last process using the folder exits.
    """
    with warnings.catch_warnings():
        # pgserver asks platformdirs for a runtime dir; without XDG_RUNTIME_DIR it falls
        # back to /tmp/runtime-<uid> and warns, which is fine for us.
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        import pgserver

    pgdata = (data_dir / "pgdata").resolve()
    server = _servers.get(pgdata)
    if server is None:
        pgdata.mkdir(parents=True, exist_ok=True)
        logger.info("starting embedded PostgreSQL in %s", pgdata)
        server = pgserver.get_server(pgdata, cleanup_mode="stop")  # type: ignore[attr-defined]
        _servers[pgdata] = server
    return str(server.get_uri())


def stop_embedded_server(data_dir: Path) -> None:
    """Stop the embedded server of ``data_dir`` now (before its folder is deleted: a
    server whose folder is gone can no longer be stopped at exit)."""
    server = _servers.pop((data_dir / "pgdata").resolve(), None)
    if server is not None:
        server.cleanup()
