"""Creating, changing and archiving member organizations.

Every function checks permissions first, reports every problem with the input at
once (``InvalidInput``) before writing anything, and writes its audit event in the
caller's transaction (the caller owns it and commits).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.service import diff, record_event
from coalition.auth.permissions import require_partnership_admin, require_read
from coalition.auth.principal import Principal
from coalition.db.scoping import scoped
from coalition.errors import InvalidInput, UserError
from coalition.skills.reads import industry_exists
from coalition.tenancy import reads, validation
from coalition.tenancy.models import UNIQUE_NAME_INDEX, Organization
from coalition.tenancy.permissions import require_organization_creator, require_organization_editor
from coalition.validation import Checker

NAME = ("name",)
NAME_TAKEN = "An organization with this name exists (names are compared without case)."


# What a new organization's audit event shows; a change's shows the opt-out as well
# (a new row's opt-out is the server default, unread until the row is loaded again).
CREATED_FIELDS = ("name", "kind", "employee_count", "naics_code", "city", "region", "website")
CHANGED_FIELDS = (*CREATED_FIELDS, "recognition_opt_out")


def _snapshot(organization: Organization, fields: tuple[str, ...]) -> dict[str, Any]:
    return {field: getattr(organization, field) for field in fields}


async def _check_against_database(
    session: AsyncSession,
    principal: Principal,
    check: Checker,
    cleaned: Mapping[str, Any],
    *,
    except_id: uuid.UUID | None = None,
) -> None:
    """The checks that read the database, on the fields that passed the others."""
    code = cleaned.get("naics_code")
    if code and not check.has_error(("naicsCode",)) and not await industry_exists(session, code):
        check.add(("naicsCode",), "naicsCode is not a NAICS 2022 code.", "INVALID")
    name = cleaned.get("name")
    if name and not check.has_error(NAME):
        if await reads.organization_named(session, principal, name, except_id=except_id):
            check.add(NAME, NAME_TAKEN, "TAKEN")


async def _flush(session: AsyncSession) -> None:
    """Flush; a name taken by a concurrent request (the unique index, case-insensitive)
    becomes the same userError as one found by the check."""
    try:
        await session.flush()
    except IntegrityError as error:
        if UNIQUE_NAME_INDEX in str(error.orig):
            raise InvalidInput([UserError(NAME, NAME_TAKEN, "TAKEN")]) from None
        raise


async def create_organization(
    session: AsyncSession, principal: Principal, *, fields: Mapping[str, Any]
) -> Organization:
    """A new organization (partnership admins and ``write`` apps). Its name, trimmed and
    with inner whitespace collapsed, is unique in the partnership without regard to case."""
    require_organization_creator(principal)
    check = Checker()
    cleaned = validation.organization_fields(check, fields, creating=True)
    await _check_against_database(session, principal, check, cleaned)
    check.done()
    organization = Organization(tenant_id=principal.tenant_id, id=uuid.uuid4(), **cleaned)
    session.add(organization)
    await _flush(session)
    await record_event(
        session,
        principal,
        action="organization.create",
        object_type="Organization",
        object_id=organization.id,
        changes=diff({}, _snapshot(organization, CREATED_FIELDS)),
    )
    return organization


async def _organization_for_change(
    session: AsyncSession, principal: Principal, organization_id: uuid.UUID
) -> Organization:
    organization = await session.scalar(
        scoped(Organization, principal).where(Organization.id == organization_id).with_for_update()
    )
    if organization is None:
        raise validation.not_found("id", "organization")
    return organization


async def update_organization(
    session: AsyncSession,
    principal: Principal,
    *,
    organization_id: uuid.UUID,
    fields: Mapping[str, Any],
) -> Organization:
    """Change only the given fields; a field given as None is cleared (name and kind
    cannot be cleared). A rename obeys the same uniqueness as a new name; an archived
    organization cannot be changed."""
    require_read(principal)
    organization = await _organization_for_change(session, principal, organization_id)
    require_organization_editor(principal, organization.id)
    check = Checker()
    cleaned = validation.organization_fields(check, fields, creating=False)
    await _check_against_database(session, principal, check, cleaned, except_id=organization.id)
    if organization.archived_at is not None:
        check.add(("id",), "This organization is archived.", "ARCHIVED")
    check.done()
    before = _snapshot(organization, CHANGED_FIELDS)
    for key, value in cleaned.items():
        setattr(organization, key, value)
    changes = diff(before, _snapshot(organization, CHANGED_FIELDS))
    if changes:
        organization.updated_at = datetime.now(UTC)
        await _flush(session)
        await record_event(
            session,
            principal,
            action="organization.update",
            object_type="Organization",
            object_id=organization.id,
            changes=changes,
        )
    return organization


async def archive_organization(
    session: AsyncSession, principal: Principal, *, organization_id: uuid.UUID
) -> Organization:
    """Archived organizations keep their history (and their name) but leave lists and
    cannot be edited (partnership admins only)."""
    require_partnership_admin(principal)
    organization = await _organization_for_change(session, principal, organization_id)
    if organization.archived_at is not None:
        raise InvalidInput([UserError(("id",), "Already archived.", "ALREADY_ARCHIVED")])
    organization.archived_at = datetime.now(UTC)
    await session.flush()
    await record_event(
        session,
        principal,
        action="organization.archive",
        object_type="Organization",
        object_id=organization.id,
        changes={"archived": {"from": False, "to": True}},
    )
    return organization
