"""One LISTEN connection per server process, fanning notifications out to the hub.

The connection is asyncpg's own, outside the engine's pool (it stays open for the
process's lifetime and must not take a request's slot). When it drops (a restart, a
failover, ``pg_terminate_backend``) the listener connects again with backoff; a
keepalive query finds a connection that died silently. Notifications sent while it was
away are lost: a subscriber sees the changes made after it reconnected.
"""

from __future__ import annotations

import asyncio
import logging
import random

import asyncpg
from sqlalchemy.engine import URL

from coalition.live.hub import Hub
from coalition.live.notifications import PG_CHANNEL, Notification

logger = logging.getLogger("coalition.live")

APPLICATION_NAME = "coalition live"
CONNECT_TIMEOUT = 10.0
KEEPALIVE_SECONDS = 5.0
FIRST_DELAY = 0.1
MAX_DELAY = 10.0


def listen_dsn(url: URL) -> str:
    """asyncpg's DSN for a SQLAlchemy URL (``postgresql+asyncpg://``)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class Listener:
    def __init__(self, dsn: str, hub: Hub) -> None:
        self._dsn = dsn
        self._hub = hub
        self.connected = asyncio.Event()
        self.connection_count = 0

    async def run(self) -> None:
        """Listen until cancelled, connecting again whenever the connection is lost."""
        delay = FIRST_DELAY
        while True:
            try:
                connection = await asyncpg.connect(
                    self._dsn,
                    timeout=CONNECT_TIMEOUT,
                    server_settings={"application_name": APPLICATION_NAME},
                )
            except Exception as error:  # any failure to connect: try again later
                logger.warning("live updates: cannot connect (%s); again in %.1f s", error, delay)
            else:
                delay = FIRST_DELAY
                try:
                    await self._listen(connection)
                except Exception as error:
                    # Whatever the connection raised as it died (a dropped socket, asyncpg's
                    # InterfaceError or InternalClientError mid-keepalive): connect again.
                    # Only cancellation (the server stopping) ends the loop.
                    logger.warning("live updates: the connection was lost (%r)", error)
                finally:
                    self.connected.clear()
                    connection.terminate()
            await asyncio.sleep(delay * random.uniform(1.0, 1.5))
            delay = min(delay * 2, MAX_DELAY)

    async def _listen(self, connection: asyncpg.Connection) -> None:
        lost = asyncio.Event()
        connection.add_termination_listener(lambda _: lost.set())
        await connection.add_listener(PG_CHANNEL, self._received)
        self.connection_count += 1
        self.connected.set()
        if self.connection_count > 1:
            logger.info("live updates: listening again")
        while not lost.is_set():
            try:
                await asyncio.wait_for(lost.wait(), KEEPALIVE_SECONDS)
            except TimeoutError:
                await asyncio.wait_for(connection.fetchval("SELECT 1"), KEEPALIVE_SECONDS)
        logger.warning("live updates: the connection was closed")

    def _received(self, connection: object, pid: int, channel: str, payload: object) -> None:
        notification = Notification.decode(str(payload))
        if notification is None:
            logger.warning("live updates: ignored a notification that is not ours")
            return
        self._hub.publish(notification)
