"""The permission rules, in one place. Every refusal raises ``Forbidden``.

People act by role: any member may read; analysts only read; organization
admins manage their own organization and its members; partnership admins
(conveners) manage everything. Partner apps act by scope: ``read`` to read,
``write`` to create and update organizations; they never manage people or
API clients.
"""

from __future__ import annotations

import uuid

from coalition.auth.principal import Principal
from coalition.auth.roles import Role
from coalition.auth.scopes import DEMAND_READ, READ, WRITE
from coalition.errors import Forbidden

READ_SCOPES = frozenset({READ, DEMAND_READ})


def require_read(principal: Principal) -> None:
    if principal.is_system:
        return
    if principal.is_user:
        if not principal.grants:
            raise Forbidden("You are not a member of this partnership.")
    elif READ not in principal.scopes:
        raise Forbidden("This client lacks the 'read' scope.")


def require_reference_read(principal: Principal) -> None:
    """The shared vocabulary is public reference data: any member, and any client with
    a read scope of any domain (a ``demand:read`` app must see a signal's occupation)."""
    if principal.is_system or principal.is_user:
        require_read(principal)
    elif not principal.scopes & READ_SCOPES:
        raise Forbidden("This client has no read scope.")


def require_partnership_admin(principal: Principal) -> None:
    if not principal.is_partnership_admin:
        raise Forbidden("Only a partnership admin may do this.")


def require_organization_creator(principal: Principal) -> None:
    if principal.is_user or principal.is_system:
        require_partnership_admin(principal)
    elif WRITE not in principal.scopes:
        raise Forbidden("This client lacks the 'write' scope.")


def require_organization_editor(principal: Principal, organization_id: uuid.UUID) -> None:
    if principal.is_user or principal.is_system:
        if not principal.administers(organization_id):
            raise Forbidden("Only a partnership admin or this organization's admin may do this.")
    elif WRITE not in principal.scopes:
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
