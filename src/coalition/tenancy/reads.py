"""Reading the partnership, its organizations, people, memberships and API clients.

Every function takes the session (bound to the caller's tenant by the caller) and
the principal, checks that the caller may read, and starts its query from the
scoping helper: row-level security is the backstop, not the only wall.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.permissions import require_read
from coalition.auth.principal import Principal
from coalition.db.scoping import scoped
from coalition.pagination import Page, PageRequest, SortKey, fetch_page, fetch_pages_by_parent
from coalition.tenancy.models import (
    ApiClient,
    Membership,
    Organization,
    OrganizationKind,
    Tenant,
    User,
)
from coalition.tenancy.permissions import require_api_client_manager
from coalition.validation import MAX_NAME

ORGANIZATION_ORDER = SortKey([Organization.name, Organization.id], [str, uuid.UUID])
MEMBERSHIP_ORDER = SortKey(
    [Membership.created_at, Membership.id], [datetime.fromisoformat, uuid.UUID]
)
API_CLIENT_ORDER = SortKey(
    [ApiClient.created_at, ApiClient.id], [datetime.fromisoformat, uuid.UUID]
)


def public_programs_on(settings: Mapping[str, Any]) -> bool:
    """Whether the partnership lists its ACTIVE programs publicly (the ``public_programs``
    setting; default: yes)."""
    return settings.get("public_programs", True) is not False


async def get_tenant(session: AsyncSession, principal: Principal) -> Tenant:
    """The caller's own partnership (the directory row: it has no tenant_id of its own)."""
    tenant = await session.get(Tenant, principal.tenant_id)
    assert tenant is not None, "a verified principal's tenant exists"
    return tenant


async def list_organizations(
    session: AsyncSession,
    principal: Principal,
    *,
    page: PageRequest,
    kinds: Sequence[OrganizationKind] = (),
    search: str | None = None,
    include_archived: bool = False,
) -> Page[Organization]:
    """Organizations ordered by name then ID; any member or a ``read`` client may list."""
    require_read(principal)
    statement = scoped(Organization, principal)
    if kinds:
        statement = statement.where(Organization.kind.in_(list(kinds)))
    if search and search.strip():
        term = search.strip()[:MAX_NAME]
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        statement = statement.where(Organization.name.ilike(f"%{escaped}%", escape="\\"))
    if not include_archived:
        statement = statement.where(Organization.archived_at.is_(None))
    return await fetch_page(session, statement, page, ORGANIZATION_ORDER)


async def organizations_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Organization]:
    require_read(principal)
    rows = await session.scalars(scoped(Organization, principal).where(Organization.id.in_(ids)))
    return {row.id: row for row in rows}


async def organization_named(
    session: AsyncSession, principal: Principal, name: str, *, except_id: uuid.UUID | None = None
) -> uuid.UUID | None:
    """The organization whose name equals ``name`` without regard to case (archived ones
    included: a name stays taken), other than ``except_id``."""
    statement = (
        scoped(Organization, principal)
        .with_only_columns(Organization.id)
        .where(func.lower(Organization.name) == func.lower(name))
    )
    if except_id is not None:
        statement = statement.where(Organization.id != except_id)
    return await session.scalar(statement.limit(1))


async def users_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, User]:
    require_read(principal)
    rows = await session.scalars(scoped(User, principal).where(User.id.in_(ids)))
    return {row.id: row for row in rows}


async def user_by_email(session: AsyncSession, principal: Principal, email: str) -> User | None:
    """The person with this (lowercased) email, if the partnership knows them."""
    return await session.scalar(scoped(User, principal).where(User.email == email))


async def memberships_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Membership]:
    require_read(principal)
    rows = await session.scalars(scoped(Membership, principal).where(Membership.id.in_(ids)))
    return {row.id: row for row in rows}


async def memberships_of_organizations(
    session: AsyncSession,
    principal: Principal,
    organization_ids: Sequence[uuid.UUID],
    *,
    page: PageRequest,
) -> dict[uuid.UUID, Page[Membership]]:
    """One page of memberships (oldest first) for each organization, in one statement."""
    require_read(principal)
    return await fetch_pages_by_parent(
        session,
        principal,
        scoped(Membership, principal),
        Membership.organization_id,
        organization_ids,
        page,
        MEMBERSHIP_ORDER,
    )


async def memberships_of_user(
    session: AsyncSession, principal: Principal, user_id: uuid.UUID
) -> list[Membership]:
    rows = await session.scalars(
        scoped(Membership, principal)
        .where(Membership.user_id == user_id)
        .order_by(Membership.created_at, Membership.id)
    )
    return list(rows)


async def list_api_clients(
    session: AsyncSession, principal: Principal, *, page: PageRequest
) -> Page[ApiClient]:
    """Partner apps' clients, oldest first (partnership admins only)."""
    require_api_client_manager(principal)
    return await fetch_page(session, scoped(ApiClient, principal), page, API_CLIENT_ORDER)


async def api_clients_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, ApiClient]:
    require_api_client_manager(principal)
    rows = await session.scalars(scoped(ApiClient, principal).where(ApiClient.id.in_(ids)))
    return {row.id: row for row in rows}
