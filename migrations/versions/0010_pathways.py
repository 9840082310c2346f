"""Career pathways: pathways, their ordered steps, and each step's typical employers
and bridging programs.

``career_pathways``, ``career_pathway_steps``, ``career_pathway_step_employers`` and
``career_pathway_step_programs``, all tenant-owned behind FORCEd row-level security.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from coalition.db.rls import disable_tenant_isolation, enable_tenant_isolation

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = (
    "career_pathways",
    "career_pathway_steps",
    "career_pathway_step_employers",
    "career_pathway_step_programs",
)


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column(
            name,
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        )
        for name in ("created_at", "updated_at")
    ]


def _keys(table: str) -> list[sa.Column | sa.Constraint]:
    return [
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f(f"fk_{table}_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f(f"pk_{table}")),
    ]


def upgrade() -> None:
    op.create_table(
        "career_pathways",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=True),
        sa.Column("created_by_user_id", sa.Uuid(), nullable=True),
        *_timestamps(),
        *_keys("career_pathways"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "created_by_user_id"],
            ["users.tenant_id", "users.id"],
            name=op.f("fk_career_pathways_tenant_id_created_by_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "organization_id"],
            ["organizations.tenant_id", "organizations.id"],
            name=op.f("fk_career_pathways_tenant_id_organization_id_organizations"),
        ),
    )
    op.create_index(
        op.f("ix_career_pathways_tenant_id_created_at_id"),
        "career_pathways",
        ["tenant_id", "created_at", "id"],
    )
    op.create_index(
        op.f("ix_career_pathways_tenant_id_organization_id"),
        "career_pathways",
        ["tenant_id", "organization_id"],
    )
    op.create_table(
        "career_pathway_steps",
        sa.Column("pathway_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("occupation_code", sa.String(length=7), nullable=False),
        sa.Column("wage_min_minor", sa.BigInteger(), nullable=True),
        sa.Column("wage_max_minor", sa.BigInteger(), nullable=True),
        sa.Column(
            "wage_unit",
            sa.Enum("HOUR", "YEAR", name="wage_unit", native_enum=False, length=40),
            nullable=True,
        ),
        sa.Column("currency", sa.String(length=3), server_default="USD", nullable=False),
        sa.Column(
            "work_based_learning", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        *_timestamps(),
        *_keys("career_pathway_steps"),
        sa.CheckConstraint("position > 0", name=op.f("ck_career_pathway_steps_position_positive")),
        sa.CheckConstraint(
            "wage_min_minor IS NULL OR wage_min_minor >= 0",
            name=op.f("ck_career_pathway_steps_wage_min_not_negative"),
        ),
        sa.CheckConstraint(
            "wage_min_minor IS NULL OR wage_max_minor IS NULL OR wage_min_minor <= wage_max_minor",
            name=op.f("ck_career_pathway_steps_wage_range_ordered"),
        ),
        sa.CheckConstraint(
            "(wage_min_minor IS NULL AND wage_max_minor IS NULL) OR wage_unit IS NOT NULL",
            name=op.f("ck_career_pathway_steps_wage_has_unit"),
        ),
        sa.ForeignKeyConstraint(
            ["occupation_code"],
            ["occupations.soc_code"],
            name=op.f("fk_career_pathway_steps_occupation_code_occupations"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "pathway_id"],
            ["career_pathways.tenant_id", "career_pathways.id"],
            name=op.f("fk_career_pathway_steps_tenant_id_pathway_id_career_pathways"),
        ),
    )
    op.create_index(
        op.f("ix_career_pathway_steps_tenant_id_pathway_id_position"),
        "career_pathway_steps",
        ["tenant_id", "pathway_id", "position"],
    )
    for table, column, parent, parent_table in (
        ("career_pathway_step_employers", "organization_id", "organizations", "organizations"),
        ("career_pathway_step_programs", "program_id", "training_programs", "training_programs"),
    ):
        op.create_table(
            table,
            sa.Column("step_id", sa.Uuid(), nullable=False),
            sa.Column(column, sa.Uuid(), nullable=False),
            sa.Column("position", sa.Integer(), nullable=False),
            *_keys(table),
            sa.ForeignKeyConstraint(
                ["tenant_id", "step_id"],
                ["career_pathway_steps.tenant_id", "career_pathway_steps.id"],
                name=op.f(f"fk_{table}_tenant_id_step_id_career_pathway_steps"),
                ondelete="CASCADE",
            ),
            sa.ForeignKeyConstraint(
                ["tenant_id", column],
                [f"{parent_table}.tenant_id", f"{parent_table}.id"],
                name=op.f(f"fk_{table}_tenant_id_{column}_{parent}"),
            ),
            sa.UniqueConstraint(
                "tenant_id", "step_id", column, name=op.f(f"uq_{table}_tenant_id_step_id_{column}")
            ),
        )
        op.create_index(op.f(f"ix_{table}_tenant_id_{column}"), table, ["tenant_id", column])
    for table in TENANT_TABLES:
        for statement in enable_tenant_isolation(table):
            op.execute(statement)


def downgrade() -> None:
    for table in TENANT_TABLES:
        for statement in disable_tenant_isolation(table):
            op.execute(statement)
    for table, column in (
        ("career_pathway_step_programs", "program_id"),
        ("career_pathway_step_employers", "organization_id"),
    ):
        op.drop_index(op.f(f"ix_{table}_tenant_id_{column}"), table_name=table)
        op.drop_table(table)
    op.drop_index(
        op.f("ix_career_pathway_steps_tenant_id_pathway_id_position"),
        table_name="career_pathway_steps",
    )
    op.drop_table("career_pathway_steps")
    op.drop_index(
        op.f("ix_career_pathways_tenant_id_organization_id"), table_name="career_pathways"
    )
    op.drop_index(op.f("ix_career_pathways_tenant_id_created_at_id"), table_name="career_pathways")
    op.drop_table("career_pathways")
