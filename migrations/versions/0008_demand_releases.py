"""Pooled demand read from frozen, noise-infused releases.

``demand_noise_secrets`` (one per tenant), ``demand_releases`` and their fine cells
``demand_release_cells``, all tenant-owned behind FORCEd row-level security.
Signals learn when they last became NAMED (``named_at``, ``named_version``), so
other members see no history from before. The disclosure settings lose
``max_share_percent`` (the dominance share) for the p% rule's ``p_percent``,
which takes its default.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 03:00:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from coalition.db.rls import disable_tenant_isolation, enable_tenant_isolation

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = ("demand_noise_secrets", "demand_releases", "demand_release_cells")


def _tenant_columns(table: str) -> list[Any]:
    return [
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=f"fk_{table}_tenant_id_tenants"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=f"pk_{table}"),
    ]


def upgrade() -> None:
    op.add_column("demand_signals", sa.Column("named_at", sa.DateTime(timezone=True)))
    op.add_column("demand_signals", sa.Column("named_version", sa.Integer()))
    op.execute(
        "UPDATE demand_signals SET named_at = updated_at, named_version = version "
        "WHERE sharing_level = 'NAMED'"
    )
    op.create_table(
        "demand_noise_secrets",
        sa.Column("secret", sa.LargeBinary(), nullable=False),
        sa.Column("noise_min_percent", sa.SmallInteger(), nullable=False),
        sa.Column("noise_max_percent", sa.SmallInteger(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        *_tenant_columns("demand_noise_secrets"),
        sa.UniqueConstraint("tenant_id", name="uq_demand_noise_secrets_tenant_id"),
    )
    op.create_table(
        "demand_releases",
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("made_by", sa.String(length=20), nullable=False),
        sa.Column("rule", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        *_tenant_columns("demand_releases"),
    )
    op.create_index(
        "ix_demand_releases_tenant_id_published_at",
        "demand_releases",
        ["tenant_id", "published_at"],
    )
    op.create_table(
        "demand_release_cells",
        sa.Column("release_id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("named", sa.Boolean(), nullable=False),
        sa.Column("occupation_code", sa.String(length=7), nullable=False),
        sa.Column("quarter", sa.Date(), nullable=False),
        sa.Column("is_degree_required", sa.Boolean(), nullable=False),
        sa.Column("work_based_learning", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("skill_ids", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("openings", sa.Double(), nullable=False),
        sa.Column("noised_openings", sa.Double(), nullable=False),
        sa.Column("wage_openings", sa.Double(), nullable=False),
        sa.Column("noised_wage_sum", sa.Double(), nullable=False),
        *_tenant_columns("demand_release_cells"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "release_id"],
            ["demand_releases.tenant_id", "demand_releases.id"],
            name="fk_demand_release_cells_tenant_id_release_id_demand_releases",
        ),
    )
    op.create_index(
        "ix_demand_release_cells_tenant_id_release_id_organization_id",
        "demand_release_cells",
        ["tenant_id", "release_id", "organization_id"],
    )
    for table in TENANT_TABLES:
        for statement in enable_tenant_isolation(table):
            op.execute(statement)
    # The dominance share gives way to the p% rule (its default); k stays.
    op.execute(
        "UPDATE tenants SET settings = jsonb_set(settings, '{disclosure}', "
        "(settings -> 'disclosure') - 'max_share_percent') "
        "WHERE settings ? 'disclosure' AND jsonb_typeof(settings -> 'disclosure') = 'object'"
    )


def downgrade() -> None:
    for table in TENANT_TABLES:
        for statement in disable_tenant_isolation(table):
            op.execute(statement)
    op.drop_index(
        "ix_demand_release_cells_tenant_id_release_id_organization_id", "demand_release_cells"
    )
    op.drop_table("demand_release_cells")
    op.drop_index("ix_demand_releases_tenant_id_published_at", "demand_releases")
    op.drop_table("demand_releases")
    op.drop_table("demand_noise_secrets")
    op.execute(
        "UPDATE tenants SET settings = jsonb_set(settings, '{disclosure}', "
        "(settings -> 'disclosure') - 'p_percent' - 'noise_min_percent' - 'noise_max_percent') "
        "WHERE settings ? 'disclosure' AND jsonb_typeof(settings -> 'disclosure') = 'object'"
    )
    op.drop_column("demand_signals", "named_version")
    op.drop_column("demand_signals", "named_at")
