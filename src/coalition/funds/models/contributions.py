"""Members' contributions and the match fixed on verification."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from coalition.db.base import Base, TenantScoped, Timestamp
from coalition.funds.models.columns import enum_column, organization_fk, pool_fk
from coalition.funds.models.pools import FundPurpose


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


class Contribution(TenantScoped, Base):
    """A member's cash or in-kind contribution to an initiative, asking one pool for a match.

    On verification the match is fixed once: ``match_requested_minor`` is what the
    ratio gives, ``matched_minor`` what the caps and the pool's balance allowed, and
    ``unmatched_minor`` the remainder. ``scheduled_minor`` is the part of the match
    scheduled for disbursement (tranches not cancelled).
    """

    __tablename__ = "contributions"
    __table_args__ = (
        pool_fk(),
        organization_fk("organization_id"),
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
    kind: Mapped[ContributionKind] = mapped_column(
        enum_column(ContributionKind, "contribution_kind")
    )
    purpose: Mapped[FundPurpose] = mapped_column(enum_column(FundPurpose, "fund_purpose"))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    contributed_on: Mapped[date] = mapped_column(Date)
    valuation_method: Mapped[ValuationMethod | None] = mapped_column(
        enum_column(ValuationMethod, "valuation_method")
    )
    evidence_note: Mapped[str] = mapped_column(Text, server_default="")
    status: Mapped[ContributionStatus] = mapped_column(
        enum_column(ContributionStatus, "contribution_status")
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


__all__ = ["Contribution", "ContributionKind", "ContributionStatus", "ValuationMethod"]
