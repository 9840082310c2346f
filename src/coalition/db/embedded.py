"""The embedded PostgreSQL server a newcomer gets when DATABASE_URL is unset.

pgserver keeps two records in the data folder: ``postmaster.pid`` (PostgreSQL's
own: the server's PID and socket) and ``.handle_pids.json`` (the PIDs of the
processes using the server). A process removes its PID at exit, and the last one
out stops the server. A process killed by a signal never does, so its PID stays
and every later process believes someone else still uses the server and leaves
it running. Hence two rules here: before joining a server, drop the PIDs of
processes that are gone (and a ``postmaster.pid`` whose server is gone); and
while this process holds a handle, SIGTERM releases it before the process dies,
as SIGINT (KeyboardInterrupt, then ``atexit``) already does.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import threading
import warnings
from pathlib import Path
from types import FrameType
from typing import Any

logger = logging.getLogger(__name__)

_servers: dict[Path, Any] = {}
HANDLES = ".handle_pids.json"


class NoEmbeddedDatabase(RuntimeError):
    """DATABASE_URL is unset and the data folder holds no embedded database yet."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__(f"no embedded database in {data_dir}")
        self.data_dir = data_dir


def pgdata_of(data_dir: Path) -> Path:
    return (Path(data_dir) / "pgdata").resolve()


def embedded_database_exists(data_dir: Path) -> bool:
    """Whether ``data_dir`` holds an initialized embedded database (running or not)."""
    return (pgdata_of(data_dir) / "PG_VERSION").exists()


def embedded_server_uri(data_dir: Path, *, create: bool = True) -> str:
    """Start (or join) the embedded server whose data lives under ``data_dir``.

    With ``create=False`` a folder without a database raises ``NoEmbeddedDatabase``
    instead of initializing a new, empty one. The server keeps running while a
    process holds its handle; the last process to let go stops it (at exit, on
    SIGINT, and on SIGTERM).
    """
    pgdata = pgdata_of(data_dir)
    server = _servers.get(pgdata)
    if server is None:
        if not create and not embedded_database_exists(data_dir):
            raise NoEmbeddedDatabase(Path(data_dir))
        pgserver = _pgserver()
        pgdata.mkdir(parents=True, exist_ok=True)
        with pgserver.postgres_server.PostgresServer._lock:
            clean_stale_handles(pgdata)
        logger.info("starting embedded PostgreSQL in %s", pgdata)
        server = pgserver.get_server(pgdata, cleanup_mode="stop")
        _servers[pgdata] = server
        _release_on_sigterm()
    return str(server.get_uri())


def stop_embedded_server(data_dir: Path) -> None:
    """Let go of the embedded server of ``data_dir`` now, stopping it if no other process
    uses it (before its folder is deleted: a server whose folder is gone can no longer
    be stopped at exit)."""
    server = _servers.pop(pgdata_of(data_dir), None)
    if server is not None:
        server.cleanup()


def stop_embedded_servers() -> None:
    """Let go of every embedded server this process joined."""
    for pgdata in list(_servers):
        server = _servers.pop(pgdata)
        try:
            server.cleanup()
        except Exception:  # the process is going away: report, then release the rest
            logger.exception("could not stop the embedded server in %s", pgdata)


def is_alive(pid: int) -> bool:
    """Whether process ``pid`` runs. A zombie (exited, not yet reaped by its parent:
    PID 1 here reaps nothing) does not."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True  # no /proc (macOS): kill(0) succeeded
    for line in status.splitlines():
        if line.startswith("State:"):
            return line.split()[1] not in ("Z", "X")
    return True


def postmaster_runs(pid: int, pgdata: Path) -> bool:
    """Whether ``pid`` is a live PostgreSQL server of ``pgdata`` (not a recycled PID)."""
    if not is_alive(pid):
        return False
    try:
        arguments = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return True  # no /proc: trust the live PID, as pgserver does
    return str(pgdata).encode() in arguments


def clean_stale_handles(pgdata: Path) -> None:
    """Forget the handles of processes that are gone, and the ``postmaster.pid`` (with
    its socket lock) of a server that is gone, so the next process joins or starts the
    server correctly and stops it when it is the last one out."""
    handles = pgdata / HANDLES
    if handles.exists():
        try:
            pids = [int(pid) for pid in json.loads(handles.read_text())]
        except (ValueError, TypeError):
            pids = []
        alive = [pid for pid in pids if pid != os.getpid() and is_alive(pid)]
        if alive != pids:
            logger.info("forgetting stale handles %s", sorted(set(pids) - set(alive)))
            handles.write_text(json.dumps(alive))
    postmaster = pgdata / "postmaster.pid"
    try:
        lines = postmaster.read_text().splitlines()
        pid = int(lines[0])
    except (OSError, ValueError, IndexError):
        return
    if postmaster_runs(pid, pgdata):
        return
    logger.info("removing the postmaster.pid of server %s, which is gone", pid)
    socket_dir = Path(lines[4].strip()) if len(lines) > 4 and lines[4].strip() else pgdata
    port = lines[3].strip() if len(lines) > 3 and lines[3].strip() else "5432"
    for stale in (socket_dir / f".s.PGSQL.{port}.lock", socket_dir / f".s.PGSQL.{port}"):
        stale.unlink(missing_ok=True)
    postmaster.unlink(missing_ok=True)


def _pgserver() -> Any:
    with warnings.catch_warnings():
        # pgserver asks platformdirs for a runtime dir; without XDG_RUNTIME_DIR it falls
        # back to /tmp/runtime-<uid> and warns, which is fine for us.
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        import pgserver
        import pgserver.postgres_server

    return pgserver


def _release_on_sigterm() -> None:
    """On SIGTERM, let go of our servers, then die of the signal as before.

    Only where nobody else chose what SIGTERM does. uvicorn installs its own
    handler while it serves, and when it has shut down it restores this one and
    raises the signal again, so ``coalition serve`` gets here too.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return

    def release(signum: int, frame: FrameType | None) -> None:
        stop_embedded_servers()
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    signal.signal(signal.SIGTERM, release)


__all__ = [
    "NoEmbeddedDatabase",
    "clean_stale_handles",
    "embedded_database_exists",
    "embedded_server_uri",
    "is_alive",
    "stop_embedded_server",
    "stop_embedded_servers",
]
