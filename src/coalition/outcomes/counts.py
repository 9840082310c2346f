"""Aggregate counts: the figures of members that keep no person-level records.

A member reports, per calendar quarter (and optionally per program of its own and per
initiative), how many people it served and how many of them exited, completed,
credentialed and were placed, as a TOTAL row and breakdown rows by sex, race and
ethnicity, age band, veteran status and barrier. A report replaces every row of the
same key (organization, program, initiative, quarter) at once, or nothing when any
row is wrong (every problem reported). Like participant records, the counts are read
and written only by the member's own organization admins (``permissions``): the
unsuppressed figures of a small breakdown cell can single out a person.

Privacy: the audit event of a report names its key and how many rows it has, never a
count (the audit log is the convener's to read).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, text
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.service import record_event
from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant, scoped
from coalition.errors import InvalidInput
from coalition.funds.models.initiatives import Initiative
from coalition.outcomes.errors import OutcomeErrorCode as Code
from coalition.outcomes.models import (
    AgeBand,
    AggregateCount,
    Barrier,
    CountDimension,
    Sex,
    VeteranStatus,
)
from coalition.outcomes.periods import Period, parse_period, quarter_start
from coalition.outcomes.permissions import visible_aggregate_counts
from coalition.outcomes.service import reporting_organization
from coalition.pagination import Page, PageRequest, SortKey, fetch_page
from coalition.supply.models import TrainingProgram
from coalition.validation import Checker


class RaceEthnicity(StrEnum):
    """The values of a RACE_ETHNICITY row: the PIRL 210-216 categories."""

    HISPANIC_LATINO = "HISPANIC_LATINO"
    AMERICAN_INDIAN_ALASKA_NATIVE = "AMERICAN_INDIAN_ALASKA_NATIVE"
    ASIAN = "ASIAN"
    BLACK_AFRICAN_AMERICAN = "BLACK_AFRICAN_AMERICAN"
    NATIVE_HAWAIIAN_PACIFIC_ISLANDER = "NATIVE_HAWAIIAN_PACIFIC_ISLANDER"
    WHITE = "WHITE"
    NOT_SELF_IDENTIFIED = "NOT_SELF_IDENTIFIED"


VALUES: dict[CountDimension, type[StrEnum]] = {
    CountDimension.SEX: Sex,
    CountDimension.RACE_ETHNICITY: RaceEthnicity,
    CountDimension.AGE_BAND: AgeBand,
    CountDimension.VETERAN: VeteranStatus,
    CountDimension.BARRIER: Barrier,
}
"""The valid values of each breakdown dimension (TOTAL has none)."""
EXCLUSIVE = (CountDimension.SEX, CountDimension.AGE_BAND, CountDimension.VETERAN)
"""Dimensions where each person has one value: their rows add up to at most the TOTAL.
A person may count under several races or barriers, so those rows may add up to more."""
COUNTS = ("served", "exited", "completed", "credentialed", "placed")
OUTCOMES = ("completed", "credentialed", "placed")
MAX_COUNT = 10_000_000
MAX_ROWS = 200

BY_QUARTER = SortKey(
    [
        AggregateCount.quarter_starts_on,
        AggregateCount.dimension,
        AggregateCount.dimension_value,
        AggregateCount.id,
    ],
    [date.fromisoformat, CountDimension, str, uuid.UUID],
)


@dataclass(frozen=True)
class CountRow:
    """One row of a report as given: each count an int or its text (a file's cell)."""

    dimension: CountDimension | str | None
    value: str | None = None
    served: int | str | None = None
    exited: int | str | None = None
    completed: int | str | None = None
    credentialed: int | str | None = None
    placed: int | str | None = None


@dataclass(frozen=True)
class _Clean:
    index: int
    dimension: CountDimension
    value: str
    counts: dict[str, int]


def parse_quarter(
    check: Checker, label: str, *, today: date, path: str = "quarter"
) -> Period | None:
    """A calendar quarter that has begun by ``today``, or None with the problem in
    ``check``."""
    try:
        period = parse_period(label)
    except InvalidInput:
        period = None
    if period is None or len(period.quarters) != 1:
        check.add((path,), "Give a calendar quarter, e.g. 2026Q1.", Code.INVALID)
        return None
    if period.starts_on > quarter_start(today):
        check.add(
            (path,), "Counts may be reported for a quarter once it has begun.", Code.OUT_OF_RANGE
        )
        return None
    return period


def _value(
    check: Checker, path: tuple[str, ...], dimension: CountDimension, raw: str | None
) -> str | None:
    given = (raw or "").strip().upper()
    if dimension is CountDimension.TOTAL:
        if given:
            check.add(path, "A TOTAL row has no value: leave it empty.", Code.INVALID)
            return None
        return ""
    kind = VALUES[dimension]
    if not given:
        check.add(
            path, f"A {dimension} row needs a value: one of {', '.join(kind)}.", Code.REQUIRED
        )
        return None
    if given not in kind.__members__:
        check.add(path, f"A {dimension} row's value is one of {', '.join(kind)}.", Code.INVALID)
        return None
    return given


def _counts(check: Checker, path: tuple[str, ...], row: CountRow) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for name in COUNTS:
        where = (*path, name)
        number = check.integer(where, getattr(row, name), name=name)
        if number is None:
            continue
        if not 0 <= number <= MAX_COUNT:
            check.add(where, f"{name} must be from 0 to {MAX_COUNT:,}.", Code.OUT_OF_RANGE)
            continue
        found[name] = number
    if len(found) != len(COUNTS):
        return None
    consistent = True
    if found["exited"] > found["served"]:
        check.add((*path, "exited"), "exited may not be more than served.", Code.OUT_OF_RANGE)
        consistent = False
    for name in OUTCOMES:
        if found[name] > found["exited"]:
            check.add((*path, name), f"{name} may not be more than exited.", Code.OUT_OF_RANGE)
            consistent = False
    return found if consistent else None


def clean_rows(check: Checker, rows: Sequence[CountRow]) -> list[_Clean]:
    """The rows checked one by one and against each other: exactly one TOTAL, each
    (dimension, value) once, no breakdown row above the TOTAL, and the rows of a
    dimension where each person has one value adding up to at most the TOTAL."""
    if not rows:
        check.add(("rows",), "Give the TOTAL row and any breakdown rows.", Code.REQUIRED)
        return []
    if len(rows) > MAX_ROWS:
        check.add(("rows",), f"Give at most {MAX_ROWS} rows.", Code.TOO_MANY)
        return []
    cleaned: list[_Clean] = []
    seen: set[tuple[CountDimension, str]] = set()
    totals = 0
    for index, row in enumerate(rows):
        path = ("rows", str(index))
        dimension = check.choice((*path, "dimension"), row.dimension, CountDimension)
        value = _value(check, (*path, "value"), dimension, row.value) if dimension else None
        counts = _counts(check, path, row)
        if dimension is CountDimension.TOTAL:
            totals += 1
            if totals > 1:
                check.add((*path, "dimension"), "Give exactly one TOTAL row.", Code.DUPLICATE)
                continue
        if dimension is None or value is None:
            continue
        if (dimension, value) in seen:
            message = f"Another row is of {dimension} {value}."
            check.add((*path, "value"), message, Code.DUPLICATE)
            continue
        seen.add((dimension, value))
        if counts is not None:
            cleaned.append(_Clean(index, dimension, value, counts))
    if totals == 0:
        check.add(("rows",), "Give exactly one TOTAL row.", Code.REQUIRED)
        return cleaned
    total = next((row for row in cleaned if row.dimension is CountDimension.TOTAL), None)
    if total is not None:
        _within_total(check, cleaned, total)
    return cleaned


def _within_total(check: Checker, cleaned: list[_Clean], total: _Clean) -> None:
    sums: dict[CountDimension, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    last: dict[CountDimension, int] = {}
    for row in cleaned:
        if row.dimension is CountDimension.TOTAL:
            continue
        for name in COUNTS:
            if row.counts[name] > total.counts[name]:
                message = f"{name} may not be more than the TOTAL row's ({total.counts[name]})."
                check.add(("rows", str(row.index), name), message, Code.OUT_OF_RANGE)
            sums[row.dimension][name] += row.counts[name]
        last[row.dimension] = row.index
    for dimension in EXCLUSIVE:
        for name in COUNTS:
            added = sums[dimension][name] if dimension in sums else 0
            if added > total.counts[name]:
                message = (
                    f"The {dimension} rows' {name} add up to {added}, more than the TOTAL "
                    f"row's {total.counts[name]} (each person has one {dimension} value)."
                )
                check.add(("rows", str(last[dimension]), name), message, Code.OUT_OF_RANGE)


async def _check_program(
    session: AsyncSession,
    principal: Principal,
    check: Checker,
    organization_id: uuid.UUID,
    program_id: uuid.UUID | None,
) -> None:
    if program_id is None:
        return
    owner = await session.scalar(
        scoped(TrainingProgram, principal)
        .where(TrainingProgram.id == program_id)
        .with_only_columns(TrainingProgram.organization_id)
    )
    if owner != organization_id:
        message = "No training program of this organization with this ID."
        check.add(("programId",), message, Code.NOT_FOUND)


async def _check_initiative(
    session: AsyncSession, principal: Principal, check: Checker, initiative_id: uuid.UUID | None
) -> None:
    if initiative_id is None:
        return
    found = await session.scalar(
        scoped(Initiative, principal)
        .where(Initiative.id == initiative_id)
        .with_only_columns(Initiative.id)
    )
    if found is None:
        check.add(("initiativeId",), "No initiative with this ID.", Code.NOT_FOUND)


def _same_key(
    principal: Principal,
    organization_id: uuid.UUID,
    program_id: uuid.UUID | None,
    initiative_id: uuid.UUID | None,
    quarter: date,
) -> list[Any]:
    return [
        in_tenant(AggregateCount, principal),
        AggregateCount.organization_id == organization_id,
        AggregateCount.program_id.is_not_distinct_from(program_id),
        AggregateCount.initiative_id.is_not_distinct_from(initiative_id),
        AggregateCount.quarter_starts_on == quarter,
    ]


async def report_aggregate_counts(
    session: AsyncSession,
    principal: Principal,
    *,
    organization_id: uuid.UUID,
    quarter: str,
    program_id: uuid.UUID | None,
    initiative_id: uuid.UUID | None,
    rows: Sequence[CountRow],
) -> list[AggregateCount]:
    """Replace the organization's counts of ``quarter`` (of ``program_id``, of
    ``initiative_id``: None is "not of one") with ``rows``, in the order given.

    Only the organization's own organization admins (or the operator) may: Forbidden
    otherwise; an organization of no tenant of the caller's is NOT_FOUND, an archived
    one ARCHIVED. Every problem of the input comes at once in one ``InvalidInput``
    before anything is written (see ``clean_rows``). Audited as
    ``aggregate_counts.report`` with the key and the number of rows, no count."""
    organization = await reporting_organization(session, principal, organization_id)
    check = Checker()
    period = parse_quarter(check, quarter, today=datetime.now(UTC).date())
    await _check_program(session, principal, check, organization.id, program_id)
    await _check_initiative(session, principal, check, initiative_id)
    cleaned = clean_rows(check, rows)
    check.done()
    assert period is not None
    key = f"{organization.id}|{program_id}|{initiative_id}|{period.starts_on}"
    # Two reports of one key at once would both delete nothing new and both insert: the
    # second fails on the unique cell index (a 500). Wait for the other one instead.
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended('aggregate_counts:' || :key, 0))"),
        {"key": key},
    )
    same = _same_key(principal, organization.id, program_id, initiative_id, period.starts_on)
    replaced = await session.execute(
        delete(AggregateCount).where(*same).returning(AggregateCount.id)
    )
    replaced_count = len(replaced.all())
    now = datetime.now(UTC)
    created = [
        AggregateCount(
            tenant_id=principal.tenant_id,
            id=uuid.uuid4(),
            organization_id=organization.id,
            program_id=program_id,
            initiative_id=initiative_id,
            quarter_starts_on=period.starts_on,
            dimension=row.dimension,
            dimension_value=row.value,
            created_at=now,
            updated_at=now,
            **row.counts,
        )
        for row in cleaned
    ]
    session.add_all(created)
    await session.flush()
    await record_event(
        session,
        principal,
        action="aggregate_counts.report",
        object_type="Organization",
        object_id=organization.id,
        changes={
            "quarter": period.label,
            "program_id": str(program_id) if program_id else None,
            "initiative_id": str(initiative_id) if initiative_id else None,
            "rows": len(created),
            "replaced_rows": replaced_count,
        },
    )
    return created


# -- reads -------------------------------------------------------------------------------


async def list_aggregate_counts(
    session: AsyncSession,
    principal: Principal,
    *,
    organization_id: uuid.UUID,
    page: PageRequest,
    quarter: Period | None = None,
) -> Page[AggregateCount]:
    """The organization's counts by quarter, dimension and value, if the caller keeps
    its records; otherwise an empty page, exactly as for an organization with none."""
    statement = visible_aggregate_counts(principal).where(
        AggregateCount.organization_id == organization_id
    )
    if quarter is not None:
        statement = statement.where(AggregateCount.quarter_starts_on == quarter.starts_on)
    return await fetch_page(session, statement, page, BY_QUARTER)


async def aggregate_counts_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, AggregateCount]:
    """The counts among ``ids`` the caller may see; the others are simply absent."""
    if not ids:
        return {}
    rows = await session.scalars(
        visible_aggregate_counts(principal).where(AggregateCount.id.in_(list(ids)))
    )
    return {row.id: row for row in rows}


def quarter_filter(label: str) -> Period:
    """The quarter a list asks for, or InvalidInput at ``quarter``."""
    check = Checker()
    period = parse_quarter(check, label, today=date.max)
    if period is None:
        raise InvalidInput(check.errors)
    return period


__all__ = [
    "BY_QUARTER",
    "EXCLUSIVE",
    "VALUES",
    "CountRow",
    "RaceEthnicity",
    "aggregate_counts_by_ids",
    "clean_rows",
    "list_aggregate_counts",
    "parse_quarter",
    "quarter_filter",
    "report_aggregate_counts",
]
