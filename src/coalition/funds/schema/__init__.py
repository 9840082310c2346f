# mypy: disable-error-code="untyped-decorator"
"""The GraphQL layer of matching funds, the only place funds code imports strawberry:
one module per noun (its type, inputs, payloads, and its Query and Mutation fields),
``enums`` (every enum the domain exposes) and ``loaders`` (its DataLoaders).

Who sees what is ``funds.permissions``'s rule: a contribution, tranche or ledger
record the caller may not see is absent from the loaders, so it reads as null or is
left out of a list, exactly like a missing one; a pool's per-recipient fields
(``ledgerEntries``, ``breakdown``, ``reportCsv``) refuse non-overseers with FORBIDDEN.
"""

from __future__ import annotations

import strawberry

from coalition.funds.schema import enums  # noqa: F401  (registers the enums first)
from coalition.funds.schema.commitment import CommitmentMutation, FundCommitmentType
from coalition.funds.schema.contribution import (
    ContributionMutation,
    ContributionQuery,
    ContributionType,
)
from coalition.funds.schema.disbursement import DisbursementMutation, DisbursementType
from coalition.funds.schema.initiative import InitiativeMutation, InitiativeQuery, InitiativeType
from coalition.funds.schema.ledger import LedgerEntryType, LedgerMutation, LedgerTransactionType
from coalition.funds.schema.live import LedgerSubscription
from coalition.funds.schema.pool import FundPoolType, PoolMutation, PoolQuery
from coalition.funds.schema.report import ReportQuery


# The order of the fragments is the order of the fields in the SDL.
@strawberry.type
class Query(PoolQuery, InitiativeQuery, ContributionQuery, ReportQuery):
    pass


@strawberry.type
class Mutation(
    InitiativeMutation,
    PoolMutation,
    CommitmentMutation,
    ContributionMutation,
    DisbursementMutation,
    LedgerMutation,
):
    pass


@strawberry.type
class Subscription(LedgerSubscription):
    pass


NODE_TYPES = (
    FundPoolType,
    FundCommitmentType,
    InitiativeType,
    ContributionType,
    DisbursementType,
    LedgerTransactionType,
    LedgerEntryType,
)
TYPES = ()
