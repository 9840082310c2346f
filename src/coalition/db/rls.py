"""SQL that puts a tenant-owned table behind the tenant boundary (used by migrations)."""

from __future__ import annotations

TENANT_SETTING = "app.tenant_id"
CURRENT_TENANT_SQL = f"NULLIF(current_setting('{TENANT_SETTING}', true), '')::uuid"


def enable_tenant_isolation(table: str) -> list[str]:
    """Statements that ENABLE and FORCE RLS with a RESTRICTIVE tenant policy.

    RESTRICTIVE: a permissive policy added later (say, "members may read
    published rows") can narrow access further but never widen it across
    tenants. PostgreSQL needs at least one permissive policy for any row to
    be visible, hence ``tenant_access``.
    """
    condition = f"tenant_id = {CURRENT_TENANT_SQL}"
    return [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY tenant_boundary ON {table} AS RESTRICTIVE FOR ALL "
        f"USING ({condition}) WITH CHECK ({condition})",
        f"CREATE POLICY tenant_access ON {table} AS PERMISSIVE FOR ALL "
        f"USING ({condition}) WITH CHECK ({condition})",
    ]


def disable_tenant_isolation(table: str) -> list[str]:
    return [
        f"DROP POLICY IF EXISTS tenant_access ON {table}",
        f"DROP POLICY IF EXISTS tenant_boundary ON {table}",
        f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY",
    ]
