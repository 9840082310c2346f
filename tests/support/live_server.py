"""The app served by uvicorn on a free local port, in the test's own event loop."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import uvicorn
from starlette.applications import Starlette


@asynccontextmanager
async def live_server(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """``app`` (its lifespan already running) served by uvicorn on a free local port, in
    this event loop: a request that blocks the loop delays every other one."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, lifespan="off", log_level="warning", log_config=None
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(15):
            while not server.started:
                if task.done():
                    task.result()
                await asyncio.sleep(0.02)
        port = server.servers[0].sockets[0].getsockname()[1]
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", timeout=httpx.Timeout(30.0)
        ) as client:
            yield client
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=15)
