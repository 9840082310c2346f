"""Server-sent events fed by the same notifications as the GraphQL subscriptions.

``event_stream`` turns a hub subscription into ``text/event-stream`` frames: for each
notification it awaits ``render`` (which reads the item again under the reader's own
tenant transaction and principal, and returns the frame's data, or None to send
nothing), and sends a comment every ``keepalive_seconds`` so proxies keep the
connection open. Each frame's event is ``event`` if given (the web pages' ``refresh``:
``static/app.js`` refetches the region), else the notification's channel. A reader
that falls behind gets a ``lagging`` event and the stream ends (``EventSource``
connects again by itself).

A route serving one: ``sse_response(request.app.state.live.subscribe(channel,
tenant_id, topic_id=...), render)``, where ``render`` opens a ``tenant_transaction``
and reads the item with the reader's principal (reloaded, so a removed membership
stops the stream), through the same permission and read functions as the page.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

from starlette.responses import StreamingResponse

from coalition.live.hub import Lagging
from coalition.live.notifications import Notification

KEEPALIVE_SECONDS = 15.0
Render = Callable[[Notification], Awaitable[str | None]]


def frame(data: str, *, event: str | None = None, event_id: str | None = None) -> str:
    lines = [] if event is None else [f"event: {event}"]
    if event_id is not None:
        lines.append(f"id: {event_id}")
    lines.extend(f"data: {line}" for line in data.split("\n"))
    return "\n".join(lines) + "\n\n"


async def event_stream(
    notifications: AsyncIterator[Notification],
    render: Render,
    *,
    event: str | None = None,
    keepalive_seconds: float = KEEPALIVE_SECONDS,
) -> AsyncIterator[str]:
    # The next notification is awaited in a task of its own, never cancelled by the
    # keepalive's timeout: cancelling it would end the hub's subscription.
    pending: asyncio.Future[Notification] | None = None
    try:
        while True:
            if pending is None:
                pending = asyncio.ensure_future(anext(notifications))
            done, _ = await asyncio.wait({pending}, timeout=keepalive_seconds)
            if not done:
                yield ": keepalive\n\n"
                continue
            finished, pending = pending, None
            try:
                notification = finished.result()
            except StopAsyncIteration:
                return
            except Lagging as error:
                yield frame(str(error), event="lagging")
                return
            data = await render(notification)
            if data is not None:
                yield frame(
                    data, event=event or notification.channel, event_id=str(notification.item_id)
                )
    finally:
        if pending is not None:
            pending.cancel()
            # Let the cancellation finish before closing: a generator cannot be closed
            # while it runs.
            await asyncio.wait({pending})
        close = getattr(notifications, "aclose", None)
        if close is not None:
            await close()


def sse_response(
    notifications: AsyncIterator[Notification],
    render: Render,
    *,
    event: str | None = None,
    keepalive_seconds: float = KEEPALIVE_SECONDS,
) -> StreamingResponse:
    """A ``text/event-stream`` response of ``event_stream``; not cached, not buffered."""
    return StreamingResponse(
        event_stream(notifications, render, event=event, keepalive_seconds=keepalive_seconds),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
