"""The three commands a newcomer runs (db upgrade, demo, serve), as real processes,
against an empty database given only as the owner's DATABASE_URL.

On the embedded server the URL is a Unix socket; with TEST_DATABASE_URL it is
usually TCP, so CI's two runs cover both.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import URL

COALITION = [sys.executable, "-m", "coalition.cli"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
async def empty_database(owner_url: URL) -> Iterator[URL]:
    name = f"coalition_e2e_{uuid.uuid4().hex[:8]}"
    dsn = owner_url.set(drivername="postgresql", database="postgres")
    admin = await asyncpg.connect(dsn.render_as_string(hide_password=False))
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    yield owner_url.set(database=name)
    admin = await asyncpg.connect(dsn.render_as_string(hide_password=False))
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own CLI
        [*COALITION, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


async def test_upgrade_demo_serve_on_an_empty_database(empty_database: URL, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": empty_database.set(drivername="postgresql").render_as_string(
            hide_password=False
        ),
        "COALITION_DATA_DIR": str(tmp_path),
        "COALITION_APP_ROLE": "coalition_e2e_app",
        "COALITION_ENV": "development",
    }
    for command in (["db", "upgrade"], ["demo"], ["demo"]):
        done = _run(command, env)
        assert done.returncode == 0, done.stderr

    token = _run(
        ["token", "--tenant", "metro-healthcare", "--email", "admin@metro-healthcare.example"], env
    )
    assert token.returncode == 0, token.stderr
    assert token.stdout.count("\n") == 1
    assert token.stdout.count(".") == 2

    port = _free_port()
    server = subprocess.Popen(  # noqa: S603, ASYNC220 - our own CLI, started once
        [*COALITION, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base, timeout=5.0) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    ready = await client.get("/readyz")
                    if ready.status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "server did not become ready"
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                await asyncio.sleep(0.2)
            response = await client.post(
                "/graphql",
                json={"query": "{ viewer { label roles } organizations { totalCount } }"},
                headers={"Authorization": f"Bearer {token.stdout.strip()}"},
            )
    finally:
        server.terminate()
        server.wait(timeout=30)

    assert response.status_code == 200
    assert response.json() == {
        "data": {
            "viewer": {"label": "admin@metro-healthcare.example", "roles": ["PARTNERSHIP_ADMIN"]},
            "organizations": {"totalCount": 10},
        },
        "extensions": {"cost": {"requestedQueryCost": 24, "maximumQueryCost": 20_000}},
    }
