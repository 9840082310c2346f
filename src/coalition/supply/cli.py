"""The supply domain's commands (as the owner, DATABASE_URL).

``coalition import programs FILE``: a provider's training programs from a spreadsheet
(beside demand's ``coalition import demand``).
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
GROUPS = [(NAME, app)]


@app.command("programs")
def programs(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV file with the header of docs/examples/programs.csv.",
            metavar="FILE",
            exists=True,
            dir_okay=False,
        ),
    ],
    tenant: TenantSlug,
    organization: Annotated[
        str,
        typer.Option(help="The provider: its name, global ID or UUID.", metavar="ORG"),
    ],
) -> None:
    """Import one provider's training programs: every row, or none when any row is bad.

    A row whose program_id the provider's program already has updates that program, so
    importing the same file again changes nothing. Prints a summary, or a table of
    every bad cell (and exits 1).
    """
    from coalition.auth.principal import system_principal
    from coalition.db.engine import create_session_factory
    from coalition.db.session import tenant_transaction
    from coalition.errors import Forbidden, InvalidInput
    from coalition.supply.csv_import import ImportReport, import_training_programs

    text = read_csv_file(file)

    async def work(engine: AsyncEngine) -> ImportReport:
        tenant_id = await tenant_id_of(engine, tenant)
        principal = system_principal(tenant_id, operator_label())
        sessions = create_session_factory(engine)
        async with tenant_transaction(sessions, tenant_id) as session:
            organization_id = await organization_id_of(
                session, principal, organization, tenant=tenant
            )
            return await import_training_programs(
                session, principal, organization_id=organization_id, text=text
            )

    started = time.perf_counter()
    try:
        report = with_owner(get_settings(), work)
    except (InvalidInput, Forbidden) as error:
        raise fail(str(error)) from None
    seconds = time.perf_counter() - started
    if report.row_errors:
        refuse_import(file, report.row_errors)
    typer.echo(
        f"imported {report.imported_count} training programs ({report.created_count} "
        f"created, {report.updated_count} updated, {report.unchanged_count} unchanged) "
        f"in {seconds:.1f} s"
    )
