"""Export: a member's own participant records as CSV, in the import's layout.

The header names every column of ``layout.COLUMNS`` by name; cells are what the import
reads back to the same record (dates ``2027-09-01``, enum names, ``yes``/``no``,
amounts ``23.50``, the program's program_id or else its name, the cohort's start date,
the initiative's and employer's names or ``other``), so importing an export changes
nothing. Every cell goes through ``csv_files.text_cell``: one a spreadsheet would read
as a formula (an identifier or a name starting with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return) gets a leading apostrophe, which the import takes off again.
The other cells (dates, enum names, yes/no, amounts that are never negative) never
start so and are written as they are.

Only what the caller may see is exported: a caller who does not keep the member's
records gets the header alone, exactly as for a member with none.
"""

from __future__ import annotations

import csv
import enum
import io
import uuid
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import Principal
from coalition.csv_files import text_cell
from coalition.db.scoping import scoped
from coalition.funds.models.initiatives import Initiative
from coalition.outcomes.csv_rows import OTHER
from coalition.outcomes.layout import COLUMNS
from coalition.outcomes.models import ParticipantRecord
from coalition.outcomes.reads import all_participant_records
from coalition.supply.models import Cohort, TrainingProgram
from coalition.tenancy.models import Organization

MONEY = {"hourly_wage_cents", "earnings_q2_cents", "earnings_q4_cents"}


def _cell(value: Any, *, money: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, date):
        return value.isoformat()
    if money:
        return f"{value // 100}.{value % 100:02d}"
    if isinstance(value, list):
        return ";".join(value)
    return str(value)


async def _labels(
    session: AsyncSession, principal: Principal, records: list[ParticipantRecord]
) -> dict[str, dict[uuid.UUID, str]]:
    """The names the file writes for the records' programs, cohorts, initiatives and
    employers (one statement per kind, only for kinds the records use)."""

    async def labels(
        model: Any, columns: tuple[Any, ...], ids: set[uuid.UUID]
    ) -> dict[uuid.UUID, Any]:
        if not ids:
            return {}
        rows = await session.execute(
            scoped(model, principal)
            .where(model.id.in_(sorted(ids)))
            .with_only_columns(model.id, *columns)
        )
        return {row[0]: row[1:] for row in rows}

    def ids(name: str) -> set[uuid.UUID]:
        return {getattr(record, name) for record in records if getattr(record, name)}

    programs = await labels(
        TrainingProgram, (TrainingProgram.external_id, TrainingProgram.name), ids("program_id")
    )
    cohorts = await labels(Cohort, (Cohort.starts_on,), ids("cohort_id"))
    initiatives = await labels(Initiative, (Initiative.name,), ids("initiative_id"))
    employers = await labels(Organization, (Organization.name,), ids("employer_organization_id"))
    return {
        "program_id": {key: external or name for key, (external, name) in programs.items()},
        "cohort_id": {key: starts_on.isoformat() for key, (starts_on,) in cohorts.items()},
        "initiative_id": {key: name for key, (name,) in initiatives.items()},
        "employer_organization_id": {key: name for key, (name,) in employers.items()},
    }


def _row(record: ParticipantRecord, labels: dict[str, dict[uuid.UUID, str]]) -> list[str]:
    cells: list[str] = []
    for column in COLUMNS:
        if column.field == "employer":
            if record.employer_is_other:
                cells.append(OTHER)
            else:
                employer = record.employer_organization_id
                cells.append(
                    labels["employer_organization_id"].get(employer, "") if employer else ""
                )
        elif column.field in labels:
            key = getattr(record, column.field)
            cells.append(labels[column.field].get(key, "") if key else "")
        else:
            cells.append(_cell(getattr(record, column.field), money=column.field in MONEY))
    return [text_cell(cell) for cell in cells]


async def export_participant_records(
    session: AsyncSession, principal: Principal, *, organization_id: uuid.UUID
) -> str:
    """The member's records the caller may see, as CSV text (header first; LF line
    ends), by entry date."""
    records = await all_participant_records(session, principal, organization_id=organization_id)
    labels = await _labels(session, principal, records)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([column.name for column in COLUMNS])
    for record in records:
        writer.writerow(_row(record, labels))
    return out.getvalue()


__all__ = ["export_participant_records"]
