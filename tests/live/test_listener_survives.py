"""The server's own listener outlives its connection being killed, again and again (as
the suite's resilience tests kill every backend of the app role, the LISTEN connection
included): each time it connects again and delivers what is committed after. Only the
listener's own backend is killed here, so no other test's pooled connection dies."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import text
from starlette.applications import Starlette

from coalition.config import Settings
from coalition.db.engine import SessionFactory
from coalition.live.listener import APPLICATION_NAME
from coalition.live.notifications import notify

TERMINATE = (
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
    "WHERE usename = :role AND datname = current_database() AND application_name = :name"
)
CHANNEL = "tests.listener_survives"


async def test_the_listener_connects_again_after_each_kill_and_delivers(
    app: Starlette, owner_sessions: SessionFactory, settings: Settings
) -> None:
    listener, hub = app.state.listener, app.state.live
    tenant = uuid.uuid4()
    for _ in range(3):
        before = listener.connection_count
        async with owner_sessions() as session, session.begin():
            killed = await session.scalar(
                text(TERMINATE), {"role": settings.app_role, "name": APPLICATION_NAME}
            )
        assert killed and killed >= 1
        async with asyncio.timeout(20):
            # The count moves when it listens again (no event says "connected again").
            while listener.connection_count == before or not listener.connected.is_set():  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        item = uuid.uuid4()
        received = hub.subscribe(CHANNEL, tenant)
        waiting = asyncio.ensure_future(anext(received))
        await asyncio.sleep(0.05)  # subscribed before the notification
        async with owner_sessions() as session, session.begin():
            await notify(session, CHANNEL, tenant_id=tenant, topic_id=None, item_id=item)
        notification = await asyncio.wait_for(waiting, timeout=2)
        assert notification.item_id == item
        await received.aclose()
