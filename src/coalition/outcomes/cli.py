"""The outcomes domain's commands (as the owner, DATABASE_URL).

``coalition import participants FILE``: a member's participant records from a PIRL-
aligned file (beside ``coalition import programs``); ``coalition export participants``
writes them back in the same layout; ``coalition export outcomes`` writes an initiative's
outcome report (CSV or an Excel workbook). ``coalition import counts FILE``: the aggregate
counts of a member that keeps no person-level records.
"""

from __future__ import annotations

import enum
import sys
import uuid
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from coalition.auth.principal import Principal
from coalition.cli.support import (
    TenantSlug,
    fail,
    fail_with,
    import_for_organization,
    object_id,
    operator_label,
    organization_id_of,
    tenant_id_of,
    with_owner,
    write_output,
)
from coalition.config import get_settings

import_app = typer.Typer(help="Bulk entry from CSV files.", no_args_is_help=True)
export_app = typer.Typer(help="Reports as CSV files.", no_args_is_help=True)
NAME = "import"
app = import_app
GROUPS = [(NAME, import_app), ("export", export_app)]
Member = Annotated[
    str, typer.Option(help="The reporting member: its name, global ID or UUID.", metavar="ORG")
]


@import_app.command("participants")
def import_participants(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV file with the header of docs/examples/participants.csv (PIRL element "
            "numbers or names).",
            metavar="FILE",
            exists=True,
            dir_okay=False,
        ),
    ],
    tenant: TenantSlug,
    organization: Member,
) -> None:
    """Import one member's participant records: every row, or none when any row is bad.

    A row whose participant_identifier a record of the member has updates that record,
    so importing the same file again changes nothing. Prints a summary, or a table of
    every bad cell (and exits 1).
    """
    from coalition.outcomes.csv_import import import_participant_records

    import_for_organization(
        file,
        tenant=tenant,
        organization=organization,
        importer=import_participant_records,
        noun="participant records",
    )


@import_app.command("counts")
def import_counts(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV file with the header quarter, program, initiative, dimension, value, "
            "served, exited, completed, credentialed, placed (program, initiative and value "
            "optional).",
            metavar="FILE",
            exists=True,
            dir_okay=False,
        ),
    ],
    tenant: TenantSlug,
    organization: Member,
) -> None:
    """Import one member's aggregate counts: every row, or none when any row is bad.

    The rows of one quarter, program (external ID) and initiative (name) replace the
    counts reported before for them, so importing the same file again changes nothing.
    Prints a summary, or a table of every bad cell (and exits 1).
    """
    from coalition.outcomes.counts_csv import import_aggregate_counts

    import_for_organization(
        file,
        tenant=tenant,
        organization=organization,
        importer=import_aggregate_counts,
        noun="aggregate counts",
    )


@export_app.command("participants")
def export_participants(
    tenant: TenantSlug,
    organization: Member,
    output: Annotated[
        Path | None,
        typer.Option(
            help="Write the CSV to this file instead of standard output.",
            metavar="FILE",
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Write one member's participant records in the import's layout.

    The same text as the GraphQL field participantRecordsCsv; importing it back changes
    nothing.
    """
    from coalition.auth.principal import system_principal
    from coalition.db.engine import create_session_factory
    from coalition.db.session import tenant_transaction
    from coalition.outcomes.csv_export import export_participant_records

    async def work(engine: AsyncEngine) -> str:
        tenant_id = await tenant_id_of(engine, tenant)
        principal = system_principal(tenant_id, operator_label())
        async with tenant_transaction(create_session_factory(engine), tenant_id) as session:
            organization_id = await organization_id_of(
                session, principal, organization, tenant=tenant
            )
            return await export_participant_records(
                session, principal, organization_id=organization_id
            )

    text = with_owner(get_settings(), work)
    write_output(text, output)


class ReportFormat(enum.StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


@export_app.command("outcomes")
def export_outcomes(
    tenant: TenantSlug,
    initiative: Annotated[
        str,
        typer.Option(
            help="The initiative the report is of: its global ID, UUID or name.",
            metavar="ID",
        ),
    ],
    period: Annotated[
        str,
        typer.Option(
            help="The reporting period: a quarter (2026Q1) or a program year (PY2025, July "
            "to June).",
            metavar="PERIOD",
        ),
    ],
    file_format: Annotated[
        ReportFormat,
        typer.Option(
            "--format",
            help="csv: one table with a section per row group; xlsx: an Excel workbook "
            "(sheets Report, Breakdowns, Definitions).",
            metavar="FORMAT",
            case_sensitive=False,
        ),
    ] = ReportFormat.CSV,
    output: Annotated[
        Path | None,
        typer.Option(
            help="Write the report to this file instead of standard output.",
            metavar="FILE",
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Write an initiative's outcome report for a period (modelled on the DOL ETA-9169).

    The same report a funder reads through the API (outcomeReport), with small cells
    suppressed exactly as for funders: the operator sees no person's outcome either.
    """
    from coalition.auth.principal import system_principal
    from coalition.db.engine import create_session_factory
    from coalition.db.session import tenant_transaction
    from coalition.errors import Forbidden, InvalidInput
    from coalition.outcomes.report import outcome_report
    from coalition.outcomes.report_files import report_csv, report_xlsx

    async def work(engine: AsyncEngine) -> str | bytes:
        tenant_id = await tenant_id_of(engine, tenant)
        principal = system_principal(tenant_id, operator_label())
        async with tenant_transaction(create_session_factory(engine), tenant_id) as session:
            initiative_id = await _initiative_id_of(session, principal, initiative, tenant=tenant)
            try:
                report = await outcome_report(
                    session, principal, initiative_id=initiative_id, period=period
                )
            except (InvalidInput, Forbidden) as error:
                fail_with(error, {"period": "--period", "initiativeId": "--initiative"})
        return report_csv(report) if file_format == ReportFormat.CSV else report_xlsx(report)

    written = with_owner(get_settings(), work)
    if isinstance(written, str):
        write_output(written, output)
    else:
        _write_bytes(written, output)


async def _initiative_id_of(
    session: AsyncSession, principal: Principal, value: str, *, tenant: str
) -> uuid.UUID:
    """The initiative ``value`` names: its global ID, its UUID, or its name (any case);
    ends the command when it names none, or several."""
    from coalition.db.scoping import in_tenant
    from coalition.funds.models.initiatives import Initiative

    found = object_id(value, "Initiative")
    if found is not None:
        return found
    named = list(
        await session.scalars(
            select(Initiative.id).where(
                in_tenant(Initiative, principal),
                func.lower(Initiative.name) == " ".join(value.split()).lower(),
            )
        )
    )
    if len(named) == 1:
        return named[0]
    if named:
        raise fail(f"{len(named)} initiatives are named {value!r} in {tenant!r}: give its ID")
    raise fail(f"no initiative {value!r} in {tenant!r}")


def _write_bytes(data: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        output.write_bytes(data)
    except OSError as error:
        raise fail(f"cannot write {output}: {error.strerror}") from None
    typer.echo(f"wrote {output}", err=True)
