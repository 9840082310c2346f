"""A graphql-transport-ws client over the ``websockets`` package, for the live tests."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

PROTOCOL = "graphql-transport-ws"
# A subscription is registered in the server's hub a moment after its subscribe message
# arrives (no message says so): changes are made after this pause.
SETTLE_SECONDS = 0.3


class Subscriber:
    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection

    async def send(self, message: dict[str, Any]) -> None:
        await self.connection.send(json.dumps(message))

    async def receive(self, seconds: float = 1.0) -> dict[str, Any]:
        """The next message, within ``seconds`` (else the test fails)."""
        text = await asyncio.wait_for(self.connection.recv(), seconds)
        message: dict[str, Any] = json.loads(text)
        return message

    async def subscribe(
        self, operation_id: str, query: str, variables: dict[str, Any] | None = None
    ) -> None:
        await self.send(
            {
                "id": operation_id,
                "type": "subscribe",
                "payload": {"query": query, "variables": variables or {}},
            }
        )

    async def nothing_within(self, seconds: float) -> None:
        """Fails if any message arrives within ``seconds``."""
        try:
            message = await asyncio.wait_for(self.connection.recv(), seconds)
        except TimeoutError:
            return
        raise AssertionError(f"expected nothing, got {message!r}")

    async def close_code(self, seconds: float = 2.0) -> int | None:
        """The code the server closed the connection with (waits at most ``seconds``)."""
        deadline = time.monotonic() + seconds
        try:
            while time.monotonic() < deadline:
                await asyncio.wait_for(self.connection.recv(), deadline - time.monotonic())
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd is not None else None
        raise AssertionError("the server did not close the connection")


def ws_url(base: str) -> str:
    return base.replace("http://", "ws://", 1) + "/graphql"


@asynccontextmanager
async def opened(base: str) -> AsyncIterator[Subscriber]:
    """A connection to the server's WebSocket endpoint, not yet initialised."""
    async with connect(ws_url(base), subprotocols=[PROTOCOL], open_timeout=5) as connection:  # type: ignore[list-item]
        yield Subscriber(connection)


@asynccontextmanager
async def subscriber(base: str, token: str) -> AsyncIterator[Subscriber]:
    """A connection initialised with ``token`` and acknowledged."""
    async with opened(base) as client:
        authorization = {"Authorization": f"Bearer {token}"}
        await client.send({"type": "connection_init", "payload": authorization})
        assert await client.receive(5.0) == {"type": "connection_ack"}
        yield client
