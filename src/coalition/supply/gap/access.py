"""Who may read the skills gap: whoever may read both programs and pooled demand.

People of the partnership (any role) and the operator; partner apps need
``programs:read`` and, since the gap shows pooled openings, ``demand:read`` too (the
pooled figures are then exactly those demandSummary gives the same app).
"""

from __future__ import annotations

from coalition.auth.principal import Principal
from coalition.auth.scopes import DEMAND_READ, PROGRAMS_READ
from coalition.errors import Forbidden


def may_read_gap(principal: Principal) -> bool:
    if principal.is_system:
        return True
    if principal.is_user:
        return bool(principal.grants)
    return principal.has_scope(PROGRAMS_READ) and principal.has_scope(DEMAND_READ)


def require_gap_read(principal: Principal) -> None:
    """The caller may read the gap, or Forbidden saying why not."""
    if may_read_gap(principal):
        return
    if principal.is_user:
        raise Forbidden("You are not a member of this partnership.")
    raise Forbidden(
        "This client needs the 'programs:read' and 'demand:read' scopes "
        "(the gap shows pooled demand)."
    )


__all__ = ["may_read_gap", "require_gap_read"]
