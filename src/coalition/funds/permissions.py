"""Who may do what with matching funds: the rules of the funds domain, in one place.

- Reading (pools, contributions, disbursements, the ledger, reports): every
  member of the partnership, and partner apps with ``funds:read``.
- Initiatives: partnership admins create them and add participants.
- A pool is managed by partnership admins and by the admins of its funder
  organization ("pool managers"): they open and close it, add commitments,
  verify contributions, schedule, approve, pay and cancel disbursements, and
  post reversals. A funder admin commits only their own organization's money.
- Contributions are recorded by the contributing organization's admins, or by a
  partnership admin on its behalf.
- Nobody verifies a contribution of an organization they belong to.
- Analysts and partner apps only read.
"""

from __future__ import annotations

import uuid

from coalition.auth.principal import Principal
from coalition.auth.scopes import FUNDS_READ
from coalition.errors import Forbidden
from coalition.tenancy.models import Role


def may_read_funds(principal: Principal) -> bool:
    if principal.is_system:
        return True
    if principal.is_user:
        return bool(principal.grants)
    return FUNDS_READ in principal.scopes


def require_funds_read(principal: Principal) -> None:
    if not may_read_funds(principal):
        if principal.is_user:
            raise Forbidden("You are not a member of this partnership.")
        raise Forbidden("This client lacks the 'funds:read' scope.")


def _admin_of(principal: Principal, organization_id: uuid.UUID) -> bool:
    return principal.is_user and any(
        grant.organization_id == organization_id and grant.role is Role.ORGANIZATION_ADMIN
        for grant in principal.grants
    )


def _refuse_apps(principal: Principal, action: str) -> None:
    if not (principal.is_user or principal.is_system):
        raise Forbidden(f"Partner apps may not {action}.")


def require_initiative_manager(principal: Principal) -> None:
    _refuse_apps(principal, "manage initiatives")
    if not principal.is_partnership_admin:
        raise Forbidden("Only a partnership admin may manage initiatives.")


def require_pool_creator(principal: Principal, funder_organization_id: uuid.UUID) -> None:
    """Opening a pool: a partnership admin, or an admin of the funder organization."""
    _refuse_apps(principal, "manage fund pools")
    if principal.is_partnership_admin or _admin_of(principal, funder_organization_id):
        return
    raise Forbidden("Only a partnership admin or the funder's admin may open a pool for it.")


def may_manage_pool(principal: Principal, funder_organization_id: uuid.UUID) -> bool:
    if principal.is_partnership_admin:
        return True
    return _admin_of(principal, funder_organization_id)


def require_pool_manager(principal: Principal, funder_organization_id: uuid.UUID) -> None:
    _refuse_apps(principal, "manage fund pools")
    if not may_manage_pool(principal, funder_organization_id):
        raise Forbidden("Only a partnership admin or the pool's funder may do this.")


def require_committer(
    principal: Principal, pool_funder_id: uuid.UUID, committing_funder_id: uuid.UUID
) -> None:
    """Adding a commitment: a partnership admin for any funder; a pool's funder admin
    only for their own organization's money."""
    require_pool_manager(principal, pool_funder_id)
    if principal.is_partnership_admin or _admin_of(principal, committing_funder_id):
        return
    raise Forbidden("A funder may only commit its own organization's money.")


def require_contributor(principal: Principal, organization_id: uuid.UUID) -> None:
    """Recording a contribution: the organization's admins, or a partnership admin."""
    _refuse_apps(principal, "record contributions")
    if principal.is_partnership_admin or _admin_of(principal, organization_id):
        return
    raise Forbidden("Only the organization's admins or a partnership admin may record this.")


def require_verifier(
    principal: Principal, pool_funder_id: uuid.UUID, contributor_id: uuid.UUID
) -> None:
    """Verifying: a pool manager who does not belong to the contributing organization."""
    require_pool_manager(principal, pool_funder_id)
    if principal.is_user and any(g.organization_id == contributor_id for g in principal.grants):
        raise Forbidden("Nobody may verify a contribution of their own organization.")
