"""Tenant scoping in one place: every query of tenant data starts here.

``scoped(Model, principal)`` is ``SELECT Model WHERE Model.tenant_id = <the
caller's tenant>``; ``in_tenant(Model, principal)`` is that condition alone, for
joins, UPDATE and DELETE. Row-level security in the database refuses other
tenants' rows anyway; this is the application's own wall, so a query that
forgot its tenant shows up in review (``tests/test_code_rules.py`` fails on a
hand-written ``tenant_id ==`` anywhere else).

System-level helpers that cross tenants on purpose (the CLI looking a
partnership up by slug, token issuance before a tenant is bound) mark their
line with ``# scoping: system`` and are named ``system_*`` where they are
functions.
"""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, select

from coalition.auth.principal import Principal
from coalition.db.base import TenantScoped

# The mapped tenant-owned models (a Protocol over ``tenant_id: Mapped[...]`` does not
# match them under mypy: a class attribute is not a settable instance attribute).
M = TypeVar("M", bound=TenantScoped)


def tenant_of(principal: Principal | uuid.UUID) -> uuid.UUID:
    return principal if isinstance(principal, uuid.UUID) else principal.tenant_id


def in_tenant(model: Any, principal: Principal | uuid.UUID) -> ColumnElement[bool]:
    """``model.tenant_id = <tenant>``: ``model`` is a tenant-scoped model or an alias
    of one; ``principal`` is the caller (or, for the CLI, the tenant's ID)."""
    condition: ColumnElement[bool] = model.tenant_id == tenant_of(principal)
    return condition


def scoped(model: type[M], principal: Principal | uuid.UUID) -> Select[M]:
    """``SELECT model`` limited to the caller's tenant; add filters with ``.where``."""
    return select(model).where(in_tenant(model, principal))


__all__ = ["in_tenant", "scoped", "tenant_of"]
