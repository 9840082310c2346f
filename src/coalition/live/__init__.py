"""Live updates: PostgreSQL LISTEN/NOTIFY, so every server process hears of each change.

A service calls ``notify`` inside its transaction (delivered on commit, with ids only);
each process's ``Listener`` holds one LISTEN connection and hands what arrives to its
``Hub``; a reader iterates ``hub.subscribe(channel, tenant_id, topic_id=...)`` (the
app keeps its hub in ``app.state.live``) and reads each item again under its own
tenant transaction and principal. The GraphQL subscriptions (``coalition.api.
subscriptions``) and server-sent events (``coalition.live.sse``) are both fed this way.
"""

from __future__ import annotations

from coalition.live.hub import Hub, Lagging
from coalition.live.listener import Listener, listen_dsn
from coalition.live.notifications import Notification, notify

__all__ = ["Hub", "Lagging", "Listener", "Notification", "listen_dsn", "notify"]
