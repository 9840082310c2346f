"""Demand signals, their required skills and their version history.

Every table is tenant-owned and put behind FORCEd row-level security.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 11:14:35.784480
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from coalition.db.rls import disable_tenant_isolation, enable_tenant_isolation

TENANT_TABLES = ("demand_signals", "demand_signal_skills", "demand_signal_versions")

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "demand_signals",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("occupation_code", sa.String(length=7), nullable=False),
        sa.Column("openings", sa.Integer(), nullable=False),
        sa.Column("start_quarter", sa.Date(), nullable=False),
        sa.Column("end_quarter", sa.Date(), nullable=False),
        sa.Column(
            "openings_kind",
            sa.Enum("GROWTH", "REPLACEMENT", name="openings_kind", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("wage_min_cents", sa.BigInteger(), nullable=True),
        sa.Column("wage_max_cents", sa.BigInteger(), nullable=True),
        sa.Column(
            "wage_unit",
            sa.Enum("HOUR", "YEAR", name="wage_unit", native_enum=False, length=40),
            nullable=True,
        ),
        sa.Column("currency", sa.String(length=3), server_default="USD", nullable=False),
        sa.Column("is_degree_required", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("credentials", sa.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("work_based_learning", sa.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("city", sa.String(length=120), nullable=True),
        sa.Column("postal_code", sa.String(length=10), nullable=True),
        sa.Column(
            "sharing_level",
            sa.Enum(
                "PRIVATE", "POOLED", "NAMED", name="sharing_level", native_enum=False, length=40
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "DRAFT",
                "ACTIVE",
                "FILLED",
                "WITHDRAWN",
                name="demand_status",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
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
            "(wage_min_cents IS NULL AND wage_max_cents IS NULL) OR wage_unit IS NOT NULL",
            name=op.f("ck_demand_signals_wage_has_unit"),
        ),
        sa.CheckConstraint(
            "end_quarter >= start_quarter", name=op.f("ck_demand_signals_horizon_ordered")
        ),
        sa.CheckConstraint("openings > 0", name=op.f("ck_demand_signals_openings_positive")),
        sa.CheckConstraint("version >= 1", name=op.f("ck_demand_signals_version_positive")),
        sa.CheckConstraint(
            "wage_min_cents IS NULL OR wage_max_cents IS NULL OR wage_min_cents <= wage_max_cents",
            name=op.f("ck_demand_signals_wage_range_ordered"),
        ),
        sa.CheckConstraint(
            "wage_min_cents IS NULL OR wage_min_cents >= 0",
            name=op.f("ck_demand_signals_wage_min_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["occupation_code"],
            ["occupations.soc_code"],
            name=op.f("fk_demand_signals_occupation_code_occupations"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "created_by_user_id"],
            ["users.tenant_id", "users.id"],
            name=op.f("fk_demand_signals_tenant_id_created_by_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "organization_id"],
            ["organizations.tenant_id", "organizations.id"],
            name=op.f("fk_demand_signals_tenant_id_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_demand_signals_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_demand_signals")),
    )
    op.create_index(
        op.f("ix_demand_signals_tenant_id_created_at_id"),
        "demand_signals",
        ["tenant_id", "created_at", "id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_demand_signals_tenant_id_organization_id_id"),
        "demand_signals",
        ["tenant_id", "organization_id", "id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_demand_signals_tenant_id_status_sharing_level_occupation_code"),
        "demand_signals",
        ["tenant_id", "status", "sharing_level", "occupation_code"],
        unique=False,
    )
    op.create_table(
        "demand_signal_skills",
        sa.Column("signal_id", sa.Uuid(), nullable=False),
        sa.Column("skill_id", sa.String(length=40), nullable=False),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "level BETWEEN 1 AND 4", name=op.f("ck_demand_signal_skills_level_in_range")
        ),
        sa.ForeignKeyConstraint(
            ["skill_id"], ["skills.id"], name=op.f("fk_demand_signal_skills_skill_id_skills")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "signal_id"],
            ["demand_signals.tenant_id", "demand_signals.id"],
            name=op.f("fk_demand_signal_skills_tenant_id_signal_id_demand_signals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_demand_signal_skills_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_demand_signal_skills")),
        sa.UniqueConstraint(
            "tenant_id",
            "signal_id",
            "skill_id",
            name=op.f("uq_demand_signal_skills_tenant_id_signal_id_skill_id"),
        ),
    )
    op.create_index(
        op.f("ix_demand_signal_skills_tenant_id_skill_id"),
        "demand_signal_skills",
        ["tenant_id", "skill_id"],
        unique=False,
    )
    op.create_table(
        "demand_signal_versions",
        sa.Column("signal_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("snapshot", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "changes", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column("changed_by_kind", sa.String(length=20), nullable=False),
        sa.Column("changed_by_id", sa.Uuid(), nullable=False),
        sa.Column("changed_by_label", sa.String(length=320), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "signal_id"],
            ["demand_signals.tenant_id", "demand_signals.id"],
            name=op.f("fk_demand_signal_versions_tenant_id_signal_id_demand_signals"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_demand_signal_versions_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_demand_signal_versions")),
        sa.UniqueConstraint(
            "tenant_id",
            "signal_id",
            "version",
            name=op.f("uq_demand_signal_versions_tenant_id_signal_id_version"),
        ),
    )
    for table in TENANT_TABLES:
        for statement in enable_tenant_isolation(table):
            op.execute(statement)


def downgrade() -> None:
    for table in TENANT_TABLES:
        for statement in disable_tenant_isolation(table):
            op.execute(statement)
    op.drop_table("demand_signal_versions")
    op.drop_index(
        op.f("ix_demand_signal_skills_tenant_id_skill_id"), table_name="demand_signal_skills"
    )
    op.drop_table("demand_signal_skills")
    op.drop_index(
        op.f("ix_demand_signals_tenant_id_status_sharing_level_occupation_code"),
        table_name="demand_signals",
    )
    op.drop_index(
        op.f("ix_demand_signals_tenant_id_organization_id_id"), table_name="demand_signals"
    )
    op.drop_index(op.f("ix_demand_signals_tenant_id_created_at_id"), table_name="demand_signals")
    op.drop_table("demand_signals")
