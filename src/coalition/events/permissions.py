"""Who may read and change events, and who may see the people who registered: the
events domain's rules.

Reading events (``visible_events`` is the one query every read of events starts from;
an exhibitor, session or outcome is visible exactly when its event is):

- PUBLISHED, CANCELLED and COMPLETED events, PUBLIC or MEMBERS: every member of the
  partnership (a person with any membership), and partner apps with ``events:read``;
- PUBLISHED, CANCELLED and COMPLETED PUBLIC events: anyone, through the public feeds
  (``events.public``), which read with ``public_event_condition``;
- DRAFT events: the organizing organization's own people and partnership admins.

An event the caller may not see is treated everywhere exactly like a missing ID.

Changing: an event is posted and changed (published, cancelled, completed, its
exhibitors approved or declined, its sessions added) by the organizing organization's
ORGANIZATION_ADMINs and by partnership admins (the convener, and the operator at the
command line). An organization asks to exhibit through its own admins.

Attendees (personal data): the people who registered, with their names, emails, phones
and needs, are seen only by the organizing organization's own people (any role: the
staff at the door) and the operator. With the person's consent to be contacted, an
APPROVED exhibitor's people see that person's name, email and phone (never needs or
check-in code). Nobody else: not other members, not the convener unless it organizes
the event, never a partner app whatever its scopes. Counts (registered, waitlisted,
checked in) are seen by whoever may manage the event.
"""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, Select, false, or_, true

from coalition.auth.principal import Principal
from coalition.auth.roles import Role
from coalition.auth.scopes import EVENTS_READ
from coalition.db.scoping import scoped
from coalition.errors import Forbidden
from coalition.events.models import Event, EventStatus, Visibility


def may_read_events(principal: Principal) -> bool:
    """Whether the caller may read any event at all."""
    if principal.is_system:
        return True
    if principal.is_user:
        return bool(principal.grants)
    return principal.has_scope(EVENTS_READ)


def require_events_read(principal: Principal) -> None:
    """The caller may read events (``may_read_events``), or Forbidden saying why not."""
    if not may_read_events(principal):
        if principal.is_user:
            raise Forbidden("You are not a member of this partnership.")
        raise Forbidden("This client lacks the 'events:read' scope.")


def require_event_author(principal: Principal) -> None:
    """The caller may post or change some organization's events (checked before any
    lookup): partnership admins and organization admins; never partner apps."""
    if principal.is_partnership_admin:
        return
    if not principal.is_user:
        raise Forbidden("Partner apps may not post or change events.")
    if not principal.has_role(Role.ORGANIZATION_ADMIN):
        raise Forbidden(
            "Only an organization's admins and partnership admins may post or change events."
        )


def may_manage_event(principal: Principal, organization_id: uuid.UUID) -> bool:
    """Whether the caller may change events organized by this organization."""
    return principal.administers(organization_id)


def require_event_manager(principal: Principal, organization_id: uuid.UUID) -> None:
    """The caller may change events this organization organizes."""
    require_event_author(principal)
    if not may_manage_event(principal, organization_id):
        raise Forbidden(
            "Only the organizing organization's admins and partnership admins may do this."
        )


def may_see_attendees(principal: Principal, organization_id: uuid.UUID) -> bool:
    """Whether the caller sees everyone registered for an event this organization
    organizes, with their personal data, and may check them in: the organizer's own
    people (any role) and the operator. Never partner apps, never the convener as such."""
    if principal.is_system:
        return True
    return principal.is_user and organization_id in principal.organization_ids


def require_event_staff(principal: Principal, organization_id: uuid.UUID) -> None:
    """The caller is the organizer's staff (``may_see_attendees``), or Forbidden."""
    if not may_see_attendees(principal, organization_id):
        raise Forbidden("Only the organizing organization's people may do this.")


def may_see_exhibitor_report(principal: Principal, exhibitor_organization_id: uuid.UUID) -> bool:
    """Whether the caller sees one exhibitor's own report of outcomes: its organization's
    people and the convener (partnership admins, the operator); nobody else."""
    return principal.is_partnership_admin or exhibitor_organization_id in (
        principal.organization_ids
    )


def may_see_exhibitor_note(
    principal: Principal, exhibitor_organization_id: uuid.UUID, organizer_id: uuid.UUID
) -> bool:
    """Whether the caller sees an exhibitor's note to the organizer: the exhibitor's own
    people, the convener, and those who manage the event."""
    return may_see_exhibitor_report(principal, exhibitor_organization_id) or may_manage_event(
        principal, organizer_id
    )


NOT_DRAFT = Event.status != EventStatus.DRAFT


def event_visibility(principal: Principal) -> ColumnElement[bool]:
    """Which events the caller may see, as a condition on ``Event``."""
    if principal.is_partnership_admin:
        return true()
    if principal.is_user and principal.grants:
        return or_(NOT_DRAFT, Event.organization_id.in_(sorted(principal.organization_ids)))
    if principal.has_scope(EVENTS_READ):
        return NOT_DRAFT
    return false()


def public_event_condition() -> ColumnElement[bool]:
    """The events anyone may see with no login: PUBLIC ones that are not DRAFT."""
    return NOT_DRAFT & (Event.visibility == Visibility.PUBLIC)


def visible_events(principal: Principal) -> Select[Event]:
    """The events of the caller's tenant the caller may see: every read starts here."""
    return scoped(Event, principal).where(event_visibility(principal))


__all__ = [
    "event_visibility",
    "may_manage_event",
    "may_read_events",
    "may_see_attendees",
    "may_see_exhibitor_note",
    "may_see_exhibitor_report",
    "public_event_condition",
    "require_event_author",
    "require_event_manager",
    "require_event_staff",
    "require_events_read",
    "visible_events",
]
