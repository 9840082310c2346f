"""The ``coalition`` command line, run in-process against the test database.

The commands call ``asyncio.run`` themselves, so these tests are plain functions; anything
they check in the database they read in their own short event loop.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import typer
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from typer.testing import CliRunner, Result

from coalition.app import create_app
from coalition.auth.keys import list_signing_keys
from coalition.cli import app as cli
from coalition.config import Settings, get_settings
from coalition.db.engine import create_session_factory
from coalition.db.session import tenant_transaction
from coalition.db.urls import owner_url
from coalition.demo import PARTNERSHIPS
from coalition.tenancy.models import (
    ApiClient,
    Membership,
    Organization,
    OrganizationKind,
    Role,
    Tenant,
    User,
)

T = TypeVar("T")
REPOSITORY = Path(__file__).resolve().parents[1]
LAKESHORE = "lakeshore-manufacturing"


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """The CLI's environment points at the test database; settings are re-read per test."""
    assert settings.database_url is not None
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("COALITION_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("COALITION_APP_ROLE", settings.app_role)
    monkeypatch.delenv("COALITION_ENV", raising=False)
    get_settings.cache_clear()
    yield settings
    get_settings.cache_clear()


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), prog_name="coalition")


def _owner(
    settings: Settings,
    work: Callable[[AsyncSession], Awaitable[T]],
    tenant_id: uuid.UUID | None = None,
) -> T:
    """Run ``work`` as the owner, inside ``tenant_id`` when given, in a fresh event loop."""

    async def main() -> T:
        engine = create_async_engine(owner_url(settings))
        sessions = create_session_factory(engine)
        try:
            if tenant_id is None:
                async with sessions() as session:
                    return await work(session)
            async with tenant_transaction(sessions, tenant_id) as session:
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(main())


def _tenant_id(settings: Settings, slug: str) -> uuid.UUID | None:
    async def work(session: AsyncSession) -> uuid.UUID | None:
        return await session.scalar(select(Tenant.id).where(Tenant.slug == slug))

    return _owner(settings, work)


def _new_tenant(slug: str) -> uuid.UUID:
    result = run(
        "tenant", "create", "--slug", slug, "--name", "CLI Partnership", "--region", "Test Region"
    )
    assert result.exit_code == 0, result.output
    return uuid.UUID(result.stdout.strip())


def _commands() -> list[list[str]]:
    """Every command and sub-command of the CLI, found by walking it (new ones included)."""
    found: list[list[str]] = []

    def walk(command: Any, path: list[str]) -> None:
        found.append(path)
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            walk(sub, [*path, name])

    walk(typer.main.get_command(cli), [])
    return found


COMMANDS = _commands()


def test_the_walk_finds_the_known_commands() -> None:
    assert ["tenant", "configure"] in COMMANDS
    assert ["reference", "load"] in COMMANDS
    assert len(COMMANDS) >= 20


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "coalition")
def test_every_command_says_what_it_does(command: list[str]) -> None:
    target: Any = typer.main.get_command(cli)
    for name in command:
        target = target.commands[name]

    assert (target.help or "").strip() != ""


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "coalition")
def test_every_command_has_help(command: list[str]) -> None:
    result = run(*command, "--help")

    assert result.exit_code == 0, result.output
    usage = " ".join(["Usage:", "coalition", *command, "[OPTIONS]"])
    assert usage in " ".join(result.stdout.split())


def test_tenant_create_prints_the_new_id(cli_env: Settings) -> None:
    # given
    slug = f"cli-{uuid.uuid4().hex[:8]}"

    # when
    result = run(
        "tenant",
        "create",
        "--slug",
        slug,
        "--name",
        " CLI Partnership ",
        "--region",
        "Test Region",
        "--time-zone",
        "America/Detroit",
    )

    # then
    assert result.exit_code == 0, result.output
    printed = result.stdout.strip()
    assert result.stdout == printed + "\n"
    assert _tenant_id(cli_env, slug) == uuid.UUID(printed)


def test_tenant_create_refuses_a_taken_slug(cli_env: Settings) -> None:
    # given
    slug = f"cli-{uuid.uuid4().hex[:8]}"
    first = _new_tenant(slug)

    # when
    result = run("tenant", "create", "--slug", slug, "--name", "Again", "--region", "Elsewhere")

    # then
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"a partnership with slug {slug!r} exists" in result.stderr
    assert _tenant_id(cli_env, slug) == first


@pytest.mark.parametrize("slug", ["Bad_Slug", "-leading-dash", "x" * 64, ""])
def test_tenant_create_refuses_a_bad_slug(cli_env: Settings, slug: str) -> None:
    result = run("tenant", "create", "--slug", slug, "--name", "Bad", "--region", "Nowhere")

    assert result.exit_code == 1
    assert result.stdout == ""
    assert "slug must be" in result.stderr
    assert _tenant_id(cli_env, slug) is None


def test_tenant_configure_sets_the_disclosure_rule(cli_env: Settings) -> None:
    # given
    slug = f"cli-{uuid.uuid4().hex[:8]}"
    _new_tenant(slug)

    # when
    result = run("tenant", "configure", "--slug", slug, "--min-employers", "4")

    # then
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["disclosure"] == {"min_employers": 4, "max_share_percent": 80}


@pytest.mark.parametrize(
    "option",
    [["--min-employers", "1"], ["--max-share-percent", "40"], ["--time-zone", "Mars/Olympus"]],
)
def test_tenant_configure_refuses_unsafe_settings(cli_env: Settings, option: list[str]) -> None:
    slug = f"cli-{uuid.uuid4().hex[:8]}"
    _new_tenant(slug)

    result = run("tenant", "configure", "--slug", slug, *option)

    assert result.exit_code == 1
    assert result.stdout == ""


def test_client_create_prints_the_id_and_secret_once(cli_env: Settings) -> None:
    # given
    slug = f"cli-{uuid.uuid4().hex[:8]}"
    tenant_id = _new_tenant(slug)

    # when
    result = run("client", "create", "--tenant", slug, "--name", "Reporting", "--scope", "read")

    # then
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert set(printed) == {"client_id", "client_secret", "scopes", "tenant"}
    assert printed["client_id"].startswith(f"ct_{tenant_id.hex}_")
    assert (printed["scopes"], printed["tenant"]) == (["read"], slug)

    async def stored(session: AsyncSession) -> list[tuple[str, str]]:
        rows = await session.execute(
            select(ApiClient.name, ApiClient.secret_hash).where(ApiClient.tenant_id == tenant_id)
        )
        return [(row.name, row.secret_hash) for row in rows]

    [(name, secret_hash)] = _owner(cli_env, stored, tenant_id)
    assert name == "Reporting"
    assert printed["client_secret"] not in secret_hash


def test_client_create_refuses_an_unknown_scope(cli_env: Settings) -> None:
    # given
    slug = f"cli-{uuid.uuid4().hex[:8]}"
    tenant_id = _new_tenant(slug)

    # when
    result = run("client", "create", "--tenant", slug, "--name", "Reporting", "--scope", "admin")

    # then
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "Unknown scopes: admin." in result.stderr

    async def count(session: AsyncSession) -> int | None:
        return await session.scalar(
            select(func.count()).select_from(ApiClient).where(ApiClient.tenant_id == tenant_id)
        )

    assert _owner(cli_env, count, tenant_id) == 0


def _demo_state(settings: Settings) -> dict[str, dict[str, Any]]:
    state: dict[str, dict[str, Any]] = {}
    for partnership in PARTNERSHIPS:
        tenant_id = _tenant_id(settings, partnership.slug)
        assert tenant_id is not None

        async def work(session: AsyncSession, tenant_id: uuid.UUID = tenant_id) -> dict[str, Any]:
            kinds = await session.scalars(
                select(Organization.kind).where(Organization.tenant_id == tenant_id)
            )
            users = await session.scalar(
                select(func.count()).select_from(User).where(User.tenant_id == tenant_id)
            )
            roles = await session.execute(
                select(User.email, Membership.role)
                .join(
                    Membership,
                    (Membership.tenant_id == User.tenant_id) & (Membership.user_id == User.id),
                )
                .where(User.tenant_id == tenant_id)
            )
            people = sorted(tuple(row) for row in roles)
            return {"kinds": sorted(kinds), "users": users, "roles": people}

        state[partnership.slug] = _owner(settings, work, tenant_id)
    return state


def test_demo_seeds_both_partnerships_and_is_idempotent(cli_env: Settings) -> None:
    # given
    first = run("demo")
    assert first.exit_code == 0, first.output
    seeded = _demo_state(cli_env)

    # when
    second = run("demo")

    # then
    assert second.exit_code == 0, second.output
    assert _demo_state(cli_env) == seeded
    assert set(seeded) == {"lakeshore-manufacturing", "metro-healthcare"}
    for slug, state in seeded.items():
        assert len(state["kinds"]) == 10
        assert set(state["kinds"]) == set(OrganizationKind)
        assert state["users"] == 6
        assert {role for _, role in state["roles"]} == set(Role)
        assert (f"admin@{slug}.example", Role.PARTNERSHIP_ADMIN) in state["roles"]


def test_token_prints_one_jwt_that_the_api_accepts(cli_env: Settings) -> None:
    # given
    assert run("demo").exit_code == 0
    email = f"admin@{LAKESHORE}.example"

    # when
    result = run("token", "--tenant", LAKESHORE, "--email", email.upper())

    # then
    assert result.exit_code == 0, result.output
    lines = result.stdout.split("\n")
    assert lines[1:] == [""]
    token = lines[0]
    assert len(token.split(".")) == 3

    async def viewer() -> dict[str, Any]:
        application = create_app(cli_env, configure_logs=False)
        async with application.router.lifespan_context(application):
            transport = httpx.ASGITransport(app=application)
            async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
                response = await http.post(
                    "/graphql",
                    json={"query": "{ viewer { kind label roles } }"},
                    headers={"Authorization": f"Bearer {token}"},
                )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    assert asyncio.run(viewer()) == {
        "data": {"viewer": {"kind": "USER", "label": email, "roles": ["PARTNERSHIP_ADMIN"]}},
        "extensions": {"cost": {"requestedQueryCost": 4, "maximumQueryCost": 20_000}},
    }


def test_token_claims_name_the_tenant_and_person(cli_env: Settings) -> None:
    from coalition.auth.tokens import unverified_parts

    # given
    assert run("demo").exit_code == 0
    email = f"admin@{LAKESHORE}.example"
    tenant_id = _tenant_id(cli_env, LAKESHORE)

    async def user_id(session: AsyncSession) -> uuid.UUID | None:
        return await session.scalar(select(User.id).where(User.email == email))

    # when
    result = run("token", "--tenant", LAKESHORE, "--email", email)

    # then
    header, claims = unverified_parts(result.stdout.strip())
    assert header["typ"] == "at+jwt"
    assert claims["tenant"] == str(tenant_id)
    assert claims["sub"] == str(_owner(cli_env, user_id, tenant_id))


def test_token_is_refused_in_production(cli_env: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    # given
    monkeypatch.setenv("COALITION_ENV", "production")
    get_settings.cache_clear()

    # when
    result = run("token", "--tenant", LAKESHORE, "--email", f"admin@{LAKESHORE}.example")

    # then
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "refused when COALITION_ENV=production" in result.stderr


def test_token_for_an_unknown_person_fails(cli_env: Settings) -> None:
    # given
    assert run("demo").exit_code == 0

    # when
    result = run("token", "--tenant", LAKESHORE, "--email", "nobody@example.org")

    # then
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "no person with email 'nobody@example.org'" in result.stderr


def test_schema_export_writes_the_checked_in_sdl(cli_env: Settings, tmp_path: Path) -> None:
    # given
    output = tmp_path / "s.graphql"

    # when
    result = run("schema", "export", "--output", str(output))

    # then
    assert result.exit_code == 0, result.output
    assert output.read_text() == (REPOSITORY / "graphql" / "schema.graphql").read_text()


def test_keys_list_shows_the_signing_key(cli_env: Settings) -> None:
    # given
    async def current(session: AsyncSession) -> list[str]:
        return [key.kid for key in await list_signing_keys(session) if key.superseded_at is None]

    [kid] = _owner(cli_env, current)

    # when
    result = run("keys", "list")

    # then
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert all(len(row) == 3 for row in rows)
    assert [row[0] for row in rows if row[2] == "signing"] == [kid]


def test_db_current_prints_the_head_revision(cli_env: Settings) -> None:
    from alembic.script import ScriptDirectory

    from coalition.db.migrate import alembic_config

    # given: the test database was migrated to head
    head = ScriptDirectory.from_config(alembic_config(owner_url(cli_env))).get_current_head()

    # when: in its own process, since alembic binds its output stream at import time
    result = subprocess.run(
        [sys.executable, "-m", "coalition.cli", "db", "current"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    # then
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{head} (head)\n"
