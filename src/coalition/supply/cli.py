"""The supply domain's commands (as the owner, DATABASE_URL).

``coalition import programs FILE``: a provider's training programs from a spreadsheet
(beside demand's ``coalition import demand``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from coalition.cli.support import TenantSlug, import_for_organization

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
    from coalition.supply.csv_import import import_training_programs

    import_for_organization(
        file,
        tenant=tenant,
        organization=organization,
        importer=import_training_programs,
        noun="training programs",
    )
