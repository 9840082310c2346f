"""Who may post demand and who may see it: the rules of the demand domain, in one place.

Posting: people with a MEMBER or ORGANIZATION_ADMIN membership in the employer,
and partnership admins on any employer's behalf. Analysts and partner apps
never post.

Seeing (``visible_signals`` is the one query every read starts from):

- PRIVATE: people with a membership (any role) in the signal's organization;
- POOLED: those, and partnership admins;
- NAMED: every member of the partnership, and partner apps with ``demand:read``;
- DRAFT signals, whatever their sharing level: the organization's own people only.

A signal the caller may not see is treated everywhere exactly like a missing ID.
The history of a signal is for its organization's people and partnership admins:
other viewers of a NAMED signal see only its current state.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, false, or_, true

from coalition.auth.principal import Principal
from coalition.auth.roles import Role
from coalition.auth.scopes import DEMAND_READ
from coalition.db.scoping import scoped
from coalition.demand.models import DemandSignal, DemandStatus, SharingLevel
from coalition.errors import Forbidden

AUTHOR_ROLES = frozenset({Role.MEMBER, Role.ORGANIZATION_ADMIN})


def may_read_demand(principal: Principal) -> bool:
    """Whether the caller may read any demand at all (people of the partnership, the
    operator, and partner apps with ``demand:read``)."""
    if principal.is_system:
        return True
    if principal.is_user:
        return bool(principal.grants)
    return principal.has_scope(DEMAND_READ)


def require_demand_read(principal: Principal) -> None:
    """The caller may read demand (``may_read_demand``), or Forbidden saying why not."""
    if not may_read_demand(principal):
        if principal.is_user:
            raise Forbidden("You are not a member of this partnership.")
        raise Forbidden("This client lacks the 'demand:read' scope.")


def require_demand_author(principal: Principal) -> None:
    """The caller may post demand for some employer (checked before any lookup)."""
    if principal.is_partnership_admin:
        return
    if not principal.is_user:
        raise Forbidden("Partner apps may not post demand.")
    if not principal.has_role(*AUTHOR_ROLES):
        raise Forbidden("Only an employer's members and partnership admins may post demand.")


def require_demand_editor(principal: Principal, organization_id: uuid.UUID) -> None:
    """The caller may post, change and withdraw this employer's demand."""
    require_demand_author(principal)
    if principal.is_partnership_admin:
        return
    if not any(
        grant.organization_id == organization_id and grant.role in AUTHOR_ROLES
        for grant in principal.grants
    ):
        raise Forbidden("Only this employer's members and partnership admins may do this.")


def _visibility(principal: Principal) -> ColumnElement[bool]:
    if principal.is_system:
        return true()
    published = DemandSignal.status != DemandStatus.DRAFT
    shown: list[ColumnElement[bool]] = []
    if principal.is_user and principal.grants:
        shown.append(and_(published, DemandSignal.sharing_level == SharingLevel.NAMED))
        if principal.is_partnership_admin:
            shown.append(and_(published, DemandSignal.sharing_level == SharingLevel.POOLED))
        shown.append(DemandSignal.organization_id.in_(sorted(principal.organization_ids)))
    elif principal.has_scope(DEMAND_READ):
        shown.append(and_(published, DemandSignal.sharing_level == SharingLevel.NAMED))
    return or_(*shown) if shown else false()


def visible_signals(principal: Principal) -> Select[DemandSignal]:
    """The signals of the caller's tenant the caller may see: every read starts here."""
    return scoped(DemandSignal, principal).where(_visibility(principal))


def history_clause(principal: Principal) -> ColumnElement[bool]:
    """Of the visible signals, those whose history the caller may read."""
    if principal.is_partnership_admin:
        return true()
    if not principal.is_user:
        return false()
    return DemandSignal.organization_id.in_(sorted(principal.organization_ids))


def may_read_history(principal: Principal, signal: DemandSignal) -> bool:
    """The Python twin of ``history_clause`` for a signal the caller can see."""
    return principal.is_partnership_admin or signal.organization_id in principal.organization_ids


def may_see_employer(principal: Principal, signal: DemandSignal) -> bool:
    """Whether the caller may know which employer posted a signal it can see."""
    if principal.is_system or signal.organization_id in principal.organization_ids:
        return True
    if signal.status is DemandStatus.DRAFT:
        return False
    if signal.sharing_level is SharingLevel.NAMED:
        return True
    return signal.sharing_level is SharingLevel.POOLED and principal.is_partnership_admin


@dataclass(frozen=True)
class Timeline:
    """A signal's version and times as a viewer may see them."""

    version: int
    created_at: datetime
    updated_at: datetime


def public_timeline(principal: Principal, signal: DemandSignal) -> Timeline:
    """Its own people and partnership admins see a signal's real version and times.
    Other viewers see only NAMED signals, and of those nothing from before they last
    became NAMED: versions count from then, and it reads as posted then (edits made
    while it was POOLED are not theirs to count)."""
    if may_read_history(principal, signal) or principal.is_system or signal.named_at is None:
        return Timeline(signal.version, signal.created_at, signal.updated_at)
    first = signal.named_version or signal.version
    return Timeline(
        version=signal.version - first + 1,
        created_at=signal.named_at,
        updated_at=max(signal.updated_at, signal.named_at),
    )


__all__ = [
    "Timeline",
    "history_clause",
    "may_read_demand",
    "may_read_history",
    "may_see_employer",
    "public_timeline",
    "require_demand_author",
    "require_demand_editor",
    "require_demand_read",
    "visible_signals",
]
