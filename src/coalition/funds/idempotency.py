"""Idempotency keys for money mutations, scoped to the tenant (after Stripe's).

``claim`` runs inside the mutation's transaction, after the permission checks
and before any write. It inserts the key with a hash of the operation and its
input; a concurrent request with the same key waits on the unique index until
the first one commits or rolls back. Then:

- the key is new: the caller owns it, does the work and calls ``remember``;
- the key was used for the same operation and input: ``claim`` returns the
  stored result and the caller writes nothing;
- the key was used for anything else: a userError (``IDEMPOTENCY_KEY_REUSED``).

A mutation that ends in userErrors rolls back, key included, so fixing the
input and retrying with the same key works.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import Principal
from coalition.errors import InvalidInput, UserError
from coalition.funds.models import IdempotencyKey

FIELD = ("idempotencyKey",)
MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class Replay:
    """What the first request with this key produced."""

    object_type: str
    object_id: uuid.UUID


def check_key(key: str | None) -> str:
    """A key is 1 to 255 printable ASCII characters (a UUID is a good choice)."""
    if key is None or not key.strip():
        raise InvalidInput([UserError(FIELD, "An idempotency key is required.", "REQUIRED")])
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidInput(
            [UserError(FIELD, f"Use at most {MAX_KEY_LENGTH} characters.", "TOO_LONG")]
        )
    if not all(" " < ch <= "~" for ch in key):
        raise InvalidInput(
            [UserError(FIELD, "Use printable ASCII characters without spaces.", "INVALID")]
        )
    return key


def request_hash(operation: str, payload: dict[str, Any]) -> str:
    """A stable fingerprint of what was asked (the same input gives the same hash)."""
    canonical = json.dumps(
        {"operation": operation, "input": payload},
        sort_keys=True,
        default=str,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


async def claim(
    session: AsyncSession,
    principal: Principal,
    key: str | None,
    operation: str,
    payload: dict[str, Any],
) -> Replay | None:
    """Take ``key`` for this request; the stored result when it is a replay."""
    key = check_key(key)
    fingerprint = request_hash(operation, payload)
    inserted = await session.scalar(
        insert(IdempotencyKey)
        .values(
            tenant_id=principal.tenant_id,
            id=uuid.uuid4(),
            key=key,
            operation=operation,
            request_hash=fingerprint,
        )
        .on_conflict_do_nothing(index_elements=["tenant_id", "key"])
        .returning(IdempotencyKey.id)
    )
    if inserted is not None:
        return None
    stored = (
        await session.execute(
            select(
                IdempotencyKey.operation, IdempotencyKey.request_hash, IdempotencyKey.result
            ).where(IdempotencyKey.tenant_id == principal.tenant_id, IdempotencyKey.key == key)
        )
    ).one()
    if stored.operation != operation or stored.request_hash != fingerprint or not stored.result:
        raise InvalidInput(
            [
                UserError(
                    FIELD,
                    "This idempotency key was already used for a different request; "
                    "use a new key for a new request.",
                    "IDEMPOTENCY_KEY_REUSED",
                )
            ]
        )
    return Replay(stored.result["type"], uuid.UUID(stored.result["id"]))


async def remember(
    session: AsyncSession, principal: Principal, key: str, object_type: str, object_id: uuid.UUID
) -> None:
    """Store what the request produced, in the same transaction as the work."""
    await session.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.tenant_id == principal.tenant_id, IdempotencyKey.key == key)
        .values(result={"type": object_type, "id": str(object_id)})
    )
