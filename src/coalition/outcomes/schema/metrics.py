# mypy: disable-error-code="untyped-decorator"
"""outcomeMetrics: one metric for one period, with its definition and its cells as the
caller may see them (translation only: ``metrics.outcome_metric`` decides)."""

from __future__ import annotations

import enum
import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry

from coalition.api.context import Info
from coalition.api.enums import expose_enum
from coalition.api.money import Money
from coalition.api.mutations import decode_id
from coalition.money import format_money
from coalition.outcomes import figures as f
from coalition.outcomes.definitions import Definition
from coalition.outcomes.metric_names import MetricKind, MetricName
from coalition.outcomes.metric_rows import BreakdownBy
from coalition.outcomes.metrics import outcome_metric
from coalition.outcomes.schema import enums  # noqa: F401  (describes the enums before use)

CURRENCY = "USD"

expose_enum(
    BreakdownBy,
    name="MetricBreakdown",
    description="An equity dimension a metric can be broken down by.",
    values={
        BreakdownBy.SEX: "PIRL 201: MALE, FEMALE, NOT_DISCLOSED (also when not recorded).",
        BreakdownBy.RACE_ETHNICITY: "PIRL 210-216: HISPANIC_LATINO and each race; a person "
        "of several is in each of their cells; NOT_SELF_IDENTIFIED when none is recorded.",
        BreakdownBy.AGE_BAND: "Age at entry: the AgeBand values, NOT_RECORDED when missing.",
        BreakdownBy.VETERAN: "PIRL 301: the VeteranStatus values (NOT_DISCLOSED when missing).",
        BreakdownBy.BARRIER: "Barriers to employment: a person with several is in each of "
        "their cells, one with none in no cell (only in the total).",
    },
)


class FigureBasis(enum.StrEnum):
    PARTICIPANT_RECORDS = f.Basis.PARTICIPANT_RECORDS
    AGGREGATE_COUNTS = f.Basis.AGGREGATE_COUNTS
    BOTH = f.Basis.BOTH
    NONE = f.Basis.NONE


class RateBound(enum.StrEnum):
    ABOVE_95_PERCENT = f.Bound.ABOVE_95_PERCENT
    BELOW_5_PERCENT = f.Bound.BELOW_5_PERCENT


expose_enum(
    FigureBasis,
    name="FigureBasis",
    description="Which kind of data stands behind a figure.",
    values={
        FigureBasis.PARTICIPANT_RECORDS: "Members' participant records (person-level).",
        FigureBasis.AGGREGATE_COUNTS: "Members' aggregate counts per quarter.",
        FigureBasis.BOTH: "Both: some members keep records, others report counts.",
        FigureBasis.NONE: "Nothing shown: suppressed, or nobody was in the cohort.",
    },
)
expose_enum(
    RateBound,
    name="RateBound",
    description="How a rate close to all or none is shown outside the reporting member.",
    values={
        RateBound.ABOVE_95_PERCENT: "Above 95%: shown as >95%, with no count.",
        RateBound.BELOW_5_PERCENT: "Below 5%: shown as <5%, with no count.",
    },
)


@strawberry.type(name="MetricDefinition", description="A metric's standard definition.")
class MetricDefinitionType:
    metric: MetricName = strawberry.field(description="The metric.")
    version: int = strawberry.field(
        description="The definition's version: a figure is computed with this version; a "
        "change to what it counts makes a new one."
    )
    code: str = strawberry.field(description='Name and version, as reports print it: "X v1".')
    title: str = strawberry.field(description="The metric's name for people.")
    kind: MetricKind = strawberry.field(description="What its value is.")
    cohort: str = strawberry.field(description="Who is in the period's cohort.")
    denominator: str = strawberry.field(description="Whom a rate divides by.")
    numerator: str = strawberry.field(description="Whom it counts (or what it measures).")
    exclusions: str = strawberry.field(description="Who is left out, and why.")

    @classmethod
    def of(cls, definition: Definition) -> MetricDefinitionType:
        return cls(
            metric=definition.name,
            version=definition.version,
            code=definition.code,
            title=definition.title,
            kind=definition.kind,
            cohort=definition.cohort,
            denominator=definition.denominator,
            numerator=definition.numerator,
            exclusions=definition.exclusions,
        )


@strawberry.type(description="A reporting period.")
class ReportingPeriod:
    label: str = strawberry.field(description="2026Q1, PY2025 (July to June) or 2026.")
    starts_on: date = strawberry.field(description="Its first day.")
    ends_on: date = strawberry.field(description="Its last day.")


@strawberry.type(description="One value of one breakdown dimension: a cell's coordinate.")
class BreakdownKey:
    dimension: BreakdownBy = strawberry.field(description="The dimension.")
    value: str = strawberry.field(description="The value (the dimension's enum name).")


@strawberry.type(
    description="A metric's figure for one cell of a breakdown, or for the whole. A "
    "suppressed figure has no numbers at all: it stands for fewer people than the "
    "partnership's threshold, or would let such a group be worked out from other figures."
)
class OutcomeFigure:
    keys: list[BreakdownKey] = strawberry.field(
        description="The cell's coordinates, one per breakdown dimension (none: the total)."
    )
    suppressed: bool = strawberry.field(description="Whether the numbers are withheld.")
    people: int | None = strawberry.field(
        description="How many people stand behind the figure: a rate's denominator, a "
        "count's count, a median's people measured."
    )
    count: int | None = strawberry.field(
        description="A rate's numerator (null when the rate is shown only as a bound)."
    )
    rate: float | None = strawberry.field(
        description="A RATE metric's share, from 0 to 1 (4 decimals); null when suppressed "
        "or shown only as a bound."
    )
    bound: RateBound | None = strawberry.field(
        description="ABOVE_95_PERCENT or BELOW_5_PERCENT: a rate this close to all or none "
        "is shown only as that bound, outside the reporting member."
    )
    amount: Money | None = strawberry.field(
        description="A MONEY metric's value: a median wage or earnings, or a cost per outcome."
    )
    basis: FigureBasis = strawberry.field(
        description="Which kind of data stands behind the figure (NONE when suppressed)."
    )
    display: str = strawberry.field(
        description='The figure for people: "60.0%", ">95%", "$18.50", "42", or "(S)" when '
        "suppressed."
    )

    @classmethod
    def of(
        cls,
        cell: f.MetricCell,
        kind: MetricKind,
        breakdown_by: tuple[BreakdownBy, ...],
        currency: str = CURRENCY,
    ) -> OutcomeFigure:
        keys = [
            BreakdownKey(dimension=dimension, value=value)
            for dimension, value in zip(breakdown_by, cell.key, strict=False)
        ]  # the total's key is empty
        rate = float(cell.value) if kind == MetricKind.RATE and cell.value is not None else None
        amount = None
        if kind == MetricKind.MONEY and cell.value is not None:
            amount = Money.amount(int(cell.value), currency)
        count = {MetricKind.RATE: cell.count, MetricKind.COUNT: cell.value}.get(kind)
        return cls(
            keys=keys,
            suppressed=cell.suppressed,
            people=cell.people,
            count=int(count) if count is not None else None,
            rate=rate,
            bound=RateBound(cell.bound) if cell.bound else None,
            amount=amount,
            basis=FigureBasis(cell.basis if not cell.suppressed else f.Basis.NONE),
            display=display(cell, kind, currency),
        )


def display(cell: f.MetricCell, kind: MetricKind, currency: str = CURRENCY) -> str:
    """The figure as a person reads it."""
    if cell.suppressed:
        return "(S)"
    if cell.bound == f.Bound.ABOVE_95_PERCENT:
        return ">95%"
    if cell.bound == f.Bound.BELOW_5_PERCENT:
        return "<5%"
    if cell.value is None:
        return "-"
    if kind == MetricKind.RATE:
        return f"{Decimal(cell.value) * 100:.1f}%"
    if kind == MetricKind.MONEY:
        return format_money(int(cell.value), currency)
    return f"{int(cell.value):,}"


@strawberry.type(
    name="OutcomeMetricFigures",
    description="A metric for one period: its definition, the total and the breakdown's "
    "cells, with small cells suppressed for everyone but the reporting member.",
)
class OutcomeMetricFiguresType:
    definition: MetricDefinitionType = strawberry.field(description="How it is computed.")
    period: ReportingPeriod = strawberry.field(description="The period.")
    breakdown_by: list[BreakdownBy] = strawberry.field(description="The breakdown asked for.")
    exact: bool = strawberry.field(
        description="True when these are the reporting member's own figures, unsuppressed "
        "(its own organization admins asking about it); false: suppressed."
    )
    min_people: int = strawberry.field(
        description="The partnership's threshold: the fewest people a shown figure stands for."
    )
    total: OutcomeFigure = strawberry.field(description="The whole, over every cell.")
    cells: list[OutcomeFigure] = strawberry.field(
        description="Every cell of the breakdown, in a fixed order (the same whoever asks): "
        "each dimension's values, the first dimension slowest. Empty without a breakdown."
    )

    @classmethod
    def of(cls, figures: f.MetricFigures) -> OutcomeMetricFiguresType:
        kind = figures.definition.kind
        by = figures.query.breakdown_by
        period = figures.query.period
        return cls(
            definition=MetricDefinitionType.of(figures.definition),
            period=ReportingPeriod(
                label=period.label, starts_on=period.starts_on, ends_on=period.ends_on
            ),
            breakdown_by=list(by),
            exact=figures.exact,
            min_people=figures.min_people,
            total=OutcomeFigure.of(figures.total, kind, by),
            cells=[OutcomeFigure.of(cell, kind, by) for cell in figures.cells],
        )


def _optional(value: strawberry.ID | None, type_name: str, field: str) -> uuid.UUID | None:
    return decode_id(value, type_name, field) if value is not None else None


@strawberry.type
class MetricQuery:
    @strawberry.field(
        description="An outcome metric for one period, for the partnership or narrowed to "
        "an initiative, a program or an organization, broken down by up to two equity "
        "dimensions. Everyone but the reporting member's own admins reads it suppressed: "
        "a cell of fewer people than the partnership's threshold (default 10) shows no "
        "numbers, nor does any cell it could be worked out from. Partner apps need the "
        "outcomes:read scope; costs per outcome also need funds:read."
    )
    async def outcome_metrics(
        self,
        info: Info,
        metric: Annotated[MetricName, strawberry.argument(description="Which metric.")],
        period: Annotated[
            str,
            strawberry.argument(
                description="2026Q1 (a quarter), PY2025 (a program year, July to June; the "
                "only period WIOA_MSG takes) or 2026 (a year). Exit-based metrics read the "
                "people who exited in it."
            ),
        ],
        initiative_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only this initiative's participants."),
        ] = None,
        program_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only this training program's participants."),
        ] = None,
        organization_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Only this reporting member's participants (exact for its own "
                "organization admins)."
            ),
        ] = None,
        breakdown_by: Annotated[
            list[BreakdownBy] | None,
            strawberry.argument(description="Up to two dimensions to break the metric down by."),
        ] = None,
    ) -> OutcomeMetricFiguresType:
        principal = info.context.require_principal()
        initiative = _optional(initiative_id, "Initiative", "initiativeId")
        program = _optional(program_id, "TrainingProgram", "programId")
        organization = _optional(organization_id, "Organization", "organizationId")
        async with info.context.session() as session:
            figures = await outcome_metric(
                session,
                principal,
                metric=metric,
                period=period,
                initiative_id=initiative,
                program_id=program,
                organization_id=organization,
                breakdown_by=breakdown_by or [],
            )
        return OutcomeMetricFiguresType.of(figures)


__all__ = ["MetricQuery", "OutcomeMetricFiguresType"]
