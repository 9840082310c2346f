"""Tables of the demand domain (all tenant-owned)."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Double,
    Enum,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from coalition.db.base import Base, TenantScoped, Timestamp


class SharingLevel(enum.StrEnum):
    PRIVATE = "PRIVATE"
    POOLED = "POOLED"
    NAMED = "NAMED"


class DemandStatus(enum.StrEnum):
    DRAFT = "DRAFT"
    ACTIVE = "ACTIVE"
    FILLED = "FILLED"
    WITHDRAWN = "WITHDRAWN"


class OpeningsKind(enum.StrEnum):
    GROWTH = "GROWTH"
    REPLACEMENT = "REPLACEMENT"


class WageUnit(enum.StrEnum):
    HOUR = "HOUR"
    YEAR = "YEAR"


class WorkBasedLearning(enum.StrEnum):
    REGISTERED_APPRENTICESHIP = "REGISTERED_APPRENTICESHIP"
    PRE_APPRENTICESHIP = "PRE_APPRENTICESHIP"
    ON_THE_JOB_TRAINING = "ON_THE_JOB_TRAINING"
    INTERNSHIP = "INTERNSHIP"
    EARN_AND_LEARN = "EARN_AND_LEARN"
    NONE = "NONE"


def _enum(kind: type[enum.Enum], name: str) -> Enum:
    return Enum(kind, name=name, native_enum=False, length=40, validate_strings=True)


class DemandSignal(TenantScoped, Base):
    """One employer's expected openings for one occupation over a horizon of quarters.

    Quarters are stored as the first day of the quarter (2027Q1 = 2027-01-01).
    Wages are whole minor units (cents) of ``currency``, per ``wage_unit``.
    ``external_id`` is the employer's own ID for the posting (a CSV file's
    ``posting_id``): at most one signal per employer has it, so importing the same
    file again updates those signals instead of adding them twice.
    """

    __tablename__ = "demand_signals"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "organization_id"],
            ["organizations.tenant_id", "organizations.id"],
        ),
        ForeignKeyConstraint(["tenant_id", "created_by_user_id"], ["users.tenant_id", "users.id"]),
        CheckConstraint("openings > 0", name="openings_positive"),
        CheckConstraint("end_quarter >= start_quarter", name="horizon_ordered"),
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
        CheckConstraint("version >= 1", name="version_positive"),
        # Pooled demand aggregates ACTIVE shared signals of one tenant by occupation.
        Index(None, "tenant_id", "status", "sharing_level", "occupation_code"),
        Index(None, "tenant_id", "organization_id", "id"),
        Index(None, "tenant_id", "created_at", "id"),
        Index(
            "uq_demand_signals_tenant_id_organization_id_external_id",
            "tenant_id",
            "organization_id",
            "external_id",
            unique=True,
            postgresql_where=text("external_id IS NOT NULL"),
        ),
    )

    organization_id: Mapped[uuid.UUID]
    occupation_code: Mapped[str] = mapped_column(ForeignKey("occupations.soc_code"))
    openings: Mapped[int] = mapped_column(Integer)
    start_quarter: Mapped[date] = mapped_column(Date)
    end_quarter: Mapped[date] = mapped_column(Date)
    openings_kind: Mapped[OpeningsKind] = mapped_column(_enum(OpeningsKind, "openings_kind"))
    wage_min_minor: Mapped[int | None] = mapped_column(BigInteger)
    wage_max_minor: Mapped[int | None] = mapped_column(BigInteger)
    wage_unit: Mapped[WageUnit | None] = mapped_column(_enum(WageUnit, "wage_unit"))
    currency: Mapped[str] = mapped_column(String(3), server_default="USD")
    is_degree_required: Mapped[bool] = mapped_column(Boolean, server_default="false")
    credentials: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    work_based_learning: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    city: Mapped[str | None] = mapped_column(String(120))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    external_id: Mapped[str | None] = mapped_column(String(100))
    sharing_level: Mapped[SharingLevel] = mapped_column(_enum(SharingLevel, "sharing_level"))
    status: Mapped[DemandStatus] = mapped_column(_enum(DemandStatus, "demand_status"))
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    # When the signal last became NAMED, and its version then: what other members see
    # of its history starts there (nothing from while it was POOLED or PRIVATE).
    named_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    named_version: Mapped[int | None] = mapped_column(Integer)
    created_by_user_id: Mapped[uuid.UUID | None]
    created_at: Mapped[Timestamp]
    updated_at: Mapped[Timestamp]


class DemandSignalSkill(TenantScoped, Base):
    """A skill a signal requires, at a level from 1 (basic) to 4 (expert)."""

    __tablename__ = "demand_signal_skills"
    __table_args__ = (
        UniqueConstraint("tenant_id", "signal_id", "skill_id"),
        ForeignKeyConstraint(
            ["tenant_id", "signal_id"],
            ["demand_signals.tenant_id", "demand_signals.id"],
            ondelete="CASCADE",
        ),
        CheckConstraint("level BETWEEN 1 AND 4", name="level_in_range"),
        Index(None, "tenant_id", "skill_id"),
    )

    signal_id: Mapped[uuid.UUID]
    skill_id: Mapped[str] = mapped_column(ForeignKey("skills.id"))
    level: Mapped[int] = mapped_column(SmallInteger)


class DemandSignalVersion(TenantScoped, Base):
    """An earlier state of a signal: who changed what, when (append-only)."""

    __tablename__ = "demand_signal_versions"
    __table_args__ = (
        UniqueConstraint("tenant_id", "signal_id", "version"),
        ForeignKeyConstraint(
            ["tenant_id", "signal_id"], ["demand_signals.tenant_id", "demand_signals.id"]
        ),
    )

    signal_id: Mapped[uuid.UUID]
    version: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSONB)
    changes: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    changed_by_kind: Mapped[str] = mapped_column(String(20))
    changed_by_id: Mapped[uuid.UUID]
    changed_by_label: Mapped[str] = mapped_column(String(320))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class NoiseSecret(TenantScoped, Base):
    """The partnership's secret behind its permanent noise factors, and the noise bounds
    they are drawn with: one per tenant, made with its first release and never changed
    (two releases blurred with different bounds could be solved together for the truth).
    No API reads the secret; only the release builder does."""

    __tablename__ = "demand_noise_secrets"
    __table_args__ = (UniqueConstraint("tenant_id"),)

    secret: Mapped[bytes] = mapped_column(LargeBinary)
    noise_min_percent: Mapped[int] = mapped_column(SmallInteger)
    noise_max_percent: Mapped[int] = mapped_column(SmallInteger)
    created_at: Mapped[Timestamp]


class DemandRelease(TenantScoped, Base):
    """A frozen snapshot of pooled demand: every pooled query reads one.

    ``rule`` is the disclosure rule it was made under (``DisclosureRule.as_settings``),
    so a release reads the same whatever the settings become. ``made_by``: SCHEDULE,
    CONVENER or OPERATOR (the command line)."""

    __tablename__ = "demand_releases"
    __table_args__ = (Index(None, "tenant_id", "published_at"),)

    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    made_by: Mapped[str] = mapped_column(String(20))
    rule: Mapped[dict[str, Any]] = mapped_column(JSONB)


class DemandReleaseCell(TenantScoped, Base):
    """One employer's part of one fine cell of a release: its ACTIVE signals shared
    POOLED (``named`` false) or NAMED agreeing on occupation, quarter, degree rule,
    work-based learning and skills. A signal counts in every quarter of its horizon,
    its openings spread evenly over them.

    ``openings`` is the truth (read only to decide what may be shown); ``noised_openings``
    what is published (POOLED: each signal's share times its permanent factor; NAMED:
    the truth, which is public). ``wage_openings`` are the noised openings that give a
    wage and ``noised_wage_sum`` those noised openings times each signal's noised hourly
    midpoint in cents, so an employer's wage in a cell is their ratio (weighed by noised
    openings: true weights would give away true openings; ``release_build``)."""

    __tablename__ = "demand_release_cells"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "release_id"],
            ["demand_releases.tenant_id", "demand_releases.id"],
        ),
        Index(None, "tenant_id", "release_id", "organization_id"),
    )

    release_id: Mapped[uuid.UUID]
    organization_id: Mapped[uuid.UUID]
    named: Mapped[bool] = mapped_column(Boolean)
    occupation_code: Mapped[str] = mapped_column(String(7))
    quarter: Mapped[date] = mapped_column(Date)
    is_degree_required: Mapped[bool] = mapped_column(Boolean)
    work_based_learning: Mapped[list[str]] = mapped_column(ARRAY(Text))
    skill_ids: Mapped[list[str]] = mapped_column(ARRAY(Text))
    currency: Mapped[str] = mapped_column(String(3))
    openings: Mapped[float] = mapped_column(Double)
    noised_openings: Mapped[float] = mapped_column(Double)
    wage_openings: Mapped[float] = mapped_column(Double)
    noised_wage_sum: Mapped[float] = mapped_column(Double)
