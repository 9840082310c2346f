"""Tranches of a contribution's match."""

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
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from coalition.db.base import Base, TenantScoped, Timestamp
from coalition.funds.models.columns import enum_column, organization_fk, pool_fk


class TrancheStatus(enum.StrEnum):
    SCHEDULED = "SCHEDULED"
    APPROVED = "APPROVED"
    PAID = "PAID"
    CANCELLED = "CANCELLED"


class Disbursement(TenantScoped, Base):
    """A tranche of a contribution's match, paid to the contributor or a provider for it."""

    __tablename__ = "disbursements"
    __table_args__ = (
        pool_fk(),
        organization_fk("payee_organization_id"),
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
    status: Mapped[TrancheStatus] = mapped_column(enum_column(TrancheStatus, "disbursement_status"))
    requirement: Mapped[str | None] = mapped_column(Text)
    requirement_met_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[Timestamp]


__all__ = ["Disbursement", "TrancheStatus"]
