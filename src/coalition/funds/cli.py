"""``coalition export funds``: a pool's funder report as CSV (as the owner, DATABASE_URL)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from coalition.cli.support import (
    TenantSlug,
    fail,
    object_id,
    operator_label,
    tenant_id_of,
    with_owner,
    write_output,
)
from coalition.config import get_settings

NAME = "export"
app = typer.Typer(help="Reports as CSV files.", no_args_is_help=True)

# Allowed after tenant_transaction's SET LOCAL: SET takes no snapshot, so no query has run.
SNAPSHOT = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"


@app.command("funds")
def funds(
    tenant: TenantSlug,
    pool: Annotated[
        str, typer.Option(help="The fund pool: its global ID or its UUID.", metavar="ID")
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            help="Write the CSV to this file instead of standard output.",
            metavar="FILE",
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Write a fund pool's funder report: its summary, then one row per ledger entry.

    The same text as the GraphQL field FundPool.reportCsv.
    """
    from coalition.auth.principal import system_principal
    from coalition.db.engine import create_session_factory
    from coalition.db.session import tenant_transaction
    from coalition.funds.export import pool_report_csv

    pool_id = object_id(pool, "FundPool")
    if pool_id is None:
        raise fail(f"{pool!r} is not a fund pool ID")

    async def work(engine: AsyncEngine) -> str | None:
        tenant_id = await tenant_id_of(engine, tenant)
        principal = system_principal(tenant_id, operator_label())
        async with tenant_transaction(create_session_factory(engine), tenant_id) as session:
            # One snapshot for the summary and the entries, and a promise to write nothing.
            await session.execute(text(SNAPSHOT))
            return await pool_report_csv(session, principal, pool_id)

    report = with_owner(get_settings(), work)
    if report is None:
        raise fail(f"no fund pool {pool!r} in {tenant!r}")
    write_output(report, output)
