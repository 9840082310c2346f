"""``coalition keys ...``: the token signing keys."""

from __future__ import annotations

import typer
from sqlalchemy.ext.asyncio import AsyncEngine

from coalition.cli.support import with_owner
from coalition.config import get_settings

NAME = "keys"
app = typer.Typer(help="Token signing keys.", no_args_is_help=True)


@app.command("rotate")
def rotate() -> None:
    """Sign with a new key; keep the old one published until its tokens expire."""
    from coalition.auth.keys import rotate_signing_key
    from coalition.db.engine import create_session_factory

    async def work(engine: AsyncEngine) -> str:
        async with create_session_factory(engine)() as session, session.begin():
            return await rotate_signing_key(session)

    typer.echo(with_owner(get_settings(), work))


@app.command("list")
def list_keys() -> None:
    """List signing keys: kid, created, superseded."""
    from coalition.auth.keys import list_signing_keys
    from coalition.auth.models import SigningKey
    from coalition.db.engine import create_session_factory

    def describe(key: SigningKey) -> str:
        state = "signing"
        if key.superseded_at is not None:
            state = f"superseded {key.superseded_at:%Y-%m-%dT%H:%M:%SZ}"
        return f"{key.kid}\t{key.created_at:%Y-%m-%dT%H:%M:%SZ}\t{state}"

    async def work(engine: AsyncEngine) -> list[str]:
        async with create_session_factory(engine)() as session:
            return [describe(key) for key in await list_signing_keys(session)]

    for line in with_owner(get_settings(), work):
        typer.echo(line)
