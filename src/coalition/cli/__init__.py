"""The ``coalition`` command line.

One module per command group here, and one Typer app from every domain of
``coalition.domains.DOMAINS`` that has a ``cli`` module (its ``NAME`` and ``app``),
so a new domain brings its commands without a change in this package. What the
commands share is in ``coalition.cli.support``.
"""

from __future__ import annotations

import importlib
import importlib.util

import typer

from coalition.cli import client, db, demo, keys, organization, person, schema, serve, tenant, token
from coalition.domains import DOMAINS

app = typer.Typer(
    help="Coalition: the platform of a regional workforce partnership.",
    no_args_is_help=True,
    add_completion=False,
)

for command in (serve, demo, token):
    app.command(command.NAME)(command.command)
for group in (db, tenant, person, organization, client, keys, schema):
    app.add_typer(group.app, name=group.NAME)


def domain_apps() -> list[tuple[str, typer.Typer]]:
    """Each domain's command group, in the order of DOMAINS."""
    found = []
    for package in DOMAINS:
        if importlib.util.find_spec(f"{package}.cli") is None:
            continue
        module = importlib.import_module(f"{package}.cli")
        found.append((module.NAME, module.app))
    return found


for name, domain_app in domain_apps():
    app.add_typer(domain_app, name=name)


def main() -> None:
    app(prog_name="coalition")


__all__ = ["app", "domain_apps", "main"]
