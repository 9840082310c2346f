"""Bounded label values: a partnership's slug (only when configured) and a document's
hash. Each set is capped: past the cap a new value is reported as ``other``, so no
client can grow the number of series without end."""

from __future__ import annotations

import hashlib
import uuid
from threading import Lock

from sqlalchemy import text

from coalition.db.engine import SessionFactory

OTHER = "other"


class BoundedLabels:
    """The first ``limit`` distinct values seen keep their name; later ones are ``other``."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._seen: set[str] = set()
        self._lock = Lock()

    def label(self, value: str) -> str:
        with self._lock:
            if value in self._seen:
                return value
            if len(self._seen) >= self.limit:
                return OTHER
            self._seen.add(value)
            return value


def document_label(query: str) -> str:
    """The label of a GraphQL document: the SHA-256 of its text, as a client computes it
    for its own documents (and as persisted-query ids are), never the text itself."""
    return hashlib.sha256(query.encode("utf-8", "surrogatepass")).hexdigest()


class TenantLabels:
    """Partnership slugs for the ``tenant`` label, when ``metrics_tenant_labels`` is on;
    otherwise every label is empty and nothing is read. A slug is read once per
    partnership (slugs do not change) from the directory of partnerships."""

    def __init__(self, sessions: SessionFactory, *, enabled: bool, limit: int) -> None:
        self.enabled = enabled
        self._sessions = sessions
        self._slugs: dict[uuid.UUID, str] = {}
        self._bounded = BoundedLabels(limit)

    async def label(self, tenant_id: uuid.UUID | None) -> str:
        if not self.enabled or tenant_id is None:
            return ""
        slug = self._slugs.get(tenant_id)
        if slug is None:
            async with self._sessions() as session:
                # The directory of partnerships, readable without a tenant (as named_tenant
                # in auth reads it).
                found = await session.scalar(
                    text("SELECT slug FROM tenants WHERE id = :id"), {"id": tenant_id}
                )
            if found is None:
                return ""
            slug = self._bounded.label(str(found))
            self._slugs[tenant_id] = slug
        return slug
