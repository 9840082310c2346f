"""The ``coalition`` command line.

One module per command group here, and one Typer app from every domain of
``coalition.domains.DOMAINS`` that has a ``cli`` module (its ``NAME`` and ``app``),
so a new domain brings its commands without a change in this package. What the
commands share is in ``coalition.cli.support``.

A domain's ``cli`` module imports ``coalition.cli.support``, which runs this
package first; so the domains' modules are looked up by name when ``app`` is
first used, not while this package is being imported.
"""

from __future__ import annotations

import importlib
import importlib.util

import typer

from coalition.cli import client, db, demo, keys, organization, person, schema, serve, tenant, token
from coalition.domains import DOMAINS

_built: typer.Typer | None = None


def domain_apps(domains: tuple[str, ...] = DOMAINS) -> list[tuple[str, typer.Typer]]:
    """Each domain's command groups (its cli module's ``GROUPS``, or its NAME and app), in
    the order given. Groups of one name from several domains become one group (demand's
    and supply's ``import``): the first one's help, every domain's commands."""
    found: dict[str, typer.Typer] = {}
    copies: set[str] = set()
    for package in domains:
        if importlib.util.find_spec(f"{package}.cli") is None:
            continue
        module = importlib.import_module(f"{package}.cli")
        for name, group in getattr(module, "GROUPS", [(module.NAME, module.app)]):
            if name not in found:
                found[name] = group
                continue
            if name not in copies:
                # A copy, so the first domain's own app keeps only its own commands.
                first = found[name]
                merged = typer.Typer(help=first.info.help, no_args_is_help=True)
                merged.registered_commands = list(first.registered_commands)
                merged.registered_groups = list(first.registered_groups)
                found[name] = merged
                copies.add(name)
            merged = found[name]
            taken = {command.name for command in merged.registered_commands}
            for command in group.registered_commands:
                if command.name in taken:
                    raise ValueError(f"two domains add the command {name} {command.name}")
            merged.registered_commands.extend(group.registered_commands)
            merged.registered_groups.extend(group.registered_groups)
    return list(found.items())


def build_app(domains: tuple[str, ...] = DOMAINS) -> typer.Typer:
    """The root command: its own groups and commands, then each domain's group."""
    root = typer.Typer(
        help="Coalition: the platform of a regional workforce partnership.",
        no_args_is_help=True,
        add_completion=False,
    )
    for command in (serve, demo, token):
        root.command(command.NAME)(command.command)
    for group in (db, tenant, person, organization, client, keys, schema):
        root.add_typer(group.app, name=group.NAME)
    for name, domain_app in domain_apps(domains):
        root.add_typer(domain_app, name=name)
    return root


def __getattr__(name: str) -> typer.Typer:
    """``coalition.cli.app``, built on first use (the console script's entry point)."""
    global _built
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if _built is None:
        _built = build_app()
    return _built


def main() -> None:
    __getattr__("app")(prog_name="coalition")


__all__ = ["app", "build_app", "domain_apps", "main"]
