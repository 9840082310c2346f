"""``coalition tenant ...``: partnerships (tenants)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from sqlalchemy.ext.asyncio import AsyncEngine

from coalition.cli.support import (
    fail,
    fail_with,
    operator_label,
    tenant_id_of,
    with_owner,
)
from coalition.config import get_settings
from coalition.errors import InvalidInput
from coalition.tenancy.models import OrganizationKind
from coalition.tenancy.settings import MEANING

NAME = "tenant"
app = typer.Typer(help="Partnerships (tenants).", no_args_is_help=True)

CREATE_FLAGS = {
    "slug": "--slug",
    "name": "--name",
    "region": "--region",
    "timeZone": "--time-zone",
    "email": "--admin-email",
    "displayName": "--admin-name",
    "organizationName": "--organization-name",
}
CONFIGURE_FLAGS = {
    "minEmployers": "--min-employers",
    "pPercent": "--p-percent",
    "noiseMinPercent": "--noise-min-percent",
    "noiseMaxPercent": "--noise-max-percent",
    "releaseEveryHours": "--release-every-hours",
    "releaseMinIntervalHours": "--release-min-interval-hours",
    "timeZone": "--time-zone",
    "publicPrograms": "--public-programs",
    "outcomesMinPeople": "--outcomes-min-people",
}
KINDS = ", ".join(kind.value for kind in OrganizationKind)


@app.command("create")
def create(
    slug: Annotated[
        str,
        typer.Option(help="Short unique name: lowercase letters, digits, dashes.", metavar="SLUG"),
    ],
    name: Annotated[str, typer.Option(help="The partnership's name.", metavar="NAME")],
    region: Annotated[str, typer.Option(help="The region it serves.", metavar="NAME")],
    time_zone: Annotated[str, typer.Option(help="IANA time zone.", metavar="ZONE")] = "UTC",
    admin_email: Annotated[
        str | None,
        typer.Option(
            help="Also make its convener organization and this person its first partnership admin.",
            metavar="EMAIL",
        ),
    ] = None,
    admin_name: Annotated[
        str | None, typer.Option(help="The first admin's name.", metavar="NAME")
    ] = None,
    organization_name: Annotated[
        str | None,
        typer.Option(
            help="The convener organization's name (default: the partnership's).",
            metavar="NAME",
        ),
    ] = None,
    organization_kind: Annotated[
        OrganizationKind,
        typer.Option(
            help=f"The convener organization's kind: {KINDS}.",
            metavar="KIND",
        ),
    ] = OrganizationKind.PUBLIC_AGENCY,
) -> None:
    """Create a partnership, and with --admin-email its first admin; prints its ID.

    Every step is audited, with the operator as the actor.
    """
    from coalition.db.engine import create_session_factory
    from coalition.tenancy.provisioning import (
        FirstAdmin,
        Partnership,
        system_create_partnership,
    )

    if admin_email is None and (admin_name is not None or organization_name is not None):
        raise fail("--admin-name and --organization-name need --admin-email")
    admin = None
    if admin_email is not None:
        admin = FirstAdmin(admin_email, admin_name, organization_name, organization_kind)

    async def work(engine: AsyncEngine) -> Partnership:
        async with create_session_factory(engine)() as session, session.begin():
            return await system_create_partnership(
                session,
                operator=operator_label(),
                slug=slug,
                name=name,
                region=region,
                time_zone=time_zone,
                admin=admin,
            )

    try:
        made = with_owner(get_settings(), work)
    except InvalidInput as error:
        fail_with(error, CREATE_FLAGS)
    typer.echo(str(made.tenant.id))
    if made.organization is not None and admin is not None:
        typer.echo(
            f"{admin.email.strip().lower()} is the partnership admin of {slug}, in "
            f"{made.organization.name!r}. Their token: coalition token --tenant {slug} "
            f"--email {admin.email.strip().lower()}",
            err=True,
        )


def _setting(name: str, metavar: str) -> Any:
    return typer.Option(help=MEANING[name], metavar=metavar, show_default=False)


@app.command("configure")
def configure(
    tenant: Annotated[
        str, typer.Option("--tenant", "--slug", help="The partnership's slug.", metavar="SLUG")
    ],
    min_employers: Annotated[int | None, _setting("min_employers", "N")] = None,
    p_percent: Annotated[int | None, _setting("p_percent", "PERCENT")] = None,
    noise_min_percent: Annotated[int | None, _setting("noise_min_percent", "PERCENT")] = None,
    noise_max_percent: Annotated[int | None, _setting("noise_max_percent", "PERCENT")] = None,
    release_every_hours: Annotated[int | None, _setting("every_hours", "HOURS")] = None,
    release_min_interval_hours: Annotated[
        int | None, _setting("min_interval_hours", "HOURS")
    ] = None,
    time_zone: Annotated[str | None, typer.Option(help="IANA time zone.", metavar="ZONE")] = None,
    public_programs: Annotated[
        bool | None,
        typer.Option(
            "--public-programs/--no-public-programs",
            help=MEANING["public_programs"],
            show_default=False,
        ),
    ] = None,
    outcomes_min_people: Annotated[int | None, _setting("min_people", "N")] = None,
) -> None:
    """Change a partnership's settings (audited, as updateTenantSettings); prints them.

    Prints every setting in effect, defaults included; with none given, only prints them.
    """
    from coalition.auth.principal import system_principal
    from coalition.db.engine import create_session_factory
    from coalition.db.session import tenant_transaction
    from coalition.tenancy.settings import settings_in_effect, update_tenant_settings

    async def work(engine: AsyncEngine) -> dict[str, Any]:
        tenant_id = await tenant_id_of(engine, tenant)
        principal = system_principal(tenant_id, operator_label())
        async with tenant_transaction(create_session_factory(engine), tenant_id) as session:
            changed = await update_tenant_settings(
                session,
                principal,
                min_employers=min_employers,
                p_percent=p_percent,
                noise_min_percent=noise_min_percent,
                noise_max_percent=noise_max_percent,
                release_every_hours=release_every_hours,
                release_min_interval_hours=release_min_interval_hours,
                time_zone=time_zone,
                public_programs=public_programs,
                outcomes_min_people=outcomes_min_people,
            )
            return settings_in_effect(changed.settings)

    try:
        settings = with_owner(get_settings(), work)
    except InvalidInput as error:
        fail_with(error, CONFIGURE_FLAGS)
    typer.echo(json.dumps(settings, indent=2, sort_keys=True))


@app.command("list")
def list_tenants() -> None:
    """List the partnerships: slug, name, region, time zone, ID (tab-separated)."""
    from coalition.db.engine import create_session_factory
    from coalition.tenancy.provisioning import system_list_partnerships

    async def work(engine: AsyncEngine) -> list[str]:
        async with create_session_factory(engine)() as session:
            return [
                "\t".join(
                    (t.slug, t.name, t.region, str(t.settings.get("time_zone", "UTC")), str(t.id))
                )
                for t in await system_list_partnerships(session)
            ]

    lines = with_owner(get_settings(), work)
    for line in lines:
        typer.echo(line)
    if not lines:
        typer.echo("no partnerships yet: see 'coalition tenant create --help'", err=True)


__all__ = ["app"]
