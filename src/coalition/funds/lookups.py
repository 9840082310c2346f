"""Lookups and small helpers shared by the funds services.

Every lookup filters by the caller's tenant and handles another partnership's ID
exactly like one that does not exist (a NOT_FOUND userError on the given field).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from fractions import Fraction
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import Principal
from coalition.errors import InvalidInput, UserError
from coalition.funds import idempotency
from coalition.funds.models import (
    Contribution,
    Disbursement,
    FundPool,
    InitiativeParticipant,
    MatchTier,
)
from coalition.funds.validation import Tier
from coalition.tenancy.models import Organization

T = TypeVar("T")


def missing(field: str, what: str) -> InvalidInput:
    return InvalidInput([UserError((field,), f"No {what} with this ID.", "NOT_FOUND")])


def refuse(field: str, message: str, code: str) -> InvalidInput:
    return InvalidInput([UserError((field,), message, code)])


def today() -> date:
    return datetime.now(UTC).date()


# -- lookups (another tenant's ID is handled exactly like a random one) ------------------


async def load_organization(
    session: AsyncSession, principal: Principal, organization_id: uuid.UUID, field: str
) -> Organization:
    organization = await session.scalar(
        select(Organization).where(
            Organization.tenant_id == principal.tenant_id, Organization.id == organization_id
        )
    )
    if organization is None:
        raise missing(field, "organization")
    if organization.archived_at is not None:
        raise refuse(field, "This organization is archived.", "ARCHIVED")
    return organization


async def load_pool(
    session: AsyncSession,
    principal: Principal,
    pool_id: uuid.UUID,
    field: str = "poolId",
    *,
    lock: bool = False,
) -> FundPool:
    query = select(FundPool).where(
        FundPool.tenant_id == principal.tenant_id, FundPool.id == pool_id
    )
    if lock:
        # FOR NO KEY UPDATE: serializes changes of the pool's totals without blocking
        # inserts that merely reference the pool (foreign-key checks take KEY SHARE).
        query = query.with_for_update(key_share=True)
    pool = await session.scalar(query.execution_options(populate_existing=True))
    if pool is None:
        raise missing(field, "fund pool")
    return pool


async def load_contribution(
    session: AsyncSession, principal: Principal, contribution_id: uuid.UUID, field: str
) -> Contribution:
    contribution = await session.scalar(
        select(Contribution)
        .where(Contribution.tenant_id == principal.tenant_id, Contribution.id == contribution_id)
        .execution_options(populate_existing=True)
    )
    if contribution is None:
        raise missing(field, "contribution")
    return contribution


async def load_disbursement(
    session: AsyncSession, principal: Principal, disbursement_id: uuid.UUID, field: str
) -> Disbursement:
    disbursement = await session.scalar(
        select(Disbursement)
        .where(Disbursement.tenant_id == principal.tenant_id, Disbursement.id == disbursement_id)
        .execution_options(populate_existing=True)
    )
    if disbursement is None:
        raise missing(field, "disbursement")
    return disbursement


async def pool_tiers(session: AsyncSession, principal: Principal, pool_id: uuid.UUID) -> list[Tier]:
    rows = await session.execute(
        select(
            MatchTier.max_employees, MatchTier.ratio_numerator, MatchTier.ratio_denominator
        ).where(MatchTier.tenant_id == principal.tenant_id, MatchTier.pool_id == pool_id)
    )
    found = [Tier(row[0], Fraction(row[1], row[2])) for row in rows]
    return sorted(found, key=lambda t: (t.max_employees is None, t.max_employees or 0))


async def replayed(
    session: AsyncSession, principal: Principal, replay: idempotency.Replay, model: type[T]
) -> T:
    """The object the first request with this idempotency key produced, as it is now."""
    found = await session.get(
        model, (principal.tenant_id, replay.object_id), populate_existing=True
    )
    if found is None or model.__name__ != replay.object_type:
        raise RuntimeError(f"idempotency key points at a missing {replay.object_type}")
    return found


def payload_of(given: object) -> dict[str, object]:
    return {key: value for key, value in vars(given).items()}


async def is_participant(
    session: AsyncSession,
    principal: Principal,
    initiative_id: uuid.UUID,
    organization_id: uuid.UUID,
) -> bool:
    found = await session.scalar(
        select(InitiativeParticipant.id).where(
            InitiativeParticipant.tenant_id == principal.tenant_id,
            InitiativeParticipant.initiative_id == initiative_id,
            InitiativeParticipant.organization_id == organization_id,
        )
    )
    return found is not None
