"""Who may change organizations, memberships and API clients. Every refusal raises
``Forbidden``.

People act by role: organization admins manage their own organization and its
members; partnership admins (conveners) manage everything. Partner apps act by
scope: ``write`` to create and update organizations; they never manage people
or API clients. Reading is the generic rule of ``coalition.auth.permissions``.
"""

from __future__ import annotations

import uuid

from coalition.auth.permissions import require_partnership_admin
from coalition.auth.principal import Principal
from coalition.auth.roles import Role
from coalition.auth.scopes import WRITE
from coalition.errors import Forbidden


def may_manage_api_clients(principal: Principal) -> bool:
    return principal.is_partnership_admin


def require_organization_creator(principal: Principal) -> None:
    if principal.is_user or principal.is_system:
        require_partnership_admin(principal)
    elif not principal.has_scope(WRITE):
        raise Forbidden("This client lacks the 'write' scope.")


def require_organization_editor(principal: Principal, organization_id: uuid.UUID) -> None:
    if principal.is_user or principal.is_system:
        if not principal.administers(organization_id):
            raise Forbidden("Only a partnership admin or this organization's admin may do this.")
    elif not principal.has_scope(WRITE):
        raise Forbidden("This client lacks the 'write' scope.")


def require_member_manager(
    principal: Principal, organization_id: uuid.UUID, *, role: Role | None = None
) -> None:
    """Managing people: partnership admins, or an organization admin for their own
    organization (who may not hand out the partnership admin role)."""
    if principal.is_partnership_admin:
        return
    if not principal.is_user:
        raise Forbidden("Partner apps may not manage memberships.")
    if not principal.administers(organization_id):
        raise Forbidden("Only a partnership admin or this organization's admin may do this.")
    if role is Role.PARTNERSHIP_ADMIN:
        raise Forbidden("Only a partnership admin may grant the partnership admin role.")


def require_api_client_manager(principal: Principal) -> None:
    if not may_manage_api_clients(principal):
        raise Forbidden("Only a partnership admin may do this.")
