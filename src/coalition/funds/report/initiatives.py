"""An initiative's funding, per pool."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant
from coalition.funds import permissions
from coalition.funds.models.contributions import Contribution, ContributionStatus
from coalition.funds.models.ledger import LedgerEntry, LedgerTransaction
from coalition.funds.models.pools import FundPool
from coalition.funds.report.ledger_sums import (
    DISBURSED_ACCOUNTS,
    recipient_entries,
    stage_sums,
    with_contribution,
)


@dataclass(frozen=True)
class InitiativeFunding:
    pool_id: uuid.UUID
    currency: str
    contributed: int
    matched: int
    disbursed: int
    paid: int
    # Which initiative the row is of (the list is already keyed by it): for the fields
    # other domains add to a pool's funding of an initiative; not part of its value.
    initiative_id: uuid.UUID | None = field(default=None, compare=False)


async def initiative_funding(
    session: AsyncSession, principal: Principal, initiative_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[InitiativeFunding]]:
    """For each initiative, per pool: its verified contributions and the ledger's
    matched, disbursed and paid for them (two statements for any number of
    initiatives, for a DataLoader). Pools where all four are zero are left out; an
    initiative without funding (or of another tenant) maps to an empty list. Each
    list is ordered by pool name."""
    permissions.require_funds_read(principal)
    wanted = list(dict.fromkeys(initiative_ids))
    funding: dict[uuid.UUID, list[InitiativeFunding]] = {key: [] for key in wanted}
    if not wanted:
        return funding
    contributed = await session.execute(
        select(
            Contribution.initiative_id,
            Contribution.pool_id,
            FundPool.name,
            FundPool.currency,
            func.coalesce(
                func.sum(Contribution.amount_minor).filter(
                    Contribution.status == ContributionStatus.VERIFIED
                ),
                0,
            ),
        )
        .join(
            FundPool,
            and_(in_tenant(FundPool, principal), FundPool.id == Contribution.pool_id),
        )
        .where(in_tenant(Contribution, principal), Contribution.initiative_id.in_(wanted))
        .group_by(
            Contribution.initiative_id, Contribution.pool_id, FundPool.name, FundPool.currency
        )
        .order_by(FundPool.name, Contribution.pool_id)
    )
    # Every ledger figure belongs to a contribution, so the first statement saw its pool.
    staged = {
        (initiative_id, pool_id): (int(matched), int(disbursed), int(paid))
        for initiative_id, pool_id, matched, disbursed, paid in await session.execute(
            with_contribution(recipient_entries(principal), principal)
            .add_columns(Contribution.initiative_id, Contribution.pool_id, *stage_sums())
            .where(Contribution.initiative_id.in_(wanted))
            .group_by(Contribution.initiative_id, Contribution.pool_id)
        )
    }
    for initiative_id, pool_id, _name, currency, amount in contributed.all():
        matched, disbursed, paid = staged.get((initiative_id, pool_id), (0, 0, 0))
        if amount or matched or disbursed or paid:
            funding[initiative_id].append(
                InitiativeFunding(
                    pool_id, currency, int(amount), matched, disbursed, paid, initiative_id
                )
            )
    return funding


async def disbursed_to_initiative(
    session: AsyncSession,
    principal: Principal,
    initiative_id: uuid.UUID,
    *,
    occurred_from: date,
    occurred_to: date,
    pool_id: uuid.UUID | None = None,
) -> dict[str, int]:
    """What the ledger disbursed (approved or paid, less reversals) for the initiative's
    contributions in [from, to] (inclusive, by the transactions' dates), per currency, in
    minor units: what a cost per outcome divides. Read like ``initiative_funding``: by
    whoever may read funds. One statement; with ``pool_id``, that pool's only."""
    permissions.require_funds_read(principal)
    amount = LedgerEntry.amount_minor
    statement = (
        with_contribution(recipient_entries(principal), principal)
        .add_columns(LedgerEntry.currency, func.sum(amount))
        .where(
            Contribution.initiative_id == initiative_id,
            LedgerEntry.account.in_(DISBURSED_ACCOUNTS),
            LedgerTransaction.occurred_on >= occurred_from,
            LedgerTransaction.occurred_on <= occurred_to,
        )
        .group_by(LedgerEntry.currency)
        .order_by(LedgerEntry.currency)
    )
    if pool_id is not None:
        statement = statement.where(LedgerEntry.pool_id == pool_id)
    rows = await session.execute(statement)
    return {currency: int(total) for currency, total in rows if total}


async def pool_disbursed_by_initiative(
    session: AsyncSession,
    principal: Principal,
    pool_id: uuid.UUID,
    *,
    occurred_from: date,
    occurred_to: date,
) -> dict[uuid.UUID, int]:
    """What the pool disbursed in [from, to] (approved or paid, less reversals), per
    initiative, in the pool's minor units. One statement."""
    permissions.require_funds_read(principal)
    rows = await session.execute(
        with_contribution(recipient_entries(principal), principal)
        .add_columns(Contribution.initiative_id, func.sum(LedgerEntry.amount_minor))
        .where(
            LedgerEntry.pool_id == pool_id,
            LedgerEntry.account.in_(DISBURSED_ACCOUNTS),
            LedgerTransaction.occurred_on >= occurred_from,
            LedgerTransaction.occurred_on <= occurred_to,
        )
        .group_by(Contribution.initiative_id)
    )
    return {initiative: int(total) for initiative, total in rows if total}
