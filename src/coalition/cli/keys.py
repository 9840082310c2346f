"""``coalition keys ...``: the token signing keys."""

from __future__ import annotations

from datetime import UTC, datetime

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
    """List signing keys: kid, created, and which one signs now.

    A rotated-in key is published first and signs once the key before it is superseded.
    """
    from coalition.auth.keys import current_signing_key, list_signing_keys
    from coalition.auth.models import SigningKey
    from coalition.db.engine import create_session_factory

    def describe(key: SigningKey, signer: SigningKey | None, now: datetime) -> str:
        if key.superseded_at is not None and key.superseded_at <= now:
            state = f"superseded {key.superseded_at:%Y-%m-%dT%H:%M:%SZ}"
        elif key is signer:
            state = "signing"
            if key.superseded_at is not None:
                state += f" until {key.superseded_at:%Y-%m-%dT%H:%M:%SZ}"
        else:
            state = "published, signs next"
        return f"{key.kid}\t{key.created_at:%Y-%m-%dT%H:%M:%SZ}\t{state}"

    async def work(engine: AsyncEngine) -> list[str]:
        async with create_session_factory(engine)() as session:
            keys = await list_signing_keys(session)
        now = datetime.now(UTC)
        signer = current_signing_key(keys, now)
        return [describe(key, signer, now) for key in keys]

    for line in with_owner(get_settings(), work):
        typer.echo(line)
