"""``coalition organization ...``: a partnership's organizations."""

from __future__ import annotations

import uuid
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncEngine

from coalition.cli.support import (
    TenantSlug,
    fail_with,
    operator_label,
    tenant_id_of,
    with_owner,
)
from coalition.config import get_settings
from coalition.errors import InvalidInput
from coalition.ids import global_id
from coalition.tenancy.models import OrganizationKind

NAME = "organization"
app = typer.Typer(help="A partnership's organizations.", no_args_is_help=True)

FLAGS = {
    "name": "--name",
    "kind": "--kind",
    "employeeCount": "--employee-count",
    "naicsCode": "--naics-code",
    "city": "--city",
    "region": "--region",
    "website": "--website",
}
KINDS = ", ".join(kind.value for kind in OrganizationKind)
PAGE = 100


@app.command("add")
def add(
    tenant: TenantSlug,
    name: Annotated[str, typer.Option(help="The organization's name.", metavar="NAME")],
    kind: Annotated[
        OrganizationKind,
        typer.Option(help=f"One of {KINDS}.", metavar="KIND"),
    ],
    employee_count: Annotated[
        int | None, typer.Option(help="How many people it employs.", metavar="N")
    ] = None,
    naics_code: Annotated[
        str | None, typer.Option(help="Its industry: a NAICS 2022 code.", metavar="CODE")
    ] = None,
    city: Annotated[str | None, typer.Option(help="Where it is.", metavar="NAME")] = None,
    region: Annotated[str | None, typer.Option(help="Its region.", metavar="NAME")] = None,
    website: Annotated[str | None, typer.Option(help="Its web address.", metavar="URL")] = None,
) -> None:
    """Add an organization (audited); prints its global ID."""
    from coalition.auth.principal import system_principal
    from coalition.db.engine import create_session_factory
    from coalition.db.session import tenant_transaction
    from coalition.tenancy.organizations import create_organization

    given = {
        "employee_count": employee_count,
        "naics_code": naics_code,
        "city": city,
        "region": region,
        "website": website,
    }
    fields = {"name": name, "kind": kind} | {k: v for k, v in given.items() if v is not None}

    async def work(engine: AsyncEngine) -> uuid.UUID:
        tenant_id = await tenant_id_of(engine, tenant)
        principal = system_principal(tenant_id, operator_label())
        async with tenant_transaction(create_session_factory(engine), tenant_id) as session:
            made = await create_organization(session, principal, fields=fields)
            return made.id

    try:
        made_id = with_owner(get_settings(), work)
    except InvalidInput as error:
        fail_with(error, FLAGS)
    typer.echo(global_id("Organization", made_id))


@app.command("list")
def list_organizations(
    tenant: TenantSlug,
    archived: Annotated[bool, typer.Option(help="Include archived organizations.")] = False,
) -> None:
    """List a partnership's organizations: global ID, name, kind (tab-separated)."""
    from coalition.auth.principal import system_principal
    from coalition.db.engine import create_session_factory
    from coalition.db.session import tenant_transaction
    from coalition.pagination import PageRequest
    from coalition.tenancy.reads import list_organizations as organizations

    async def work(engine: AsyncEngine) -> list[str]:
        tenant_id = await tenant_id_of(engine, tenant)
        principal = system_principal(tenant_id, operator_label())
        lines: list[str] = []
        after = None
        async with tenant_transaction(create_session_factory(engine), tenant_id) as session:
            while True:
                page = await organizations(
                    session,
                    principal,
                    page=PageRequest(first=PAGE, after=after),
                    include_archived=archived,
                )
                lines += [
                    f"{global_id('Organization', row.id)}\t{row.name}\t{row.kind.value}"
                    for row in page.items
                ]
                if not page.has_next_page:
                    return lines
                after = page.end_cursor

    for line in with_owner(get_settings(), work):
        typer.echo(line)
