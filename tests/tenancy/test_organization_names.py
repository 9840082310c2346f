"""Organization names are unique in a partnership without regard to case or spacing,
in the service and in the database (migration 0006)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from coalition.config import Settings
from coalition.db.urls import to_asyncpg
from coalition.tenancy import reads
from coalition.upgrade import run_alembic, upgrade
from tests.support.graphql import GraphQLClient
from tests.support.world import World, global_id
from tests.tenancy.support import Snapshot

CREATE = """mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) {
    organization { id name } userErrors { field message code } } }"""
UPDATE = """mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) {
    organization { id name } userErrors { field message code } } }"""
TAKEN = {
    "field": ["name"],
    "message": "An organization with this name exists (names are compared without case).",
    "code": "TAKEN",
}


async def _create(gql: GraphQLClient, world: World, name: str, **extra: Any) -> dict[str, Any]:
    body = await gql(
        CREATE, {"input": {"name": name, "kind": "EMPLOYER", **extra}}, token=world.tokens["admin"]
    )
    payload: dict[str, Any] = body["data"]["createOrganization"]
    return payload


@pytest.mark.parametrize(
    "again",
    ["harbor fabrication", "HARBOR FABRICATION", "  Harbor   Fabrication ", "Harbor\tfabrication"],
)
async def test_a_name_differing_only_in_case_or_spacing_is_taken(
    gql: GraphQLClient, world: World, snapshot: Snapshot, again: str
) -> None:
    # given
    assert (await _create(gql, world, "Harbor Fabrication"))["userErrors"] == []
    before = await snapshot(world.id)

    # when
    payload = await _create(gql, world, again)

    # then
    assert payload == {"organization": None, "userErrors": [TAKEN]}
    assert await snapshot(world.id) == before


async def test_inner_whitespace_of_a_name_is_collapsed(gql: GraphQLClient, world: World) -> None:
    payload = await _create(gql, world, "  Bay \t  Machining  ")

    assert payload["userErrors"] == []
    assert payload["organization"]["name"] == "Bay Machining"


async def test_renaming_onto_another_name_in_other_case_is_taken(
    gql: GraphQLClient, world: World, snapshot: Snapshot
) -> None:
    # given "alpha employer" and "alpha other_employer"
    other = global_id("Organization", world.organizations["other_employer"])
    before = await snapshot(world.id)

    # when
    body = await gql(
        UPDATE, {"input": {"id": other, "name": "ALPHA Employer"}}, token=world.tokens["admin"]
    )

    # then
    assert body["data"]["updateOrganization"] == {"organization": None, "userErrors": [TAKEN]}
    assert await snapshot(world.id) == before


async def test_an_organization_may_change_the_case_of_its_own_name(
    gql: GraphQLClient, world: World
) -> None:
    employer = global_id("Organization", world.organizations["employer"])

    body = await gql(
        UPDATE, {"input": {"id": employer, "name": "Alpha Employer"}}, token=world.tokens["admin"]
    )

    assert body["data"]["updateOrganization"] == {
        "organization": {"id": employer, "name": "Alpha Employer"},
        "userErrors": [],
    }


async def test_a_taken_name_is_reported_with_the_other_problems_at_once(
    gql: GraphQLClient, world: World
) -> None:
    payload = await _create(gql, world, "Alpha Employer", website="ftp://x", employeeCount=-1)

    assert payload["organization"] is None
    assert sorted((e["field"][0], e["code"]) for e in payload["userErrors"]) == [
        ("employeeCount", "OUT_OF_RANGE"),
        ("name", "TAKEN"),
        ("website", "INVALID"),
    ]


async def test_a_name_taken_between_check_and_write_is_still_a_user_error(
    gql: GraphQLClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a check that misses the other row, as a concurrent request's check would
    async def nobody(*args: Any, **kwargs: Any) -> None:
        return None

    monkeypatch.setattr(reads, "organization_named", nobody)

    # when
    payload = await _create(gql, world, "ALPHA employer")

    # then the unique index refuses it, and the caller sees the same userError
    assert payload == {"organization": None, "userErrors": [TAKEN]}


async def test_the_database_refuses_a_name_in_other_case(
    app_engine: AsyncEngine, world: World
) -> None:
    async with app_engine.connect() as connection:
        await connection.execute(text(f"SET LOCAL app.tenant_id = '{world.id}'"))
        with pytest.raises(IntegrityError, match="uq_organizations_tenant_id_lower_name"):
            await connection.execute(
                text(
                    "INSERT INTO organizations (tenant_id, id, name, kind) "
                    "VALUES (:tenant, :id, 'ALPHA EMPLOYER', 'EMPLOYER')"
                ),
                {"tenant": world.id, "id": uuid.uuid4()},
            )
        await connection.rollback()


# --- migration 0006 ---------------------------------------------------------------------


def _dsn(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
async def database_at_0005(settings: Settings, tmp_path: Path) -> AsyncIterator[URL]:
    """A fresh database migrated to 0005, dropped afterwards. Made by the test run's
    owner (no superuser, no BYPASSRLS), so the migration meets FORCEd row-level
    security as on a managed server."""
    assert settings.database_url is not None
    server = to_asyncpg(make_url(settings.database_url))
    name = f"coalition_names_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(_dsn(server))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = server.set(database=name)
    copy = Settings(
        database_url=url.render_as_string(hide_password=False),
        app_role="coalition_test_app3",
        data_dir=tmp_path,
    )
    try:
        await upgrade(copy, url, "0005")
        yield url
    finally:
        admin = await asyncpg.connect(_dsn(server))
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


async def _plant(url: URL, names: list[str]) -> None:
    connection = await asyncpg.connect(_dsn(url))
    try:
        tenant = uuid.uuid4()
        async with connection.transaction():
            await connection.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant))
            await connection.execute(
                "INSERT INTO tenants (id, slug, name, region) VALUES ($1, 'harbor', 'H', 'R')",
                tenant,
            )
            for name in names:
                await connection.execute(
                    "INSERT INTO organizations (tenant_id, id, name, kind) "
                    "VALUES ($1, $2, $3, 'EMPLOYER')",
                    tenant,
                    uuid.uuid4(),
                    name,
                )
    finally:
        await connection.close()


async def _indexes(url: URL) -> set[str]:
    """The organization table's indexes, and "FORCE" while its row-level security is."""
    connection = await asyncpg.connect(_dsn(url))
    try:
        rows = await connection.fetch(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'organizations'"
        )
        forced = await connection.fetchval(
            "SELECT relforcerowsecurity FROM pg_class WHERE oid = 'organizations'::regclass"
        )
        return {row["indexname"] for row in rows} | ({"FORCE"} if forced else set())
    finally:
        await connection.close()


async def test_the_migration_stops_on_names_differing_only_in_case(
    database_at_0005: URL,
) -> None:
    # given two organizations of one partnership whose names differ only in case
    await _plant(database_at_0005, ["Harbor Fabrication", "harbor fabrication", "Bay Shop"])

    # when
    with pytest.raises(Exception, match="differ only in case") as failed:
        await run_alembic(database_at_0005, "upgrade", "0006")

    # then it names them, and leaves the database as it was
    assert "partnership 'harbor': 'Harbor Fabrication', 'harbor fabrication'" in str(failed.value)
    assert "Bay Shop" not in str(failed.value)
    indexes = await _indexes(database_at_0005)
    assert "uq_organizations_tenant_id_name" in indexes
    assert "uq_organizations_tenant_id_lower_name" not in indexes
    assert "FORCE" in indexes


async def test_the_migration_replaces_the_constraint_when_names_are_distinct(
    database_at_0005: URL,
) -> None:
    await _plant(database_at_0005, ["Harbor Fabrication", "Bay Shop"])

    await run_alembic(database_at_0005, "upgrade", "0006")

    indexes = await _indexes(database_at_0005)
    assert "uq_organizations_tenant_id_lower_name" in indexes
    assert "uq_organizations_tenant_id_name" not in indexes
    assert "FORCE" in indexes
