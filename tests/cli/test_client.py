"""``coalition client create / list / revoke``, through the tenancy services."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.config import Settings
from coalition.tenancy.models import ApiClient
from tests.support.cli import audit_trail, new_slug, new_tenant, owner, run


def test_client_create_prints_the_id_and_secret_once(
    cli_env: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    monkeypatch.setattr("getpass.getuser", lambda: "ops")
    slug = new_slug()
    tenant_id = new_tenant(slug)

    # when
    result = run("client", "create", "--tenant", slug, "--name", "Reporting", "--scope", "read")

    # then
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert set(printed) == {"client_id", "client_secret", "scopes", "tenant"}
    assert printed["client_id"].startswith(f"ct_{tenant_id.hex}_")
    assert (printed["scopes"], printed["tenant"]) == (["read"], slug)

    async def stored(session: AsyncSession) -> list[tuple[str, str]]:
        rows = await session.execute(select(ApiClient.name, ApiClient.secret_hash))
        return [(row.name, row.secret_hash) for row in rows]

    [(name, secret_hash)] = owner(cli_env, stored, tenant_id)
    assert name == "Reporting"
    assert printed["client_secret"] not in secret_hash
    assert audit_trail(cli_env, tenant_id)[-1] == (
        "api_client.create",
        "system",
        "cli:ops",
        "ApiClient",
    )


def test_client_create_refuses_an_unknown_scope(cli_env: Settings) -> None:
    # given
    slug = new_slug()
    tenant_id = new_tenant(slug)

    # when
    result = run("client", "create", "--tenant", slug, "--name", "Reporting", "--scope", "admin")

    # then
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "error: --scope: Unknown scopes: admin. Use any of demand:read, events:read, funds:read, "
        "outcomes:read, programs:read, read, write.\n"
    )

    async def count(session: AsyncSession) -> int | None:
        return await session.scalar(select(func.count()).select_from(ApiClient))

    assert owner(cli_env, count, tenant_id) == 0


def test_client_list_and_revoke(cli_env: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    # given
    monkeypatch.setattr("getpass.getuser", lambda: "ops")
    slug = new_slug()
    tenant_id = new_tenant(slug)
    made = [
        json.loads(run("client", "create", "--tenant", slug, "--name", name, *scopes).stdout)[
            "client_id"
        ]
        for name, scopes in (
            ("Job board", ["--scope", "read"]),
            ("Dashboard", ["--scope", "read", "--scope", "demand:read"]),
        )
    ]

    # when
    revoked = run("client", "revoke", "--tenant", slug, "--client-id", made[0])
    listed = run("client", "list", "--tenant", slug)

    # then
    assert revoked.exit_code == 0, revoked.output
    assert json.loads(revoked.stdout)["client_id"] == made[0]
    assert listed.exit_code == 0, listed.output
    rows = [line.split("\t") for line in listed.stdout.splitlines()]
    assert [(row[0], row[1], row[2], row[4].split(" ")[0]) for row in rows] == [
        (made[0], "Job board", "read", "revoked"),
        (made[1], "Dashboard", "demand:read,read", "active"),
    ]
    assert audit_trail(cli_env, tenant_id)[-1] == (
        "api_client.revoke",
        "system",
        "cli:ops",
        "ApiClient",
    )


def test_client_revoke_refuses_another_partnerships_client(cli_env: Settings) -> None:
    # given
    ours, theirs = new_slug(), new_slug()
    new_tenant(ours)
    new_tenant(theirs)
    created = run("client", "create", "--tenant", theirs, "--name", "Theirs", "--scope", "read")
    client_id = json.loads(created.stdout)["client_id"]

    # when
    result = run("client", "revoke", "--tenant", ours, "--client-id", client_id)

    # then
    assert result.exit_code == 1
    assert result.stderr == f"error: --client-id: no client {client_id!r} in {ours!r}\n"


def test_client_revoke_twice_says_so(cli_env: Settings) -> None:
    slug = new_slug()
    new_tenant(slug)
    created = run("client", "create", "--tenant", slug, "--name", "App", "--scope", "read")
    client_id = json.loads(created.stdout)["client_id"]
    assert run("client", "revoke", "--tenant", slug, "--client-id", client_id).exit_code == 0

    result = run("client", "revoke", "--tenant", slug, "--client-id", client_id)

    assert result.exit_code == 1
    assert result.stderr == "error: --client-id: Already revoked.\n"
