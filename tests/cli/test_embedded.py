"""The embedded PostgreSQL of ``COALITION_DATA_DIR`` (DATABASE_URL unset), with real
processes: whoever is the last to let go of it stops it, on exit, on SIGINT and on
SIGTERM, and a handle left by a killed process does not keep it running.

PID 1 on this machine reaps no orphans, so a stopped postmaster may stay a zombie:
``postgres_of`` counts only processes that still run.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from coalition.db.embedded import HANDLES, clean_stale_handles, is_alive
from tests.support.cli import COALITION, postgres_of, process_env, run_process

Embedded = tuple[Path, dict[str, str]]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_stopped(pgdata: Path, seconds: float = 30) -> list[int]:
    deadline = time.monotonic() + seconds
    while (running := postgres_of(pgdata)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return running


def handles(pgdata: Path) -> list[int]:
    path = pgdata / HANDLES
    return json.loads(path.read_text()) if path.exists() else []


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Embedded]:
    """A data folder migrated by ``coalition db upgrade`` with DATABASE_URL unset."""
    data = tmp_path_factory.mktemp("embedded")
    env = process_env(COALITION_DATA_DIR=str(data), COALITION_APP_ROLE="coalition_embedded_app")
    done = run_process(["db", "upgrade"], env, timeout=300)
    assert done.returncode == 0, done.stderr
    yield data, env
    for pid in postgres_of(data / "pgdata"):  # a failed test's server: ours to stop
        os.kill(pid, signal.SIGQUIT)
    wait_until_stopped(data / "pgdata")


def test_db_upgrade_leaves_no_server_running(embedded: Embedded) -> None:
    data, _ = embedded

    assert (data / "pgdata" / "PG_VERSION").exists()
    assert wait_until_stopped(data / "pgdata") == []
    assert handles(data / "pgdata") == []


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_stopped_by_a_signal_stops_the_embedded_server(
    embedded: Embedded, stop: signal.Signals
) -> None:
    # given: coalition serve, up and answering
    data, env = embedded
    pgdata = data / "pgdata"
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - our own CLI
        [*COALITION, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            assert time.monotonic() < deadline, "serve did not answer /healthz"
            time.sleep(0.2)
        assert len(postgres_of(pgdata)) == 1

        # when
        server.send_signal(stop)
        server.wait(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=10)

    # then
    assert wait_until_stopped(pgdata) == []
    assert handles(pgdata) == []


def test_a_handle_left_by_a_killed_process_is_cleaned(embedded: Embedded) -> None:
    # given: a process joined the server and was killed before it could let go
    data, env = embedded
    pgdata = data / "pgdata"
    joined = subprocess.Popen(  # noqa: S603 - this interpreter
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; "
            "from coalition.db.embedded import embedded_server_uri; "
            "embedded_server_uri(Path(sys.argv[1])); print('up', flush=True); time.sleep(600)",
            str(data),
        ],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert joined.stdout is not None
        assert joined.stdout.readline() == "up\n"
    finally:
        joined.kill()
        joined.wait(timeout=10)
    assert handles(pgdata) == [joined.pid]
    assert len(postgres_of(pgdata)) == 1

    # when: the next command on that folder
    done = run_process(["keys", "list"], env)

    # then: it joined the server, and as the last one out it stopped it
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\tsigning") == 1
    assert wait_until_stopped(pgdata) == []
    assert handles(pgdata) == []


def test_a_zombie_is_not_alive() -> None:
    # given: a child that exited and that nobody reaped yet
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.monotonic() + 10
    while Path(f"/proc/{child.pid}/status").read_text().count("State:\tZ") == 0:
        assert time.monotonic() < deadline
        time.sleep(0.05)

    # then
    try:
        assert is_alive(child.pid) is False
        assert is_alive(os.getpid()) is True
    finally:
        child.wait(timeout=10)


def test_a_postmaster_pid_of_a_process_that_is_no_postmaster_is_removed(tmp_path: Path) -> None:
    # given: a postmaster.pid naming this test process (alive, but not a server of it)
    # and handles of a process that is gone
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait(timeout=10)
    (tmp_path / "postmaster.pid").write_text(
        f"{os.getpid()}\n{tmp_path}\n1700000000\n5432\n{tmp_path}\n\n  1  2\nready\n"
    )
    (tmp_path / ".s.PGSQL.5432.lock").write_text(f"{os.getpid()}\n")
    (tmp_path / HANDLES).write_text(json.dumps([gone.pid]))

    # when
    clean_stale_handles(tmp_path)

    # then
    assert sorted(path.name for path in tmp_path.iterdir()) == [HANDLES]
    assert handles(tmp_path) == []
