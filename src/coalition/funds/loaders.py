"""Per-request DataLoaders of matching funds: one statement per batch, whatever its size.

Attach one ``FundsLoaders`` per request context (``context.loaders.funds``). Each
batch runs through ``funds.reads`` (or the report functions), so it checks the
caller's right to read funds and sees only the caller's tenant.

Nested connections (a pool's contributions, a pool's ledger entries) load one
page per parent with ``fetch_page``; they are batched per request so that the
session is taken once for all the parents a query asks about.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from coalition.auth.principal import Principal
from coalition.funds import reads
from coalition.funds.models import (
    Contribution,
    ContributionStatus,
    Disbursement,
    FundCommitment,
    FundPool,
    Initiative,
    LedgerEntry,
    LedgerTransaction,
    MatchTier,
)
from coalition.pagination import Page, PageRequest
from coalition.tenancy.models import Organization

if TYPE_CHECKING:
    from coalition.api.context import Context
    from coalition.funds.report import InitiativeFunding

V = TypeVar("V")
K = TypeVar("K", bound=Hashable)

Fetch = Callable[[AsyncSession, Principal, Sequence[uuid.UUID]], Awaitable[dict[uuid.UUID, V]]]
ContributionsKey = tuple[uuid.UUID, PageRequest, ContributionStatus | None]
PageKey = tuple[uuid.UUID, PageRequest]


def _by_id(context: Context, fetch: Fetch[V]) -> DataLoader[uuid.UUID, V | None]:
    async def load(keys: list[uuid.UUID]) -> list[V | None]:
        principal = context.require_principal()
        async with context.session() as session:
            found = await fetch(session, principal, keys)
        return [found.get(key) for key in keys]

    return DataLoader(load_fn=load)


def _lists(context: Context, fetch: Fetch[list[V]]) -> DataLoader[uuid.UUID, list[V]]:
    async def load(keys: list[uuid.UUID]) -> list[list[V]]:
        principal = context.require_principal()
        async with context.session() as session:
            found = await fetch(session, principal, keys)
        return [found.get(key, []) for key in keys]

    return DataLoader(load_fn=load)


def _pages(
    context: Context,
    fetch: Callable[[AsyncSession, Principal, K], Awaitable[Page[V]]],
) -> DataLoader[K, Page[V]]:
    async def load(keys: list[K]) -> list[Page[V]]:
        principal = context.require_principal()
        async with context.session() as session:
            return [await fetch(session, principal, key) for key in keys]

    return DataLoader(load_fn=load)


async def _pool_contributions(
    session: AsyncSession, principal: Principal, key: ContributionsKey
) -> Page[Contribution]:
    pool_id, page, status = key
    return await reads.list_contributions(
        session, principal, page=page, pool_id=pool_id, status=status
    )


async def _initiative_contributions(
    session: AsyncSession, principal: Principal, key: PageKey
) -> Page[Contribution]:
    initiative_id, page = key
    return await reads.list_contributions(
        session, principal, page=page, initiative_id=initiative_id
    )


async def _pool_disbursements(
    session: AsyncSession, principal: Principal, key: PageKey
) -> Page[Disbursement]:
    pool_id, page = key
    return await reads.list_disbursements(session, principal, pool_id=pool_id, page=page)


async def _pool_entries(
    session: AsyncSession, principal: Principal, key: PageKey
) -> Page[LedgerEntry]:
    pool_id, page = key
    return await reads.list_ledger_entries(session, principal, pool_id=pool_id, page=page)


async def _initiative_funding(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[InitiativeFunding]]:
    from coalition.funds import report

    return await report.initiative_funding(session, principal, ids)


class FundsLoaders:
    def __init__(self, context: Context) -> None:
        self.pool: DataLoader[uuid.UUID, FundPool | None] = _by_id(context, reads.pools_by_ids)
        self.initiative: DataLoader[uuid.UUID, Initiative | None] = _by_id(
            context, reads.initiatives_by_ids
        )
        self.contribution: DataLoader[uuid.UUID, Contribution | None] = _by_id(
            context, reads.contributions_by_ids
        )
        self.disbursement: DataLoader[uuid.UUID, Disbursement | None] = _by_id(
            context, reads.disbursements_by_ids
        )
        self.commitment: DataLoader[uuid.UUID, FundCommitment | None] = _by_id(
            context, reads.commitments_by_ids
        )
        self.transaction: DataLoader[uuid.UUID, LedgerTransaction | None] = _by_id(
            context, reads.transactions_by_ids
        )
        self.entry: DataLoader[uuid.UUID, LedgerEntry | None] = _by_id(
            context, reads.entries_by_ids
        )
        self.organization: DataLoader[uuid.UUID, Organization | None] = _by_id(
            context, reads.organizations_by_ids
        )
        self.tiers: DataLoader[uuid.UUID, list[MatchTier]] = _lists(
            context, reads.tiers_by_pool_ids
        )
        self.commitments: DataLoader[uuid.UUID, list[FundCommitment]] = _lists(
            context, reads.commitments_by_pool_ids
        )
        self.participants: DataLoader[uuid.UUID, list[Organization]] = _lists(
            context, reads.participants_by_initiative_ids
        )
        self.disbursements_of_contribution: DataLoader[uuid.UUID, list[Disbursement]] = _lists(
            context, reads.disbursements_by_contribution_ids
        )
        self.entries_of_transaction: DataLoader[uuid.UUID, list[LedgerEntry]] = _lists(
            context, reads.entries_by_transaction_ids
        )
        self.funding: DataLoader[uuid.UUID, list[InitiativeFunding]] = _lists(
            context, _initiative_funding
        )
        self.pool_contributions: DataLoader[ContributionsKey, Page[Contribution]] = _pages(
            context, _pool_contributions
        )
        self.initiative_contributions: DataLoader[PageKey, Page[Contribution]] = _pages(
            context, _initiative_contributions
        )
        self.pool_disbursements: DataLoader[PageKey, Page[Disbursement]] = _pages(
            context, _pool_disbursements
        )
        self.pool_entries: DataLoader[PageKey, Page[LedgerEntry]] = _pages(context, _pool_entries)


__all__ = ["FundsLoaders"]
