"""Signing keys: created and rotated by the owner (CLI), read by the API.

Rotation never invalidates a live token and never signs with a key a verifier
has not been shown: ``rotate_signing_key`` publishes the new key at once but
lets it sign only after ``PUBLICATION_DELAY`` (every API process has reloaded
its keys and every JWKS cached before that has expired); the old key signs
until then, and stays published until every token it signed has expired.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from joserfc.jwk import ECKey, KeySet
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.models import SigningKey
from coalition.config import MAX_ACCESS_TOKEN_SECONDS
from coalition.db.engine import SessionFactory

ALGORITHM = "ES256"
# How long the JWKS may be served from a cache: the max-age its endpoint sends, and how
# long each API process keeps the keys it read before reading them again.
JWKS_CACHE_SECONDS = 300
KEY_CACHE_SECONDS = 60
# A rotated-in key waits this long before it signs: by then every process has read it,
# every JWKS fetched before that has expired, and a minute of clock skew is covered.
PUBLICATION_DELAY = timedelta(seconds=KEY_CACHE_SECONDS + JWKS_CACHE_SECONDS + 60)
# A key stays published this long after it stopped signing: the longest token lifetime
# plus clock skew.
RETENTION = timedelta(seconds=MAX_ACCESS_TOKEN_SECONDS + 60)


def _new_key() -> tuple[str, dict[str, Any]]:
    kid = f"{datetime.now(UTC):%Y%m%d}-{secrets.token_hex(6)}"
    key = ECKey.generate_key("P-256", {"kid": kid, "alg": ALGORITHM, "use": "sig"}, private=True)
    return kid, dict(key.as_dict(private=True))


def _now() -> datetime:
    return datetime.now(UTC)


async def ensure_signing_key(session: AsyncSession) -> str | None:
    """Create the first key if there is none; returns its kid, or None if one existed.

    The first key signs at once: no verifier can hold an older copy of the JWKS."""
    existing = await session.scalar(select(SigningKey.kid).limit(1))
    if existing is not None:
        return None
    kid, jwk = _new_key()
    session.add(SigningKey(kid=kid, algorithm=ALGORITHM, private_jwk=jwk))
    await session.flush()
    return kid


async def rotate_signing_key(session: AsyncSession, *, now: datetime | None = None) -> str:
    """Publish a new key that signs from ``now + PUBLICATION_DELAY``; the key signing
    now keeps signing until then. Deletes keys that stopped signing longer than
    ``RETENTION`` ago. Returns the new key's kid."""
    now = now or _now()
    await session.execute(delete(SigningKey).where(SigningKey.superseded_at < now - RETENTION))
    await session.execute(
        update(SigningKey)
        .where(SigningKey.superseded_at.is_(None))
        .values(superseded_at=now + PUBLICATION_DELAY)
    )
    kid, jwk = _new_key()
    session.add(SigningKey(kid=kid, algorithm=ALGORITHM, private_jwk=jwk, created_at=now))
    await session.flush()
    return kid


async def list_signing_keys(session: AsyncSession) -> list[SigningKey]:
    return list(
        await session.scalars(select(SigningKey).order_by(SigningKey.created_at, SigningKey.kid))
    )


def current_signing_key(keys: Sequence[SigningKey], now: datetime) -> SigningKey | None:
    """The key that signs at ``now``: the oldest one not yet superseded at ``now``
    (``keys`` in ``list_signing_keys`` order). A rotated-in key is superseded by no
    one, but waits behind the key it replaces until that one's ``superseded_at``."""
    for key in keys:
        if key.superseded_at is None or key.superseded_at > now:
            return key
    return None


@dataclass(frozen=True)
class _Snapshot:
    rows: tuple[SigningKey, ...]
    keys: dict[str, ECKey]
    verifiers: KeySet
    public_jwks: dict[str, Any]
    loaded_at: float


class KeyStore:
    """The API's cached view of the signing keys.

    Reloads every ``max_age`` seconds, so a rotation made by the CLI reaches
    every replica; a token with an unknown ``kid`` forces at most one reload
    per ``min_reload_interval`` (an attacker cannot make us hammer the database).
    Which key signs is decided at each call from the keys' times (``clock``), so
    every process switches to a rotated-in key at the same moment, whenever it
    last reloaded.
    """

    def __init__(
        self,
        sessions: SessionFactory,
        *,
        max_age: float = KEY_CACHE_SECONDS,
        min_reload_interval: float = 5.0,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self._sessions = sessions
        self._max_age = max_age
        self._min_reload_interval = min_reload_interval
        self._clock = clock
        self._snapshot: _Snapshot | None = None
        self._lock = asyncio.Lock()

    async def _load(self) -> _Snapshot:
        async with self._sessions() as session:
            rows = tuple(await list_signing_keys(session))
        keys = {row.kid: ECKey.import_key(row.private_jwk) for row in rows}
        public = {"keys": [dict(key.as_dict(private=False)) for key in keys.values()]}
        return _Snapshot(rows, keys, KeySet(list(keys.values())), public, time.monotonic())

    async def _current(self, *, force: bool = False) -> _Snapshot:
        snapshot = self._snapshot
        now = time.monotonic()
        stale = snapshot is None or now - snapshot.loaded_at > self._max_age
        may_force = snapshot is None or now - snapshot.loaded_at > self._min_reload_interval
        if stale or (force and may_force):
            async with self._lock:
                if self._snapshot is snapshot:
                    self._snapshot = await self._load()
        assert self._snapshot is not None
        return self._snapshot

    async def signer(self) -> ECKey:
        snapshot = await self._current()
        row = current_signing_key(snapshot.rows, self._clock())
        if row is None:
            raise RuntimeError("no signing key: run `coalition db upgrade`")
        return snapshot.keys[row.kid]

    async def verifiers(self, kid: str | None) -> KeySet:
        snapshot = await self._current()
        if kid is not None and kid not in snapshot.keys:
            snapshot = await self._current(force=True)
        return snapshot.verifiers

    async def public_jwks(self) -> dict[str, Any]:
        return (await self._current()).public_jwks
