"""Imports every model so the metadata is complete (Alembic, tests)."""

from coalition.audit.models import AuditEvent
from coalition.auth.models import SigningKey
from coalition.db.base import Base
from coalition.tenancy.models import ApiClient, Membership, Organization, Tenant, User

__all__ = [
    "ApiClient",
    "AuditEvent",
    "Base",
    "Membership",
    "Organization",
    "SigningKey",
    "Tenant",
    "User",
]
