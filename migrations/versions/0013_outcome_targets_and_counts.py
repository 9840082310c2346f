"""outcome targets, aggregate counts, and the participant fields the metrics read

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from coalition.db.rls import disable_tenant_isolation, enable_tenant_isolation

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = ("outcome_targets", "aggregate_counts")


def upgrade() -> None:
    op.create_table(
        "outcome_targets",
        sa.Column("initiative_id", sa.Uuid(), nullable=False),
        sa.Column("metric", sa.String(length=40), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("target", sa.Numeric(precision=16, scale=4), nullable=False),
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
            "ends_on >= starts_on", name=op.f("ck_outcome_targets_ends_after_start")
        ),
        sa.CheckConstraint("target >= 0", name=op.f("ck_outcome_targets_target_not_negative")),
        sa.ForeignKeyConstraint(
            ["tenant_id", "initiative_id"],
            ["initiatives.tenant_id", "initiatives.id"],
            name=op.f("fk_outcome_targets_tenant_id_initiative_id_initiatives"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_outcome_targets_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_outcome_targets")),
        sa.UniqueConstraint(
            "tenant_id",
            "initiative_id",
            "metric",
            "period",
            name=op.f("uq_outcome_targets_tenant_id_initiative_id_metric_period"),
        ),
    )
    op.create_index(
        op.f("ix_outcome_targets_tenant_id_initiative_id_starts_on_id"),
        "outcome_targets",
        ["tenant_id", "initiative_id", "starts_on", "id"],
        unique=False,
    )
    op.create_table(
        "aggregate_counts",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("program_id", sa.Uuid(), nullable=True),
        sa.Column("initiative_id", sa.Uuid(), nullable=True),
        sa.Column("quarter_starts_on", sa.Date(), nullable=False),
        sa.Column(
            "dimension",
            sa.Enum(
                "TOTAL",
                "SEX",
                "RACE_ETHNICITY",
                "AGE_BAND",
                "VETERAN",
                "BARRIER",
                name="count_dimension",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("dimension_value", sa.String(length=40), server_default="", nullable=False),
        sa.Column("served", sa.Integer(), nullable=False),
        sa.Column("exited", sa.Integer(), nullable=False),
        sa.Column("completed", sa.Integer(), nullable=False),
        sa.Column("credentialed", sa.Integer(), nullable=False),
        sa.Column("placed", sa.Integer(), nullable=False),
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
            "completed >= 0 AND completed <= exited AND credentialed >= 0 AND credentialed <= exited AND placed >= 0 AND placed <= exited",
            name=op.f("ck_aggregate_counts_outcomes_of_exited"),
        ),
        sa.CheckConstraint("exited <= served", name=op.f("ck_aggregate_counts_exited_of_served")),
        sa.CheckConstraint(
            "extract(day FROM quarter_starts_on) = 1 AND extract(month FROM quarter_starts_on) IN (1, 4, 7, 10)",
            name=op.f("ck_aggregate_counts_quarter_start"),
        ),
        sa.CheckConstraint(
            "served >= 0 AND exited >= 0", name=op.f("ck_aggregate_counts_counts_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "initiative_id"],
            ["initiatives.tenant_id", "initiatives.id"],
            name=op.f("fk_aggregate_counts_tenant_id_initiative_id_initiatives"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "organization_id"],
            ["organizations.tenant_id", "organizations.id"],
            name=op.f("fk_aggregate_counts_tenant_id_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "program_id"],
            ["training_programs.tenant_id", "training_programs.id"],
            name=op.f("fk_aggregate_counts_tenant_id_program_id_training_programs"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_aggregate_counts_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_aggregate_counts")),
        sa.UniqueConstraint(
            "tenant_id",
            "organization_id",
            "program_id",
            "initiative_id",
            "quarter_starts_on",
            "dimension",
            "dimension_value",
            name="uq_aggregate_counts_cell",
            postgresql_nulls_not_distinct=True,
        ),
    )
    op.create_index(
        op.f("ix_aggregate_counts_tenant_id_initiative_id_quarter_starts_on"),
        "aggregate_counts",
        ["tenant_id", "initiative_id", "quarter_starts_on"],
        unique=False,
    )
    op.create_index(
        op.f("ix_aggregate_counts_tenant_id_organization_id_quarter_starts_on_id"),
        "aggregate_counts",
        ["tenant_id", "organization_id", "quarter_starts_on", "id"],
        unique=False,
    )
    op.add_column(
        "participant_records",
        sa.Column(
            "training_service_type",
            sa.Enum(
                "OCCUPATIONAL_SKILLS",
                "ON_THE_JOB",
                "SKILL_UPGRADING",
                "ENTREPRENEURIAL",
                "ADULT_EDUCATION_COMBINED",
                "CUSTOMIZED",
                "OTHER_OCCUPATIONAL_SKILLS",
                "PREREQUISITE",
                "REGISTERED_APPRENTICESHIP",
                "YOUTH_OCCUPATIONAL_SKILLS",
                "OTHER_NON_OCCUPATIONAL",
                name="training_service_type",
                native_enum=False,
                length=40,
            ),
            nullable=True,
        ),
    )
    op.add_column(
        "participant_records", sa.Column("training_completed", sa.Boolean(), nullable=True)
    )
    op.add_column(
        "participant_records", sa.Column("same_employer_q2_q4", sa.Boolean(), nullable=True)
    )
    for table in TENANT_TABLES:
        for statement in enable_tenant_isolation(table):
            op.execute(statement)


def downgrade() -> None:
    for table in TENANT_TABLES:
        for statement in disable_tenant_isolation(table):
            op.execute(statement)
    op.drop_column("participant_records", "same_employer_q2_q4")
    op.drop_column("participant_records", "training_completed")
    op.drop_column("participant_records", "training_service_type")
    op.drop_index(
        op.f("ix_aggregate_counts_tenant_id_organization_id_quarter_starts_on_id"),
        table_name="aggregate_counts",
    )
    op.drop_index(
        op.f("ix_aggregate_counts_tenant_id_initiative_id_quarter_starts_on"),
        table_name="aggregate_counts",
    )
    op.drop_table("aggregate_counts")
    op.drop_index(
        op.f("ix_outcome_targets_tenant_id_initiative_id_starts_on_id"),
        table_name="outcome_targets",
    )
    op.drop_table("outcome_targets")
