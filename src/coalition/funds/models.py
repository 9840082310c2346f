"""Tables of the matching-funds domain (all tenant-owned).

Money is always an integer number of minor units (``*_minor``, bigint) in the
currency of its pool; never a float. Match ratios are stored exactly as a
fraction of two integers.

The ledger (``ledger_transactions`` and ``ledger_entries``) is append-only: the
API role may only INSERT and SELECT, and triggers refuse UPDATE, DELETE and
TRUNCATE for everyone (migration 0005). Every transaction's entries sum to
zero per currency, checked by a deferred constraint trigger at COMMIT.

The running totals on ``fund_pools`` and ``contributions`` are a cache of the
ledger kept in the same transaction; CHECK constraints make over-matching
impossible even for a buggy caller, and tests prove they equal the entries.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import (
    ARRAY,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from coalition.db.base import Base, TenantScoped, Timestamp


class FundPoolStatus(enum.StrEnum):
    DRAFT = "DRAFT"
    OPEN = "OPEN"
    CLOSED = "CLOSED"


class FundingSource(enum.StrEnum):
    FEDERAL = "FEDERAL"
    STATE = "STATE"
    LOCAL = "LOCAL"
    PHILANTHROPIC = "PHILANTHROPIC"
    EMPLOYER = "EMPLOYER"


class FundPurpose(enum.StrEnum):
    TRAINING_COSTS = "TRAINING_COSTS"
    WORK_BASED_LEARNING_WAGES = "WORK_BASED_LEARNING_WAGES"
    SUPPORT_SERVICES = "SUPPORT_SERVICES"
    TRAINING_EQUIPMENT = "TRAINING_EQUIPMENT"


class ContributionKind(enum.StrEnum):
    CASH = "CASH"
    IN_KIND = "IN_KIND"


class ValuationMethod(enum.StrEnum):
    """How an in-kind contribution was valued (after 2 CFR 200.306)."""

    WAGE_RATE = "WAGE_RATE"
    FAIR_MARKET_VALUE = "FAIR_MARKET_VALUE"
    DEPRECIATION = "DEPRECIATION"
    ACTUAL_COST = "ACTUAL_COST"


class ContributionStatus(enum.StrEnum):
    RECORDED = "RECORDED"
    VERIFIED = "VERIFIED"
    REVERSED = "REVERSED"


class CommitmentStatus(enum.StrEnum):
    ACTIVE = "ACTIVE"
    REVERSED = "REVERSED"


class TrancheStatus(enum.StrEnum):
    SCHEDULED = "SCHEDULED"
    APPROVED = "APPROVED"
    PAID = "PAID"
    CANCELLED = "CANCELLED"


class LedgerTransactionKind(enum.StrEnum):
    COMMITMENT = "COMMITMENT"
    MATCH = "MATCH"
    DISBURSEMENT_APPROVAL = "DISBURSEMENT_APPROVAL"
    PAYMENT = "PAYMENT"
    CANCELLATION = "CANCELLATION"
    REVERSAL = "REVERSAL"


class LedgerAccount(enum.StrEnum):
    """The pool's accounts. Debits are positive, credits negative.

    COMMITMENTS is credited with what funders commit; AVAILABLE holds what is
    not yet matched; MATCHED, APPROVED and PAID hold a recipient's matched funds
    by stage (matched but not approved, approved but not paid, paid).
    """

    COMMITMENTS = "COMMITMENTS"
    AVAILABLE = "AVAILABLE"
    MATCHED = "MATCHED"
    APPROVED = "APPROVED"
    PAID = "PAID"


def _enum(kind: type[enum.Enum], name: str) -> Enum:
    return Enum(kind, name=name, native_enum=False, length=40, validate_strings=True)


def _organization_fk(column: str) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["tenant_id", column], ["organizations.tenant_id", "organizations.id"]
    )


def _pool_fk() -> ForeignKeyConstraint:
    return ForeignKeyConstraint(["tenant_id", "pool_id"], ["fund_pools.tenant_id", "fund_pools.id"])


class Initiative(TenantScoped, Base):
    """A partnership's initiative (an apprenticeship pathway, a cohort)."""

    __tablename__ = "initiatives"
    __table_args__ = (
        UniqueConstraint("tenant_id", "name"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
        Index(None, "tenant_id", "created_at", "id"),
    )

    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, server_default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[Timestamp]


class InitiativeParticipant(TenantScoped, Base):
    __tablename__ = "initiative_participants"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "initiative_id"], ["initiatives.tenant_id", "initiatives.id"]
        ),
        _organization_fk("organization_id"),
        UniqueConstraint("tenant_id", "initiative_id", "organization_id"),
        Index(None, "tenant_id", "organization_id"),
    )

    initiative_id: Mapped[uuid.UUID]
    organization_id: Mapped[uuid.UUID]


class FundPool(TenantScoped, Base):
    """A matching fund: commitments from funders, match rules, running totals."""

    __tablename__ = "fund_pools"
    __table_args__ = (
        _organization_fk("funder_organization_id"),
        UniqueConstraint("tenant_id", "name"),
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint("currency ~ '^[A-Z]{3}$'", name="currency_code"),
        CheckConstraint(
            "cap_per_recipient_minor IS NULL OR cap_per_recipient_minor >= 0",
            name="cap_not_negative",
        ),
        CheckConstraint(
            "annual_cap_per_recipient_minor IS NULL OR annual_cap_per_recipient_minor >= 0",
            name="annual_cap_not_negative",
        ),
        # The ledger's invariants, in one row: nothing is ever matched beyond what
        # funders committed, disbursed beyond what was matched, or paid beyond that.
        CheckConstraint(
            "0 <= paid_minor AND paid_minor <= disbursed_minor "
            "AND disbursed_minor <= matched_minor AND matched_minor <= committed_minor",
            name="balances_in_order",
        ),
        CheckConstraint("contributed_minor >= 0", name="contributed_not_negative"),
        CheckConstraint("entry_count >= 0", name="entry_count_not_negative"),
        Index(None, "tenant_id", "created_at", "id"),
        Index(None, "tenant_id", "funder_organization_id"),
    )

    funder_organization_id: Mapped[uuid.UUID]
    name: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text, server_default="")
    currency: Mapped[str] = mapped_column(String(3))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    status: Mapped[FundPoolStatus] = mapped_column(_enum(FundPoolStatus, "fund_pool_status"))
    cap_per_recipient_minor: Mapped[int | None] = mapped_column(BigInteger)
    annual_cap_per_recipient_minor: Mapped[int | None] = mapped_column(BigInteger)
    eligible_recipient_kinds: Mapped[list[str]] = mapped_column(ARRAY(Text))
    eligible_purposes: Mapped[list[str]] = mapped_column(ARRAY(Text))
    committed_minor: Mapped[int] = mapped_column(BigInteger, server_default="0")
    matched_minor: Mapped[int] = mapped_column(BigInteger, server_default="0")
    disbursed_minor: Mapped[int] = mapped_column(BigInteger, server_default="0")
    paid_minor: Mapped[int] = mapped_column(BigInteger, server_default="0")
    # Verified contributions not reversed (the private side of leverage).
    contributed_minor: Mapped[int] = mapped_column(BigInteger, server_default="0")
    # How many ledger entries the pool has: the last entry's ``seq``.
    entry_count: Mapped[int] = mapped_column(BigInteger, server_default="0")
    created_at: Mapped[Timestamp]
    updated_at: Mapped[Timestamp]


class MatchTier(TenantScoped, Base):
    """Pool dollars per contributed dollar (``numerator / denominator``) for recipients
    with at most ``max_employees`` employees (no upper bound when NULL). A recipient
    no tier covers gets no match."""

    __tablename__ = "fund_match_tiers"
    __table_args__ = (
        _pool_fk(),
        UniqueConstraint(
            "tenant_id", "pool_id", "max_employees", postgresql_nulls_not_distinct=True
        ),
        CheckConstraint("ratio_numerator > 0 AND ratio_denominator > 0", name="ratio_positive"),
        CheckConstraint("max_employees IS NULL OR max_employees >= 0", name="size_not_negative"),
    )

    pool_id: Mapped[uuid.UUID]
    max_employees: Mapped[int | None] = mapped_column(Integer)
    ratio_numerator: Mapped[int] = mapped_column(BigInteger)
    ratio_denominator: Mapped[int] = mapped_column(BigInteger)


class FundCommitment(TenantScoped, Base):
    """One funder organization's commitment of money to a pool."""

    __tablename__ = "fund_commitments"
    __table_args__ = (
        _pool_fk(),
        _organization_fk("funder_organization_id"),
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        Index(None, "tenant_id", "pool_id", "id"),
    )

    pool_id: Mapped[uuid.UUID]
    funder_organization_id: Mapped[uuid.UUID]
    source: Mapped[FundingSource] = mapped_column(_enum(FundingSource, "funding_source"))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    committed_on: Mapped[date] = mapped_column(Date)
    status: Mapped[CommitmentStatus] = mapped_column(_enum(CommitmentStatus, "commitment_status"))
    created_at: Mapped[Timestamp]


class Contribution(TenantScoped, Base):
    """A member's cash or in-kind contribution to an initiative, asking one pool for a match.

    On verification the match is fixed once: ``match_requested_minor`` is what the
    ratio gives, ``matched_minor`` what the caps and the pool's balance allowed, and
    ``unmatched_minor`` the remainder. ``scheduled_minor`` is the part of the match
    scheduled for disbursement (tranches not cancelled).
    """

    __tablename__ = "contributions"
    __table_args__ = (
        _pool_fk(),
        _organization_fk("organization_id"),
        ForeignKeyConstraint(
            ["tenant_id", "initiative_id"], ["initiatives.tenant_id", "initiatives.id"]
        ),
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint(
            "kind = 'CASH' OR (valuation_method IS NOT NULL AND evidence_note <> '')",
            name="in_kind_is_documented",
        ),
        CheckConstraint(
            "0 <= matched_minor AND matched_minor <= match_requested_minor "
            "AND unmatched_minor = match_requested_minor - matched_minor",
            name="match_within_request",
        ),
        CheckConstraint(
            "0 <= scheduled_minor AND scheduled_minor <= matched_minor",
            name="scheduled_within_match",
        ),
        # The match asked for is the amount times the ratio, rounded down (exact integer
        # division in numeric, so no bigint overflow); no ratio, no match.
        CheckConstraint(
            "CASE WHEN match_ratio_numerator IS NULL THEN match_requested_minor = 0 "
            "ELSE match_requested_minor = div(amount_minor::numeric * match_ratio_numerator, "
            "match_ratio_denominator) END",
            name="requested_is_amount_times_ratio",
        ),
        Index(None, "tenant_id", "pool_id", "organization_id", "contributed_on"),
        Index(None, "tenant_id", "initiative_id"),
        Index(None, "tenant_id", "organization_id"),
        Index(None, "tenant_id", "created_at", "id"),
    )

    initiative_id: Mapped[uuid.UUID]
    organization_id: Mapped[uuid.UUID]
    pool_id: Mapped[uuid.UUID]
    kind: Mapped[ContributionKind] = mapped_column(_enum(ContributionKind, "contribution_kind"))
    purpose: Mapped[FundPurpose] = mapped_column(_enum(FundPurpose, "fund_purpose"))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    contributed_on: Mapped[date] = mapped_column(Date)
    valuation_method: Mapped[ValuationMethod | None] = mapped_column(
        _enum(ValuationMethod, "valuation_method")
    )
    evidence_note: Mapped[str] = mapped_column(Text, server_default="")
    status: Mapped[ContributionStatus] = mapped_column(
        _enum(ContributionStatus, "contribution_status")
    )
    recipient_employee_count: Mapped[int | None] = mapped_column(Integer)
    match_ratio_numerator: Mapped[int | None] = mapped_column(BigInteger)
    match_ratio_denominator: Mapped[int | None] = mapped_column(BigInteger)
    match_requested_minor: Mapped[int] = mapped_column(BigInteger, server_default="0")
    matched_minor: Mapped[int] = mapped_column(BigInteger, server_default="0")
    unmatched_minor: Mapped[int] = mapped_column(BigInteger, server_default="0")
    scheduled_minor: Mapped[int] = mapped_column(BigInteger, server_default="0")
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    verified_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[Timestamp]


class Disbursement(TenantScoped, Base):
    """A tranche of a contribution's match, paid to the contributor or a provider for it."""

    __tablename__ = "disbursements"
    __table_args__ = (
        _pool_fk(),
        _organization_fk("payee_organization_id"),
        ForeignKeyConstraint(
            ["tenant_id", "contribution_id"], ["contributions.tenant_id", "contributions.id"]
        ),
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        Index(None, "tenant_id", "contribution_id"),
        Index(None, "tenant_id", "pool_id", "scheduled_on", "id"),
    )

    pool_id: Mapped[uuid.UUID]
    contribution_id: Mapped[uuid.UUID]
    payee_organization_id: Mapped[uuid.UUID]
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    scheduled_on: Mapped[date] = mapped_column(Date)
    status: Mapped[TrancheStatus] = mapped_column(_enum(TrancheStatus, "disbursement_status"))
    requirement: Mapped[str | None] = mapped_column(Text)
    requirement_met_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[Timestamp]


class LedgerTransaction(TenantScoped, Base):
    """One balanced movement of a pool's money. Never updated or deleted."""

    __tablename__ = "ledger_transactions"
    __table_args__ = (
        _pool_fk(),
        ForeignKeyConstraint(
            ["tenant_id", "commitment_id"], ["fund_commitments.tenant_id", "fund_commitments.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "contribution_id"], ["contributions.tenant_id", "contributions.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "disbursement_id"], ["disbursements.tenant_id", "disbursements.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "reverses_id"],
            ["ledger_transactions.tenant_id", "ledger_transactions.id"],
        ),
        # A transaction is reversed at most once; a contribution is matched at most once.
        UniqueConstraint("tenant_id", "reverses_id"),
        Index(
            "uq_ledger_transactions_tenant_id_contribution_id_match",
            "tenant_id",
            "contribution_id",
            unique=True,
            postgresql_where=text("kind = 'MATCH'"),
        ),
        Index(None, "tenant_id", "pool_id", "seq"),
        CheckConstraint(
            "(kind = 'REVERSAL') = (reverses_id IS NOT NULL)", name="reversal_names_original"
        ),
    )

    pool_id: Mapped[uuid.UUID]
    seq: Mapped[int] = mapped_column(BigInteger, Identity(always=True))
    kind: Mapped[LedgerTransactionKind] = mapped_column(
        _enum(LedgerTransactionKind, "ledger_transaction_kind")
    )
    occurred_on: Mapped[date] = mapped_column(Date)
    commitment_id: Mapped[uuid.UUID | None]
    contribution_id: Mapped[uuid.UUID | None]
    disbursement_id: Mapped[uuid.UUID | None]
    reverses_id: Mapped[uuid.UUID | None]
    reason: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[Timestamp]


class LedgerEntry(TenantScoped, Base):
    """One leg of a ledger transaction: a signed amount (debit > 0) on one account."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        _pool_fk(),
        ForeignKeyConstraint(
            ["tenant_id", "transaction_id"],
            ["ledger_transactions.tenant_id", "ledger_transactions.id"],
        ),
        _organization_fk("organization_id"),
        CheckConstraint("amount_minor <> 0", name="amount_not_zero"),
        CheckConstraint("currency ~ '^[A-Z]{3}$'", name="currency_code"),
        CheckConstraint(
            "(account IN ('COMMITMENTS', 'AVAILABLE')) = (organization_id IS NULL)",
            name="recipient_accounts_name_recipient",
        ),
        # Entries are numbered 1, 2, 3... per pool, without gaps (``ledger.post``).
        UniqueConstraint("tenant_id", "pool_id", "seq"),
        CheckConstraint("seq > 0", name="seq_positive"),
        Index(None, "tenant_id", "transaction_id"),
    )

    pool_id: Mapped[uuid.UUID]
    transaction_id: Mapped[uuid.UUID]
    seq: Mapped[int] = mapped_column(BigInteger)
    account: Mapped[LedgerAccount] = mapped_column(_enum(LedgerAccount, "ledger_account"))
    organization_id: Mapped[uuid.UUID | None]
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))


class IdempotencyKey(TenantScoped, Base):
    """A client's idempotency key for one money mutation: what was asked (a hash of the
    operation's input) and what it produced, so a replay returns the first result."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("tenant_id", "key"),)

    key: Mapped[str] = mapped_column(String(255))
    operation: Mapped[str] = mapped_column(String(80))
    request_hash: Mapped[str] = mapped_column(String(64))
    result: Mapped[dict[str, str] | None] = mapped_column(JSONB)
    created_at: Mapped[Timestamp]


__all__ = [
    "Contribution",
    "ContributionKind",
    "ContributionStatus",
    "Disbursement",
    "FundCommitment",
    "FundPool",
    "FundPoolStatus",
    "FundPurpose",
    "FundingSource",
    "IdempotencyKey",
    "Initiative",
    "InitiativeParticipant",
    "LedgerAccount",
    "LedgerEntry",
    "LedgerTransaction",
    "LedgerTransactionKind",
    "MatchTier",
    "TrancheStatus",
    "ValuationMethod",
]
