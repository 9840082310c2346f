"""The schema's tenancy rules, read from PostgreSQL's own catalog.

Each check is one query that lists offenders and must return no rows. So that
a broken query cannot pass by finding nothing, every check is also run once
against an offender planted inside a transaction that is rolled back.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from coalition.config import Settings
from coalition.db.roles import APP_PRIVILEGES
from coalition.models import Base

# Tables without tenant_id: the directory of tenants, token signing keys, Alembic's own.
GLOBAL_TABLES = (
    "tenants",
    "signing_keys",
    "alembic_version",
    "occupation_groups",
    "occupations",
    "onet_occupations",
    "occupation_aliases",
    "skills",
    "occupation_skill_ratings",
    "industries",
    "instructional_programs",
    "program_occupations",
)
TENANT_BOUNDARY = "tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid"
PLANTED_ROLE = f"coalition_planted_{uuid.uuid4().hex[:8]}"
DISTRIBUTE_SQL = Path(__file__).resolve().parents[2] / "infra" / "citus" / "distribute.sql"


def _normalized(expression: str) -> str:
    # PostgreSQL stores the policy as `(tenant_id = (NULLIF(current_setting('app.tenant_id'::text,
    # true), ''::text))::uuid)`: drop the implicit casts, blanks and parentheses on both sides.
    return re.sub(r"[\s()]", "", expression.replace("::text", ""))


# Every table of the public schema, and whether it is tenant-owned (has tenant_id).
TABLES = """
WITH tables AS (
  SELECT c.oid, c.relname::text AS relname,
         EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid
                 AND a.attname = 'tenant_id' AND NOT a.attisdropped) AS is_tenant
  FROM pg_class c
  WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
)
"""
ROLE = "(SELECT oid FROM pg_roles WHERE rolname = :role)"
NOT_IN_EXTENSION = (
    "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = {oid} AND d.deptype = 'e')"
)


@dataclass(frozen=True)
class Check:
    """A query whose first column names each offender, and DDL that plants one."""

    sql: str
    plant: tuple[str, ...]
    planted: str


PLANTED_TENANT_TABLE = (
    "CREATE TABLE planted_tenant (tenant_id uuid NOT NULL, id uuid NOT NULL, code text, "
    "organization_id uuid, PRIMARY KEY (tenant_id, id))"
)

CHECKS: dict[str, Check] = {
    "app role is neither superuser nor BYPASSRLS": Check(
        sql="SELECT rolname::text, rolsuper, rolbypassrls FROM pg_roles "
        "WHERE rolname = :role AND (rolsuper OR rolbypassrls)",
        plant=(f"CREATE ROLE {PLANTED_ROLE} BYPASSRLS",),
        planted=PLANTED_ROLE,
    ),
    "app role owns nothing and belongs to no role": Check(
        sql=f"""
            SELECT relname::text, 'relation' FROM pg_class WHERE relowner = {ROLE}
            UNION ALL SELECT proname::text, 'function' FROM pg_proc WHERE proowner = {ROLE}
            UNION ALL SELECT typname::text, 'type' FROM pg_type WHERE typowner = {ROLE}
            UNION ALL SELECT nspname::text, 'schema' FROM pg_namespace WHERE nspowner = {ROLE}
            UNION ALL SELECT datname::text, 'database' FROM pg_database
                      WHERE datdba = {ROLE} AND datname = current_database()
            UNION ALL SELECT r.rolname::text, 'member of' FROM pg_auth_members m
                      JOIN pg_roles r ON r.oid = m.roleid WHERE m.member = {ROLE}""",
        plant=(
            f"CREATE ROLE {PLANTED_ROLE}",
            "CREATE TABLE planted_owned (id int)",
            f"ALTER TABLE planted_owned OWNER TO {PLANTED_ROLE}",
        ),
        planted="planted_owned",
    ),
    "tenant tables have RLS enabled and forced": Check(
        sql=TABLES
        + """
            SELECT t.relname, c.relrowsecurity, c.relforcerowsecurity
            FROM tables t JOIN pg_class c ON c.oid = t.oid
            WHERE t.is_tenant AND NOT (c.relrowsecurity AND c.relforcerowsecurity)""",
        plant=(PLANTED_TENANT_TABLE, "ALTER TABLE planted_tenant ENABLE ROW LEVEL SECURITY"),
        planted="planted_tenant",
    ),
    "tenant tables have a restrictive tenant boundary policy": Check(
        sql=TABLES
        + r"""
            SELECT t.relname, array(SELECT p.policyname || ' ' || p.permissive || ' '
                                      || coalesce(p.qual, '-') || ' ' || coalesce(p.with_check, '-')
                                    FROM pg_policies p
                                    WHERE p.schemaname = 'public' AND p.tablename = t.relname)
            FROM tables t
            WHERE t.is_tenant AND NOT EXISTS (
              SELECT 1 FROM pg_policies p
              WHERE p.schemaname = 'public' AND p.tablename = t.relname
                AND p.permissive = 'RESTRICTIVE' AND p.cmd = 'ALL'
                AND p.roles = '{public}'::name[]
                AND regexp_replace(replace(p.qual, '::text', ''), '[\s()]', '', 'g') = :boundary
                AND regexp_replace(replace(p.with_check, '::text', ''), '[\s()]', '', 'g')
                    = :boundary)""",
        plant=(
            PLANTED_TENANT_TABLE,
            "ALTER TABLE planted_tenant ENABLE ROW LEVEL SECURITY",
            "ALTER TABLE planted_tenant FORCE ROW LEVEL SECURITY",
            f"CREATE POLICY planted ON planted_tenant AS PERMISSIVE FOR ALL "
            f"USING ({TENANT_BOUNDARY}) WITH CHECK ({TENANT_BOUNDARY})",
        ),
        planted="planted_tenant",
    ),
    "tenant_id is NOT NULL": Check(
        sql=TABLES
        + """
            SELECT t.relname FROM tables t
            JOIN pg_attribute a ON a.attrelid = t.oid AND a.attname = 'tenant_id'
            WHERE NOT a.attnotnull""",
        plant=("CREATE TABLE planted_tenant (tenant_id uuid, id uuid)",),
        planted="planted_tenant",
    ),
    "tenant_id leads the primary key and every unique index": Check(
        sql=TABLES
        + """
            SELECT i.indexrelid::regclass::text, t.relname FROM tables t
            JOIN pg_index i ON i.indrelid = t.oid
            JOIN pg_attribute a ON a.attrelid = t.oid AND a.attname = 'tenant_id'
            WHERE t.is_tenant AND i.indisunique AND i.indkey[0] <> a.attnum
            UNION ALL
            SELECT t.relname, 'no primary key' FROM tables t
            WHERE t.is_tenant AND NOT EXISTS (
              SELECT 1 FROM pg_index i WHERE i.indrelid = t.oid AND i.indisprimary)""",
        plant=(
            PLANTED_TENANT_TABLE,
            "CREATE UNIQUE INDEX planted_code ON planted_tenant (code, tenant_id)",
        ),
        planted="planted_code",
    ),
    "every index of a tenant table starts with tenant_id": Check(
        sql=TABLES
        + """
            SELECT i.indexrelid::regclass::text, t.relname FROM tables t
            JOIN pg_index i ON i.indrelid = t.oid
            JOIN pg_attribute a ON a.attrelid = t.oid AND a.attname = 'tenant_id'
            WHERE t.is_tenant AND i.indkey[0] <> a.attnum""",
        plant=(PLANTED_TENANT_TABLE, "CREATE INDEX planted_index ON planted_tenant (code)"),
        planted="planted_index",
    ),
    "foreign keys into tenant tables pair tenant_id with tenant_id": Check(
        sql=TABLES
        + """
            SELECT con.conname::text, con.conrelid::regclass::text, con.confrelid::regclass::text
            FROM pg_constraint con JOIN tables target ON target.oid = con.confrelid
            WHERE con.contype = 'f' AND target.is_tenant AND (
              cardinality(con.conkey) < 2 OR NOT EXISTS (
                SELECT 1 FROM unnest(con.conkey, con.confkey) AS k(source_column, target_column)
                JOIN pg_attribute s ON s.attrelid = con.conrelid AND s.attnum = k.source_column
                JOIN pg_attribute r ON r.attrelid = con.confrelid AND r.attnum = k.target_column
                WHERE s.attname = 'tenant_id' AND r.attname = 'tenant_id'))""",
        # Both columns are there, but tenant_id points at organizations.id.
        plant=(
            PLANTED_TENANT_TABLE,
            "ALTER TABLE planted_tenant ADD CONSTRAINT planted_fk FOREIGN KEY "
            "(organization_id, tenant_id) REFERENCES organizations (tenant_id, id)",
        ),
        planted="planted_fk",
    ),
    "no foreign key from a global table to a tenant table": Check(
        sql=TABLES
        + """
            SELECT con.conname::text, source.relname, target.relname
            FROM pg_constraint con
            JOIN tables source ON source.oid = con.conrelid
            JOIN tables target ON target.oid = con.confrelid
            WHERE con.contype = 'f' AND NOT source.is_tenant AND target.is_tenant""",
        plant=(
            "CREATE TABLE planted_global (id uuid PRIMARY KEY, owner uuid, organization_id "
            "uuid, CONSTRAINT planted_global_fk FOREIGN KEY (owner, organization_id) "
            "REFERENCES organizations (tenant_id, id))",
        ),
        planted="planted_global_fk",
    ),
    "every table without tenant_id is a known global table": Check(
        sql=TABLES + "SELECT relname FROM tables WHERE NOT is_tenant AND relname <> ALL(:globals)",
        plant=("CREATE TABLE planted_global (id uuid PRIMARY KEY)",),
        planted="planted_global",
    ),
    "every view is security_invoker": Check(
        sql=f"""
            SELECT c.oid::regclass::text, c.relkind::text, c.reloptions FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('v', 'm') AND n.nspname <> 'information_schema'
              AND n.nspname NOT LIKE 'pg\\_%'
              AND {NOT_IN_EXTENSION.format(oid="c.oid")}
              AND NOT EXISTS (SELECT 1 FROM unnest(c.reloptions) o
                              WHERE lower(o) IN ('security_invoker=true', 'security_invoker=on',
                                                 'security_invoker=1'))""",
        plant=("CREATE VIEW planted_view AS SELECT id FROM organizations",),
        planted="planted_view",
    ),
    "no SECURITY DEFINER function in the public schema": Check(
        sql=f"""
            SELECT p.oid::regprocedure::text FROM pg_proc p
            WHERE p.pronamespace = 'public'::regnamespace AND p.prosecdef
              AND {NOT_IN_EXTENSION.format(oid="p.oid")}""",
        plant=(
            "CREATE FUNCTION planted_definer() RETURNS bigint LANGUAGE sql SECURITY DEFINER "
            "AS 'SELECT count(*) FROM organizations'",
        ),
        planted="planted_definer()",
    ),
}


def _params(sql: str, role: str) -> dict[str, Any]:
    values = {
        "role": role,
        "boundary": _normalized(TENANT_BOUNDARY),
        "globals": list(GLOBAL_TABLES),
    }
    return {name: value for name, value in values.items() if f":{name}" in sql}


async def _offenders(conn: AsyncConnection, check: Check, role: str) -> list[tuple[Any, ...]]:
    result = await conn.execute(text(check.sql), _params(check.sql, role))
    return [tuple(row) for row in result]


async def _tables(owner_engine: AsyncEngine, *, tenant: bool) -> set[str]:
    async with owner_engine.connect() as conn:
        rows = await conn.execute(
            text(TABLES + "SELECT relname FROM tables WHERE is_tenant = :t"), {"t": tenant}
        )
        return set(rows.scalars())


@pytest.mark.parametrize("name", list(CHECKS))
async def test_catalog_has_no_offenders(
    name: str, owner_engine: AsyncEngine, settings: Settings
) -> None:
    async with owner_engine.connect() as conn:
        offenders = await _offenders(conn, CHECKS[name], settings.app_role)

    assert offenders == [], f"{name}: offenders {offenders}"


@pytest.mark.parametrize("name", list(CHECKS))
async def test_check_finds_a_planted_offender(name: str, admin_engine: AsyncEngine) -> None:
    check = CHECKS[name]
    async with admin_engine.connect() as conn:
        for statement in check.plant:
            await conn.execute(text(statement))
        offenders = await _offenders(conn, check, PLANTED_ROLE)
        await conn.rollback()

    assert check.planted in [row[0] for row in offenders], offenders


async def test_the_checks_see_every_tenant_table_of_the_models(owner_engine: AsyncEngine) -> None:
    model_tables = {table.name for table in Base.metadata.tables.values() if "tenant_id" in table.c}

    tenant_tables = await _tables(owner_engine, tenant=True)

    assert tenant_tables == model_tables
    assert {"organizations", "users", "memberships", "api_clients", "audit_events"} <= tenant_tables


async def test_app_role_grants_are_exactly_app_privileges(
    owner_engine: AsyncEngine, settings: Settings
) -> None:
    async with owner_engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT table_name, privilege_type FROM information_schema.role_table_grants "
                "WHERE grantee = :role AND table_schema = 'public'"
            ),
            {"role": settings.app_role},
        )
        grants = {(table, privilege) for table, privilege in rows}

    assert grants == {
        (table, privilege)
        for table, privileges in APP_PRIVILEGES.items()
        for privilege in privileges
    }


async def test_app_role_effective_privileges_are_exactly_app_privileges(
    owner_engine: AsyncEngine, settings: Settings
) -> None:
    # Unlike role_table_grants, this also counts grants to PUBLIC and to single columns.
    async with owner_engine.connect() as conn:
        rows = await conn.execute(
            text("""
            SELECT c.relname::text, p.privilege
            FROM pg_class c CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE',
                                                    'TRUNCATE', 'REFERENCES', 'TRIGGER'])
                                     AS p(privilege)
            WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
              AND CASE WHEN p.privilege IN ('SELECT', 'INSERT', 'UPDATE', 'REFERENCES')
                       THEN has_any_column_privilege(:role, c.oid, p.privilege)
                       ELSE has_table_privilege(:role, c.oid, p.privilege) END"""),
            {"role": settings.app_role},
        )
        effective = {(table, privilege) for table, privilege in rows}

    assert effective == {
        (table, privilege)
        for table, privileges in APP_PRIVILEGES.items()
        for privilege in privileges
    }


async def test_app_privileges_name_every_table(owner_engine: AsyncEngine) -> None:
    tables = await _tables(owner_engine, tenant=True) | await _tables(owner_engine, tenant=False)

    assert tables == set(APP_PRIVILEGES)


async def test_audit_events_are_append_only_for_the_app_role(
    owner_engine: AsyncEngine, settings: Settings
) -> None:
    async with owner_engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT privilege_type FROM information_schema.role_table_grants "
                "WHERE grantee = :role AND table_schema = 'public' AND table_name = 'audit_events'"
            ),
            {"role": settings.app_role},
        )
        granted = set(rows.scalars())

    assert set(APP_PRIVILEGES["audit_events"]) == {"SELECT", "INSERT"}
    assert granted == {"SELECT", "INSERT"}


def _distribute_sql() -> tuple[list[str], list[str]]:
    """The tables distributed by tenant_id and the reference tables, in file order."""
    script = DISTRIBUTE_SQL.read_text()
    distributed = re.findall(r"create_distributed_table\('(\w+)',\s*'tenant_id'", script)
    reference = re.findall(r"create_reference_table\('(\w+)'\)", script)
    return distributed, reference


async def test_citus_script_distributes_tenant_tables_by_tenant_id(
    owner_engine: AsyncEngine,
) -> None:
    distributed, _ = _distribute_sql()

    assert sorted(distributed) == sorted(await _tables(owner_engine, tenant=True))


async def test_citus_script_makes_every_global_table_a_reference_table(
    owner_engine: AsyncEngine,
) -> None:
    _, reference = _distribute_sql()

    global_tables = await _tables(owner_engine, tenant=False) - {"alembic_version"}
    assert sorted(reference) == sorted(global_tables)


async def test_citus_script_distributes_a_referenced_table_first(
    owner_engine: AsyncEngine,
) -> None:
    distributed, reference = _distribute_sql()
    order = reference + distributed
    async with owner_engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint "
                "WHERE contype = 'f' AND connamespace = 'public'::regnamespace "
                "AND conrelid <> confrelid"
            )
        )
        references = sorted(set(rows.all()))

    misordered = [
        (source, target)
        for source, target in references
        if order.index(target) > order.index(source)
    ]
    assert misordered == []
