"""Reading matching funds: pools, initiatives, contributions, disbursements, the ledger.

Every function checks ``permissions.require_funds_read`` first (any member of the
partnership; partner apps need ``funds:read``) and starts every query from the
caller's tenant (``coalition.db.scoping``), so another tenant's IDs are simply
absent. Contributions, disbursements and the ledger are read only through
``permissions.visible_*`` (the rule of who sees which, in SQL): a record the caller
may not see is absent exactly like a missing one, from lookups, lists and their
totals alike. The batched readers (``*_by_ids``, ``*_by_pool_ids``, ...) serve the
per-request DataLoaders: one statement per batch, whatever its size. Pages go through
``coalition.pagination.fetch_page`` (two statements each).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant, scoped
from coalition.funds.models.contributions import Contribution, ContributionStatus
from coalition.funds.models.disbursements import Disbursement
from coalition.funds.models.initiatives import Initiative, InitiativeParticipant
from coalition.funds.models.ledger import LedgerEntry, LedgerTransaction
from coalition.funds.models.pools import FundCommitment, FundPool, FundPoolStatus, MatchTier
from coalition.funds.permissions import (
    require_funds_read,
    visible_contributions,
    visible_disbursements,
    visible_entries,
    visible_transactions,
)
from coalition.pagination import Page, PageRequest, SortKey, fetch_page, fetch_pages_by_parent
from coalition.tenancy.models import Organization

M = TypeVar(
    "M",
    FundPool,
    Initiative,
    Contribution,
    Disbursement,
    FundCommitment,
    LedgerTransaction,
    LedgerEntry,
    Organization,
)

NEWEST_FIRST_POOLS = SortKey(
    [FundPool.created_at, FundPool.id], [datetime.fromisoformat, uuid.UUID], descending=True
)
NEWEST_FIRST_INITIATIVES = SortKey(
    [Initiative.created_at, Initiative.id], [datetime.fromisoformat, uuid.UUID], descending=True
)
NEWEST_FIRST_CONTRIBUTIONS = SortKey(
    [Contribution.created_at, Contribution.id],
    [datetime.fromisoformat, uuid.UUID],
    descending=True,
)
DISBURSEMENTS_BY_DATE = SortKey(
    [Disbursement.scheduled_on, Disbursement.id], [date.fromisoformat, uuid.UUID]
)
LEDGER_ORDER = SortKey([LedgerEntry.seq], [int])


async def _by_ids(
    session: AsyncSession, principal: Principal, model: type[M], ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, M]:
    require_funds_read(principal)
    if not ids:
        return {}
    table: Any = model
    rows = await session.scalars(scoped(table, principal).where(table.id.in_(list(ids))))
    return {row.id: row for row in rows}


async def _visible_by_ids(
    session: AsyncSession, visible: Select[M], model: type[M], ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, M]:
    """The rows of ``visible`` (a ``permissions.visible_*`` statement) among ``ids``."""
    if not ids:
        return {}
    table: Any = model
    rows = await session.scalars(visible.where(table.id.in_(list(ids))))
    return {row.id: row for row in rows}


# -- by ID (the DataLoaders' batches) ------------------------------------------------------


async def pools_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, FundPool]:
    return await _by_ids(session, principal, FundPool, ids)


async def initiatives_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Initiative]:
    return await _by_ids(session, principal, Initiative, ids)


async def contributions_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Contribution]:
    return await _visible_by_ids(session, visible_contributions(principal), Contribution, ids)


async def disbursements_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Disbursement]:
    return await _visible_by_ids(session, visible_disbursements(principal), Disbursement, ids)


async def commitments_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, FundCommitment]:
    return await _by_ids(session, principal, FundCommitment, ids)


async def transactions_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, LedgerTransaction]:
    return await _visible_by_ids(session, visible_transactions(principal), LedgerTransaction, ids)


async def entries_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, LedgerEntry]:
    return await _visible_by_ids(session, visible_entries(principal), LedgerEntry, ids)


async def organizations_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Organization]:
    """Organizations named by funds records (funders, contributors, payees), for whoever
    may read funds: a ``funds:read`` app sees who gave and got the money it reports on.
    Archived ones included: the money they moved stays on the record."""
    return await _by_ids(session, principal, Organization, ids)


# -- children of many parents at once ------------------------------------------------------


async def tiers_by_pool_ids(
    session: AsyncSession, principal: Principal, pool_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[MatchTier]]:
    """Each pool's match tiers, smallest size bound first, the unbounded one last."""
    require_funds_read(principal)
    found: dict[uuid.UUID, list[MatchTier]] = {}
    if not pool_ids:
        return found
    rows = await session.scalars(
        scoped(MatchTier, principal)
        .where(MatchTier.pool_id.in_(list(pool_ids)))
        .order_by(MatchTier.pool_id, MatchTier.max_employees.asc().nulls_last(), MatchTier.id)
    )
    for tier in rows:
        found.setdefault(tier.pool_id, []).append(tier)
    return found


async def commitments_by_pool_ids(
    session: AsyncSession, principal: Principal, pool_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[FundCommitment]]:
    """Each pool's commitments, oldest first (reversed ones included)."""
    require_funds_read(principal)
    found: dict[uuid.UUID, list[FundCommitment]] = {}
    if not pool_ids:
        return found
    rows = await session.scalars(
        scoped(FundCommitment, principal)
        .where(FundCommitment.pool_id.in_(list(pool_ids)))
        .order_by(
            FundCommitment.pool_id,
            FundCommitment.committed_on,
            FundCommitment.created_at,
            FundCommitment.id,
        )
    )
    for commitment in rows:
        found.setdefault(commitment.pool_id, []).append(commitment)
    return found


async def participants_by_initiative_ids(
    session: AsyncSession, principal: Principal, initiative_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Organization]]:
    """Each initiative's participating organizations, by name."""
    require_funds_read(principal)
    found: dict[uuid.UUID, list[Organization]] = {}
    if not initiative_ids:
        return found
    rows = await session.execute(
        select(InitiativeParticipant.initiative_id, Organization)
        .join(
            Organization,
            in_tenant(Organization, principal)
            & (Organization.id == InitiativeParticipant.organization_id),
        )
        .where(
            in_tenant(InitiativeParticipant, principal),
            InitiativeParticipant.initiative_id.in_(list(initiative_ids)),
        )
        .order_by(InitiativeParticipant.initiative_id, Organization.name, Organization.id)
    )
    for initiative_id, organization in rows:
        found.setdefault(initiative_id, []).append(organization)
    return found


async def disbursements_by_contribution_ids(
    session: AsyncSession, principal: Principal, contribution_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Disbursement]]:
    """Each contribution's tranches the caller may see, by scheduled date."""
    visible = visible_disbursements(principal)
    found: dict[uuid.UUID, list[Disbursement]] = {}
    if not contribution_ids:
        return found
    rows = await session.scalars(
        visible.where(Disbursement.contribution_id.in_(list(contribution_ids))).order_by(
            Disbursement.contribution_id, Disbursement.scheduled_on, Disbursement.id
        )
    )
    for disbursement in rows:
        found.setdefault(disbursement.contribution_id, []).append(disbursement)
    return found


async def entries_by_transaction_ids(
    session: AsyncSession, principal: Principal, transaction_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[LedgerEntry]]:
    """Each ledger transaction's entries, in posting order (the overseers' only)."""
    visible = visible_entries(principal)
    found: dict[uuid.UUID, list[LedgerEntry]] = {}
    if not transaction_ids:
        return found
    rows = await session.scalars(
        visible.where(LedgerEntry.transaction_id.in_(list(transaction_ids))).order_by(
            LedgerEntry.transaction_id, LedgerEntry.seq
        )
    )
    for entry in rows:
        found.setdefault(entry.transaction_id, []).append(entry)
    return found


# -- pages ---------------------------------------------------------------------------------


async def list_pools(
    session: AsyncSession,
    principal: Principal,
    *,
    page: PageRequest,
    status: FundPoolStatus | None = None,
) -> Page[FundPool]:
    """Fund pools, newest first."""
    require_funds_read(principal)
    statement = scoped(FundPool, principal)
    if status is not None:
        statement = statement.where(FundPool.status == status)
    return await fetch_page(session, statement, page, NEWEST_FIRST_POOLS)


async def list_initiatives(
    session: AsyncSession, principal: Principal, *, page: PageRequest
) -> Page[Initiative]:
    """Initiatives, newest first."""
    require_funds_read(principal)
    statement = scoped(Initiative, principal)
    return await fetch_page(session, statement, page, NEWEST_FIRST_INITIATIVES)


async def list_contributions(
    session: AsyncSession,
    principal: Principal,
    *,
    page: PageRequest,
    pool_id: uuid.UUID | None = None,
    initiative_id: uuid.UUID | None = None,
    organization_id: uuid.UUID | None = None,
    status: ContributionStatus | None = None,
) -> Page[Contribution]:
    """Contributions the caller may see, newest first, optionally of one pool, initiative
    or organization."""
    statement = visible_contributions(principal)
    if pool_id is not None:
        statement = statement.where(Contribution.pool_id == pool_id)
    if initiative_id is not None:
        statement = statement.where(Contribution.initiative_id == initiative_id)
    if organization_id is not None:
        statement = statement.where(Contribution.organization_id == organization_id)
    if status is not None:
        statement = statement.where(Contribution.status == status)
    return await fetch_page(session, statement, page, NEWEST_FIRST_CONTRIBUTIONS)


async def list_disbursements(
    session: AsyncSession, principal: Principal, *, pool_id: uuid.UUID, page: PageRequest
) -> Page[Disbursement]:
    """A pool's tranches the caller may see, by scheduled date."""
    statement = visible_disbursements(principal).where(Disbursement.pool_id == pool_id)
    return await fetch_page(session, statement, page, DISBURSEMENTS_BY_DATE)


async def list_ledger_entries(
    session: AsyncSession, principal: Principal, *, pool_id: uuid.UUID, page: PageRequest
) -> Page[LedgerEntry]:
    """A pool's ledger entries, oldest first (posting order); empty for a caller who
    does not oversee the pool."""
    statement = visible_entries(principal).where(LedgerEntry.pool_id == pool_id)
    return await fetch_page(session, statement, page, LEDGER_ORDER)


# -- nested pages, for many parents in one statement (the loaders' batches) -------------


async def contribution_pages_of_pools(
    session: AsyncSession,
    principal: Principal,
    pool_ids: Sequence[uuid.UUID],
    asked: tuple[PageRequest, ContributionStatus | None],
) -> dict[uuid.UUID, Page[Contribution]]:
    page, status = asked
    statement = visible_contributions(principal)
    if status is not None:
        statement = statement.where(Contribution.status == status)
    return await fetch_pages_by_parent(
        session,
        principal,
        statement,
        Contribution.pool_id,
        pool_ids,
        page,
        NEWEST_FIRST_CONTRIBUTIONS,
    )


async def contribution_pages_of_initiatives(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID], page: PageRequest
) -> dict[uuid.UUID, Page[Contribution]]:
    statement = visible_contributions(principal)
    return await fetch_pages_by_parent(
        session,
        principal,
        statement,
        Contribution.initiative_id,
        ids,
        page,
        NEWEST_FIRST_CONTRIBUTIONS,
    )


async def disbursement_pages_of_pools(
    session: AsyncSession, principal: Principal, pool_ids: Sequence[uuid.UUID], page: PageRequest
) -> dict[uuid.UUID, Page[Disbursement]]:
    statement = visible_disbursements(principal)
    return await fetch_pages_by_parent(
        session,
        principal,
        statement,
        Disbursement.pool_id,
        pool_ids,
        page,
        DISBURSEMENTS_BY_DATE,
    )


async def entry_pages_of_pools(
    session: AsyncSession, principal: Principal, pool_ids: Sequence[uuid.UUID], page: PageRequest
) -> dict[uuid.UUID, Page[LedgerEntry]]:
    statement = visible_entries(principal)
    return await fetch_pages_by_parent(
        session, principal, statement, LedgerEntry.pool_id, pool_ids, page, LEDGER_ORDER
    )


__all__ = [
    "commitments_by_ids",
    "commitments_by_pool_ids",
    "contribution_pages_of_initiatives",
    "contribution_pages_of_pools",
    "contributions_by_ids",
    "disbursement_pages_of_pools",
    "disbursements_by_contribution_ids",
    "disbursements_by_ids",
    "entries_by_ids",
    "entries_by_transaction_ids",
    "entry_pages_of_pools",
    "initiatives_by_ids",
    "list_contributions",
    "list_disbursements",
    "list_initiatives",
    "list_ledger_entries",
    "list_pools",
    "organizations_by_ids",
    "participants_by_initiative_ids",
    "pools_by_ids",
    "tiers_by_pool_ids",
    "transactions_by_ids",
]
