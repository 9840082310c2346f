"""Giving people roles in organizations, and taking them away.

Both functions check permissions first, report every problem with the input at once
(``InvalidInput``) before writing anything, and write their audit event in the
caller's transaction.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.service import diff, record_event
from coalition.auth.permissions import require_read
from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant, scoped
from coalition.errors import InvalidInput, UserError
from coalition.tenancy import reads, validation
from coalition.tenancy.models import Membership, Organization, Role, User
from coalition.tenancy.permissions import require_member_manager
from coalition.validation import Checker


async def add_membership(
    session: AsyncSession,
    principal: Principal,
    *,
    organization_id: uuid.UUID,
    email: Any,
    display_name: Any,
    role: Any,
) -> Membership:
    """Give a person (found by email without regard to case, or created) a role in an
    organization: partnership admins anywhere, organization admins in their own (but
    never the partnership admin role). A person has at most one membership per
    organization; an archived organization takes no new members."""
    require_read(principal)
    organization = await session.scalar(
        scoped(Organization, principal).where(Organization.id == organization_id)
    )
    if organization is None:
        raise validation.not_found("organizationId", "organization")
    check = Checker()
    clean_email, clean_name, clean_role = validation.membership_fields(
        check, email=email, display_name=display_name, role=role
    )
    require_member_manager(principal, organization.id, role=clean_role)
    if organization.archived_at is not None:
        check.add(("organizationId",), "This organization is archived.", "ARCHIVED")
    user = await reads.user_by_email(session, principal, clean_email) if clean_email else None
    if user is not None and await _membership_of(session, principal, user, organization):
        check.add(("email",), "This person is already a member of the organization.", "TAKEN")
    check.done()
    assert clean_email is not None and clean_role is not None
    if user is None:
        user = User(
            tenant_id=principal.tenant_id,
            id=uuid.uuid4(),
            email=clean_email,
            display_name=clean_name or clean_email.split("@")[0],
        )
        session.add(user)
        await session.flush()
    membership = Membership(
        tenant_id=principal.tenant_id,
        id=uuid.uuid4(),
        user_id=user.id,
        organization_id=organization.id,
        role=clean_role,
    )
    session.add(membership)
    await session.flush()
    await record_event(
        session,
        principal,
        action="membership.add",
        object_type="Membership",
        object_id=membership.id,
        changes=diff(
            {}, {"organization_id": organization.id, "email": clean_email, "role": clean_role}
        ),
    )
    return membership


async def _membership_of(
    session: AsyncSession, principal: Principal, user: User, organization: Organization
) -> uuid.UUID | None:
    return await session.scalar(
        select(Membership.id).where(
            in_tenant(Membership, principal),
            Membership.user_id == user.id,
            Membership.organization_id == organization.id,
        )
    )


async def remove_membership(
    session: AsyncSession, principal: Principal, *, membership_id: uuid.UUID
) -> Membership:
    """End a membership (partnership admins, or the organization's admin for roles they
    may grant). The partnership's last partnership admin cannot be removed."""
    require_read(principal)
    membership = await session.scalar(
        scoped(Membership, principal).where(Membership.id == membership_id).with_for_update()
    )
    if membership is None:
        raise validation.not_found("id", "membership")
    require_member_manager(principal, membership.organization_id, role=membership.role)
    if membership.role is Role.PARTNERSHIP_ADMIN:
        # Lock every admin row so two concurrent removals cannot both pass this check.
        admins = list(
            await session.scalars(
                select(Membership.id)
                .where(in_tenant(Membership, principal), Membership.role == Role.PARTNERSHIP_ADMIN)
                .with_for_update()
            )
        )
        if len(admins) <= 1:
            raise InvalidInput(
                [
                    UserError(
                        ("id",), "A partnership needs at least one partnership admin.", "LAST_ADMIN"
                    )
                ]
            )
    await session.delete(membership)
    await session.flush()
    await record_event(
        session,
        principal,
        action="membership.remove",
        object_type="Membership",
        object_id=membership.id,
        changes=diff(
            {"organization_id": membership.organization_id, "role": membership.role},
            {"organization_id": None, "role": None},
        ),
    )
    return membership
