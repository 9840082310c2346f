"""API servers in processes of their own (``coalition serve``) on free ports of
127.0.0.1, on the suite's database, for the tests that need real separate servers (the
soak tier, live updates across processes)."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

import coalition
from coalition.config import Settings

START_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def server_command(settings: Settings, port: int) -> tuple[list[str], dict[str, str]]:
    """``coalition serve`` on ``port``, on the suite's database, with this checkout's code."""
    source = str(Path(coalition.__file__).resolve().parents[1])
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [source, os.environ.get("PYTHONPATH")])),
        "DATABASE_URL": settings.database_url or "",
        "COALITION_DATA_DIR": str(settings.data_dir),
        "COALITION_APP_ROLE": settings.app_role,
    }
    command = [sys.executable, "-m", "coalition.cli", "serve", "--host", "127.0.0.1"]
    return [*command, "--port", str(port)], env


def logged(log: Path) -> str:
    return log.read_text(errors="replace")


@asynccontextmanager
async def served(settings: Settings, log: Path) -> AsyncIterator[tuple[int, str]]:
    """The API in a process of its own on a free port; yields its pid and base URL. The
    process is stopped (SIGTERM, then SIGKILL after 15 s) whatever happens."""
    port = free_port()
    command, env = server_command(settings, port)
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            *command, env=env, stdout=output, stderr=asyncio.subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=2.0) as probe:
            deadline = time.monotonic() + START_TIMEOUT
            while True:
                assert process.returncode is None, logged(log)
                try:
                    if (await probe.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "the server did not start in time"
                await asyncio.sleep(0.1)
        yield process.pid, base
    finally:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 15)
        except TimeoutError:
            process.kill()
            await asyncio.wait_for(process.wait(), 15)
