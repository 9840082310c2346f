"""``coalition client ...``: partner apps' OAuth2 clients."""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Any

import typer
from sqlalchemy.ext.asyncio import AsyncEngine

from coalition.cli.support import (
    TenantSlug,
    fail,
    fail_with,
    object_id,
    operator_label,
    tenant_id_of,
    with_owner,
)
from coalition.config import get_settings
from coalition.errors import InvalidInput

NAME = "client"
app = typer.Typer(help="Partner apps' OAuth2 clients.", no_args_is_help=True)

FLAGS = {"name": "--name", "scopes": "--scope", "id": "--client-id"}
PAGE = 100


@app.command("create")
def create(
    tenant: TenantSlug,
    name: Annotated[str, typer.Option(help="What the application is.", metavar="NAME")],
    scope: Annotated[
        list[str], typer.Option(help="A scope to grant; repeat for more.", metavar="SCOPE")
    ],
) -> None:
    """Create a client (audited); prints JSON with its client_id and secret (shown once)."""
    from coalition.auth.principal import system_principal
    from coalition.db.engine import create_session_factory
    from coalition.db.session import tenant_transaction
    from coalition.tenancy.api_clients import create_api_client

    async def work(engine: AsyncEngine) -> dict[str, object]:
        tenant_id = await tenant_id_of(engine, tenant)
        principal = system_principal(tenant_id, operator_label())
        async with tenant_transaction(create_session_factory(engine), tenant_id) as session:
            client, secret = await create_api_client(session, principal, name=name, scopes=scope)
        return {
            "client_id": client.client_id,
            "client_secret": secret,
            "scopes": list(client.scopes),
            "tenant": tenant,
        }

    try:
        made = with_owner(get_settings(), work)
    except InvalidInput as error:
        fail_with(error, FLAGS)
    typer.echo(json.dumps(made, indent=2))


@app.command("list")
def list_clients(tenant: TenantSlug) -> None:
    """List a partnership's clients: client_id, name, scopes, created, revoked."""
    from coalition.auth.principal import system_principal
    from coalition.db.engine import create_session_factory
    from coalition.db.session import tenant_transaction
    from coalition.pagination import PageRequest
    from coalition.tenancy.reads import list_api_clients

    async def work(engine: AsyncEngine) -> list[str]:
        tenant_id = await tenant_id_of(engine, tenant)
        principal = system_principal(tenant_id, operator_label())
        lines: list[str] = []
        after = None
        async with tenant_transaction(create_session_factory(engine), tenant_id) as session:
            while True:
                page = await list_api_clients(
                    session, principal, page=PageRequest(first=PAGE, after=after)
                )
                for client in page.items:
                    revoked = client.revoked_at
                    lines.append(
                        "\t".join(
                            (
                                client.client_id,
                                client.name,
                                ",".join(client.scopes),
                                f"{client.created_at:%Y-%m-%dT%H:%M:%SZ}",
                                f"revoked {revoked:%Y-%m-%dT%H:%M:%SZ}" if revoked else "active",
                            )
                        )
                    )
                if not page.has_next_page:
                    return lines
                after = page.end_cursor

    lines = with_owner(get_settings(), work)
    for line in lines:
        typer.echo(line)
    if not lines:
        typer.echo(f"no clients in {tenant!r}: see 'coalition client create --help'", err=True)


@app.command("revoke")
def revoke(
    tenant: TenantSlug,
    client_id: Annotated[
        str,
        typer.Option(help="The client: its client_id (ct_...), global ID or UUID.", metavar="ID"),
    ],
) -> None:
    """Revoke a client (audited): it gets no new tokens and its live tokens stop working."""
    from coalition.auth.principal import system_principal
    from coalition.db.engine import create_session_factory
    from coalition.db.session import tenant_transaction
    from coalition.tenancy.api_clients import revoke_api_client
    from coalition.tenancy.models import parse_client_id

    async def work(engine: AsyncEngine) -> dict[str, Any]:
        tenant_id = await tenant_id_of(engine, tenant)
        parsed = parse_client_id(client_id.strip())
        client_uuid: uuid.UUID | None
        if parsed is not None:
            client_uuid = parsed[1] if parsed[0] == tenant_id else None
        else:
            client_uuid = object_id(client_id, "ApiClient")
        if client_uuid is None:
            raise fail(f"--client-id: no client {client_id!r} in {tenant!r}")
        principal = system_principal(tenant_id, operator_label())
        async with tenant_transaction(create_session_factory(engine), tenant_id) as session:
            client = await revoke_api_client(session, principal, client_id=client_uuid)
            assert client.revoked_at is not None
            return {
                "client_id": client.client_id,
                "revoked_at": f"{client.revoked_at:%Y-%m-%dT%H:%M:%SZ}",
            }

    try:
        revoked = with_owner(get_settings(), work)
    except InvalidInput as error:
        fail_with(error, FLAGS)
    typer.echo(json.dumps(revoked, indent=2))
