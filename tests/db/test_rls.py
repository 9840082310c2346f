"""Row-level security as the API's own login role sees it, and the session helpers.

Every statement here runs as ``settings.app_role`` over raw SQL, so nothing in
the application's service layer filters for it: only the database does.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from coalition.config import Settings
from coalition.db.engine import SessionFactory, create_session_factory
from coalition.db.session import MissingTenantError, RequestTransaction, tenant_transaction
from coalition.db.urls import app_url
from coalition.models import Base
from tests.db.foreign_rows import foreign_inserts
from tests.support.world import World

TENANT_TABLES = sorted(
    table.name for table in Base.metadata.tables.values() if "tenant_id" in table.c
)
INSUFFICIENT_PRIVILEGE = "42501"


async def _record_audit_event(sessions: SessionFactory, tenant_id: uuid.UUID) -> None:
    async with tenant_transaction(sessions, tenant_id) as session:
        await session.execute(
            text(
                "INSERT INTO audit_events"
                " (tenant_id, id, actor_kind, actor_id, actor_label, action) VALUES"
                " (:tenant, gen_random_uuid(), 'USER', gen_random_uuid(), 'test', 'test.seed')"
            ),
            {"tenant": tenant_id},
        )


@pytest.fixture
async def tenant_a(world: World, owner_sessions: SessionFactory) -> World:
    """A partnership with rows in every tenant table (one audit event)."""
    await _record_audit_event(owner_sessions, world.id)
    return world


@pytest.fixture
async def tenant_b(other_world: World, owner_sessions: SessionFactory) -> World:
    await _record_audit_event(owner_sessions, other_world.id)
    return other_world


def _row_counts(world: World) -> dict[str, int]:
    """Rows a fresh world has in each tenant table (tables a world does not fill: 0)."""
    known = {
        "organizations": len(world.organizations),
        "users": len(world.users),
        "memberships": len(world.memberships),
        "api_clients": len(world.clients),
        "audit_events": 1,
    }
    return {table: known.get(table, 0) for table in TENANT_TABLES}


@asynccontextmanager
async def as_app(
    engine: AsyncEngine, tenant_id: uuid.UUID | None
) -> AsyncIterator[AsyncConnection]:
    """A transaction as the app role, bound to ``tenant_id``; rolled back unless committed."""
    async with engine.connect() as conn:
        if tenant_id is not None:
            await conn.execute(
                text("SELECT set_config('app.tenant_id', :tenant, true)"),
                {"tenant": str(tenant_id)},
            )
        yield conn


async def _rows_per_tenant(conn: AsyncConnection, table: str) -> dict[uuid.UUID, int]:
    rows = await conn.execute(text(f"SELECT tenant_id, count(*) FROM {table} GROUP BY tenant_id"))
    return {tenant: count for tenant, count in rows}


def _sqlstate(error: DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None)


def _cause(error: DBAPIError) -> Any:
    """The asyncpg exception behind SQLAlchemy's wrapper (sqlstate, constraint, detail)."""
    return getattr(error.orig, "__cause__", None)


@pytest.mark.parametrize("table", TENANT_TABLES)
async def test_no_tenant_set_sees_no_rows_and_no_error(
    table: str, app_engine: AsyncEngine, tenant_a: World, tenant_b: World
) -> None:
    async with as_app(app_engine, None) as conn:
        count = (await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one()

    assert count == 0


@pytest.mark.parametrize("table", TENANT_TABLES)
async def test_a_tenant_sees_only_its_own_rows(
    table: str, app_engine: AsyncEngine, tenant_a: World, tenant_b: World
) -> None:
    async with as_app(app_engine, tenant_a.id) as conn:
        counts = await _rows_per_tenant(conn, table)

    expected = _row_counts(tenant_a)[table]
    assert counts == ({tenant_a.id: expected} if expected else {})


async def _first_transaction(
    engine: AsyncEngine, tenant_id: uuid.UUID, how: str
) -> tuple[int, dict[uuid.UUID, int]]:
    """Commit one transaction bound to ``tenant_id``: its backend and the organizations seen."""
    pid = text("SELECT pg_backend_pid()")
    if how == "set_config":
        async with as_app(engine, tenant_id) as conn:
            backend = (await conn.execute(pid)).scalar_one()
            seen = await _rows_per_tenant(conn, "organizations")
            await conn.commit()
        return backend, seen
    async with tenant_transaction(create_session_factory(engine), tenant_id) as session:
        backend = (await session.execute(pid)).scalar_one()
        rows = await session.execute(
            text("SELECT tenant_id, count(*) FROM organizations GROUP BY tenant_id")
        )
        return backend, {tenant: count for tenant, count in rows}


@pytest.mark.parametrize("how", ["set_config", "tenant_transaction"])
async def test_a_pooled_connection_forgets_the_tenant_of_its_last_transaction(
    how: str, settings: Settings, tenant_a: World, tenant_b: World
) -> None:
    engine = create_async_engine(app_url(settings), pool_size=1, max_overflow=0)
    try:
        first_pid, seen_by_a = await _first_transaction(engine, tenant_a.id, how)

        async with engine.connect() as conn:
            second_pid = (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one()
            setting = (
                await conn.execute(text("SELECT current_setting('app.tenant_id', true)"))
            ).scalar_one()
            counts = {
                table: (await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one()
                for table in TENANT_TABLES
            }
    finally:
        await engine.dispose()

    assert seen_by_a == {tenant_a.id: len(tenant_a.organizations)}
    assert second_pid == first_pid
    assert setting == ""
    assert counts == dict.fromkeys(TENANT_TABLES, 0)


async def test_forced_rls_binds_the_table_owner(
    owner_engine: AsyncEngine, tenant_a: World, tenant_b: World
) -> None:
    # The owner (an ordinary role, as on a managed PostgreSQL) owns every table;
    # FORCE makes the policies bind it like anyone else.
    async with owner_engine.connect() as conn:
        without_tenant = {table: await _rows_per_tenant(conn, table) for table in TENANT_TABLES}
        await conn.execute(
            text("SELECT set_config('app.tenant_id', :tenant, true)"), {"tenant": str(tenant_a.id)}
        )
        with_a = {table: await _rows_per_tenant(conn, table) for table in TENANT_TABLES}
        await conn.rollback()

    assert without_tenant == {table: {} for table in TENANT_TABLES}
    assert with_a == {
        table: {tenant_a.id: count} if count else {}
        for table, count in _row_counts(tenant_a).items()
    }


@pytest.mark.parametrize("table", TENANT_TABLES)
async def test_inserting_a_row_of_another_tenant_is_refused(
    table: str, app_engine: AsyncEngine, tenant_a: World, tenant_b: World
) -> None:
    statement, values = foreign_inserts(tenant_b)[table]

    async with as_app(app_engine, tenant_a.id) as conn:
        with pytest.raises(DBAPIError) as refused:
            await conn.execute(text(statement), values)

    assert _sqlstate(refused.value) == INSUFFICIENT_PRIVILEGE
    assert "violates row-level security policy" in str(_cause(refused.value))


async def test_updating_a_row_of_another_tenant_changes_nothing(
    app_engine: AsyncEngine, owner_sessions: SessionFactory, tenant_a: World, tenant_b: World
) -> None:
    college = tenant_b.organizations["college"]
    async with as_app(app_engine, tenant_a.id) as conn:
        updated = await conn.execute(
            text(
                "UPDATE organizations SET name = 'Taken over'"
                " WHERE tenant_id = :tenant AND id = :id"
            ),
            {"tenant": tenant_b.id, "id": college},
        )
        deleted = await conn.execute(
            text("DELETE FROM memberships WHERE tenant_id = :tenant"), {"tenant": tenant_b.id}
        )
        await conn.commit()

    # The owner is a superuser in the test harness, and superusers bypass RLS: filter here.
    async with tenant_transaction(owner_sessions, tenant_b.id) as session:
        name = (
            await session.execute(
                text("SELECT name FROM organizations WHERE tenant_id = :tenant AND id = :id"),
                {"tenant": tenant_b.id, "id": college},
            )
        ).scalar_one()
        memberships = (
            await session.execute(
                text("SELECT count(*) FROM memberships WHERE tenant_id = :tenant"),
                {"tenant": tenant_b.id},
            )
        ).scalar_one()
    assert (updated.rowcount, deleted.rowcount) == (0, 0)
    assert name == "beta college"
    assert memberships == len(tenant_b.memberships)


async def test_moving_a_row_into_another_tenant_is_refused(
    app_engine: AsyncEngine, tenant_a: World, tenant_b: World
) -> None:
    async with as_app(app_engine, tenant_a.id) as conn:
        with pytest.raises(DBAPIError) as refused:
            await conn.execute(
                text("UPDATE organizations SET tenant_id = :other WHERE id = :id"),
                {"other": tenant_b.id, "id": tenant_a.organizations["college"]},
            )

    assert _sqlstate(refused.value) == INSUFFICIENT_PRIVILEGE


async def test_a_broad_permissive_policy_does_not_cross_tenants(
    app_engine: AsyncEngine, owner_engine: AsyncEngine, tenant_a: World, tenant_b: World
) -> None:
    async with owner_engine.begin() as conn:
        await conn.execute(
            text(
                "CREATE POLICY test_everyone ON organizations AS PERMISSIVE FOR ALL "
                "USING (true) WITH CHECK (true)"
            )
        )
    try:
        async with as_app(app_engine, tenant_a.id) as conn:
            seen_by_a = await _rows_per_tenant(conn, "organizations")
        async with as_app(app_engine, None) as conn:
            seen_without_tenant = await _rows_per_tenant(conn, "organizations")
        statement, values = foreign_inserts(tenant_b)["organizations"]
        async with as_app(app_engine, tenant_a.id) as conn:
            with pytest.raises(DBAPIError) as refused:
                await conn.execute(text(statement), values)
    finally:
        async with owner_engine.begin() as conn:
            await conn.execute(text("DROP POLICY IF EXISTS test_everyone ON organizations"))

    assert seen_by_a == {tenant_a.id: len(tenant_a.organizations)}
    assert seen_without_tenant == {}
    assert _sqlstate(refused.value) == INSUFFICIENT_PRIVILEGE


async def _add_membership(
    engine: AsyncEngine, world: World, organization_id: uuid.UUID
) -> IntegrityError:
    async with as_app(engine, world.id) as conn:
        with pytest.raises(IntegrityError) as refused:
            await conn.execute(
                text(
                    "INSERT INTO memberships (tenant_id, id, user_id, organization_id, role) "
                    "VALUES (:tenant, :id, :user, :organization, 'MEMBER')"
                ),
                {
                    "tenant": world.id,
                    "id": uuid.uuid4(),
                    "user": world.users["member"],
                    "organization": organization_id,
                },
            )
    return refused.value


async def test_referencing_another_tenants_row_fails_like_a_random_id(
    app_engine: AsyncEngine, tenant_a: World, tenant_b: World
) -> None:
    foreign_id = tenant_b.organizations["college"]
    random_id = uuid.uuid4()

    foreign = await _add_membership(app_engine, tenant_a, foreign_id)
    random = await _add_membership(app_engine, tenant_a, random_id)

    assert type(_cause(foreign)) is type(_cause(random)) is asyncpg.ForeignKeyViolationError
    assert _cause(foreign).constraint_name == _cause(random).constraint_name
    assert _cause(foreign).detail.replace(str(foreign_id), "<id>") == _cause(random).detail.replace(
        str(random_id), "<id>"
    )


async def _create_organization(engine: AsyncEngine, tenant_id: uuid.UUID, name: str) -> int:
    async with as_app(engine, tenant_id) as conn:
        result = await conn.execute(
            text(
                "INSERT INTO organizations (tenant_id, id, name, kind) "
                "VALUES (:tenant, :id, :name, 'EMPLOYER')"
            ),
            {"tenant": tenant_id, "id": uuid.uuid4(), "name": name},
        )
        return result.rowcount


async def test_another_tenants_name_is_as_free_as_a_fresh_one(
    app_engine: AsyncEngine, tenant_a: World, tenant_b: World
) -> None:
    taken_in_a = "alpha employer"

    reused = await _create_organization(app_engine, tenant_b.id, taken_in_a)
    fresh = await _create_organization(app_engine, tenant_b.id, f"Fresh {uuid.uuid4().hex}")

    assert (reused, fresh) == (1, 1)
    with pytest.raises(IntegrityError) as duplicate:
        await _create_organization(app_engine, tenant_a.id, taken_in_a)
    assert type(_cause(duplicate.value)) is asyncpg.UniqueViolationError


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET action = 'rewritten' WHERE tenant_id = :tenant",
        "DELETE FROM audit_events WHERE tenant_id = :tenant",
    ],
)
async def test_the_app_role_cannot_rewrite_the_audit_log(
    statement: str, app_engine: AsyncEngine, owner_sessions: SessionFactory, tenant_a: World
) -> None:
    async with as_app(app_engine, tenant_a.id) as conn:
        with pytest.raises(DBAPIError) as refused:
            await conn.execute(text(statement), {"tenant": tenant_a.id})

    async with tenant_transaction(owner_sessions, tenant_a.id) as session:
        actions = (
            (
                await session.execute(
                    text("SELECT action FROM audit_events WHERE tenant_id = :tenant"),
                    {"tenant": tenant_a.id},
                )
            )
            .scalars()
            .all()
        )
    assert _sqlstate(refused.value) == INSUFFICIENT_PRIVILEGE
    assert "permission denied for table audit_events" in str(_cause(refused.value))
    assert actions == ["test.seed"]


@pytest.fixture
async def app_statements(app_engine: AsyncEngine) -> AsyncIterator[list[str]]:
    """The SQL statements the app role's engine runs during the test."""
    async with app_engine.connect() as conn:  # the dialect's first-connect queries happen here
        await conn.execute(text("SELECT 1"))
    statements: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(app_engine.sync_engine, "before_cursor_execute", record)
    yield statements
    event.remove(app_engine.sync_engine, "before_cursor_execute", record)


@pytest.mark.parametrize(
    "tenant_id",
    [
        None,
        "2f1c1b9e-8a53-4b3c-9a53-2b1d3f4e5a6b",
        "00000000-0000-0000-0000-000000000000'; RESET ROLE; --",
    ],
    ids=["none", "uuid-as-text", "sql-in-text"],
)
async def test_a_missing_tenant_raises_before_any_sql(
    tenant_id: Any, app_engine: AsyncEngine, app_statements: list[str]
) -> None:
    sessions = create_session_factory(app_engine)

    with pytest.raises(MissingTenantError):
        async with tenant_transaction(sessions, tenant_id) as session:
            await session.execute(text("SELECT count(*) FROM organizations"))

    assert app_statements == []


async def test_a_tenant_transaction_sets_the_tenant_first(
    app_engine: AsyncEngine, app_statements: list[str], tenant_a: World
) -> None:
    sessions = create_session_factory(app_engine)

    async with tenant_transaction(sessions, tenant_a.id) as session:
        count = (await session.execute(text("SELECT count(*) FROM organizations"))).scalar_one()

    assert count == len(tenant_a.organizations)
    assert len(app_statements) == 2
    assert "app.tenant_id" in app_statements[0]


async def test_a_request_transaction_serializes_concurrent_use(app_engine: AsyncEngine) -> None:
    tenant_id = uuid.uuid4()
    transaction = RequestTransaction(create_session_factory(app_engine), tenant_id)

    async def use() -> tuple[int, str]:
        async with transaction.session() as session:
            row = (
                await session.execute(
                    text(
                        "SELECT pg_backend_pid(), current_setting('app.tenant_id') "
                        "FROM pg_sleep(0.01)"
                    )
                )
            ).one()
            return row[0], row[1]

    try:
        seen = await asyncio.gather(*(use() for _ in range(20)))
    finally:
        await transaction.finish(commit=False)

    assert len(seen) == 20
    assert len(set(seen)) == 1
    assert seen[0][1] == str(tenant_id)
