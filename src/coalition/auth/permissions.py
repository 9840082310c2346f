"""The permission rules every domain shares. Every refusal raises ``Forbidden``.

Any member of the partnership may read, and so may a partner app with the
``read`` scope; the partnership admin (the convener, or the operator at the
command line) may do what only the partnership as a whole may. A domain's own
rules (who edits an organization, who records a contribution) live in its
``permissions`` module.
"""

from __future__ import annotations

from coalition.auth.principal import Principal
from coalition.auth.scopes import DEMAND_READ, PROGRAMS_READ, READ
from coalition.errors import Forbidden

READ_SCOPES = frozenset({READ, DEMAND_READ, PROGRAMS_READ})


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
