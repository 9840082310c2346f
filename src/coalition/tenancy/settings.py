"""Changing the partnership's own settings (the pooled-demand rule, its time zone)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.service import diff, record_event
from coalition.auth.permissions import require_partnership_admin
from coalition.auth.principal import Principal
from coalition.tenancy import validation
from coalition.tenancy.models import Tenant
from coalition.validation import Checker


async def update_tenant_settings(
    session: AsyncSession,
    principal: Principal,
    *,
    min_employers: int | None = None,
    max_share_percent: int | None = None,
    time_zone: str | None = None,
) -> Tenant:
    """Change the partnership's settings (partnership admins); omitted ones stay.

    Raises ``InvalidInput`` with every problem before writing anything; an actual
    change writes one ``tenant.update_settings`` audit event in the caller's
    transaction, a change to the same values writes nothing."""
    require_partnership_admin(principal)
    # The partnership's own directory row (keyed by its id), locked for the change.
    tenant = await session.get(Tenant, principal.tenant_id, with_for_update=True)
    assert tenant is not None, "a verified principal's tenant exists"
    check = Checker()
    settings = validation.tenant_settings(
        check,
        tenant.settings,
        min_employers=min_employers,
        max_share_percent=max_share_percent,
        time_zone=time_zone,
    )
    check.done()
    changes = diff(_flat(tenant.settings), _flat(settings))
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


def _flat(settings: dict[str, Any]) -> dict[str, Any]:
    disclosure = settings.get("disclosure") or {}
    return {
        "time_zone": settings.get("time_zone"),
        "disclosure_min_employers": disclosure.get("min_employers"),
        "disclosure_max_share_percent": disclosure.get("max_share_percent"),
    }
