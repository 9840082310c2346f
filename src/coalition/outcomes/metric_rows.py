"""The rows a metric is computed from: people grouped by everything a response reads.

Two grouped statements (participant records, aggregate counts) turn any number of
records into rows of (reporting member, quarter, the attributes a breakdown or filter
reads, people in the denominator, people in the numerator, the measurements of the
numerator's people). Grouping loses nothing the disclosure rule needs: it counts
people per reporting member, never per person. Rows always carry their initiative and
program, whatever the filter: the rule checks the breakdowns by initiative, program and
member as it checks the quarter's, so that no filter's figure is the partnership's less
the others'.

These rows cover *every* record of the partnership in the metric's cohort, whatever
the caller may read: they leave this package only through ``figures``, which shows
numbers through the disclosure rule. Nobody reads a row of another member here.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Date, and_, cast, func, literal, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant
from coalition.outcomes.definitions import CohortBy, Definition, expressions
from coalition.outcomes.models import (
    RACES,
    AgeBand,
    AggregateCount,
    Barrier,
    CountDimension,
    ParticipantRecord,
    Sex,
    VeteranStatus,
)
from coalition.outcomes.periods import Period, program_years_span, quarter_start

R = ParticipantRecord
A = AggregateCount


class BreakdownBy(enum.StrEnum):
    """The equity dimensions a metric can be broken down by."""

    SEX = "SEX"
    RACE_ETHNICITY = "RACE_ETHNICITY"
    AGE_BAND = "AGE_BAND"
    VETERAN = "VETERAN"
    BARRIER = "BARRIER"


class Source(enum.StrEnum):
    RECORDS = "RECORDS"
    COUNTS = "COUNTS"


NOT_RECORDED = "NOT_RECORDED"
NOT_SELF_IDENTIFIED = "NOT_SELF_IDENTIFIED"
RACE_KEYS: dict[str, str] = {
    "hispanic_latino": "HISPANIC_LATINO",
    "american_indian_alaska_native": "AMERICAN_INDIAN_ALASKA_NATIVE",
    "asian": "ASIAN",
    "black_african_american": "BLACK_AFRICAN_AMERICAN",
    "native_hawaiian_pacific_islander": "NATIVE_HAWAIIAN_PACIFIC_ISLANDER",
    "white": "WHITE",
}
# Every cell key of each dimension, in the order a report lists them: the grid is the
# same whoever asks and whatever the data, so a listed cell tells nothing.
KEYS: dict[BreakdownBy, tuple[str, ...]] = {
    BreakdownBy.SEX: tuple(Sex),
    BreakdownBy.RACE_ETHNICITY: (*RACE_KEYS.values(), NOT_SELF_IDENTIFIED),
    BreakdownBy.AGE_BAND: (*AgeBand, NOT_RECORDED),
    BreakdownBy.VETERAN: tuple(VeteranStatus),
    BreakdownBy.BARRIER: tuple(Barrier),
}
COUNTS_DIMENSION = {
    BreakdownBy.SEX: CountDimension.SEX,
    BreakdownBy.RACE_ETHNICITY: CountDimension.RACE_ETHNICITY,
    BreakdownBy.AGE_BAND: CountDimension.AGE_BAND,
    BreakdownBy.VETERAN: CountDimension.VETERAN,
    BreakdownBy.BARRIER: CountDimension.BARRIER,
}


@dataclass(frozen=True)
class Scope:
    """What a response reads: the filters (each None: any) and the breakdown."""

    initiative_id: uuid.UUID | None
    program_id: uuid.UUID | None
    organization_id: uuid.UUID | None
    breakdown_by: tuple[BreakdownBy, ...]


@dataclass(frozen=True)
class MetricRows:
    """Rows as columns. ``keys[d][i]``: the cell keys of row i along breakdown d (a
    tuple: a person can be of several races or have several barriers, or none)."""

    organization: list[uuid.UUID]
    quarter: list[date]
    initiative: list[uuid.UUID | None]
    program: list[uuid.UUID | None]
    keys: list[list[tuple[str, ...]]]
    people: list[int]
    hits: list[int]
    measurements: list[tuple[int, ...]]
    source: list[Source]

    @classmethod
    def empty(cls, dimensions: int) -> MetricRows:
        return cls([], [], [], [], [[] for _ in range(dimensions)], [], [], [], [])

    def __len__(self) -> int:
        return len(self.people)


async def load_rows(
    session: AsyncSession,
    principal: Principal,
    definition: Definition,
    period: Period,
    scope: Scope,
) -> MetricRows:
    """Every row of the metric's cohort in the partnership in the program years the
    period lies in (``periods.program_years_span``: the quarter is a breakdown the rule
    checks within them, so a quarter cannot be subtracted from its program year), and
    the aggregate counts standing in for it where the definition allows."""
    rows = MetricRows.empty(len(scope.breakdown_by))
    await _record_rows(session, principal, definition, period, scope, rows)
    if definition.counts is not None and len(scope.breakdown_by) <= 1:
        await _count_rows(session, principal, definition, period, scope, rows)
    return rows


async def _record_rows(
    session: AsyncSession,
    principal: Principal,
    definition: Definition,
    period: Period,
    scope: Scope,
    rows: MetricRows,
) -> None:
    found = expressions(definition, period)
    if definition.cohort_by == CohortBy.PROGRAM_YEAR:
        # One program year is one cohort: its quarter is the period's first.
        quarter: ColumnElement[Any] = literal(period.starts_on, Date)
        cohort = found.cohort
    else:
        day = definition.cohort_date()
        assert day is not None
        quarter = cast(func.date_trunc("quarter", day), Date)
        span = program_years_span(period)
        cohort = and_(definition.in_denominator, day >= span.starts_on, day <= span.ends_on)
    grouped: list[Any] = [
        R.organization_id,
        quarter.label("quarter"),
        # Grouped by initiative and program only when the question filters by them (the
        # engine checks a filter's breakdown only then): fewer rows for the rest.
        R.initiative_id if scope.initiative_id else literal(None, R.initiative_id.type),
        R.program_id if scope.program_id else literal(None, R.program_id.type),
    ]
    for dimension in scope.breakdown_by:
        grouped.extend(record_columns(dimension))
    measurement: Any = definition.measurement
    statement = (
        select(
            *grouped,
            func.count(),
            func.count().filter(found.numerator),
            func.array_agg(measurement).filter(found.numerator, measurement.isnot(None))
            if measurement is not None
            else literal(None),
        )
        .where(in_tenant(R, principal), cohort)
        .group_by(*group_positions(len(grouped)))
    )
    for row in await session.execute(statement):
        values = tuple(row)
        at = 4
        keys: list[tuple[str, ...]] = []
        for dimension in scope.breakdown_by:
            width = len(record_columns(dimension))
            keys.append(record_keys(dimension, values[at : at + width]))
            at += width
        _append(
            rows,
            organization=values[0],
            quarter=values[1],
            initiative=values[2],
            program=values[3],
            keys=keys,
            people=values[at],
            hits=values[at + 1],
            measurements=tuple(values[at + 2] or ()),
            source=Source.RECORDS,
        )


def record_columns(dimension: BreakdownBy) -> list[Any]:
    if dimension == BreakdownBy.SEX:
        return [R.sex]
    if dimension == BreakdownBy.AGE_BAND:
        return [R.age_band]
    if dimension == BreakdownBy.VETERAN:
        return [R.veteran_status]
    if dimension == BreakdownBy.BARRIER:
        return [R.barriers]
    return [getattr(R, column) for column in RACES]


def record_keys(dimension: BreakdownBy, values: Sequence[Any]) -> tuple[str, ...]:
    if dimension == BreakdownBy.SEX:
        return (str(values[0] or Sex.NOT_DISCLOSED),)
    if dimension == BreakdownBy.AGE_BAND:
        return (str(values[0] or NOT_RECORDED),)
    if dimension == BreakdownBy.VETERAN:
        return (str(values[0] or VeteranStatus.NOT_DISCLOSED),)
    if dimension == BreakdownBy.BARRIER:
        return tuple(sorted(set(values[0] or ())))
    by_column = dict(zip(RACES, values, strict=True))
    if by_column["race_not_self_identified"]:
        return (NOT_SELF_IDENTIFIED,)
    races = tuple(key for column, key in RACE_KEYS.items() if by_column[column])
    return races or (NOT_SELF_IDENTIFIED,)


async def _count_rows(
    session: AsyncSession,
    principal: Principal,
    definition: Definition,
    period: Period,
    scope: Scope,
    rows: MetricRows,
) -> None:
    """A member's aggregate counts: each quarter's row of the breakdown asked (TOTAL
    without one). Counts are reported per quarter, so a program year's figure reads its
    four quarters."""
    stand_in = definition.counts
    assert stand_in is not None
    dimension = COUNTS_DIMENSION[scope.breakdown_by[0]] if scope.breakdown_by else None
    numerator = getattr(A, stand_in.numerator)
    denominator = getattr(A, stand_in.denominator) if stand_in.denominator else numerator
    statement = (
        select(
            A.organization_id,
            A.quarter_starts_on,
            A.initiative_id if scope.initiative_id else literal(None, A.initiative_id.type),
            A.program_id if scope.program_id else literal(None, A.program_id.type),
            A.dimension_value,
            func.sum(denominator),
            func.sum(numerator),
        )
        .where(
            in_tenant(A, principal),
            A.dimension == (dimension or CountDimension.TOTAL),
        )
        .group_by(*group_positions(5))
    )
    span = program_years_span(period)
    statement = statement.where(
        A.quarter_starts_on >= span.starts_on, A.quarter_starts_on <= span.ends_on
    )
    for organization, quarter, initiative, program, value, people, hits in await session.execute(
        statement
    ):
        if not people:
            continue
        _append(
            rows,
            organization=organization,
            quarter=quarter_start(quarter),
            initiative=initiative,
            program=program,
            keys=[(value,)] if dimension else [],
            people=int(people),
            hits=int(hits),
            measurements=(),
            source=Source.COUNTS,
        )


def group_positions(count: int) -> list[ColumnElement[Any]]:
    """GROUP BY 1, 2, ...: the first ``count`` columns, whatever expressions they are."""
    return [literal_column(str(position)) for position in range(1, count + 1)]


def _append(
    rows: MetricRows,
    *,
    organization: uuid.UUID,
    quarter: date,
    initiative: uuid.UUID | None,
    program: uuid.UUID | None,
    keys: list[tuple[str, ...]],
    people: int,
    hits: int,
    measurements: tuple[int, ...],
    source: Source,
) -> None:
    rows.organization.append(organization)
    rows.quarter.append(quarter)
    rows.initiative.append(initiative)
    rows.program.append(program)
    for column, key in zip(rows.keys, keys, strict=True):
        column.append(key)
    rows.people.append(people)
    rows.hits.append(hits)
    rows.measurements.append(measurements)
    rows.source.append(source)


__all__ = [
    "COUNTS_DIMENSION",
    "KEYS",
    "NOT_RECORDED",
    "NOT_SELF_IDENTIFIED",
    "RACE_KEYS",
    "BreakdownBy",
    "MetricRows",
    "Scope",
    "Source",
    "group_positions",
    "load_rows",
    "record_columns",
    "record_keys",
]
