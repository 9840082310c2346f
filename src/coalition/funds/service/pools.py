"""Fund pools: opening one with its match rules, and moving it DRAFT -> OPEN -> CLOSED."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.service import record_event
from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant
from coalition.funds import idempotency, permissions
from coalition.funds.lookups import find_organization, load_pool, refuse
from coalition.funds.models.pools import FundPool, FundPoolStatus, FundPurpose, MatchTier
from coalition.funds.validation import tiers
from coalition.tenancy.models import OrganizationKind
from coalition.validation import MAX_NAME, Checker

POOL_TRANSITIONS: dict[FundPoolStatus, frozenset[FundPoolStatus]] = {
    FundPoolStatus.DRAFT: frozenset({FundPoolStatus.OPEN, FundPoolStatus.CLOSED}),
    FundPoolStatus.OPEN: frozenset({FundPoolStatus.CLOSED}),
    FundPoolStatus.CLOSED: frozenset(),
}


@dataclass(frozen=True)
class PoolInput:
    funder_organization_id: uuid.UUID
    name: str
    purpose: str | None
    currency: str
    starts_on: date
    ends_on: date
    match_tiers: Sequence[tuple[int | None, str]]
    cap_per_recipient_minor: int | str | None
    annual_cap_per_recipient_minor: int | str | None
    eligible_recipient_kinds: Sequence[str]
    eligible_purposes: Sequence[str]
    # The currencies the caps were given in (when given): they must be the pool's.
    cap_currency: str | None = None
    annual_cap_currency: str | None = None


async def create_pool(
    session: AsyncSession, principal: Principal, given: PoolInput, *, idempotency_key: str | None
) -> FundPool:
    """Open a DRAFT pool with its match rules (commitments are added separately)."""
    check = Checker()
    key = idempotency.check_key(check, idempotency_key)
    permissions.require_pool_creator(principal, given.funder_organization_id)
    await find_organization(
        session, principal, check, given.funder_organization_id, "funderOrganizationId"
    )
    return await idempotency.once(
        session,
        principal,
        check,
        key,
        "createFundPool",
        idempotency.payload_of(given),
        FundPool,
        lambda: _create_pool(session, principal, check, given),
    )


async def _create_pool(
    session: AsyncSession, principal: Principal, check: Checker, given: PoolInput
) -> FundPool:
    name = check.text(("name",), given.name, required=True, limit=MAX_NAME)
    purpose = check.text(("purpose",), given.purpose, required=False) or ""
    currency = check.currency(("currency",), given.currency)
    check.date_range(("startsOn",), given.starts_on, ("endsOn",), given.ends_on)
    checked_tiers = tiers(check, ("matchTiers",), given.match_tiers)
    cap = check.cap(
        ("capPerRecipient", "amountMinor"), given.cap_per_recipient_minor, currency=currency
    )
    annual_cap = check.cap(
        ("annualCapPerRecipient", "amountMinor"),
        given.annual_cap_per_recipient_minor,
        currency=currency,
    )
    if currency is not None:
        for path, given_currency in (
            (("capPerRecipient", "currency"), given.cap_currency),
            (("annualCapPerRecipient", "currency"), given.annual_cap_currency),
        ):
            if given_currency is not None:
                check.currency(path, given_currency, expected=currency)
    kinds = check.choices(
        ("eligibleRecipientKinds",), given.eligible_recipient_kinds, OrganizationKind
    )
    purposes = check.choices(("eligiblePurposes",), given.eligible_purposes, FundPurpose)
    if name is not None and await session.scalar(
        select(FundPool.id).where(in_tenant(FundPool, principal), FundPool.name == name)
    ):
        check.add(("name",), "A pool with this name exists.", "TAKEN")
    check.done()
    assert name is not None and currency is not None
    pool = FundPool(
        tenant_id=principal.tenant_id,
        id=uuid.uuid4(),
        funder_organization_id=given.funder_organization_id,
        name=name,
        purpose=purpose,
        currency=currency,
        starts_on=given.starts_on,
        ends_on=given.ends_on,
        status=FundPoolStatus.DRAFT,
        cap_per_recipient_minor=cap,
        annual_cap_per_recipient_minor=annual_cap,
        eligible_recipient_kinds=[kind.value for kind in kinds],
        eligible_purposes=[purpose.value for purpose in purposes],
        committed_minor=0,
        matched_minor=0,
        disbursed_minor=0,
        paid_minor=0,
        contributed_minor=0,
    )
    session.add(pool)
    await session.flush()
    await session.execute(
        insert(MatchTier),
        [
            {
                "tenant_id": principal.tenant_id,
                "id": uuid.uuid4(),
                "pool_id": pool.id,
                "max_employees": tier.max_employees,
                "ratio_numerator": tier.ratio.numerator,
                "ratio_denominator": tier.ratio.denominator,
            }
            for tier in checked_tiers
        ],
    )
    await record_event(
        session,
        principal,
        action="fund_pool.create",
        object_type="FundPool",
        object_id=pool.id,
        changes={"name": name, "currency": currency},
    )
    return pool


async def set_pool_status(
    session: AsyncSession, principal: Principal, pool_id: uuid.UUID, status: FundPoolStatus
) -> FundPool:
    """DRAFT -> OPEN -> CLOSED (or DRAFT -> CLOSED). Closing stops new matches; matched
    funds can still be disbursed."""
    pool = await load_pool(session, principal, pool_id, lock=True)
    permissions.require_pool_manager(principal, pool.funder_organization_id)
    if status not in POOL_TRANSITIONS[pool.status]:
        raise refuse(
            "status", f"A {pool.status} pool cannot become {status}.", "INVALID_TRANSITION"
        )
    before = pool.status
    pool.status = status
    pool.updated_at = datetime.now(UTC)
    await session.flush()
    await record_event(
        session,
        principal,
        action="fund_pool.set_status",
        object_type="FundPool",
        object_id=pool.id,
        changes={"status": [before, status]},
    )
    return pool
