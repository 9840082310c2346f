"""Tables of the supply domain (all tenant-owned): training programs, what they teach
and lead to, and their cohorts.

Money is whole minor units (cents) of ``currency``; a cohort's completion rate is a
percentage with two decimals, the provider's own estimate.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from coalition.db.base import Base, TenantScoped, Timestamp


class CredentialKind(enum.StrEnum):
    CERTIFICATE = "CERTIFICATE"
    INDUSTRY_CERTIFICATION = "INDUSTRY_CERTIFICATION"
    OCCUPATIONAL_LICENSE = "OCCUPATIONAL_LICENSE"
    ASSOCIATE_DEGREE = "ASSOCIATE_DEGREE"
    APPRENTICESHIP_CERTIFICATE = "APPRENTICESHIP_CERTIFICATE"
    NONE = "NONE"


class Modality(enum.StrEnum):
    IN_PERSON = "IN_PERSON"
    ONLINE = "ONLINE"
    HYBRID = "HYBRID"


class Schedule(enum.StrEnum):
    DAYTIME = "DAYTIME"
    EVENING = "EVENING"
    WEEKEND = "WEEKEND"
    SELF_PACED = "SELF_PACED"


class Support(enum.StrEnum):
    CHILDCARE = "CHILDCARE"
    TRANSPORTATION = "TRANSPORTATION"
    LANGUAGE_ACCESS = "LANGUAGE_ACCESS"
    DISABILITY_ACCOMMODATION = "DISABILITY_ACCOMMODATION"
    STIPEND = "STIPEND"
    PAID_WHILE_TRAINING = "PAID_WHILE_TRAINING"


class ProgramStatus(enum.StrEnum):
    DRAFT = "DRAFT"
    ACTIVE = "ACTIVE"
    DISCONTINUED = "DISCONTINUED"


class CohortStatus(enum.StrEnum):
    PLANNED = "PLANNED"
    ENROLLING = "ENROLLING"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"


def _enum(kind: type[enum.Enum], name: str) -> Enum:
    return Enum(kind, name=name, native_enum=False, length=40, validate_strings=True)


# What a program's search matches: its name and description, as one text. No index of
# its own: an index of a tenant table starts with tenant_id (tests/db/test_catalog.py),
# GIN cannot without the btree_gin extension, and a partnership's few thousand programs
# are read through the tenant index quickly enough.
SEARCH_TEXT = "name || ' ' || description"


class TrainingProgram(TenantScoped, Base):
    """What a provider member teaches: one program, with the credential it leads to.

    ``schedules``, ``work_based_learning`` and ``supports`` hold enum values
    (``Schedule``, demand's ``WorkBasedLearning``, ``Support``). ``external_id`` is the
    provider's own ID for the program (a CSV file's ``program_id``): at most one program
    per provider has it, so importing the same file again updates instead of adding."""

    __tablename__ = "training_programs"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "organization_id"],
            ["organizations.tenant_id", "organizations.id"],
        ),
        ForeignKeyConstraint(["tenant_id", "created_by_user_id"], ["users.tenant_id", "users.id"]),
        CheckConstraint("hours IS NULL OR hours > 0", name="hours_positive"),
        CheckConstraint("weeks IS NULL OR weeks > 0", name="weeks_positive"),
        CheckConstraint("cost_minor IS NULL OR cost_minor >= 0", name="cost_not_negative"),
        CheckConstraint(
            "credential_ctid IS NULL OR credential_ctid ~ "
            "'^ce-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'",
            name="ctid_format",
        ),
        Index(None, "tenant_id", "organization_id", "id"),
        Index(None, "tenant_id", "created_at", "id"),
        Index(None, "tenant_id", "cip_code"),
        Index(
            "uq_training_programs_tenant_id_organization_id_external_id",
            "tenant_id",
            "organization_id",
            "external_id",
            unique=True,
            postgresql_where=text("external_id IS NOT NULL"),
        ),
    )

    organization_id: Mapped[uuid.UUID]
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, server_default="")
    cip_code: Mapped[str] = mapped_column(ForeignKey("instructional_programs.cip_code"))
    credential_kind: Mapped[CredentialKind] = mapped_column(
        _enum(CredentialKind, "credential_kind")
    )
    credential_name: Mapped[str | None] = mapped_column(String(200))
    credential_ctid: Mapped[str | None] = mapped_column(String(39))
    hours: Mapped[int | None] = mapped_column(Integer)
    weeks: Mapped[int | None] = mapped_column(Integer)
    cost_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), server_default="USD")
    modality: Mapped[Modality] = mapped_column(_enum(Modality, "modality"))
    schedules: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    work_based_learning: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    supports: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    is_etpl: Mapped[bool] = mapped_column(Boolean, server_default="false")
    status: Mapped[ProgramStatus] = mapped_column(_enum(ProgramStatus, "program_status"))
    external_id: Mapped[str | None] = mapped_column(String(100))
    created_by_user_id: Mapped[uuid.UUID | None]
    created_at: Mapped[Timestamp]
    updated_at: Mapped[Timestamp]


class TrainingProgramOccupation(TenantScoped, Base):
    """An occupation (SOC) a program prepares people for."""

    __tablename__ = "training_program_occupations"
    __table_args__ = (
        UniqueConstraint("tenant_id", "program_id", "occupation_code"),
        ForeignKeyConstraint(
            ["tenant_id", "program_id"],
            ["training_programs.tenant_id", "training_programs.id"],
            ondelete="CASCADE",
        ),
        Index(None, "tenant_id", "occupation_code"),
    )

    program_id: Mapped[uuid.UUID]
    occupation_code: Mapped[str] = mapped_column(ForeignKey("occupations.soc_code"))


class TrainingProgramSkill(TenantScoped, Base):
    """A skill a program teaches, to a level from 1 (basic) to 4 (expert)."""

    __tablename__ = "training_program_skills"
    __table_args__ = (
        UniqueConstraint("tenant_id", "program_id", "skill_id"),
        ForeignKeyConstraint(
            ["tenant_id", "program_id"],
            ["training_programs.tenant_id", "training_programs.id"],
            ondelete="CASCADE",
        ),
        CheckConstraint("level BETWEEN 1 AND 4", name="level_in_range"),
        Index(None, "tenant_id", "skill_id"),
    )

    program_id: Mapped[uuid.UUID]
    skill_id: Mapped[str] = mapped_column(ForeignKey("skills.id"))
    level: Mapped[int] = mapped_column(SmallInteger)


class Cohort(TenantScoped, Base):
    """One run of a program. Expected completers: ``enrolled`` once known (else
    ``seats``) times ``completion_rate_percent`` / 100."""

    __tablename__ = "training_cohorts"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "program_id"],
            ["training_programs.tenant_id", "training_programs.id"],
        ),
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint("seats >= 0", name="seats_not_negative"),
        CheckConstraint("enrolled IS NULL OR enrolled >= 0", name="enrolled_not_negative"),
        CheckConstraint(
            "completion_rate_percent BETWEEN 0 AND 100", name="completion_rate_in_range"
        ),
        Index(None, "tenant_id", "program_id", "starts_on", "id"),
        Index(None, "tenant_id", "ends_on"),
    )

    program_id: Mapped[uuid.UUID]
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    seats: Mapped[int] = mapped_column(Integer)
    enrolled: Mapped[int | None] = mapped_column(Integer)
    completion_rate_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    status: Mapped[CohortStatus] = mapped_column(_enum(CohortStatus, "cohort_status"))
    created_at: Mapped[Timestamp]
    updated_at: Mapped[Timestamp]


PROVIDER_KINDS = (
    "TRAINING_PROVIDER",
    "EDUCATION_INSTITUTION",
    "WORKER_ORGANIZATION",
    "COMMUNITY_ORGANIZATION",
)
"""Organization kinds that may run programs (a union is a worker organization)."""


__all__ = [
    "PROVIDER_KINDS",
    "SEARCH_TEXT",
    "Cohort",
    "CohortStatus",
    "CredentialKind",
    "Modality",
    "ProgramStatus",
    "Schedule",
    "Support",
    "TrainingProgram",
    "TrainingProgramOccupation",
    "TrainingProgramSkill",
]
