"""Demand signals: wages named in minor units like all money, and the employer's own row key.

``wage_min_cents``/``wage_max_cents`` become ``wage_min_minor``/``wage_max_minor``
(the kernel's ``_minor`` suffix; PostgreSQL rewrites the CHECK constraints that
name them, which keep their names). ``external_id`` is the employer's own ID
for a posting (a CSV file's ``posting_id``), unique per employer where given,
so re-importing a file updates its signals instead of duplicating them. The
history's JSON snapshots keep their keys (``wage_min_cents``): they are
append-only records and are read by those names.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 23:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY_INDEX = "uq_demand_signals_tenant_id_organization_id_external_id"


def upgrade() -> None:
    op.alter_column("demand_signals", "wage_min_cents", new_column_name="wage_min_minor")
    op.alter_column("demand_signals", "wage_max_cents", new_column_name="wage_max_minor")
    op.add_column("demand_signals", sa.Column("external_id", sa.String(length=100)))
    op.create_index(
        KEY_INDEX,
        "demand_signals",
        ["tenant_id", "organization_id", "external_id"],
        unique=True,
        postgresql_where=sa.text("external_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index(KEY_INDEX, table_name="demand_signals")
    op.drop_column("demand_signals", "external_id")
    op.alter_column("demand_signals", "wage_max_minor", new_column_name="wage_max_cents")
    op.alter_column("demand_signals", "wage_min_minor", new_column_name="wage_min_cents")
