"""``coalition reference ...``: the shared vocabulary (runs as the owner, DATABASE_URL)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncEngine

from coalition.cli.support import fail, with_owner
from coalition.config import get_settings

NAME = "reference"
app = typer.Typer(
    help="Reference data: occupations (SOC, O*NET), skills, industries (NAICS), programs (CIP).",
    no_args_is_help=True,
)


def _print_counts(counts: dict[str, int], seconds: float) -> None:
    width = max(len(table) for table in counts)
    for table, rows in counts.items():
        typer.echo(f"{table:<{width}}  {rows:>7,}")
    typer.echo(f"loaded in {seconds:.1f} s", err=True)


@app.command("load")
def load(
    directory: Annotated[
        Path,
        typer.Argument(
            help="Folder with the publishers' files (or soc/, onet/, naics/, cip/ in it).",
            metavar="DIR",
            exists=True,
            file_okay=False,
        ),
    ],
) -> None:
    """Load the files found in DIR, in one transaction; prints rows per table.

    Re-running is harmless: rows are inserted or updated, never duplicated.
    """
    from coalition.db.engine import create_session_factory
    from coalition.skills.loader import load_reference
    from coalition.skills.parsers import ReferenceDataError

    async def work(engine: AsyncEngine) -> dict[str, int]:
        async with create_session_factory(engine)() as session, session.begin():
            return await load_reference(session, directory)

    started = time.perf_counter()
    try:
        counts = with_owner(get_settings(), work)
    except ReferenceDataError as error:
        raise fail(str(error)) from None
    _print_counts(counts, time.perf_counter() - started)


@app.command("starter")
def starter() -> None:
    """Load the small starter set shipped with Coalition, and the essential skills.

    Never overwrites fuller data already loaded.
    """
    from coalition.db.engine import create_session_factory
    from coalition.skills.starter import load_starter

    async def work(engine: AsyncEngine) -> dict[str, int]:
        async with create_session_factory(engine)() as session, session.begin():
            return await load_starter(session)

    started = time.perf_counter()
    _print_counts(with_owner(get_settings(), work), time.perf_counter() - started)


@app.command("download")
def download(
    directory: Annotated[
        Path,
        typer.Argument(help="Folder to write the files to (created if missing).", metavar="DIR"),
    ],
) -> None:
    """Fetch the files from BLS, O*NET, the Census Bureau and NCES into DIR.

    In the layouts 'coalition reference load' reads. Needs the internet.
    """
    from coalition.skills.download import DownloadError, download_reference
    from coalition.skills.parsers import ReferenceDataError

    try:
        counts = download_reference(directory)
    except (DownloadError, ReferenceDataError) as error:
        raise fail(str(error)) from None
    for name, rows in counts.items():
        typer.echo(f"{name}\t{rows}")
    typer.echo(f"now run: coalition reference load {directory}", err=True)
