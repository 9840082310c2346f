"""What a GraphQL subscription's resolver builds on: ``updates``.

A subscription's resolver checks, at subscribe time, that the caller may read what it
asks for (the same permission and read functions as the matching query, in the
operation's first transaction), then returns ``updates(info, channel, read, ...)``.
For each notification ``updates`` authenticates the connection's token again
(exactly as an HTTP request would: a token that expired or a client revoked ends the
subscription), reloads the principal in a fresh, short tenant transaction (a removed
membership counts from the next delivery on), and gives the operation's context that
principal, transaction and new DataLoaders; the resolver reads the item again through
them (``read``) and yields what the caller's query would read. The transaction ends (rolled back:
deliveries only read) when the generator resumes after the item was sent.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable
from contextlib import aclosing
from typing import TypeVar

from coalition.api.context import Context, Info, LiveSource
from coalition.api.loaders import Loaders
from coalition.auth.authenticate import load_principal
from coalition.db.session import RequestTransaction
from coalition.errors import Unauthenticated
from coalition.live import Notification

T = TypeVar("T")


async def updates(
    info: Info,
    channel: str,
    read: Callable[[Notification], Awaitable[Iterable[T]]],
    *,
    topic_id: uuid.UUID | None = None,
) -> AsyncGenerator[T, None]:
    """What ``read`` makes of each notification of ``channel`` (of ``topic_id`` if
    given) in the caller's partnership: the items to send, read again through
    ``info.context`` (an empty list sends nothing). ``read`` raising ends the
    subscription with that error (a Forbidden once the caller may no longer read)."""
    async with aclosing(_deliveries(info, channel, topic_id)) as notifications:
        async for notification in notifications:
            for item in await read(notification):
                yield item


async def _deliveries(
    info: Info, channel: str, topic_id: uuid.UUID | None
) -> AsyncGenerator[Notification, None]:
    """The notifications of ``channel`` (of ``topic_id`` if given) in the caller's
    partnership, each with ``info.context`` bound to a fresh transaction and the
    reloaded principal; raises ``Unauthenticated`` once the token or the caller's
    access is gone, and ``Lagging`` if the client fell behind."""
    context = info.context
    source = context.live
    if source is None:
        raise RuntimeError("subscriptions run over the WebSocket endpoint only")
    tenant_id = context.require_principal().tenant_id
    if context.transaction is not None:
        # The subscribe-time checks are done: hold no connection while waiting.
        await context.transaction.finish(commit=False)
    notifications = source.hub.subscribe(channel, tenant_id, topic_id=topic_id)
    async with aclosing(notifications):
        async for notification in notifications:
            try:
                yield await _bound(context, source, tenant_id, notification)
            finally:
                # The items were sent: hold no connection until the next notification.
                if context.transaction is not None:
                    await context.transaction.finish(commit=False)


async def _bound(
    context: Context, source: LiveSource, tenant_id: uuid.UUID, notification: Notification
) -> Notification:
    """Authenticates the connection's token again and binds ``context`` to a fresh
    transaction and the principal reloaded in it."""
    identity = await source.authenticator.identify(source.token, tenant_slug=source.tenant_slug)
    if identity.tenant_id != tenant_id:
        raise Unauthenticated("The token is for another partnership.")
    transaction = RequestTransaction(source.sessions, tenant_id)
    context.transaction = transaction
    async with transaction.session() as session:
        context.principal = await load_principal(session, identity)
    context.loaders = Loaders(context)
    return notification


__all__ = ["updates"]
