"""Training supply: programs, the occupations they lead to and skills they teach, cohorts.

``training_programs``, ``training_program_occupations``, ``training_program_skills``
and ``training_cohorts``, all tenant-owned behind FORCEd row-level security.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from coalition.db.rls import disable_tenant_isolation, enable_tenant_isolation

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = (
    "training_programs",
    "training_program_occupations",
    "training_program_skills",
    "training_cohorts",
)


def upgrade() -> None:
    op.create_table(
        "training_programs",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("cip_code", sa.String(length=7), nullable=False),
        sa.Column(
            "credential_kind",
            sa.Enum(
                "CERTIFICATE",
                "INDUSTRY_CERTIFICATION",
                "OCCUPATIONAL_LICENSE",
                "ASSOCIATE_DEGREE",
                "APPRENTICESHIP_CERTIFICATE",
                "NONE",
                name="credential_kind",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("credential_name", sa.String(length=200), nullable=True),
        sa.Column("credential_ctid", sa.String(length=39), nullable=True),
        sa.Column("hours", sa.Integer(), nullable=True),
        sa.Column("weeks", sa.Integer(), nullable=True),
        sa.Column("cost_minor", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), server_default="USD", nullable=False),
        sa.Column(
            "modality",
            sa.Enum("IN_PERSON", "ONLINE", "HYBRID", name="modality", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("schedules", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column(
            "work_based_learning", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column("supports", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("is_etpl", sa.Boolean(), server_default="false", nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "DRAFT",
                "ACTIVE",
                "DISCONTINUED",
                name="program_status",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.Column("created_by_user_id", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "credential_ctid IS NULL OR credential_ctid ~ '^ce-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'",
            name=op.f("ck_training_programs_ctid_format"),
        ),
        sa.CheckConstraint(
            "cost_minor IS NULL OR cost_minor >= 0",
            name=op.f("ck_training_programs_cost_not_negative"),
        ),
        sa.CheckConstraint(
            "hours IS NULL OR hours > 0", name=op.f("ck_training_programs_hours_positive")
        ),
        sa.CheckConstraint(
            "weeks IS NULL OR weeks > 0", name=op.f("ck_training_programs_weeks_positive")
        ),
        sa.ForeignKeyConstraint(
            ["cip_code"],
            ["instructional_programs.cip_code"],
            name=op.f("fk_training_programs_cip_code_instructional_programs"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "created_by_user_id"],
            ["users.tenant_id", "users.id"],
            name=op.f("fk_training_programs_tenant_id_created_by_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "organization_id"],
            ["organizations.tenant_id", "organizations.id"],
            name=op.f("fk_training_programs_tenant_id_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_training_programs_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_training_programs")),
    )
    op.create_index(
        op.f("ix_training_programs_tenant_id_cip_code"),
        "training_programs",
        ["tenant_id", "cip_code"],
        unique=False,
    )
    op.create_index(
        op.f("ix_training_programs_tenant_id_created_at_id"),
        "training_programs",
        ["tenant_id", "created_at", "id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_training_programs_tenant_id_organization_id_id"),
        "training_programs",
        ["tenant_id", "organization_id", "id"],
        unique=False,
    )
    op.create_index(
        "uq_training_programs_tenant_id_organization_id_external_id",
        "training_programs",
        ["tenant_id", "organization_id", "external_id"],
        unique=True,
        postgresql_where=sa.text("external_id IS NOT NULL"),
    )
    op.create_table(
        "training_cohorts",
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("enrolled", sa.Integer(), nullable=True),
        sa.Column("completion_rate_percent", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "PLANNED",
                "ENROLLING",
                "RUNNING",
                "COMPLETED",
                "CANCELLED",
                name="cohort_status",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "completion_rate_percent BETWEEN 0 AND 100",
            name=op.f("ck_training_cohorts_completion_rate_in_range"),
        ),
        sa.CheckConstraint(
            "ends_on >= starts_on", name=op.f("ck_training_cohorts_ends_after_start")
        ),
        sa.CheckConstraint(
            "enrolled IS NULL OR enrolled >= 0",
            name=op.f("ck_training_cohorts_enrolled_not_negative"),
        ),
        sa.CheckConstraint("seats >= 0", name=op.f("ck_training_cohorts_seats_not_negative")),
        sa.ForeignKeyConstraint(
            ["tenant_id", "program_id"],
            ["training_programs.tenant_id", "training_programs.id"],
            name=op.f("fk_training_cohorts_tenant_id_program_id_training_programs"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_training_cohorts_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_training_cohorts")),
    )
    op.create_index(
        op.f("ix_training_cohorts_tenant_id_ends_on"),
        "training_cohorts",
        ["tenant_id", "ends_on"],
        unique=False,
    )
    op.create_index(
        op.f("ix_training_cohorts_tenant_id_program_id_starts_on_id"),
        "training_cohorts",
        ["tenant_id", "program_id", "starts_on", "id"],
        unique=False,
    )
    op.create_table(
        "training_program_occupations",
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("occupation_code", sa.String(length=7), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["occupation_code"],
            ["occupations.soc_code"],
            name=op.f("fk_training_program_occupations_occupation_code_occupations"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "program_id"],
            ["training_programs.tenant_id", "training_programs.id"],
            name=op.f("fk_training_program_occupations_tenant_id_program_id_training_programs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_training_program_occupations_tenant_id_tenants"),
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_training_program_occupations")),
        sa.UniqueConstraint(
            "tenant_id",
            "program_id",
            "occupation_code",
            name=op.f("uq_training_program_occupations_tenant_id_program_id_occupation_code"),
        ),
    )
    op.create_index(
        op.f("ix_training_program_occupations_tenant_id_occupation_code"),
        "training_program_occupations",
        ["tenant_id", "occupation_code"],
        unique=False,
    )
    op.create_table(
        "training_program_skills",
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("skill_id", sa.String(length=40), nullable=False),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "level BETWEEN 1 AND 4", name=op.f("ck_training_program_skills_level_in_range")
        ),
        sa.ForeignKeyConstraint(
            ["skill_id"], ["skills.id"], name=op.f("fk_training_program_skills_skill_id_skills")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "program_id"],
            ["training_programs.tenant_id", "training_programs.id"],
            name=op.f("fk_training_program_skills_tenant_id_program_id_training_programs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_training_program_skills_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_training_program_skills")),
        sa.UniqueConstraint(
            "tenant_id",
            "program_id",
            "skill_id",
            name=op.f("uq_training_program_skills_tenant_id_program_id_skill_id"),
        ),
    )
    op.create_index(
        op.f("ix_training_program_skills_tenant_id_skill_id"),
        "training_program_skills",
        ["tenant_id", "skill_id"],
        unique=False,
    )
    for table in TENANT_TABLES:
        for statement in enable_tenant_isolation(table):
            op.execute(statement)


def downgrade() -> None:
    for table in TENANT_TABLES:
        for statement in disable_tenant_isolation(table):
            op.execute(statement)
    op.drop_index(
        op.f("ix_training_program_skills_tenant_id_skill_id"), table_name="training_program_skills"
    )
    op.drop_table("training_program_skills")
    op.drop_index(
        op.f("ix_training_program_occupations_tenant_id_occupation_code"),
        table_name="training_program_occupations",
    )
    op.drop_table("training_program_occupations")
    op.drop_index(
        op.f("ix_training_cohorts_tenant_id_program_id_starts_on_id"), table_name="training_cohorts"
    )
    op.drop_index(op.f("ix_training_cohorts_tenant_id_ends_on"), table_name="training_cohorts")
    op.drop_table("training_cohorts")
    op.drop_index(
        "uq_training_programs_tenant_id_organization_id_external_id",
        table_name="training_programs",
        postgresql_where=sa.text("external_id IS NOT NULL"),
    )
    op.drop_index(
        op.f("ix_training_programs_tenant_id_organization_id_id"), table_name="training_programs"
    )
    op.drop_index(
        op.f("ix_training_programs_tenant_id_created_at_id"), table_name="training_programs"
    )
    op.drop_index(op.f("ix_training_programs_tenant_id_cip_code"), table_name="training_programs")
    op.drop_table("training_programs")
