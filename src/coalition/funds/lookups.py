"""Lookups and small helpers shared by the funds services.

Every lookup starts from the caller's tenant (``coalition.db.scoping``) and handles
another partnership's ID exactly like one that does not exist (a NOT_FOUND userError
on the given field). Contributions and tranches are also looked up through what the
caller may see (``permissions``): one the caller may not see is NOT_FOUND too, never
FORBIDDEN, which would tell them it exists.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant, scoped
from coalition.errors import InvalidInput, UserError
from coalition.funds import permissions
from coalition.funds.models.contributions import Contribution
from coalition.funds.models.disbursements import Disbursement
from coalition.funds.models.initiatives import Initiative, InitiativeParticipant
from coalition.funds.models.pools import FundPool, MatchTier
from coalition.funds.validation import Tier
from coalition.tenancy.models import Organization
from coalition.validation import Checker


def missing(field: str, what: str) -> InvalidInput:
    return InvalidInput([UserError((field,), f"No {what} with this ID.", "NOT_FOUND")])


def refuse(field: str, message: str, code: str) -> InvalidInput:
    return InvalidInput([UserError((field,), message, code)])


def today() -> date:
    return datetime.now(UTC).date()


# -- lookups (another tenant's ID is handled exactly like a random one) ------------------


async def find_organization(
    session: AsyncSession,
    principal: Principal,
    check: Checker,
    organization_id: uuid.UUID,
    field: str,
) -> Organization | None:
    """The tenant's organization, if it exists and is not archived; else None, and the
    problem in ``check`` (reported with the rest of the input's)."""
    organization = await session.scalar(
        scoped(Organization, principal).where(Organization.id == organization_id)
    )
    if organization is None:
        check.add((field,), "No organization with this ID.", "NOT_FOUND")
        return None
    if organization.archived_at is not None:
        check.add((field,), "This organization is archived.", "ARCHIVED")
        return None
    return organization


async def load_organization(
    session: AsyncSession, principal: Principal, organization_id: uuid.UUID, field: str
) -> Organization:
    check = Checker()
    organization = await find_organization(session, principal, check, organization_id, field)
    check.done()
    assert organization is not None
    return organization


async def load_initiative(
    session: AsyncSession, principal: Principal, initiative_id: uuid.UUID, field: str
) -> Initiative:
    initiative = await session.scalar(
        scoped(Initiative, principal).where(Initiative.id == initiative_id)
    )
    if initiative is None:
        raise missing(field, "initiative")
    return initiative


async def load_pool(
    session: AsyncSession,
    principal: Principal,
    pool_id: uuid.UUID,
    field: str = "poolId",
    *,
    lock: bool = False,
) -> FundPool:
    query = scoped(FundPool, principal).where(FundPool.id == pool_id)
    if lock:
        # FOR NO KEY UPDATE: serializes changes of the pool's totals without blocking
        # inserts that merely reference the pool (foreign-key checks take KEY SHARE).
        query = query.with_for_update(key_share=True)
    pool = await session.scalar(query.execution_options(populate_existing=True))
    if pool is None:
        raise missing(field, "fund pool")
    return pool


async def load_managed_pool(
    session: AsyncSession, principal: Principal, pool_id: uuid.UUID
) -> FundPool:
    """The pool, if the caller manages it (FORBIDDEN otherwise)."""
    pool = await load_pool(session, principal, pool_id)
    permissions.require_pool_manager(principal, pool.funder_organization_id)
    return pool


async def load_contribution(
    session: AsyncSession, principal: Principal, contribution_id: uuid.UUID, field: str
) -> Contribution:
    contribution = await session.scalar(
        scoped(Contribution, principal)
        .where(permissions.contribution_clause(principal), Contribution.id == contribution_id)
        .execution_options(populate_existing=True)
    )
    if contribution is None:
        raise missing(field, "contribution")
    return contribution


async def load_disbursement(
    session: AsyncSession, principal: Principal, disbursement_id: uuid.UUID, field: str
) -> Disbursement:
    disbursement = await session.scalar(
        scoped(Disbursement, principal)
        .where(permissions.disbursement_clause(principal), Disbursement.id == disbursement_id)
        .execution_options(populate_existing=True)
    )
    if disbursement is None:
        raise missing(field, "disbursement")
    return disbursement


async def pool_tiers(session: AsyncSession, principal: Principal, pool_id: uuid.UUID) -> list[Tier]:
    rows = await session.execute(
        select(
            MatchTier.max_employees, MatchTier.ratio_numerator, MatchTier.ratio_denominator
        ).where(in_tenant(MatchTier, principal), MatchTier.pool_id == pool_id)
    )
    found = [Tier(row[0], Fraction(row[1], row[2])) for row in rows]
    return sorted(found, key=lambda t: (t.max_employees is None, t.max_employees or 0))


async def is_participant(
    session: AsyncSession,
    principal: Principal,
    initiative_id: uuid.UUID,
    organization_id: uuid.UUID,
) -> bool:
    found = await session.scalar(
        select(InitiativeParticipant.id).where(
            in_tenant(InitiativeParticipant, principal),
            InitiativeParticipant.initiative_id == initiative_id,
            InitiativeParticipant.organization_id == organization_id,
        )
    )
    return found is not None
