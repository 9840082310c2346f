"""Per-request DataLoaders of matching funds: one statement per batch, whatever its size.

Attach one ``FundsLoaders`` per request context (``context.loaders.funds``). Each
batch runs through ``funds.reads`` (or the report functions), so it checks the
caller's right to read funds and sees only the caller's tenant; contributions,
disbursements and ledger entries come from ``permissions.visible_*`` statements, so
a page holds (and its total counts) only what the caller may see.

Nested connections (a pool's contributions, disbursements and ledger entries, an
initiative's contributions) are batched too: the parents that ask for the same page
(``first``, ``after``, filters) get their pages from one statement, which numbers
each parent's rows with a window function (see ``pages_by_parent``).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
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
from coalition.funds.permissions import (
    visible_contributions,
    visible_disbursements,
    visible_entries,
)
from coalition.pagination import (
    Page,
    PageRequest,
    SortKey,
    after_clause,
    build_page,
    check_page_request,
)
from coalition.tenancy.models import Organization

if TYPE_CHECKING:
    from coalition.api.context import Context
    from coalition.funds.report import InitiativeFunding, PoolSummary

V = TypeVar("V")
G = TypeVar("G", bound=Hashable)

Fetch = Callable[[AsyncSession, Principal, Sequence[uuid.UUID]], Awaitable[dict[uuid.UUID, V]]]
# A nested page's key: the parent's ID and what every parent's page is asked for.
ContributionsKey = tuple[uuid.UUID, tuple[PageRequest, ContributionStatus | None]]
PageKey = tuple[uuid.UUID, PageRequest]
FetchPages = Callable[
    [AsyncSession, Principal, Sequence[uuid.UUID], G], Awaitable[dict[uuid.UUID, Page[V]]]
]


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


def _pages(context: Context, fetch: FetchPages[G, V]) -> DataLoader[tuple[uuid.UUID, G], Page[V]]:
    """Keys are (parent ID, page asked for): one statement per distinct page asked for."""

    async def load(keys: list[tuple[uuid.UUID, G]]) -> list[Page[V]]:
        principal = context.require_principal()
        parents: dict[G, list[uuid.UUID]] = {}
        for parent_id, asked in keys:
            parents.setdefault(asked, []).append(parent_id)
        found: dict[tuple[uuid.UUID, G], Page[V]] = {}
        async with context.session() as session:
            for asked, parent_ids in parents.items():
                pages = await fetch(session, principal, parent_ids, asked)
                found.update({(parent_id, asked): pages[parent_id] for parent_id in parent_ids})
        return [found[key] for key in keys]

    return DataLoader(load_fn=load)


async def pages_by_parent(
    session: AsyncSession,
    principal: Principal,
    statement: Select[Any],
    parent: InstrumentedAttribute[uuid.UUID],
    parent_ids: Sequence[uuid.UUID],
    page: PageRequest,
    key: SortKey,
) -> dict[uuid.UUID, Page[Any]]:
    """``fetch_page`` for many parents in ONE statement: each parent's page of
    ``statement``'s rows (in ``key`` order, starting after ``page.after``) and its total.

    ``statement`` selects one tenant-scoped ORM entity (``parent``'s) and carries every
    filter, ``principal``'s tenant included. The rows are numbered per parent by a
    window function (after the cursor's condition); the totals are counted per parent
    without it, so a parent's total is there even when its page is empty.
    """
    check_page_request(page)
    wanted = list(dict.fromkeys(parent_ids))
    model: Any = parent.class_
    filtered = statement.where(parent.in_(wanted))
    order = [column.desc() if key.descending else column for column in key.columns]
    totals = (
        filtered.with_only_columns(parent.label("parent"), func.count().label("total"))
        .group_by(parent)
        .subquery("totals")
    )
    ranked = filtered.with_only_columns(
        model.id.label("id"),
        parent.label("parent"),
        func.row_number().over(partition_by=parent, order_by=order).label("position"),
    )
    condition = after_clause(key.columns, page, key.parsers, descending=key.descending)
    if condition is not None:
        ranked = ranked.where(condition)
    numbered = ranked.subquery("numbered")
    paged = (
        select(numbered.c.id, numbered.c.parent)
        .where(numbered.c.position <= page.first + 1)
        .subquery("paged")
    )
    rows = await session.execute(
        select(totals.c.parent, totals.c.total, model)
        .select_from(totals)
        .outerjoin(paged, paged.c.parent == totals.c.parent)
        .outerjoin(model, and_(model.tenant_id == principal.tenant_id, model.id == paged.c.id))
        .order_by(totals.c.parent, *order)
    )
    found: dict[uuid.UUID, list[Any]] = {parent_id: [] for parent_id in wanted}
    counts: dict[uuid.UUID, int] = {}
    for parent_id, total, row in rows:
        counts[parent_id] = total
        if row is not None:
            found[parent_id].append(row)
    names = [column.key for column in key.columns]
    return {
        parent_id: build_page(
            items,
            page,
            counts.get(parent_id, 0),
            lambda row: tuple(getattr(row, name) for name in names),
        )
        for parent_id, items in found.items()
    }


async def _pool_contributions(
    session: AsyncSession,
    principal: Principal,
    pool_ids: Sequence[uuid.UUID],
    asked: tuple[PageRequest, ContributionStatus | None],
) -> dict[uuid.UUID, Page[Contribution]]:
    page, status = asked
    statement = visible_contributions(principal)
    if status is not None:
        statement = statement.where(Contribution.status == status)
    return await pages_by_parent(
        session,
        principal,
        statement,
        Contribution.pool_id,
        pool_ids,
        page,
        reads.NEWEST_FIRST_CONTRIBUTIONS,
    )


async def _initiative_contributions(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID], page: PageRequest
) -> dict[uuid.UUID, Page[Contribution]]:
    statement = visible_contributions(principal)
    return await pages_by_parent(
        session,
        principal,
        statement,
        Contribution.initiative_id,
        ids,
        page,
        reads.NEWEST_FIRST_CONTRIBUTIONS,
    )


async def _pool_disbursements(
    session: AsyncSession, principal: Principal, pool_ids: Sequence[uuid.UUID], page: PageRequest
) -> dict[uuid.UUID, Page[Disbursement]]:
    statement = visible_disbursements(principal)
    return await pages_by_parent(
        session,
        principal,
        statement,
        Disbursement.pool_id,
        pool_ids,
        page,
        reads.DISBURSEMENTS_BY_DATE,
    )


async def _pool_entries(
    session: AsyncSession, principal: Principal, pool_ids: Sequence[uuid.UUID], page: PageRequest
) -> dict[uuid.UUID, Page[LedgerEntry]]:
    statement = visible_entries(principal)
    return await pages_by_parent(
        session, principal, statement, LedgerEntry.pool_id, pool_ids, page, reads.LEDGER_ORDER
    )


async def _initiative_funding(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[InitiativeFunding]]:
    from coalition.funds import report

    return await report.initiative_funding(session, principal, ids)


async def _pool_summaries(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, PoolSummary]:
    from coalition.funds import report

    return await report.pool_summaries(session, principal, ids)


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
        self.summary: DataLoader[uuid.UUID, PoolSummary | None] = _by_id(context, _pool_summaries)
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


__all__ = ["FundsLoaders", "pages_by_parent"]
