"""Idempotency keys of the money mutations."""

from __future__ import annotations

from sqlalchemy import (
    String,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from coalition.db.base import Base, TenantScoped, Timestamp


class IdempotencyKey(TenantScoped, Base):
    """A client's idempotency key for one money mutation: what was asked (a hash of the
    operation's input) and what it produced, so a replay returns the first result."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("tenant_id", "key"),)

    key: Mapped[str] = mapped_column(String(255))
    operation: Mapped[str] = mapped_column(String(80))
    request_hash: Mapped[str] = mapped_column(String(64))
    result: Mapped[dict[str, str] | None] = mapped_column(JSONB)
    created_at: Mapped[Timestamp]


__all__ = ["IdempotencyKey"]
