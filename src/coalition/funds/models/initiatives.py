"""Initiatives and the organizations taking part in them."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from coalition.db.base import Base, TenantScoped, Timestamp
from coalition.funds.models.columns import organization_fk


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
        organization_fk("organization_id"),
        UniqueConstraint("tenant_id", "initiative_id", "organization_id"),
        Index(None, "tenant_id", "organization_id"),
    )

    initiative_id: Mapped[uuid.UUID]
    organization_id: Mapped[uuid.UUID]


__all__ = ["Initiative", "InitiativeParticipant"]
