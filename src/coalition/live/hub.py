"""The in-process fan-out: each notification the listener receives goes to the queues
of this process's subscribers of its channel and partnership.

Every queue is bounded (``QUEUE_SIZE``): a subscriber that falls that far behind (a
client that stopped reading) is dropped, and its stream ends with ``Lagging``, rather
than holding notifications in memory without end. Its client subscribes again and
reads the current state.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field

from coalition.live.notifications import Notification

QUEUE_SIZE = 100


class Lagging(Exception):
    """The subscriber fell ``QUEUE_SIZE`` notifications behind and was dropped."""

    def __init__(self) -> None:
        super().__init__("Too many updates were waiting for this subscriber: subscribe again.")


@dataclass(eq=False)
class _Subscriber:
    topic_id: uuid.UUID | None
    queue: asyncio.Queue[Notification]
    is_lagging: bool = False


@dataclass
class Hub:
    queue_size: int = QUEUE_SIZE
    _subscribers: dict[tuple[str, uuid.UUID], set[_Subscriber]] = field(default_factory=dict)

    @property
    def subscriber_count(self) -> int:
        return sum(len(group) for group in self._subscribers.values())

    def publish(self, notification: Notification) -> None:
        """Hand ``notification`` to every subscriber of its channel and partnership (and
        of its topic, for those who chose one); never waits."""
        key = (notification.channel, notification.tenant_id)
        for subscriber in list(self._subscribers.get(key, ())):
            if subscriber.topic_id is not None and subscriber.topic_id != notification.topic_id:
                continue
            try:
                subscriber.queue.put_nowait(notification)
            except asyncio.QueueFull:
                subscriber.is_lagging = True
                self._remove(key, subscriber)

    async def subscribe(
        self, channel: str, tenant_id: uuid.UUID, *, topic_id: uuid.UUID | None = None
    ) -> AsyncGenerator[Notification, None]:
        """The notifications of ``channel`` in partnership ``tenant_id`` (only those of
        ``topic_id`` if given), from the first iteration until the caller stops; raises
        ``Lagging`` if the caller falls behind. Ids only: the caller reads each item
        again under the reader's own transaction and principal before showing it."""
        key = (channel, tenant_id)
        subscriber = _Subscriber(topic_id, asyncio.Queue(self.queue_size))
        self._subscribers.setdefault(key, set()).add(subscriber)
        try:
            while True:
                if subscriber.is_lagging:
                    raise Lagging()
                yield await subscriber.queue.get()
        finally:
            self._remove(key, subscriber)

    def _remove(self, key: tuple[str, uuid.UUID], subscriber: _Subscriber) -> None:
        group = self._subscribers.get(key)
        if group is None:
            return
        group.discard(subscriber)
        if not group:
            del self._subscribers[key]
