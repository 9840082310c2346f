"""The domains that make up Coalition: the one list to change when adding one.

Each name is a package with a ``schema`` package (its GraphQL: ``Query``,
``Mutation``, ``NODE_TYPES``, ``TYPES``) and optionally a ``cli`` module (a Typer
app named ``app`` with its ``NAME``). The API and the command line are built from
this list; the models are listed once more in ``coalition.models`` for Alembic.
"""

from __future__ import annotations

DOMAINS: tuple[str, ...] = (
    "coalition.tenancy",
    "coalition.audit",
    "coalition.skills",
    "coalition.demand",
    "coalition.funds",
    "coalition.supply",
    "coalition.pathways",
    "coalition.events",
)
