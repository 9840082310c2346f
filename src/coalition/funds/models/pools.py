"""Fund pools, their match tiers and funders' commitments."""

from __future__ import annotations

import enum
import uuid
from datetime import date

from sqlalchemy import (
    ARRAY,
    BigInteger,
    CheckConstraint,
    Date,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from coalition.db.base import Base, TenantScoped, Timestamp
from coalition.funds.models.columns import enum_column, organization_fk, pool_fk


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


class CommitmentStatus(enum.StrEnum):
    ACTIVE = "ACTIVE"
    REVERSED = "REVERSED"


class FundPool(TenantScoped, Base):
    """A matching fund: commitments from funders, match rules, running totals."""

    __tablename__ = "fund_pools"
    __table_args__ = (
        organization_fk("funder_organization_id"),
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
    status: Mapped[FundPoolStatus] = mapped_column(enum_column(FundPoolStatus, "fund_pool_status"))
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
        pool_fk(),
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
        pool_fk(),
        organization_fk("funder_organization_id"),
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        Index(None, "tenant_id", "pool_id", "id"),
    )

    pool_id: Mapped[uuid.UUID]
    funder_organization_id: Mapped[uuid.UUID]
    source: Mapped[FundingSource] = mapped_column(enum_column(FundingSource, "funding_source"))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    committed_on: Mapped[date] = mapped_column(Date)
    status: Mapped[CommitmentStatus] = mapped_column(
        enum_column(CommitmentStatus, "commitment_status")
    )
    created_at: Mapped[Timestamp]


__all__ = [
    "CommitmentStatus",
    "FundCommitment",
    "FundPool",
    "FundPoolStatus",
    "FundPurpose",
    "FundingSource",
    "MatchTier",
]
