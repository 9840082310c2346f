"""``coalition schema export``: the GraphQL schema as SDL."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from coalition.config import Settings

NAME = "schema"
app = typer.Typer(help="The GraphQL schema.", no_args_is_help=True)


@app.command("export")
def export(
    output: Annotated[
        Path, typer.Option(help="Where to write the SDL.", metavar="FILE", dir_okay=False)
    ] = Path("graphql/schema.graphql"),
) -> None:
    """Write the GraphQL schema (SDL) to graphql/schema.graphql."""
    # The one command that needs the API layer: it prints what the API serves.
    from coalition.api.schema import build_schema

    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(schema_sdl(build_schema(Settings())))
    typer.echo(f"wrote {output}", err=True)


def schema_sdl(schema: object) -> str:
    """The SDL text as checked in: the schema's text with one final newline."""
    return str(schema).rstrip() + "\n"
