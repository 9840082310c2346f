"""Tables of the pathways domain (all tenant-owned): career pathways and their steps.

A step's wage range is whole minor units (cents) of ``currency`` per ``wage_unit``
(demand's ``WageUnit``); ``work_based_learning`` holds demand's ``WorkBasedLearning``
values. Steps are ordered by ``position`` (1, 2, ...) among all of a pathway's steps,
retired ones included; a retired step keeps its place but no longer counts.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    ARRAY,
    BigInteger,
    CheckConstraint,
    DateTime,
    Enum,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from coalition.db.base import Base, TenantScoped, Timestamp
from coalition.demand.models import WageUnit


class CareerPathway(TenantScoped, Base):
    """A named chain of occupations. ``organization_id`` is the employer that owns it
    (its ORGANIZATION_ADMINs may change it), or None for the partnership's own."""

    __tablename__ = "career_pathways"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "organization_id"],
            ["organizations.tenant_id", "organizations.id"],
        ),
        ForeignKeyConstraint(["tenant_id", "created_by_user_id"], ["users.tenant_id", "users.id"]),
        Index(None, "tenant_id", "created_at", "id"),
        Index(None, "tenant_id", "organization_id"),
    )

    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, server_default="")
    organization_id: Mapped[uuid.UUID | None]
    created_by_user_id: Mapped[uuid.UUID | None]
    created_at: Mapped[Timestamp]
    updated_at: Mapped[Timestamp]


class CareerPathwayStep(TenantScoped, Base):
    """One occupation of a pathway, at ``position``."""

    __tablename__ = "career_pathway_steps"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "pathway_id"],
            ["career_pathways.tenant_id", "career_pathways.id"],
        ),
        CheckConstraint("position > 0", name="position_positive"),
        CheckConstraint(
            "wage_min_minor IS NULL OR wage_min_minor >= 0", name="wage_min_not_negative"
        ),
        CheckConstraint(
            "wage_min_minor IS NULL OR wage_max_minor IS NULL OR wage_min_minor <= wage_max_minor",
            name="wage_range_ordered",
        ),
        CheckConstraint(
            "(wage_min_minor IS NULL AND wage_max_minor IS NULL) OR wage_unit IS NOT NULL",
            name="wage_has_unit",
        ),
        Index(None, "tenant_id", "pathway_id", "position"),
    )

    pathway_id: Mapped[uuid.UUID]
    position: Mapped[int] = mapped_column(Integer)
    occupation_code: Mapped[str] = mapped_column(ForeignKey("occupations.soc_code"))
    wage_min_minor: Mapped[int | None] = mapped_column(BigInteger)
    wage_max_minor: Mapped[int | None] = mapped_column(BigInteger)
    wage_unit: Mapped[WageUnit | None] = mapped_column(
        Enum(WageUnit, name="wage_unit", native_enum=False, length=40, validate_strings=True)
    )
    currency: Mapped[str] = mapped_column(String(3), server_default="USD")
    work_based_learning: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[Timestamp]
    updated_at: Mapped[Timestamp]


class CareerPathwayStepEmployer(TenantScoped, Base):
    """A member organization that typically hires into a step, in the order given."""

    __tablename__ = "career_pathway_step_employers"
    __table_args__ = (
        UniqueConstraint("tenant_id", "step_id", "organization_id"),
        ForeignKeyConstraint(
            ["tenant_id", "step_id"],
            ["career_pathway_steps.tenant_id", "career_pathway_steps.id"],
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["tenant_id", "organization_id"],
            ["organizations.tenant_id", "organizations.id"],
        ),
        Index(None, "tenant_id", "organization_id"),
    )

    step_id: Mapped[uuid.UUID]
    organization_id: Mapped[uuid.UUID]
    position: Mapped[int] = mapped_column(Integer)


class CareerPathwayStepProgram(TenantScoped, Base):
    """A training program of the partnership that bridges into a step, in the order given."""

    __tablename__ = "career_pathway_step_programs"
    __table_args__ = (
        UniqueConstraint("tenant_id", "step_id", "program_id"),
        ForeignKeyConstraint(
            ["tenant_id", "step_id"],
            ["career_pathway_steps.tenant_id", "career_pathway_steps.id"],
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["tenant_id", "program_id"],
            ["training_programs.tenant_id", "training_programs.id"],
        ),
        Index(None, "tenant_id", "program_id"),
    )

    step_id: Mapped[uuid.UUID]
    program_id: Mapped[uuid.UUID]
    position: Mapped[int] = mapped_column(Integer)


__all__ = [
    "CareerPathway",
    "CareerPathwayStep",
    "CareerPathwayStepEmployer",
    "CareerPathwayStepProgram",
]
