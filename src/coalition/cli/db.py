"""``coalition db ...``: migrations, as the owner."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from sqlalchemy.exc import DBAPIError

from coalition.cli.support import fail, owner_url_of
from coalition.config import get_settings

NAME = "db"
app = typer.Typer(help="Database migrations (as the owner).", no_args_is_help=True)


@app.command("upgrade")
def upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.", metavar="REV")] = "head",
) -> None:
    """Apply migrations, create or update the app's login role, ensure a signing key.

    Also loads the starter vocabulary. With DATABASE_URL unset, this is the one command
    that creates the embedded database (in COALITION_DATA_DIR).
    """
    from coalition.upgrade import upgrade as migrate

    settings = get_settings()
    url = owner_url_of(settings, create=True)
    try:
        asyncio.run(migrate(settings, url, revision))
    except (OSError, DBAPIError) as error:
        raise fail(f"cannot reach the database: {error}") from None
    typer.echo(f"database at {revision}; app role ready", err=True)


@app.command("downgrade")
def downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision, e.g. base.", metavar="REV")],
) -> None:
    """Revert migrations down to REV."""
    from coalition.upgrade import run_alembic

    asyncio.run(run_alembic(owner_url_of(get_settings()), "downgrade", revision))


@app.command("current")
def current() -> None:
    """Print the database's current revision."""
    from coalition.upgrade import run_alembic

    asyncio.run(run_alembic(owner_url_of(get_settings()), "current"))
