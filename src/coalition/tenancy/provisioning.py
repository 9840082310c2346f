"""Making partnerships and finding what the operator names: the command line's services.

A partnership is made by the operator, before anyone of it can sign in, so
these functions act as the system (``system_*``) where no principal can exist
yet; everything after the partnership's row (its audit event, the convener
organization, the first admin) goes through the ordinary services as the
system principal of the new partnership, in the caller's transaction.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.service import diff, record_event
from coalition.auth.principal import Principal, system_principal
from coalition.auth.roles import Role
from coalition.db.session import set_tenant
from coalition.errors import InvalidInput, UserError
from coalition.tenancy import validation
from coalition.tenancy.memberships import add_membership
from coalition.tenancy.models import Membership, Organization, OrganizationKind, Tenant
from coalition.tenancy.organizations import create_organization
from coalition.validation import MAX_NAME, Checker

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


@dataclass(frozen=True)
class FirstAdmin:
    """The partnership's first PARTNERSHIP_ADMIN and the convener organization they
    belong to (named after the partnership unless ``organization_name`` is given)."""

    email: str
    display_name: str | None = None
    organization_name: str | None = None
    organization_kind: OrganizationKind = OrganizationKind.PUBLIC_AGENCY


@dataclass(frozen=True)
class Partnership:
    tenant: Tenant
    principal: Principal
    organization: Organization | None = None
    membership: Membership | None = None


def _check_partnership(
    *, slug: str, name: str, region: str, time_zone: str, admin: FirstAdmin | None
) -> Checker:
    check = Checker()
    if not SLUG.match(slug):
        check.add(("slug",), "slug must be 1-63 lowercase letters, digits or dashes.", "INVALID")
    check.text(("name",), name, required=True, limit=MAX_NAME)
    check.text(("region",), region, required=True, limit=MAX_NAME)
    if not validation.is_time_zone(time_zone):
        check.add(
            ("timeZone",),
            f"timeZone {time_zone[:80]!r} is not an IANA time zone, such as America/Chicago.",
            "INVALID",
        )
    if admin is not None:
        check.email(("email",), admin.email, required=True)
        check.name(("displayName",), admin.display_name, required=False)
        check.name(("organizationName",), admin.organization_name, required=False)
    return check


async def system_create_partnership(
    session: AsyncSession,
    *,
    operator: str,
    slug: str,
    name: str,
    region: str,
    time_zone: str = "UTC",
    admin: FirstAdmin | None = None,
) -> Partnership:
    """Create a partnership, and with ``admin`` its convener organization and first
    partnership admin, all or nothing.

    Checks every input before writing and raises ``InvalidInput`` with all the
    problems (fields ``slug``, ``name``, ``region``, ``timeZone``, ``email``,
    ``displayName``, ``organizationName``; a taken slug is ``TAKEN``). The caller owns
    the transaction: it must not be bound to a tenant yet, and is bound to the new
    partnership afterwards. Every step is audited, with ``operator`` as the actor.
    """
    _check_partnership(slug=slug, name=name, region=region, time_zone=time_zone, admin=admin).done()
    values = {"slug": slug, "name": name.strip(), "region": region.strip()}
    tenant = await session.scalar(
        insert(Tenant)
        .values(id=uuid.uuid4(), settings={"time_zone": time_zone}, **values)
        .on_conflict_do_nothing()
        .returning(Tenant)
    )
    if tenant is None:
        raise InvalidInput(
            [UserError(("slug",), f"a partnership with slug {slug!r} exists.", "TAKEN")]
        )
    await set_tenant(session, tenant.id)
    principal = system_principal(tenant.id, operator)
    await record_event(
        session,
        principal,
        action="tenant.create",
        object_type="Tenant",
        object_id=tenant.id,
        changes=diff({}, values | {"time_zone": time_zone}),
    )
    if admin is None:
        return Partnership(tenant, principal)
    organization = await create_organization(
        session,
        principal,
        fields={
            "name": admin.organization_name or tenant.name,
            "kind": admin.organization_kind,
            "region": tenant.region,
        },
    )
    membership = await add_membership(
        session,
        principal,
        organization_id=organization.id,
        email=admin.email,
        display_name=admin.display_name,
        role=Role.PARTNERSHIP_ADMIN,
    )
    return Partnership(tenant, principal, organization, membership)


async def system_list_partnerships(session: AsyncSession) -> list[Tenant]:
    """Every partnership, by slug (the operator's view across tenants)."""
    return list(await session.scalars(select(Tenant).order_by(Tenant.slug)))


__all__ = [
    "SLUG",
    "FirstAdmin",
    "Partnership",
    "system_create_partnership",
    "system_list_partnerships",
]
