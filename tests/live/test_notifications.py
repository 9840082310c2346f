"""The notifier, listener and hub in one process: a notification is delivered only when
its transaction commits, a slow subscriber is dropped instead of growing, and the
server-sent events helper frames what the hub delivers."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from coalition.config import Settings
from coalition.db.engine import create_session_factory
from coalition.db.urls import app_url
from coalition.live import Hub, Lagging, Listener, Notification, listen_dsn, notify
from coalition.live.sse import event_stream

CHANNEL = "test.changed"


@pytest.fixture
async def hub(settings: Settings) -> AsyncIterator[Hub]:
    """A hub fed by a listener of its own on the suite's database."""
    hub = Hub()
    listener = Listener(listen_dsn(app_url(settings)), hub)
    task = asyncio.create_task(listener.run())
    await asyncio.wait_for(listener.connected.wait(), 5)
    yield hub
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def registered(hub: Hub, count: int = 1) -> None:
    """Until ``count`` subscribers are registered (a subscription starts at its first
    iteration), for a second at most."""
    for _ in range(100):
        if hub.subscriber_count == count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{hub.subscriber_count} subscribers, not {count}")


async def first_of(notifications: AsyncIterator[Notification], seconds: float) -> Notification:
    return await asyncio.wait_for(anext(notifications), seconds)


async def test_only_what_commits_is_delivered(hub: Hub, app_engine: AsyncEngine) -> None:
    tenant, topic = uuid.uuid4(), uuid.uuid4()
    rolled_back, in_savepoint, committed = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    notifications = hub.subscribe(CHANNEL, tenant)
    waiting = asyncio.ensure_future(first_of(notifications, 2.0))
    await registered(hub)
    sessions = create_session_factory(app_engine)

    async with sessions() as session:
        await session.begin()
        await notify(session, CHANNEL, tenant_id=tenant, topic_id=topic, item_id=rolled_back)
        await session.rollback()
    async with sessions() as session, session.begin():
        savepoint = await session.begin_nested()
        await notify(session, CHANNEL, tenant_id=tenant, topic_id=topic, item_id=in_savepoint)
        await savepoint.rollback()
        await notify(session, CHANNEL, tenant_id=tenant, topic_id=topic, item_id=committed)

    assert await waiting == Notification(CHANNEL, tenant, topic, committed)
    with pytest.raises(TimeoutError):
        await first_of(notifications, 0.5)
    await notifications.aclose()
    assert hub.subscriber_count == 0


async def test_a_subscriber_hears_only_its_channel_partnership_and_topic() -> None:
    hub = Hub()
    tenant, topic = uuid.uuid4(), uuid.uuid4()
    notifications = hub.subscribe(CHANNEL, tenant, topic_id=topic)
    waiting = asyncio.ensure_future(first_of(notifications, 1.0))
    await registered(hub)
    wanted = Notification(CHANNEL, tenant, topic, uuid.uuid4())

    hub.publish(Notification("test.other", tenant, topic, uuid.uuid4()))
    hub.publish(Notification(CHANNEL, uuid.uuid4(), topic, uuid.uuid4()))
    hub.publish(Notification(CHANNEL, tenant, uuid.uuid4(), uuid.uuid4()))
    hub.publish(wanted)

    assert await waiting == wanted
    await notifications.aclose()


async def test_a_subscriber_that_falls_behind_is_dropped() -> None:
    hub = Hub(queue_size=2)
    tenant = uuid.uuid4()
    notifications = hub.subscribe(CHANNEL, tenant)
    waiting = asyncio.ensure_future(first_of(notifications, 1.0))
    await registered(hub)
    sent = [Notification(CHANNEL, tenant, None, uuid.uuid4()) for _ in range(4)]

    hub.publish(sent[0])
    assert await waiting == sent[0]
    for notification in sent[1:]:
        hub.publish(notification)

    assert hub.subscriber_count == 0
    with pytest.raises(Lagging):
        await first_of(notifications, 1.0)


async def test_server_sent_events_frame_each_rendered_notification() -> None:
    hub = Hub()
    tenant = uuid.uuid4()
    shown, hidden = uuid.uuid4(), uuid.uuid4()

    async def render(notification: Notification) -> str | None:
        return None if notification.item_id == hidden else f'{{"id": "{notification.item_id}"}}'

    frames = event_stream(hub.subscribe(CHANNEL, tenant), render, keepalive_seconds=0.2)
    assert await asyncio.wait_for(anext(frames), 1.0) == ": keepalive\n\n"
    await registered(hub)
    hub.publish(Notification(CHANNEL, tenant, None, hidden))
    hub.publish(Notification(CHANNEL, tenant, None, shown))

    assert await asyncio.wait_for(anext(frames), 1.0) == (
        f'event: {CHANNEL}\nid: {shown}\ndata: {{"id": "{shown}"}}\n\n'
    )
    await frames.aclose()  # type: ignore[attr-defined]
    assert hub.subscriber_count == 0


async def test_server_sent_events_can_name_every_frame_refresh() -> None:
    hub = Hub()
    tenant, item = uuid.uuid4(), uuid.uuid4()

    async def render(notification: Notification) -> str | None:
        return ""

    frames = event_stream(hub.subscribe(CHANNEL, tenant), render, event="refresh")
    waiting = asyncio.ensure_future(asyncio.wait_for(anext(frames), 1.0))
    await registered(hub)
    hub.publish(Notification(CHANNEL, tenant, None, item))

    assert await waiting == f"event: refresh\nid: {item}\ndata: \n\n"
    await frames.aclose()  # type: ignore[attr-defined]
