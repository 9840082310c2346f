"""Partnership admins change their own partnership's settings through the API.

``tenants`` stays a readable directory, but the API role may now UPDATE it, and
row-level security limits that to the row of the transaction's tenant.
(ENABLEd, not FORCEd: the owner creates partnerships from the CLI.)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 12:30:00
"""

from collections.abc import Sequence

from alembic import op

from coalition.db.rls import CURRENT_TENANT_SQL

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("ALTER TABLE tenants ENABLE ROW LEVEL SECURITY")
    op.execute("CREATE POLICY tenant_directory ON tenants FOR SELECT USING (true)")
    op.execute(
        f"CREATE POLICY tenant_self_update ON tenants FOR UPDATE "
        f"USING (id = {CURRENT_TENANT_SQL}) WITH CHECK (id = {CURRENT_TENANT_SQL})"
    )


def downgrade() -> None:
    op.execute("DROP POLICY IF EXISTS tenant_self_update ON tenants")
    op.execute("DROP POLICY IF EXISTS tenant_directory ON tenants")
    op.execute("ALTER TABLE tenants DISABLE ROW LEVEL SECURITY")
