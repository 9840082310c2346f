"""What a change tells the other server processes: ids only, sent with ``pg_notify``.

A notification names the channel (what changed: a ledger posting, a release, a
registration), the partnership, the object it concerns (``topic_id``: the pool, the
event) and the item (the ledger transaction, the release, the registration). It never
carries data: a subscriber reads the item again under its own tenant transaction and
principal, so what it is given is exactly what its own query would read.

``notify`` runs inside the writing transaction: PostgreSQL delivers the notification
when that transaction commits, and never if it (or the savepoint it was sent in) rolls
back.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

# The one PostgreSQL channel every process listens on; ``Notification.channel`` says
# what changed.
PG_CHANNEL = "coalition_live"


@dataclass(frozen=True)
class Notification:
    channel: str
    tenant_id: uuid.UUID
    topic_id: uuid.UUID | None
    item_id: uuid.UUID

    def encode(self) -> str:
        return json.dumps(
            {
                "c": self.channel,
                "t": str(self.tenant_id),
                "o": None if self.topic_id is None else str(self.topic_id),
                "i": str(self.item_id),
            },
            separators=(",", ":"),
        )

    @classmethod
    def decode(cls, payload: str) -> Notification | None:
        """The notification, or None for a payload that is not one of ours."""
        try:
            fields = json.loads(payload)
            topic = fields["o"]
            return cls(
                channel=str(fields["c"]),
                tenant_id=uuid.UUID(fields["t"]),
                topic_id=None if topic is None else uuid.UUID(topic),
                item_id=uuid.UUID(fields["i"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return None


async def notify(
    session: AsyncSession,
    channel: str,
    *,
    tenant_id: uuid.UUID,
    topic_id: uuid.UUID | None,
    item_id: uuid.UUID,
) -> None:
    """Tell every server process, once the caller's transaction commits, that ``item_id``
    changed on ``channel``. The caller owns the transaction, as for any write."""
    notification = Notification(channel, tenant_id, topic_id, item_id)
    await session.execute(
        text("SELECT pg_notify(:channel, :payload)"),
        {"channel": PG_CHANNEL, "payload": notification.encode()},
    )
