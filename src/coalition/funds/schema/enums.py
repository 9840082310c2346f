"""Every enum the funds domain exposes in GraphQL, each value described.

The enums themselves are the domain's (``funds.models``, ``funds.report``); importing
this module registers them with strawberry, so the package imports it first.
"""

from __future__ import annotations

from coalition.api.enums import expose_enum
from coalition.funds.models.contributions import (
    ContributionKind,
    ContributionStatus,
    ValuationMethod,
)
from coalition.funds.models.disbursements import TrancheStatus
from coalition.funds.models.ledger import LedgerAccount, LedgerTransactionKind
from coalition.funds.models.pools import (
    CommitmentStatus,
    FundingSource,
    FundPoolStatus,
    FundPurpose,
)
from coalition.funds.report.breakdowns import BreakdownBy

expose_enum(
    FundPoolStatus,
    name="FundPoolStatus",
    description="Where a fund pool stands: DRAFT, then OPEN, then CLOSED.",
    values={
        FundPoolStatus.DRAFT: "Being set up: takes commitments, matches nothing yet.",
        FundPoolStatus.OPEN: "Takes contributions and matches them as they are verified.",
        FundPoolStatus.CLOSED: "Matches nothing more; matched funds can still be "
        "disbursed (final).",
    },
)
expose_enum(
    FundingSource,
    name="FundingSource",
    description="Where a commitment's money comes from.",
    values={
        FundingSource.FEDERAL: "A federal grant or program.",
        FundingSource.STATE: "A state grant or program.",
        FundingSource.LOCAL: "A city or county.",
        FundingSource.PHILANTHROPIC: "A foundation or other philanthropy.",
        FundingSource.EMPLOYER: "An employer or industry association.",
    },
)
expose_enum(
    FundPurpose,
    name="FundPurpose",
    description="What a contribution pays for (and what a pool may match).",
    values={
        FundPurpose.TRAINING_COSTS: "Tuition, instructors, curriculum.",
        FundPurpose.WORK_BASED_LEARNING_WAGES: "Wages paid during work-based learning "
        "(apprentices, interns).",
        FundPurpose.SUPPORT_SERVICES: "Support for learners: childcare, transport, tools.",
        FundPurpose.TRAINING_EQUIPMENT: "Equipment used for training.",
    },
)
expose_enum(
    ContributionKind,
    name="ContributionKind",
    description="Whether a contribution is money or goods and services.",
    values={
        ContributionKind.CASH: "Money.",
        ContributionKind.IN_KIND: "Goods or services, valued by a stated method and "
        "documented by evidence.",
    },
)
expose_enum(
    ValuationMethod,
    name="ValuationMethod",
    description="How an in-kind contribution was valued (after 2 CFR 200.306).",
    values={
        ValuationMethod.WAGE_RATE: "Hours of staff time at their usual wage rate.",
        ValuationMethod.FAIR_MARKET_VALUE: "What the goods or services would cost on the market.",
        ValuationMethod.DEPRECIATION: "Use of equipment or space, at its depreciation.",
        ValuationMethod.ACTUAL_COST: "What the contributor actually paid.",
    },
)
expose_enum(
    ContributionStatus,
    name="ContributionStatus",
    description="Where a contribution stands.",
    values={
        ContributionStatus.RECORDED: "Recorded by the contributor; not verified or matched yet.",
        ContributionStatus.VERIFIED: "Verified, and matched by its pool once.",
        ContributionStatus.REVERSED: "Its match was reversed by a correction (final).",
    },
)
expose_enum(
    CommitmentStatus,
    name="FundCommitmentStatus",
    description="Whether a commitment counts.",
    values={
        CommitmentStatus.ACTIVE: "Counts toward the pool.",
        CommitmentStatus.REVERSED: "Reversed by a correction; no longer counts (final).",
    },
)
expose_enum(
    TrancheStatus,
    name="DisbursementStatus",
    description="Where a tranche of a match stands: SCHEDULED, APPROVED, then PAID or CANCELLED.",
    values={
        TrancheStatus.SCHEDULED: "Planned; no money moved yet.",
        TrancheStatus.APPROVED: "Approved for payment.",
        TrancheStatus.PAID: "Paid (final).",
        TrancheStatus.CANCELLED: "Cancelled; the amount went back to the match (final).",
    },
)
expose_enum(
    LedgerTransactionKind,
    name="LedgerTransactionKind",
    description="What a ledger transaction records.",
    values={
        LedgerTransactionKind.COMMITMENT: "A funder committed money to the pool.",
        LedgerTransactionKind.MATCH: "The pool matched a verified contribution.",
        LedgerTransactionKind.DISBURSEMENT_APPROVAL: "A tranche was approved for payment.",
        LedgerTransactionKind.PAYMENT: "A tranche was paid.",
        LedgerTransactionKind.CANCELLATION: "An approved tranche was cancelled.",
        LedgerTransactionKind.REVERSAL: "A correction that undoes an earlier transaction.",
    },
)
expose_enum(
    LedgerAccount,
    name="LedgerAccount",
    description="A pool's ledger accounts. Debits are positive, credits negative.",
    values={
        LedgerAccount.COMMITMENTS: "Credited with what funders commit.",
        LedgerAccount.AVAILABLE: "Committed money not matched yet.",
        LedgerAccount.MATCHED: "A recipient's matched money, not approved for payment.",
        LedgerAccount.APPROVED: "A recipient's money approved, not paid yet.",
        LedgerAccount.PAID: "A recipient's money paid out.",
    },
)

expose_enum(
    BreakdownBy,
    name="FundBreakdownBy",
    description="How to split a pool's money.",
    values={
        BreakdownBy.RECIPIENT: "By contributing organization.",
        BreakdownBy.INITIATIVE: "By initiative.",
        BreakdownBy.PURPOSE: "By purpose of the contribution.",
        BreakdownBy.MONTH: "By month (YYYY-MM): contributions by their date, ledger "
        "movements by the month they took effect, net of what was undone that month.",
    },
)
