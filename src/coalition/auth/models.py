"""Signing keys for access tokens (a global table the API may only read)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from coalition.db.base import Base, Timestamp


class SigningKey(Base):
    __tablename__ = "signing_keys"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    algorithm: Mapped[str] = mapped_column(String(16))
    private_jwk: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[Timestamp]
    # When this key stops signing: set by a rotation to when the new key takes over
    # (later than the rotation itself: see auth/keys.py). The key stays published
    # until every token it signed has expired.
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
