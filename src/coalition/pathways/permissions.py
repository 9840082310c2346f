"""Who may read and write career pathways: the rules of the pathways domain, in one place.

Reading (pathways and next steps): every member of the partnership (any role) and
partner apps with ``programs:read``.

Writing: partnership admins (the convener) any pathway; an employer's
ORGANIZATION_ADMINs the pathways owned by that employer. Analysts, members and
partner apps never write. A pathway the caller may not read is treated everywhere
exactly like a missing ID.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Select, false

from coalition.auth.principal import Principal
from coalition.auth.scopes import PROGRAMS_READ
from coalition.db.scoping import scoped
from coalition.errors import Forbidden
from coalition.pathways.models import CareerPathway


def may_read_pathways(principal: Principal) -> bool:
    """People of the partnership, the operator, and partner apps with ``programs:read``."""
    if principal.is_system:
        return True
    if principal.is_user:
        return bool(principal.grants)
    return principal.has_scope(PROGRAMS_READ)


def require_pathways_read(principal: Principal) -> None:
    """The caller may read pathways and next steps, or Forbidden saying why not."""
    if not may_read_pathways(principal):
        if principal.is_user:
            raise Forbidden("You are not a member of this partnership.")
        raise Forbidden("This client lacks the 'programs:read' scope.")


def require_pathway_author(principal: Principal) -> None:
    """The caller may write some pathway (checked before any lookup)."""
    if principal.is_partnership_admin:
        return
    if not principal.is_user:
        raise Forbidden("Partner apps may not change career pathways.")
    if not principal.administered_organization_ids:
        raise Forbidden(
            "Only partnership admins and an employer's organization admins may change "
            "career pathways."
        )


def may_edit_pathway(principal: Principal, organization_id: uuid.UUID | None) -> bool:
    """Partnership admins any pathway; organization admins their organization's."""
    if principal.is_partnership_admin:
        return True
    return organization_id is not None and organization_id in (
        principal.administered_organization_ids
    )


def require_pathway_editor(principal: Principal, organization_id: uuid.UUID | None) -> None:
    """The caller may change a pathway owned by ``organization_id`` (None: the
    partnership's own)."""
    require_pathway_author(principal)
    if not may_edit_pathway(principal, organization_id):
        if organization_id is None:
            raise Forbidden("Only partnership admins may change the partnership's own pathways.")
        raise Forbidden("Only this employer's organization admins and partnership admins may.")


def visible_pathways(principal: Principal) -> Select[CareerPathway]:
    """The pathways of the caller's tenant the caller may see: every read starts here."""
    statement = scoped(CareerPathway, principal)
    return statement if may_read_pathways(principal) else statement.where(false())


__all__ = [
    "may_edit_pathway",
    "may_read_pathways",
    "require_pathway_author",
    "require_pathway_editor",
    "require_pathways_read",
    "visible_pathways",
]
