"""The limits on anonymous registration attempts: per client address per event, and per
event from everyone (``Settings.registration_*``).

An attempt is kept as a row of ``event_registration_attempts``: the event, an
HMAC-SHA256 of the client's address under a server secret (never the address: the
table cannot be read back into addresses without the key), and when. ``admit`` runs
in the request's transaction *outside* the registration's savepoint, so the attempt
counts even when the registration itself is refused with a userError; an attempt over
either limit is refused with RATE_LIMITED and writes nothing (a flood cannot grow the
table). Rows older than the longer window are deleted as the event's attempts come in.

The bound: ``admit`` is called with the event's row already locked (``FOR UPDATE``,
held until the request's transaction ends), so the attempts of one event are counted
and recorded one at a time and none commits unseen by the next: the limits are exact,
never raced past. Attempts older than the window's start are not counted, so a
steady caller gets ``registration_attempts_per_address`` attempts per window.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.config import Settings
from coalition.db.scoping import in_tenant
from coalition.db.urls import app_url
from coalition.errors import InvalidInput, UserError
from coalition.events.models import RegistrationAttempt

RATE_LIMITED = "RATE_LIMITED"


@lru_cache(maxsize=8)
def _derived_key(database_url: str) -> bytes:
    return hashlib.sha256(
        b"coalition event registration addresses\0" + database_url.encode()
    ).digest()


def address_key(settings: Settings) -> bytes:
    """The HMAC key: the configured secret, or one derived from the API's database URL
    with its password (the same for every server of one database, different per database)."""
    if settings.registration_address_secret is not None:
        return settings.registration_address_secret.get_secret_value().encode()
    return _derived_key(app_url(settings).render_as_string(hide_password=False))


def address_hash(settings: Settings, address: str | None) -> str:
    """The keyed hash (hex) of a client address; a request with none counts as one address."""
    text = (address or "unknown").strip().lower()
    return hmac.new(address_key(settings), text.encode(), hashlib.sha256).hexdigest()


async def admit(
    session: AsyncSession,
    settings: Settings,
    *,
    tenant_id: uuid.UUID,
    event_id: uuid.UUID,
    address: str | None,
    now: datetime | None = None,
) -> None:
    """Record one attempt to register for the event from ``address``, or raise
    InvalidInput (RATE_LIMITED, nothing written) when it is over a limit.

    The caller must hold the event's row lock (see the module's note on the bound)."""
    now = now or datetime.now(UTC)
    hashed = address_hash(settings, address)
    address_since = now - timedelta(seconds=settings.registration_address_window_seconds)
    event_since = now - timedelta(seconds=settings.registration_event_window_seconds)
    oldest = min(address_since, event_since)
    attempt = RegistrationAttempt
    mine = in_tenant(attempt, tenant_id) & (attempt.event_id == event_id)
    # One statement: the pruning runs as a data-modifying CTE (PostgreSQL runs it to
    # completion whether or not its rows are read), the counts over the window.
    pruned = (
        delete(attempt)
        .where(mine, attempt.attempted_at < oldest)
        .returning(attempt.id)
        .cte("pruned")
    )
    counts = (
        await session.execute(
            select(
                func.count().filter(attempt.attempted_at >= event_since),
                func.count().filter(
                    attempt.address_hash == hashed, attempt.attempted_at >= address_since
                ),
                select(func.count()).select_from(pruned).scalar_subquery(),
            ).where(mine, attempt.attempted_at >= oldest)
        )
    ).one()
    if (
        counts[0] >= settings.registration_attempts_per_event
        or counts[1] >= settings.registration_attempts_per_address
    ):
        raise InvalidInput(
            [
                UserError(
                    ("eventId",),
                    "Too many registration attempts for this event: try again in a few minutes.",
                    RATE_LIMITED,
                )
            ]
        )
    session.add(
        RegistrationAttempt(
            tenant_id=tenant_id,
            id=uuid.uuid4(),
            event_id=event_id,
            address_hash=hashed,
            attempted_at=now,
        )
    )
    await session.flush()


__all__ = ["RATE_LIMITED", "address_hash", "address_key", "admit"]
