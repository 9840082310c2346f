"""The audit log's GraphQL: a read-only list for partnership admins."""

from __future__ import annotations

from coalition.audit.schema.audit_event import AuditEventType, AuditQuery

Query = AuditQuery
Mutation = None
NODE_TYPES = ()
TYPES = ()

__all__ = ["NODE_TYPES", "TYPES", "AuditEventType", "AuditQuery", "Mutation", "Query"]
