"""Signing keys: created and rotated by the owner (CLI), read by the API.

Rotation never invalidates a live token: ``rotate_signing_key`` makes a new
key the signer and leaves the old one published in the JWKS until every
token it signed has expired, and only then deletes it.
"""

from __future__ import annotations

import asyncio
import secrets
import time
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
# A superseded key stays published this long: the longest token lifetime plus clock skew.
RETENTION = timedelta(seconds=MAX_ACCESS_TOKEN_SECONDS + 60)


def _new_key() -> tuple[str, dict[str, Any]]:
    kid = f"{datetime.now(UTC):%Y%m%d}-{secrets.token_hex(6)}"
    key = ECKey.generate_key("P-256", {"kid": kid, "alg": ALGORITHM, "use": "sig"}, private=True)
    return kid, dict(key.as_dict(private=True))


async def ensure_signing_key(session: AsyncSession) -> str | None:
    """Create the first key if there is none; returns its kid, or None if one existed."""
    existing = await session.scalar(select(SigningKey.kid).limit(1))
    if existing is not None:
        return None
    kid, jwk = _new_key()
    session.add(SigningKey(kid=kid, algorithm=ALGORITHM, private_jwk=jwk))
    await session.flush()
    return kid


async def rotate_signing_key(session: AsyncSession, *, now: datetime | None = None) -> str:
    """Make a new key the signer; delete keys superseded longer than ``RETENTION`` ago."""
    now = now or datetime.now(UTC)
    await session.execute(delete(SigningKey).where(SigningKey.superseded_at < now - RETENTION))
    await session.execute(
        update(SigningKey).where(SigningKey.superseded_at.is_(None)).values(superseded_at=now)
    )
    kid, jwk = _new_key()
    session.add(SigningKey(kid=kid, algorithm=ALGORITHM, private_jwk=jwk, created_at=now))
    await session.flush()
    return kid


async def list_signing_keys(session: AsyncSession) -> list[SigningKey]:
    return list(await session.scalars(select(SigningKey).order_by(SigningKey.created_at)))


@dataclass(frozen=True)
class _Snapshot:
    signer: ECKey | None
    verifiers: KeySet
    public_jwks: dict[str, Any]
    loaded_at: float


class KeyStore:
    """The API's cached view of the signing keys.

    Reloads every ``max_age`` seconds, so a rotation made by the CLI reaches
    every replica; a token with an unknown ``kid`` forces at most one reload
    per ``min_reload_interval`` (an attacker cannot make us hammer the database).
    """

    def __init__(
        self, sessions: SessionFactory, *, max_age: float = 60.0, min_reload_interval: float = 5.0
    ) -> None:
        self._sessions = sessions
        self._max_age = max_age
        self._min_reload_interval = min_reload_interval
        self._snapshot: _Snapshot | None = None
        self._lock = asyncio.Lock()

    async def _load(self) -> _Snapshot:
        async with self._sessions() as session:
            rows = await list_signing_keys(session)
        signer = None
        keys: list[Any] = []
        for row in rows:
            key = ECKey.import_key(row.private_jwk)
            keys.append(key)
            if row.superseded_at is None:
                signer = key
        public = {"keys": [dict(key.as_dict(private=False)) for key in keys]}
        return _Snapshot(signer, KeySet(keys), public, time.monotonic())

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
        if snapshot.signer is None:
            raise RuntimeError("no signing key: run `coalition db upgrade`")
        return snapshot.signer

    async def verifiers(self, kid: str | None) -> KeySet:
        snapshot = await self._current()
        if kid is not None and all(key.kid != kid for key in snapshot.verifiers.keys):
            snapshot = await self._current(force=True)
        return snapshot.verifiers

    async def public_jwks(self) -> dict[str, Any]:
        return (await self._current()).public_jwks
