"""Who may read and change training programs and cohorts: the supply domain's rules.

Reading (``visible_programs`` is the one query every read of programs starts from,
and a cohort is visible exactly when its program is):

- ACTIVE and DISCONTINUED programs: every member of the partnership (a person with
  any membership), and partner apps with ``programs:read``;
- DRAFT programs (still being written): the provider's own people and partnership
  admins only.

A program the caller may not see is treated everywhere exactly like a missing ID.

Changing: a program and its cohorts are created and changed by the provider
organization's own ORGANIZATION_ADMINs, and by partnership admins (the convener, and
the operator at the command line) for any provider. Members, analysts, other
organizations' admins and partner apps (whatever their scopes) never change them.
"""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, Select, false, or_, true

from coalition.auth.principal import Principal
from coalition.auth.roles import Role
from coalition.auth.scopes import PROGRAMS_READ
from coalition.db.scoping import scoped
from coalition.errors import Forbidden
from coalition.supply.models import ProgramStatus, TrainingProgram


def may_read_programs(principal: Principal) -> bool:
    """Whether the caller may read any program at all (people of the partnership, the
    operator, and partner apps with ``programs:read``)."""
    if principal.is_system:
        return True
    if principal.is_user:
        return bool(principal.grants)
    return principal.has_scope(PROGRAMS_READ)


def require_programs_read(principal: Principal) -> None:
    """The caller may read programs (``may_read_programs``), or Forbidden saying why not."""
    if not may_read_programs(principal):
        if principal.is_user:
            raise Forbidden("You are not a member of this partnership.")
        raise Forbidden("This client lacks the 'programs:read' scope.")


def require_program_author(principal: Principal) -> None:
    """The caller may change some provider's programs (checked before any lookup)."""
    if principal.is_partnership_admin:
        return
    if not principal.is_user:
        raise Forbidden("Partner apps may not change training programs.")
    if not principal.has_role(Role.ORGANIZATION_ADMIN):
        raise Forbidden(
            "Only a provider's organization admins and partnership admins may change "
            "training programs."
        )


def may_edit_programs_of(principal: Principal, organization_id: uuid.UUID) -> bool:
    """Whether the caller may create and change this provider's programs and cohorts."""
    return principal.administers(organization_id)


def require_program_editor(principal: Principal, organization_id: uuid.UUID) -> None:
    """The caller may create and change this provider's programs and cohorts."""
    require_program_author(principal)
    if not may_edit_programs_of(principal, organization_id):
        raise Forbidden(
            "Only this provider's organization admins and partnership admins may do this."
        )


def program_visibility(principal: Principal) -> ColumnElement[bool]:
    """Which programs the caller may see, as a condition on ``TrainingProgram`` (for
    another domain's reads that join programs): a DRAFT only to its provider's people
    and the partnership admins."""
    if principal.is_partnership_admin:
        return true()
    published = TrainingProgram.status != ProgramStatus.DRAFT
    if principal.is_user and principal.grants:
        return or_(
            published, TrainingProgram.organization_id.in_(sorted(principal.organization_ids))
        )
    if principal.has_scope(PROGRAMS_READ):
        return published
    return false()


def visible_programs(principal: Principal) -> Select[TrainingProgram]:
    """The programs of the caller's tenant the caller may see: every read starts here."""
    return scoped(TrainingProgram, principal).where(program_visibility(principal))


__all__ = [
    "may_edit_programs_of",
    "may_read_programs",
    "program_visibility",
    "require_program_author",
    "require_program_editor",
    "require_programs_read",
    "visible_programs",
]
