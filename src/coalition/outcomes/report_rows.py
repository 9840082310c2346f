"""The rows of many measures at once, for a report or a page of scorecards.

``metric_rows.load_rows`` reads one definition's rows in one or two statements; a report
reads sixteen metrics and two participant counts, each whole and by every breakdown.
Here the measures that put a record in a quarter the same way (by exit, by entry, or all
in the period asked) share one grouped statement per breakdown, each measure its own
``count(*) FILTER (...)`` columns, and the aggregate counts one statement per breakdown
for every measure: so the number of statements depends on the breakdowns asked, not on
the number of metrics. Each measure's rows are exactly those ``load_rows`` gives its
definition (``tests/outcomes/test_report.py`` checks every metric and breakdown), so
``figures.compute`` decides and shows them the same way.

Like ``metric_rows``, these rows cover every member's records: they leave this package
only through ``figures.compute``.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Date, and_, cast, func, literal, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant
from coalition.outcomes.definitions import (
    EXITED,
    CohortBy,
    CountsStandIn,
    Definition,
    expressions,
    participated_during,
)
from coalition.outcomes.metric_names import MetricName
from coalition.outcomes.metric_rows import (
    COUNTS_DIMENSION,
    BreakdownBy,
    MetricRows,
    Source,
    group_positions,
    record_columns,
    record_keys,
)
from coalition.outcomes.models import AggregateCount, CountDimension, ParticipantRecord
from coalition.outcomes.periods import Period, quarter_start

R = ParticipantRecord
A = AggregateCount


class QuarterBy(enum.StrEnum):
    """What puts a record in a quarter: its exit, its entry, or (a period-long cohort)
    the period's first quarter."""

    EXIT = "EXIT"
    ENTRY = "ENTRY"
    PERIOD = "PERIOD"


@dataclass(frozen=True)
class Measure:
    """What one figure counts: the records of its cohort (in any period for EXIT and
    ENTRY, whose quarter is a breakdown), those the numerator counts, and the aggregate
    counts standing in (for PERIOD, only the period's quarters)."""

    code: str
    definition: Definition
    quarter_by: QuarterBy
    cohort: ColumnElement[bool]
    numerator: ColumnElement[bool]
    counts: CountsStandIn | None


def measure_of(definition: Definition, period: Period) -> Measure:
    """A metric's measure, as ``load_rows`` reads it."""
    if definition.cohort_by == CohortBy.PROGRAM_YEAR:
        found = expressions(definition, period)
        return Measure(
            definition.code,
            definition,
            QuarterBy.PERIOD,
            found.cohort,
            found.numerator,
            definition.counts,
        )
    by = QuarterBy.EXIT if definition.cohort_by == CohortBy.EXIT else QuarterBy.ENTRY
    return Measure(
        definition.code,
        definition,
        by,
        definition.in_denominator,
        definition.in_numerator,
        definition.counts,
    )


# The report's participant counts. They are not (yet) named definitions: they count
# like ENROLLMENTS (a COUNT, no measurement, no cost), which ``compute`` reads from the
# definition, so they borrow its name; their code and text are their own.
PARTICIPANTS_SERVED = Definition(
    name=MetricName.ENROLLMENTS,
    version=1,
    title="Participants served",
    cohort=(
        "People who participated at some time during the period: entered (PIRL 900) on "
        "or before its last day and had not exited (PIRL 901) before its first day."
    ),
    denominator="None: a count.",
    numerator="Every person of the cohort.",
    exclusions="None.",
    cohort_by=CohortBy.PROGRAM_YEAR,
    in_denominator=true(),
    in_numerator=true(),
    counts=CountsStandIn("served"),
)
PARTICIPANTS_EXITED = Definition(
    name=MetricName.ENROLLMENTS,
    version=1,
    title="Participants exited",
    cohort="People who exited (PIRL 901) in the period, by exit quarter.",
    denominator="None: a count.",
    numerator="Every person of the cohort, whatever the reason for exit.",
    exclusions="None.",
    cohort_by=CohortBy.EXIT,
    in_denominator=EXITED,
    in_numerator=true(),
    counts=CountsStandIn("exited"),
)
SERVED_CODE = "PARTICIPANTS_SERVED v1"
EXITED_CODE = "PARTICIPANTS_EXITED v1"


def served_measure(period: Period) -> Measure:
    return Measure(
        SERVED_CODE,
        PARTICIPANTS_SERVED,
        QuarterBy.PERIOD,
        participated_during(period),
        true(),
        PARTICIPANTS_SERVED.counts,
    )


def exited_measure() -> Measure:
    return Measure(
        EXITED_CODE, PARTICIPANTS_EXITED, QuarterBy.EXIT, EXITED, true(), PARTICIPANTS_EXITED.counts
    )


@dataclass(frozen=True)
class Grouping:
    """What the rows keep apart besides the member and the quarter: the initiative, the
    program (when a figure is narrowed to one) and one breakdown dimension or none."""

    initiative: bool
    program: bool
    breakdown: BreakdownBy | None

    @property
    def breakdown_by(self) -> tuple[BreakdownBy, ...]:
        return (self.breakdown,) if self.breakdown else ()


async def load_measures(
    session: AsyncSession,
    principal: Principal,
    measures: Sequence[Measure],
    period: Period,
    grouping: Grouping,
) -> dict[str, MetricRows]:
    """Each measure's rows (by code): one statement per kind of quarter among the
    measures, and one for the aggregate counts when any measure has a stand-in."""
    dimensions = len(grouping.breakdown_by)
    rows = {measure.code: MetricRows.empty(dimensions) for measure in measures}
    for by in QuarterBy:
        alike = [measure for measure in measures if measure.quarter_by == by]
        if alike:
            await _record_rows(session, principal, alike, by, period, grouping, rows)
    counted = [measure for measure in measures if measure.counts is not None]
    if counted:
        await _count_rows(session, principal, counted, period, grouping, rows)
    return rows


def _quarter(by: QuarterBy, period: Period) -> ColumnElement[Any]:
    if by == QuarterBy.PERIOD:
        return literal(period.starts_on, Date)
    day = R.exit_date if by == QuarterBy.EXIT else R.entry_date
    return cast(func.date_trunc("quarter", day), Date)


async def _record_rows(
    session: AsyncSession,
    principal: Principal,
    measures: Sequence[Measure],
    by: QuarterBy,
    period: Period,
    grouping: Grouping,
    rows: dict[str, MetricRows],
) -> None:
    grouped: list[Any] = [
        R.organization_id,
        _quarter(by, period).label("quarter"),
        R.initiative_id if grouping.initiative else literal(None, R.initiative_id.type),
        R.program_id if grouping.program else literal(None, R.program_id.type),
    ]
    for dimension in grouping.breakdown_by:
        grouped.extend(record_columns(dimension))
    columns: list[Any] = []
    for measure in measures:
        counted = and_(measure.cohort, measure.numerator)
        value: Any = measure.definition.measurement
        columns.append(func.count().filter(measure.cohort))
        columns.append(func.count().filter(counted))
        columns.append(
            func.array_agg(value).filter(counted, value.isnot(None))
            if value is not None
            else literal(None)
        )
    statement = (
        select(*grouped, *columns)
        .where(in_tenant(R, principal), or_(*(measure.cohort for measure in measures)))
        .group_by(*group_positions(len(grouped)))
    )
    for row in await session.execute(statement):
        values = tuple(row)
        at = 4
        keys: list[tuple[str, ...]] = []
        for dimension in grouping.breakdown_by:
            width = len(record_columns(dimension))
            keys.append(record_keys(dimension, values[at : at + width]))
            at += width
        for measure in measures:
            people, hits, measured = values[at], values[at + 1], values[at + 2]
            at += 3
            if people:
                _append(
                    rows[measure.code],
                    values[:4],
                    keys,
                    people,
                    hits,
                    tuple(measured or ()),
                    Source.RECORDS,
                )


COUNT_COLUMNS = ("served", "exited", "completed", "credentialed", "placed")


async def _count_rows(
    session: AsyncSession,
    principal: Principal,
    measures: Sequence[Measure],
    period: Period,
    grouping: Grouping,
    rows: dict[str, MetricRows],
) -> None:
    """Members' aggregate counts, each quarter's row of the breakdown (TOTAL without
    one), summed once for every measure."""
    dimension = COUNTS_DIMENSION[grouping.breakdown] if grouping.breakdown else None
    statement = (
        select(
            A.organization_id,
            A.quarter_starts_on,
            A.initiative_id if grouping.initiative else literal(None, A.initiative_id.type),
            A.program_id if grouping.program else literal(None, A.program_id.type),
            A.dimension_value,
            *(func.sum(getattr(A, column)) for column in COUNT_COLUMNS),
        )
        .where(in_tenant(A, principal), A.dimension == (dimension or CountDimension.TOTAL))
        .group_by(*group_positions(5))
    )
    for row in await session.execute(statement):
        organization, quarter, initiative, program, value = row[:5]
        sums = dict(zip(COUNT_COLUMNS, row[5:], strict=True))
        for measure in measures:
            stand_in = measure.counts
            assert stand_in is not None
            if measure.quarter_by == QuarterBy.PERIOD and not period.contains(quarter):
                continue
            hits = sums[stand_in.numerator]
            people = sums[stand_in.denominator] if stand_in.denominator else hits
            if not people:
                continue
            _append(
                rows[measure.code],
                (organization, quarter_start(quarter), initiative, program),
                [(value,)] if dimension else [],
                int(people),
                int(hits),
                (),
                Source.COUNTS,
            )


def _append(
    rows: MetricRows,
    where: Sequence[Any],
    keys: list[tuple[str, ...]],
    people: int,
    hits: int,
    measurements: tuple[int, ...],
    source: Source,
) -> None:
    organization, quarter, initiative, program = where
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
    "EXITED_CODE",
    "PARTICIPANTS_EXITED",
    "PARTICIPANTS_SERVED",
    "SERVED_CODE",
    "Grouping",
    "Measure",
    "QuarterBy",
    "exited_measure",
    "load_measures",
    "measure_of",
    "served_measure",
]
