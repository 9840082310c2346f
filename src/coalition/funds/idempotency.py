"""Idempotency keys for money mutations, scoped to the tenant (after Stripe's).

A money mutation uses two calls: ``check_key`` first (a malformed key becomes a
userError reported with the rest of the input's), then ``once`` after the permission
checks and lookups, around the work itself. ``once`` inserts the key with a hash of
the operation and its input, in the mutation's transaction; a concurrent request
with the same key waits on the unique index until the first one commits or rolls
back. Then:

- the key is new: ``once`` runs the work and stores what it produced;
- the key was used for the same operation and input: ``once`` returns that
  object as it is now, and the work does not run (nothing is written);
- the key was used for anything else: a userError (``IDEMPOTENCY_KEY_REUSED``).

A mutation that ends in userErrors rolls back, key included, so fixing the
input and retrying with the same key works.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import Principal
from coalition.db.base import TenantScoped
from coalition.db.scoping import in_tenant
from coalition.errors import InvalidInput, UserError
from coalition.funds.models.idempotency import IdempotencyKey
from coalition.validation import Checker

FIELD = ("idempotencyKey",)
MAX_KEY_LENGTH = 255
R = TypeVar("R", bound=TenantScoped)


@dataclass(frozen=True)
class Replay:
    """What the first request with this key produced."""

    object_type: str
    object_id: uuid.UUID


def check_key(check: Checker, key: str | None) -> str | None:
    """A key is 1 to 255 printable ASCII characters (a UUID is a good choice); None (and
    the problem in ``check``) when it is not."""
    if key is None or not key.strip():
        check.add(FIELD, "An idempotency key is required.", "REQUIRED")
        return None
    if len(key) > MAX_KEY_LENGTH:
        check.add(FIELD, f"Use at most {MAX_KEY_LENGTH} characters.", "TOO_LONG")
        return None
    if not all(" " < ch <= "~" for ch in key):
        check.add(FIELD, "Use printable ASCII characters without spaces.", "INVALID")
        return None
    return key


def request_hash(operation: str, payload: Mapping[str, Any]) -> str:
    """A stable fingerprint of what was asked (the same input gives the same hash)."""
    canonical = json.dumps(
        {"operation": operation, "input": dict(payload)},
        sort_keys=True,
        default=str,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def payload_of(given: object) -> dict[str, object]:
    """An input dataclass as the payload ``once`` fingerprints."""
    return dict(vars(given))


async def once(
    session: AsyncSession,
    principal: Principal,
    check: Checker,
    key: str | None,
    operation: str,
    payload: Mapping[str, Any],
    model: type[R],
    work: Callable[[], Awaitable[R]],
) -> R:
    """Run ``work`` at most once per idempotency key: the first request with ``key``
    runs it and the key remembers the ``model`` row it returned; a replay (same
    operation and payload) gets that row as it is now without running ``work``;
    anything else with the key raises ``IDEMPOTENCY_KEY_REUSED``.

    ``key`` is what ``check_key`` returned into ``check``, the checker ``work`` reports
    its own problems to. A request whose key is invalid (it cannot be a replay), or
    whose lookups already put a problem in ``check``, is refused without claiming the
    key: ``work`` still runs, so every problem of the input is reported at once. The
    caller must roll back when this raises (the API's savepoint and the CLI's
    transaction do)."""
    if key is None or check.errors:
        try:
            await work()
        except InvalidInput as error:
            check.errors.extend(found for found in error.errors if found not in check.errors)
        check.done()
        raise RuntimeError("a refused request left no userError")
    replay = await _claim(session, principal, key, operation, payload)
    if replay is not None:
        return await _replayed(session, principal, replay, model)
    result = await work()
    await session.execute(
        update(IdempotencyKey)
        .where(in_tenant(IdempotencyKey, principal), IdempotencyKey.key == key)
        .values(result={"type": model.__name__, "id": str(result.id)})
    )
    return result


async def _claim(
    session: AsyncSession,
    principal: Principal,
    key: str,
    operation: str,
    payload: Mapping[str, Any],
) -> Replay | None:
    """Take ``key`` for this request; the stored result when it is a replay."""
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
            ).where(in_tenant(IdempotencyKey, principal), IdempotencyKey.key == key)
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


async def _replayed(
    session: AsyncSession, principal: Principal, replay: Replay, model: type[R]
) -> R:
    """The object the first request with this idempotency key produced, as it is now."""
    found = await session.get(
        model, (principal.tenant_id, replay.object_id), populate_existing=True
    )
    if found is None or model.__name__ != replay.object_type:
        raise RuntimeError(f"idempotency key points at a missing {replay.object_type}")
    return found


__all__ = ["MAX_KEY_LENGTH", "Replay", "check_key", "once", "payload_of", "request_hash"]
