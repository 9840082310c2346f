"""Live regions: a page's region refreshed when what it shows changes.

A stream route (``/funds/<pool>/live``) is opened by ``static/app.js`` for each element
with ``data-live``: it is the notifications of one channel and topic in the person's
partnership (``coalition.live``, fed by LISTEN/NOTIFY, so a change made through any
server process arrives), as ``refresh`` server-sent events that carry only the changed
item's id; the browser then fetches the page again, as the person, and swaps the region.
Before the stream opens, and again before each event, the person's GraphQL must still
read the page's subject (``check``): a person who may not read the pool gets a 403 and no
stream, and one who loses access (a removed membership) has the stream ended.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

from starlette.responses import Response

from coalition.errors import Unauthenticated
from coalition.ids import parse_global_id
from coalition.live.notifications import Notification
from coalition.live.sse import sse_response
from coalition.web.visit import PAGE_ERRORS, NotFound, Visit

# Whether a check's answer says the person may follow the page's subject.
Readable = Callable[[dict[str, Any]], bool]


async def _while_readable(
    notifications: AsyncIterator[Notification],
    visit: Visit,
    check: str,
    variables: dict[str, Any],
    readable: Readable,
) -> AsyncIterator[Notification]:
    try:
        async for notification in notifications:
            try:
                data = await visit.ask(check, **variables)
            except (*PAGE_ERRORS, Unauthenticated):
                return
            if not readable(data):
                return
            yield notification
    finally:
        close = getattr(notifications, "aclose", None)
        if close is not None:
            await close()


async def _item(notification: Notification) -> str:
    return str(notification.item_id)


async def live_region(
    visit: Visit,
    *,
    channel: str,
    type_name: str,
    global_id: str,
    check: str,
    readable: Readable,
) -> Response:
    """The refresh stream of one object the page shows (``global_id`` of ``type_name``),
    if what the person's GraphQL answers to ``check`` is ``readable``."""
    decoded = parse_global_id(global_id, type_name)
    if decoded is None:
        raise NotFound
    variables = {"id": global_id}
    if not readable(await visit.ask(check, **variables)):
        raise NotFound
    topic: uuid.UUID = decoded[1]
    notifications = visit.request.app.state.live.subscribe(channel, visit.tenant_id, topic_id=topic)
    return sse_response(
        _while_readable(notifications, visit, check, variables, readable),
        _item,
        event="refresh",
    )
