"""Business rules for organizations, memberships and API clients.

Every function takes the session (bound to the caller's tenant by the
caller, who owns the transaction) and the principal; every query filters by
``principal.tenant_id`` explicitly as well (row-level security is the
backstop, not the only wall). Mutating functions check permissions first,
validate all input and raise ``InvalidInput`` before writing anything, and
write the audit event in the same transaction.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.service import diff, record_event
from coalition.auth.permissions import (
    require_member_manager,
    require_organization_creator,
    require_organization_editor,
    require_partnership_admin,
    require_read,
)
from coalition.auth.principal import Principal
from coalition.auth.scopes import unknown_scopes
from coalition.auth.secrets import hash_client_secret, new_client_secret
from coalition.errors import InvalidInput, UserError
from coalition.pagination import (
    Page,
    PageRequest,
    SortKey,
    after_clause,
    build_page,
    check_page_request,
    fetch_page,
)
from coalition.skills.service import industry_exists
from coalition.tenancy import validation
from coalition.tenancy.models import (
    ApiClient,
    Membership,
    Organization,
    OrganizationKind,
    Role,
    Tenant,
    User,
)

SME_EMPLOYEE_LIMIT = 500


class SizeBand(enum.StrEnum):
    """Employer size by head count; MICRO, SMALL and MEDIUM together are SMEs (< 500)."""

    MICRO = "MICRO"
    SMALL = "SMALL"
    MEDIUM = "MEDIUM"
    LARGE = "LARGE"


def size_band(employee_count: int | None) -> SizeBand | None:
    if employee_count is None:
        return None
    if employee_count < 10:
        return SizeBand.MICRO
    if employee_count < 50:
        return SizeBand.SMALL
    if employee_count < SME_EMPLOYEE_LIMIT:
        return SizeBand.MEDIUM
    return SizeBand.LARGE


def _not_found(field: str, what: str) -> InvalidInput:
    return InvalidInput([UserError((field,), f"No {what} with this ID.", "NOT_FOUND")])


def _organizations(principal: Principal) -> Select[Organization]:
    return select(Organization).where(Organization.tenant_id == principal.tenant_id)


def _organization_snapshot(organization: Organization) -> dict[str, Any]:
    return {
        "name": organization.name,
        "kind": organization.kind,
        "employee_count": organization.employee_count,
        "naics_code": organization.naics_code,
        "city": organization.city,
        "region": organization.region,
        "website": organization.website,
    }


# --- the partnership -------------------------------------------------------------------


async def get_tenant(session: AsyncSession, principal: Principal) -> Tenant:
    tenant = await session.get(Tenant, principal.tenant_id)
    assert tenant is not None, "a verified principal's tenant exists"
    return tenant


async def update_tenant_settings(
    session: AsyncSession,
    principal: Principal,
    *,
    min_employers: int | None = None,
    max_share_percent: int | None = None,
    time_zone: str | None = None,
) -> Tenant:
    """Change the partnership's settings (partnership admins); omitted ones stay."""
    require_partnership_admin(principal)
    tenant = await session.scalar(
        select(Tenant).where(Tenant.id == principal.tenant_id).with_for_update()
    )
    assert tenant is not None, "a verified principal's tenant exists"
    settings, errors = validation.tenant_settings(
        tenant.settings,
        min_employers=min_employers,
        max_share_percent=max_share_percent,
        time_zone=time_zone,
    )
    if errors:
        raise InvalidInput(errors)
    changes = diff(_flat_settings(tenant.settings), _flat_settings(settings))
    if changes:
        tenant.settings = settings
        await session.flush()
        await record_event(
            session,
            principal,
            action="tenant.update_settings",
            object_type="Tenant",
            object_id=tenant.id,
            changes=changes,
        )
    return tenant


def _flat_settings(settings: dict[str, Any]) -> dict[str, Any]:
    disclosure = settings.get("disclosure") or {}
    return {
        "time_zone": settings.get("time_zone"),
        "disclosure_min_employers": disclosure.get("min_employers"),
        "disclosure_max_share_percent": disclosure.get("max_share_percent"),
    }


# --- organizations ---------------------------------------------------------------------


async def list_organizations(
    session: AsyncSession,
    principal: Principal,
    *,
    page: PageRequest,
    kinds: Sequence[OrganizationKind] = (),
    search: str | None = None,
    include_archived: bool = False,
) -> Page[Organization]:
    """Organizations ordered by name then ID; any member or a ``read`` client may list."""
    require_read(principal)
    statement = _organizations(principal)
    if kinds:
        statement = statement.where(Organization.kind.in_(list(kinds)))
    if search and search.strip():
        term = search.strip()[: validation.MAX_NAME]
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        statement = statement.where(Organization.name.ilike(f"%{escaped}%", escape="\\"))
    if not include_archived:
        statement = statement.where(Organization.archived_at.is_(None))
    key = SortKey([Organization.name, Organization.id], [str, uuid.UUID])
    return await fetch_page(session, statement, page, key)


async def organizations_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Organization]:
    require_read(principal)
    rows = await session.scalars(_organizations(principal).where(Organization.id.in_(ids)))
    return {row.id: row for row in rows}


async def _name_taken(
    session: AsyncSession, principal: Principal, name: str, *, except_id: uuid.UUID | None = None
) -> bool:
    statement = select(Organization.id).where(
        Organization.tenant_id == principal.tenant_id, Organization.name == name
    )
    if except_id is not None:
        statement = statement.where(Organization.id != except_id)
    return (await session.scalar(statement.limit(1))) is not None


async def _check_industry(
    session: AsyncSession, cleaned: dict[str, Any], errors: list[UserError]
) -> None:
    code = cleaned.get("naics_code")
    already_wrong = any(error.field == ("naicsCode",) for error in errors)
    if code and not already_wrong and not await industry_exists(session, code):
        errors.append(UserError(("naicsCode",), "naicsCode is not a NAICS 2022 code.", "INVALID"))


async def create_organization(
    session: AsyncSession, principal: Principal, *, fields: dict[str, Any]
) -> Organization:
    require_organization_creator(principal)
    cleaned, errors = validation.organization_fields(fields, creating=True)
    await _check_industry(session, cleaned, errors)
    if not errors and await _name_taken(session, principal, cleaned["name"]):
        errors.append(UserError(("name",), "An organization with this name exists.", "TAKEN"))
    if errors:
        raise InvalidInput(errors)
    organization = Organization(tenant_id=principal.tenant_id, id=uuid.uuid4(), **cleaned)
    session.add(organization)
    await session.flush()
    await record_event(
        session,
        principal,
        action="organization.create",
        object_type="Organization",
        object_id=organization.id,
        changes=diff({}, _organization_snapshot(organization)),
    )
    return organization


async def _organization_for_change(
    session: AsyncSession, principal: Principal, organization_id: uuid.UUID, field: str = "id"
) -> Organization:
    organization = await session.scalar(
        _organizations(principal).where(Organization.id == organization_id).with_for_update()
    )
    if organization is None:
        raise _not_found(field, "organization")
    return organization


async def update_organization(
    session: AsyncSession,
    principal: Principal,
    *,
    organization_id: uuid.UUID,
    fields: dict[str, Any],
) -> Organization:
    """Change only the given fields; a field given as None is cleared (name and kind
    cannot be cleared)."""
    require_read(principal)
    organization = await _organization_for_change(session, principal, organization_id)
    require_organization_editor(principal, organization.id)
    fields = dict(fields)
    opt_out = fields.pop("recognition_opt_out", None)
    cleaned, errors = validation.organization_fields(fields, creating=False)
    if opt_out is not None:
        # Whether the organization appears in the public investment-recognition ranking.
        cleaned["recognition_opt_out"] = bool(opt_out)
    await _check_industry(session, cleaned, errors)
    if (
        not errors
        and cleaned.get("name")
        and await _name_taken(session, principal, cleaned["name"], except_id=organization.id)
    ):
        errors.append(UserError(("name",), "An organization with this name exists.", "TAKEN"))
    if organization.archived_at is not None:
        errors.append(UserError(("id",), "This organization is archived.", "ARCHIVED"))
    if errors:
        raise InvalidInput(errors)
    before = _organization_snapshot(organization) | {
        "recognition_opt_out": organization.recognition_opt_out
    }
    for key, value in cleaned.items():
        setattr(organization, key, value)
    changes = diff(
        before,
        _organization_snapshot(organization)
        | {"recognition_opt_out": organization.recognition_opt_out},
    )
    if changes:
        organization.updated_at = datetime.now(UTC)
        await session.flush()
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
    """Archived organizations keep their history but leave lists and cannot be edited."""
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


# --- people and memberships ------------------------------------------------------------


async def users_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, User]:
    require_read(principal)
    rows = await session.scalars(
        select(User).where(User.tenant_id == principal.tenant_id, User.id.in_(ids))
    )
    return {row.id: row for row in rows}


async def memberships_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Membership]:
    require_read(principal)
    rows = await session.scalars(
        select(Membership).where(
            Membership.tenant_id == principal.tenant_id, Membership.id.in_(ids)
        )
    )
    return {row.id: row for row in rows}


async def memberships_of_organizations(
    session: AsyncSession,
    principal: Principal,
    organization_ids: Sequence[uuid.UUID],
    *,
    page: PageRequest,
) -> dict[uuid.UUID, Page[Membership]]:
    """One page of memberships for each organization, in one statement."""
    require_read(principal)
    check_page_request(page)
    total = func.count().over(partition_by=Membership.organization_id).label("total")
    scoped = (
        select(Membership.id, total)
        .where(
            Membership.tenant_id == principal.tenant_id,
            Membership.organization_id.in_(organization_ids),
        )
        .subquery()
    )
    position = (
        func.row_number()
        .over(
            partition_by=Membership.organization_id, order_by=(Membership.created_at, Membership.id)
        )
        .label("position")
    )
    ranked = (
        select(Membership.id, scoped.c.total, position)
        .join(scoped, scoped.c.id == Membership.id)
        .where(Membership.tenant_id == principal.tenant_id)
    )
    condition = after_clause(
        [Membership.created_at, Membership.id], page, [datetime.fromisoformat, uuid.UUID]
    )
    if condition is not None:
        ranked = ranked.where(condition)
    ranked_sub = ranked.subquery()
    rows = await session.execute(
        select(Membership, ranked_sub.c.total)
        .join(ranked_sub, ranked_sub.c.id == Membership.id)
        .where(Membership.tenant_id == principal.tenant_id, ranked_sub.c.position <= page.first + 1)
        .order_by(Membership.organization_id, Membership.created_at, Membership.id)
    )
    grouped: dict[uuid.UUID, list[Membership]] = {}
    totals: dict[uuid.UUID, int] = {}
    for membership, count in rows:
        grouped.setdefault(membership.organization_id, []).append(membership)
        totals[membership.organization_id] = count
    return {
        organization_id: build_page(
            grouped.get(organization_id, []),
            page,
            totals.get(organization_id, 0),
            lambda row: (row.created_at, row.id),
        )
        for organization_id in organization_ids
    }


async def memberships_of_user(
    session: AsyncSession, principal: Principal, user_id: uuid.UUID
) -> list[Membership]:
    rows = await session.scalars(
        select(Membership)
        .where(Membership.tenant_id == principal.tenant_id, Membership.user_id == user_id)
        .order_by(Membership.created_at, Membership.id)
    )
    return list(rows)


async def add_membership(
    session: AsyncSession,
    principal: Principal,
    *,
    organization_id: uuid.UUID,
    email: Any,
    display_name: Any,
    role: Any,
) -> Membership:
    """Give a person (found by email, or created) a role in an organization."""
    require_read(principal)
    organization = await session.scalar(
        _organizations(principal).where(Organization.id == organization_id)
    )
    if organization is None:
        raise _not_found("organizationId", "organization")
    errors: list[UserError] = []
    clean_role = validation.role_field(errors, role)
    require_member_manager(principal, organization.id, role=clean_role)
    clean_email = validation.email_field(errors, email)
    clean_name = validation.text_field(
        errors, "displayName", display_name, limit=validation.MAX_NAME, required=False
    )
    if organization.archived_at is not None:
        errors.append(UserError(("organizationId",), "This organization is archived.", "ARCHIVED"))
    if errors:
        raise InvalidInput(errors)
    assert clean_email is not None and clean_role is not None
    user = await session.scalar(
        select(User).where(User.tenant_id == principal.tenant_id, User.email == clean_email)
    )
    if user is None:
        user = User(
            tenant_id=principal.tenant_id,
            id=uuid.uuid4(),
            email=clean_email,
            display_name=clean_name or clean_email.split("@")[0],
        )
        session.add(user)
        await session.flush()
    elif await session.scalar(
        select(Membership.id).where(
            Membership.tenant_id == principal.tenant_id,
            Membership.user_id == user.id,
            Membership.organization_id == organization.id,
        )
    ):
        raise InvalidInput(
            [UserError(("email",), "This person is already a member of the organization.", "TAKEN")]
        )
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


async def remove_membership(
    session: AsyncSession, principal: Principal, *, membership_id: uuid.UUID
) -> Membership:
    require_read(principal)
    membership = await session.scalar(
        select(Membership)
        .where(Membership.tenant_id == principal.tenant_id, Membership.id == membership_id)
        .with_for_update()
    )
    if membership is None:
        raise _not_found("id", "membership")
    require_member_manager(principal, membership.organization_id, role=membership.role)
    if membership.role is Role.PARTNERSHIP_ADMIN:
        # Lock every admin row so two concurrent removals cannot both pass this check.
        admins = list(
            await session.scalars(
                select(Membership.id)
                .where(
                    Membership.tenant_id == principal.tenant_id,
                    Membership.role == Role.PARTNERSHIP_ADMIN,
                )
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


# --- API clients -----------------------------------------------------------------------


async def list_api_clients(
    session: AsyncSession, principal: Principal, *, page: PageRequest
) -> Page[ApiClient]:
    require_partnership_admin(principal)
    scoped = select(ApiClient).where(ApiClient.tenant_id == principal.tenant_id)
    key = SortKey([ApiClient.created_at, ApiClient.id], [datetime.fromisoformat, uuid.UUID])
    return await fetch_page(session, scoped, page, key)


async def api_clients_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, ApiClient]:
    require_partnership_admin(principal)
    rows = await session.scalars(
        select(ApiClient).where(ApiClient.tenant_id == principal.tenant_id, ApiClient.id.in_(ids))
    )
    return {row.id: row for row in rows}


async def create_api_client(
    session: AsyncSession, principal: Principal, *, name: Any, scopes: Sequence[str]
) -> tuple[ApiClient, str]:
    """Returns the client and its secret; the secret is not stored and cannot be shown again."""
    require_partnership_admin(principal)
    errors: list[UserError] = []
    clean_name = validation.text_field(
        errors, "name", name, limit=validation.MAX_NAME, required=True
    )
    requested = sorted({scope.strip() for scope in scopes})
    if not requested:
        errors.append(UserError(("scopes",), "Give the client at least one scope.", "REQUIRED"))
    unknown = unknown_scopes(requested)
    if unknown:
        errors.append(UserError(("scopes",), f"Unknown scopes: {', '.join(unknown)}.", "INVALID"))
    if errors:
        raise InvalidInput(errors)
    assert clean_name is not None
    secret = new_client_secret()
    client = ApiClient(
        tenant_id=principal.tenant_id,
        id=uuid.uuid4(),
        name=clean_name,
        secret_hash=hash_client_secret(secret),
        scopes=requested,
    )
    session.add(client)
    await session.flush()
    await record_event(
        session,
        principal,
        action="api_client.create",
        object_type="ApiClient",
        object_id=client.id,
        changes=diff({}, {"name": clean_name, "scopes": requested}),
    )
    return client, secret


async def revoke_api_client(
    session: AsyncSession, principal: Principal, *, client_id: uuid.UUID
) -> ApiClient:
    """A revoked client gets no new tokens, and its live tokens stop working at once."""
    require_partnership_admin(principal)
    client = await session.scalar(
        select(ApiClient)
        .where(ApiClient.tenant_id == principal.tenant_id, ApiClient.id == client_id)
        .with_for_update()
    )
    if client is None:
        raise _not_found("id", "API client")
    if client.revoked_at is not None:
        raise InvalidInput([UserError(("id",), "Already revoked.", "ALREADY_REVOKED")])
    client.revoked_at = datetime.now(UTC)
    await session.flush()
    await record_event(
        session,
        principal,
        action="api_client.revoke",
        object_type="ApiClient",
        object_id=client.id,
        changes={"revoked": {"from": False, "to": True}},
    )
    return client
