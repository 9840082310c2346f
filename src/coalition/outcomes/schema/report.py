# mypy: disable-error-code="untyped-decorator"
"""The outcome report in GraphQL: ``outcomeReport(initiativeId, period)``, its figures as
typed fields and the same report as CSV text and as an Excel workbook (base64), the way
funds hands out its funder report (``fundReportCsv``): files are fields, not routes."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Annotated

import strawberry

from coalition.api.context import Info
from coalition.api.money import Money
from coalition.api.mutations import decode_id
from coalition.api.relay import to_global_id
from coalition.outcomes.metric_names import MetricKind, MetricName
from coalition.outcomes.metric_rows import BreakdownBy
from coalition.outcomes.report import (
    BreakdownRow,
    CostRow,
    IndicatorRow,
    OutcomeReport,
    ParticipantCount,
    PoolFunding,
    outcome_report,
)
from coalition.outcomes.report_files import report_csv, report_xlsx
from coalition.outcomes.schema import enums  # noqa: F401  (describes the enums before use)
from coalition.outcomes.schema.metrics import (
    MetricDefinitionType,
    OutcomeFigure,
    ReportingPeriod,
)


@strawberry.type(description="Participants served or exited in the report's period.")
class OutcomeReportCount:
    code: str = strawberry.field(description="What is counted and its version.")
    title: str = strawberry.field(description="For people.")
    figure: OutcomeFigure = strawberry.field(description="The number of people.")

    @classmethod
    def of(cls, count: ParticipantCount) -> OutcomeReportCount:
        return cls(
            code=count.code,
            title=count.title,
            figure=OutcomeFigure.of(count.figure, MetricKind.COUNT, ()),
        )


@strawberry.type(description="One indicator of the report: its target and its actual.")
class OutcomeReportIndicator:
    metric: MetricName = strawberry.field(description="The metric.")
    definition: MetricDefinitionType = strawberry.field(
        description="How it is computed (code: its name and version)."
    )
    target: str | None = strawberry.field(
        description="The initiative's target for the period, if set: people, a fraction "
        "from 0 to 1, or cents, by kind."
    )
    actual: OutcomeFigure | None = strawberry.field(
        description="The figure; null when the metric is not read for this period (note)."
    )
    note: str | None = strawberry.field(description="Why there is no actual.")

    @classmethod
    def of(cls, row: IndicatorRow) -> OutcomeReportIndicator:
        definition = row.definition
        return cls(
            metric=row.metric,
            definition=MetricDefinitionType.of(definition),
            target=None if row.target is None else str(row.target),
            actual=OutcomeFigure.of(row.actual, definition.kind, ()) if row.actual else None,
            note=row.note,
        )


@strawberry.type(description="One cell of an indicator broken down by one dimension.")
class OutcomeReportBreakdown:
    code: str = strawberry.field(description="The definition's name and version.")
    title: str = strawberry.field(description="For people.")
    kind: MetricKind = strawberry.field(description="What its value is.")
    breakdown_by: BreakdownBy = strawberry.field(description="The dimension.")
    group: str = strawberry.field(
        description="The dimension's value (FEMALE, AGE_25_34, LOW_INCOME, ...)."
    )
    figure: OutcomeFigure = strawberry.field(description="The cell's figure.")

    @classmethod
    def of(cls, row: BreakdownRow) -> OutcomeReportBreakdown:
        return cls(
            code=row.code,
            title=row.title,
            kind=row.kind,
            breakdown_by=row.breakdown_by,
            group=str(row.value),
            figure=OutcomeFigure.of(row.cell, row.kind, (row.breakdown_by,)),
        )


@strawberry.type(description="One pool's money for the initiative, to date.")
class OutcomeReportPoolFunding:
    pool_id: strawberry.ID = strawberry.field(description="The pool's global ID.")
    pool_name: str = strawberry.field(description="The pool's name.")
    contributed: Money = strawberry.field(description="Verified contributions.")
    matched: Money = strawberry.field(description="Matched.")
    disbursed: Money = strawberry.field(description="Approved for payment (paid included).")
    paid: Money = strawberry.field(description="Paid out.")

    @classmethod
    def of(cls, row: PoolFunding) -> OutcomeReportPoolFunding:
        return cls(
            pool_id=strawberry.ID(str(to_global_id("FundPool", row.pool_id))),
            pool_name=row.pool,
            contributed=Money.amount(row.contributed, row.currency),
            matched=Money.amount(row.matched, row.currency),
            disbursed=Money.amount(row.disbursed, row.currency),
            paid=Money.amount(row.paid, row.currency),
        )


@strawberry.type(description="Funds expended in the period per person or per outcome.")
class OutcomeReportCost:
    title: str = strawberry.field(description="For people: cost per participant served, ...")
    per: str = strawberry.field(description="The code of the count it divides by.")
    amount: Money | None = strawberry.field(
        description="The cost (rounded half up to a minor unit); null when suppressed, "
        "without people, or without a single currency (note)."
    )
    people: int | None = strawberry.field(description="The people divided by.")
    suppressed: bool = strawberry.field(description="Whether the count divided by is withheld.")
    note: str | None = strawberry.field(description="Why there is no amount, if it is known.")

    @classmethod
    def of(cls, row: CostRow) -> OutcomeReportCost:
        return cls(
            title=row.title,
            per=row.per,
            amount=Money.of(row.amount, row.currency) if row.currency else None,
            people=row.people,
            suppressed=row.suppressed,
            note=row.note,
        )


@strawberry.type(
    description="An initiative's outcome report for one period (modelled on the DOL "
    "ETA-9169), with small cells suppressed as for any funder."
)
class OutcomeReportType:
    report: strawberry.Private[OutcomeReport]

    @strawberry.field(description="The partnership's name.")
    def partnership(self) -> str:
        return self.report.header.partnership

    @strawberry.field(description="The initiative's global ID.")
    def initiative_id(self) -> strawberry.ID:
        return strawberry.ID(str(to_global_id("Initiative", self.report.header.initiative_id)))

    @strawberry.field(description="The initiative's name.")
    def initiative_name(self) -> str:
        return self.report.header.initiative

    @strawberry.field(description="The period.")
    def period(self) -> ReportingPeriod:
        period = self.report.header.period
        return ReportingPeriod(
            label=period.label, starts_on=period.starts_on, ends_on=period.ends_on
        )

    @strawberry.field(description="When the report was computed (UTC).")
    def generated_at(self) -> datetime:
        return self.report.header.generated_at

    @strawberry.field(description="The fewest people a shown figure may stand for.")
    def min_people(self) -> int:
        return self.report.header.min_people

    @strawberry.field(
        description="The code (name and version) of every definition the figures used."
    )
    def definitions(self) -> list[str]:
        return list(self.report.header.definitions)

    @strawberry.field(description="Participants served during the period.")
    def served(self) -> OutcomeReportCount:
        return OutcomeReportCount.of(self.report.served)

    @strawberry.field(description="Participants who exited in the period.")
    def exited(self) -> OutcomeReportCount:
        return OutcomeReportCount.of(self.report.exited)

    @strawberry.field(description="Every metric, in OutcomeMetric order, target and actual.")
    def indicators(self) -> list[OutcomeReportIndicator]:
        return [OutcomeReportIndicator.of(row) for row in self.report.indicators]

    @strawberry.field(
        description="Every indicator but the costs (and the participant counts) by each "
        "dimension, one way, every cell of the dimension listed."
    )
    def breakdowns(self) -> list[OutcomeReportBreakdown]:
        return [OutcomeReportBreakdown.of(row) for row in self.report.breakdowns]

    @strawberry.field(
        description="Disbursed for the initiative's contributions in the period (approved "
        "or paid, less reversals), per currency."
    )
    def funds_expended(self) -> list[Money]:
        return [Money.amount(row.amount, row.currency) for row in self.report.funds_expended]

    @strawberry.field(description="Each pool's money for the initiative to date.")
    def funding(self) -> list[OutcomeReportPoolFunding]:
        return [OutcomeReportPoolFunding.of(row) for row in self.report.funding]

    @strawberry.field(description="Cost per participant served, per exiter and per outcome.")
    def costs(self) -> list[OutcomeReportCost]:
        return [OutcomeReportCost.of(row) for row in self.report.costs]

    @strawberry.field(
        description="The report as CSV (the same text as `coalition export outcomes`): "
        "suppressed cells (S), bounds >95% and <5%, money in dollars."
    )
    def csv(self) -> str:
        return report_csv(self.report)

    @strawberry.field(
        description="The report as an Excel workbook (sheets Report, Breakdowns, "
        "Definitions), base64-encoded."
    )
    def xlsx_base64(self) -> str:
        return base64.b64encode(report_xlsx(self.report)).decode()


@strawberry.type
class ReportQuery:
    @strawberry.field(
        description="An initiative's outcome report for a period. The convener "
        "(partnership admins) may read every initiative's; a funder's people those its "
        "pools fund; anyone else gets FORBIDDEN. A bad period or an unknown initiative is "
        "BAD_USER_INPUT."
    )
    async def outcome_report(
        self,
        info: Info,
        initiative_id: Annotated[strawberry.ID, strawberry.argument(description="The initiative.")],
        period: Annotated[
            str,
            strawberry.argument(
                description="A quarter (2026Q1) or a program year (PY2025, July to June)."
            ),
        ],
    ) -> OutcomeReportType:
        principal = info.context.require_principal()
        initiative = decode_id(initiative_id, "Initiative", "initiativeId")
        async with info.context.session() as session:
            report = await outcome_report(
                session, principal, initiative_id=initiative, period=period
            )
        return OutcomeReportType(report=report)


__all__ = ["OutcomeReportType", "ReportQuery"]
