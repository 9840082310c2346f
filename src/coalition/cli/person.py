"""``coalition person add``: a person and their membership of an organization."""

from __future__ import annotations

import json
import uuid
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncEngine

from coalition.auth.roles import Role
from coalition.cli.support import (
    Email,
    TenantSlug,
    fail_with,
    operator_label,
    organization_id_of,
    tenant_id_of,
    with_owner,
)
from coalition.config import get_settings
from coalition.errors import Forbidden, InvalidInput
from coalition.ids import global_id

NAME = "person"
app = typer.Typer(help="People and their memberships.", no_args_is_help=True)

FLAGS = {
    "organizationId": "--organization",
    "email": "--email",
    "displayName": "--name",
    "role": "--role",
}
ROLES = ", ".join(role.value for role in Role)


@app.command("add")
def add(
    tenant: TenantSlug,
    email: Email,
    organization: Annotated[
        str,
        typer.Option(help="The organization: its name, global ID or UUID.", metavar="ORG"),
    ],
    role: Annotated[Role, typer.Option(help=f"One of {ROLES}.", metavar="ROLE")],
    name: Annotated[
        str | None,
        typer.Option(help="The person's name (default: from the email).", metavar="NAME"),
    ] = None,
) -> None:
    """Give a person (found by email, or made) a role in an organization (audited).

    Prints JSON with the membership's and the organization's global IDs.
    """
    from coalition.auth.principal import system_principal
    from coalition.db.engine import create_session_factory
    from coalition.db.session import tenant_transaction
    from coalition.tenancy.memberships import add_membership

    async def work(engine: AsyncEngine) -> dict[str, str]:
        tenant_id = await tenant_id_of(engine, tenant)
        principal = system_principal(tenant_id, operator_label())
        async with tenant_transaction(create_session_factory(engine), tenant_id) as session:
            organization_id: uuid.UUID = await organization_id_of(
                session, principal, organization, tenant=tenant
            )
            membership = await add_membership(
                session,
                principal,
                organization_id=organization_id,
                email=email,
                display_name=name,
                role=role,
            )
        return {
            "email": email.strip().lower(),
            "role": membership.role.value,
            "organization": global_id("Organization", membership.organization_id),
            "membership": global_id("Membership", membership.id),
            "tenant": tenant,
        }

    try:
        added = with_owner(get_settings(), work)
    except (InvalidInput, Forbidden) as error:
        fail_with(error, FLAGS)
    typer.echo(json.dumps(added, indent=2))
