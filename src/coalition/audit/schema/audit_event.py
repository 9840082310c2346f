"""One recorded action, and reading the log (partnership admins)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime
from typing import cast

import strawberry
from strawberry.scalars import JSON

from coalition.api.context import Info
from coalition.api.relay import After, Connection, First, to_global_id
from coalition.api.schema import node_types_of
from coalition.audit import service
from coalition.audit.models import AuditEvent
from coalition.pagination import DEFAULT_PAGE_SIZE, PageRequest


@strawberry.type(name="AuditEvent", description="One recorded action.")
class AuditEventType:
    id: strawberry.ID = strawberry.field(description="The event's ID.")
    occurred_at: datetime = strawberry.field(description="When it happened.")
    actor_kind: str = strawberry.field(description="'user' or 'client'.")
    actor_id: strawberry.ID = strawberry.field(description="Global ID of the user or client.")
    actor_label: str = strawberry.field(description="The user's email or the client's name.")
    action: str = strawberry.field(
        description="What was done, e.g. organization.update, or addMembership.denied."
    )
    object_type: str | None = strawberry.field(description="Type of the object acted on.")
    object_id: strawberry.ID | None = strawberry.field(description="Global ID of that object.")
    changes: JSON = strawberry.field(description='Changed fields: {"field": {"from", "to"}}.')
    request_id: str | None = strawberry.field(description="The request that did it.")

    @classmethod
    def from_model(cls, event: AuditEvent, node_types: Collection[str]) -> AuditEventType:
        actor_type = "User" if event.actor_kind == "user" else "ApiClient"
        return cls(
            id=strawberry.ID(str(event.id)),
            occurred_at=event.occurred_at,
            actor_kind=event.actor_kind,
            actor_id=to_global_id(actor_type, event.actor_id),
            actor_label=event.actor_label,
            action=event.action,
            object_type=event.object_type,
            object_id=_object_id(node_types, event.object_type, event.object_id),
            changes=cast(JSON, event.changes),
            request_id=event.request_id,
        )


def _object_id(
    node_types: Collection[str], object_type: str | None, object_id: uuid.UUID | None
) -> strawberry.ID | None:
    """A global ID when the object's type is a registered Node type (every domain's)."""
    if object_type is not None and object_type in node_types and object_id is not None:
        return to_global_id(object_type, object_id)
    return strawberry.ID(str(object_id)) if object_id else None


@strawberry.type
class AuditQuery:
    @strawberry.field(description="The audit log, newest first (partnership admins only).")
    async def audit_events(
        self, info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None
    ) -> Connection[AuditEventType]:
        principal = info.context.require_principal()
        async with info.context.session() as session:
            page = await service.list_events(
                session, principal, page=PageRequest(first=first, after=after)
            )
        known = node_types_of(info)
        return Connection.of(page, lambda event: AuditEventType.from_model(event, known))
