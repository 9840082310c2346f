"""The demand domain's commands (as the owner, DATABASE_URL).

``coalition import demand FILE``: bulk entry from a spreadsheet.
``coalition demand release``: publish a release of pooled demand now.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncEngine

from coalition.cli.support import (
    TenantSlug,
    fail,
    operator_label,
    organization_id_of,
    read_csv_file,
    refuse_import,
    tenant_id_of,
    with_owner,
)
from coalition.config import get_settings

NAME = "import"
app = typer.Typer(help="Bulk entry from CSV files.", no_args_is_help=True)
releases_app = typer.Typer(help="Releases of pooled demand.", no_args_is_help=True)
GROUPS = [(NAME, app), ("demand", releases_app)]

# Files with fewer rows than this import too fast for a progress bar to help.
PROGRESS_FROM_ROWS = 2_000


@app.command("demand")
def demand(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV file with the header of docs/examples/demand.csv.",
            metavar="FILE",
            exists=True,
            dir_okay=False,
        ),
    ],
    tenant: TenantSlug,
    organization: Annotated[
        str,
        typer.Option(help="The employer: its name, global ID or UUID.", metavar="ORG"),
    ],
) -> None:
    """Import one employer's demand signals: every row, or none when any row is bad.

    Prints a summary, or a table of every bad cell (and exits 1).
    """
    from rich.console import Console
    from rich.progress import Progress

    from coalition.auth.principal import system_principal
    from coalition.db.engine import create_session_factory
    from coalition.db.session import tenant_transaction
    from coalition.demand.csv_import import ImportReport, import_demand_signals
    from coalition.errors import InvalidInput

    text = read_csv_file(file)
    console = Console(stderr=True)
    show_progress = len(text.splitlines()) >= PROGRESS_FROM_ROWS

    async def work(engine: AsyncEngine) -> ImportReport:
        tenant_id = await tenant_id_of(engine, tenant)
        principal = system_principal(tenant_id, operator_label())
        sessions = create_session_factory(engine)
        async with tenant_transaction(sessions, tenant_id) as session:
            organization_id = await organization_id_of(
                session, principal, organization, tenant=tenant
            )
        with Progress(console=console, disable=not show_progress, transient=True) as bar:
            task = bar.add_task("Importing demand signals", total=None)

            def advance(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            async with tenant_transaction(sessions, tenant_id) as session:
                return await import_demand_signals(
                    session,
                    principal,
                    organization_id=organization_id,
                    text=text,
                    progress=advance,
                )

    started = time.perf_counter()
    try:
        report = with_owner(get_settings(), work)
    except InvalidInput as error:
        raise fail(str(error)) from None
    seconds = time.perf_counter() - started
    if report.row_errors:
        refuse_import(file, report.row_errors)
    typer.echo(
        f"imported {report.imported_count} demand signals ({report.created_count} created, "
        f"{report.updated_count} updated, {report.unchanged_count} unchanged) in {seconds:.1f} s"
    )


@releases_app.command("release")
def release(
    tenant: TenantSlug,
    force: Annotated[
        bool,
        typer.Option("--force", help="Publish even within the partnership's minimum interval."),
    ] = False,
) -> None:
    """Publish a release of pooled demand now.

    Every pooled number members and partner apps read comes from the newest release.
    Refused within the partnership's minimum interval since the last one (6 hours by
    default) unless --force.
    """
    from coalition.auth.principal import system_principal
    from coalition.db.engine import create_session_factory
    from coalition.db.session import tenant_transaction
    from coalition.demand.releases import MadeBy, publish_release
    from coalition.errors import InvalidInput

    async def work(engine: AsyncEngine) -> str:
        tenant_id = await tenant_id_of(engine, tenant)
        principal = system_principal(tenant_id, operator_label())
        async with tenant_transaction(create_session_factory(engine), tenant_id) as session:
            made = await publish_release(session, principal, made_by=MadeBy.OPERATOR, force=force)
            return made.published_at.isoformat(timespec="seconds")

    try:
        published_at = with_owner(get_settings(), work)
    except InvalidInput as error:
        raise fail(str(error) + " Use --force to publish anyway.") from None
    typer.echo(f"published a demand release of {tenant} at {published_at}")
