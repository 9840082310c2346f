"""Reading participant records: every query starts from
``permissions.visible_participant_records``.

What the caller may not see is absent, as if the ID did not exist: another member's
records, and every record for a caller who administers no organization. The batched
reader serves the per-request DataLoader (one statement per batch).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant, scoped
from coalition.funds.models.initiatives import Initiative
from coalition.outcomes.models import ParticipantRecord
from coalition.outcomes.permissions import visible_participant_records
from coalition.outcomes.validation import References
from coalition.pagination import Page, PageRequest, SortKey, fetch_page
from coalition.skills.models import Occupation
from coalition.supply.models import Cohort, TrainingProgram
from coalition.tenancy.models import Organization

# By entry, then ID: a cursor carries a date and a UUID, never a participant identifier.
BY_ENTRY = SortKey(
    [ParticipantRecord.entry_date, ParticipantRecord.id], [date.fromisoformat, uuid.UUID]
)


@dataclass(frozen=True)
class RecordFilter:
    """Which records: of a program, of an initiative, exited within dates (inclusive)."""

    program_id: uuid.UUID | None = None
    initiative_id: uuid.UUID | None = None
    exited_from: date | None = None
    exited_to: date | None = None


def records_of(principal: Principal, organization_id: uuid.UUID, chosen: RecordFilter) -> Any:
    """The statement of the organization's records the caller may see, filtered."""
    statement = visible_participant_records(principal).where(
        ParticipantRecord.organization_id == organization_id
    )
    if chosen.program_id is not None:
        statement = statement.where(ParticipantRecord.program_id == chosen.program_id)
    if chosen.initiative_id is not None:
        statement = statement.where(ParticipantRecord.initiative_id == chosen.initiative_id)
    if chosen.exited_from is not None:
        statement = statement.where(ParticipantRecord.exit_date >= chosen.exited_from)
    if chosen.exited_to is not None:
        statement = statement.where(ParticipantRecord.exit_date <= chosen.exited_to)
    return statement


async def list_participant_records(
    session: AsyncSession,
    principal: Principal,
    *,
    organization_id: uuid.UUID,
    page: PageRequest,
    chosen: RecordFilter | None = None,
) -> Page[ParticipantRecord]:
    """The organization's records by entry date, if the caller keeps them; otherwise an
    empty page, exactly like an organization with no records (never Forbidden, which
    would tell the caller whether the organization keeps any)."""
    statement = records_of(principal, organization_id, chosen or RecordFilter())
    return await fetch_page(session, statement, page, BY_ENTRY)


async def all_participant_records(
    session: AsyncSession, principal: Principal, *, organization_id: uuid.UUID
) -> list[ParticipantRecord]:
    """Every record of the organization the caller may see, by entry date (an export)."""
    statement = records_of(principal, organization_id, RecordFilter())
    rows = await session.scalars(statement.order_by(*BY_ENTRY.columns))
    return list(rows)


async def participant_records_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, ParticipantRecord]:
    """The records among ``ids`` the caller may see; the others are simply absent."""
    if not ids:
        return {}
    rows = await session.scalars(
        visible_participant_records(principal).where(ParticipantRecord.id.in_(list(ids)))
    )
    return {row.id: row for row in rows}


async def references_for(
    session: AsyncSession,
    principal: Principal,
    *,
    organization_id: uuid.UUID,
    program_ids: Iterable[uuid.UUID | None] = (),
    cohort_ids: Iterable[uuid.UUID | None] = (),
    initiative_ids: Iterable[uuid.UUID | None] = (),
    organization_ids: Iterable[uuid.UUID | None] = (),
    occupation_codes: Iterable[str | None] = (),
) -> References:
    """What the given IDs and codes point at that exists: programs of the tenant (with
    their organization, so another member's program is told apart), cohorts of the
    reporting organization's programs, initiatives, organizations and SOC codes."""

    def wanted(values: Iterable[object | None]) -> list[object]:
        return sorted({value for value in values if value is not None}, key=str)

    programs: dict[uuid.UUID, uuid.UUID] = {}
    if chosen := wanted(program_ids):
        rows = await session.execute(
            scoped(TrainingProgram, principal)
            .where(TrainingProgram.id.in_(chosen))
            .with_only_columns(TrainingProgram.id, TrainingProgram.organization_id)
        )
        programs = {program_id: owner for program_id, owner in rows}
    cohorts: dict[uuid.UUID, uuid.UUID] = {}
    if chosen := wanted(cohort_ids):
        rows = await session.execute(
            select(Cohort.id, Cohort.program_id)
            .join(
                TrainingProgram,
                in_tenant(TrainingProgram, principal) & (TrainingProgram.id == Cohort.program_id),
            )
            .where(
                in_tenant(Cohort, principal),
                Cohort.id.in_(chosen),
                TrainingProgram.organization_id == organization_id,
            )
        )
        cohorts = {cohort_id: program_id for cohort_id, program_id in rows}
    initiatives: set[uuid.UUID] = set()
    if chosen := wanted(initiative_ids):
        initiatives = set(
            await session.scalars(
                scoped(Initiative, principal)
                .where(Initiative.id.in_(chosen))
                .with_only_columns(Initiative.id)
            )
        )
    organizations: set[uuid.UUID] = set()
    if chosen := wanted(organization_ids):
        organizations = set(
            await session.scalars(
                scoped(Organization, principal)
                .where(Organization.id.in_(chosen))
                .with_only_columns(Organization.id)
            )
        )
    codes: set[str] = set()
    if chosen := wanted(occupation_codes):
        codes = set(
            await session.scalars(
                select(Occupation.soc_code).where(Occupation.soc_code.in_(chosen))
            )
        )
    return References(programs, cohorts, initiatives, organizations, codes)


__all__ = [
    "BY_ENTRY",
    "RecordFilter",
    "all_participant_records",
    "list_participant_records",
    "participant_records_by_ids",
    "records_of",
    "references_for",
]
