"""Writing and reading the audit log (kernel: every domain writes here, and it
imports no domain).

``record_event`` must be called inside the transaction that makes the
change, so the entry and the change commit or roll back together.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.models import AuditEvent
from coalition.auth.permissions import require_partnership_admin
from coalition.auth.principal import Principal
from coalition.db.scoping import scoped
from coalition.observability import request_id_var
from coalition.pagination import Page, PageRequest, SortKey, fetch_page


def _jsonable(value: Any) -> Any:
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(item) for item in value]
    return str(value)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The changed fields as ``{"field": {"from": old, "to": new}}``."""
    return {
        key: {"from": _jsonable(before.get(key)), "to": _jsonable(value)}
        for key, value in after.items()
        if before.get(key) != value
    }


async def record_event(
    session: AsyncSession,
    principal: Principal,
    *,
    action: str,
    object_type: str | None,
    object_id: uuid.UUID | None,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event for ``principal``'s tenant, flushed in the caller's transaction:
    it commits or rolls back with the change it records."""
    event = AuditEvent(
        tenant_id=principal.tenant_id,
        actor_kind=principal.kind.value,
        actor_id=principal.id,
        actor_label=principal.label,
        action=action,
        object_type=object_type,
        object_id=object_id,
        changes=changes or {},
        request_id=request_id_var.get(),
    )
    session.add(event)
    await session.flush()
    return event


async def list_events(
    session: AsyncSession, principal: Principal, *, page: PageRequest
) -> Page[AuditEvent]:
    """Newest first. Partnership admins only."""
    require_partnership_admin(principal)
    key = SortKey(
        [AuditEvent.occurred_at, AuditEvent.id],
        [datetime.fromisoformat, uuid.UUID],
        descending=True,
    )
    return await fetch_page(session, scoped(AuditEvent, principal), page, key)
