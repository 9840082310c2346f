"""Per-request DataLoaders of matching funds: one statement per batch, whatever its size.

Resolvers reach them as ``info.context.loaders.of(FundsLoaders)``. Each
batch runs through ``funds.reads`` (or ``funds.report``), so it checks the
caller's right to read funds and sees only the caller's tenant; contributions,
disbursements and ledger entries come from ``permissions.visible_*`` statements, so
a page holds (and its total counts) only what the caller may see.

Nested connections (a pool's contributions, disbursements and ledger entries, an
initiative's contributions) are batched too: the parents that ask for the same page
(``first``, ``after``, filters) get their pages from one statement, which numbers
each parent's rows with a window function (see ``pagination.fetch_pages_by_parent``).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from strawberry.dataloader import DataLoader

from coalition.api.loaders import LoaderSet, by_key, lists_by_key, pages_by_parent
from coalition.funds import reads
from coalition.funds.models.contributions import Contribution, ContributionStatus
from coalition.funds.models.disbursements import Disbursement
from coalition.funds.models.initiatives import Initiative
from coalition.funds.models.ledger import LedgerEntry, LedgerTransaction
from coalition.funds.models.pools import FundCommitment, FundPool, MatchTier
from coalition.funds.report.initiatives import InitiativeFunding, initiative_funding
from coalition.funds.report.summaries import PoolSummary, pool_summaries
from coalition.pagination import Page, PageRequest
from coalition.tenancy.models import Organization

if TYPE_CHECKING:
    from coalition.api.context import Context

# A nested page's key: the parent's ID and what every parent's page is asked for.
ContributionsKey = tuple[uuid.UUID, tuple[PageRequest, ContributionStatus | None]]
PageKey = tuple[uuid.UUID, PageRequest]


class FundsLoaders(LoaderSet):
    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.pool: DataLoader[uuid.UUID, FundPool | None] = by_key(context, reads.pools_by_ids)
        self.initiative: DataLoader[uuid.UUID, Initiative | None] = by_key(
            context, reads.initiatives_by_ids
        )
        self.contribution: DataLoader[uuid.UUID, Contribution | None] = by_key(
            context, reads.contributions_by_ids
        )
        self.disbursement: DataLoader[uuid.UUID, Disbursement | None] = by_key(
            context, reads.disbursements_by_ids
        )
        self.commitment: DataLoader[uuid.UUID, FundCommitment | None] = by_key(
            context, reads.commitments_by_ids
        )
        self.transaction: DataLoader[uuid.UUID, LedgerTransaction | None] = by_key(
            context, reads.transactions_by_ids
        )
        self.entry: DataLoader[uuid.UUID, LedgerEntry | None] = by_key(
            context, reads.entries_by_ids
        )
        self.organization: DataLoader[uuid.UUID, Organization | None] = by_key(
            context, reads.organizations_by_ids
        )
        self.tiers: DataLoader[uuid.UUID, list[MatchTier]] = lists_by_key(
            context, reads.tiers_by_pool_ids
        )
        self.commitments: DataLoader[uuid.UUID, list[FundCommitment]] = lists_by_key(
            context, reads.commitments_by_pool_ids
        )
        self.participants: DataLoader[uuid.UUID, list[Organization]] = lists_by_key(
            context, reads.participants_by_initiative_ids
        )
        self.disbursements_of_contribution: DataLoader[uuid.UUID, list[Disbursement]] = (
            lists_by_key(context, reads.disbursements_by_contribution_ids)
        )
        self.entries_of_transaction: DataLoader[uuid.UUID, list[LedgerEntry]] = lists_by_key(
            context, reads.entries_by_transaction_ids
        )
        self.funding: DataLoader[uuid.UUID, list[InitiativeFunding]] = lists_by_key(
            context, initiative_funding
        )
        self.summary: DataLoader[uuid.UUID, PoolSummary | None] = by_key(context, pool_summaries)
        self.pool_contributions: DataLoader[ContributionsKey, Page[Contribution]] = pages_by_parent(
            context, reads.contribution_pages_of_pools
        )
        self.initiative_contributions: DataLoader[PageKey, Page[Contribution]] = pages_by_parent(
            context, reads.contribution_pages_of_initiatives
        )
        self.pool_disbursements: DataLoader[PageKey, Page[Disbursement]] = pages_by_parent(
            context, reads.disbursement_pages_of_pools
        )
        self.pool_entries: DataLoader[PageKey, Page[LedgerEntry]] = pages_by_parent(
            context, reads.entry_pages_of_pools
        )


__all__ = ["FundsLoaders"]
