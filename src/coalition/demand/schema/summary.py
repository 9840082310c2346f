# mypy: disable-error-code="untyped-decorator"
"""GraphQL of pooled demand: ``demandSummary`` and ``demandTrend`` (translation only)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from coalition.api.context import Info
from coalition.api.money import Money
from coalition.demand import models, summary
from coalition.demand.schema import enums  # noqa: F401  (describes the enums before use)
from coalition.demand.summary import DemandDimension
from coalition.disclosure.rule import DisclosureRule
from coalition.skills.schema import OccupationType

SKILLS_SCHEMA = "coalition.skills.schema"


@strawberry.input(
    description="Which signals pooled demand counts; every given part must match. An empty "
    "list restricts nothing. Filtered numbers obey the disclosure rule too, also for what "
    "the filter leaves out."
)
class DemandSummaryFilter:
    occupation_codes: list[str] | None = strawberry.field(
        default=None, description="Only these occupations (SOC codes, e.g. 51-4041)."
    )
    major_group_codes: list[str] | None = strawberry.field(
        default=None, description="Only occupations of these SOC major groups (e.g. 51-0000)."
    )
    quarter_from: str | None = strawberry.field(
        default=None, description="Only signals whose horizon starts in this quarter or later."
    )
    quarter_to: str | None = strawberry.field(
        default=None, description="Only signals whose horizon starts in this quarter or earlier."
    )
    work_based_learning: list[models.WorkBasedLearning] | None = strawberry.field(
        default=None, description="Only signals hosting any of these (NONE: hosting none)."
    )
    is_degree_required: bool | None = strawberry.field(
        default=None, description="Only signals that do (true) or do not (false) require one."
    )

    def to_service(self) -> summary.DemandFilter:
        return summary.DemandFilter(
            occupation_codes=tuple(self.occupation_codes or ()),
            major_group_codes=tuple(self.major_group_codes or ()),
            quarter_from=self.quarter_from,
            quarter_to=self.quarter_to,
            work_based_learning=tuple(self.work_based_learning or ()),
            is_degree_required=self.is_degree_required,
        )


@strawberry.type(description="An occupation in a demand cell's key.")
class DemandCellOccupation:
    code: str = strawberry.field(description="The SOC code, e.g. 51-4041.")
    title: str = strawberry.field(description="The official title.")


@strawberry.type(description="A SOC major group in a demand cell's key.")
class DemandCellMajorGroup:
    code: str = strawberry.field(description="The group's code, e.g. 51-0000.")
    title: str = strawberry.field(description="The group's official title.")


@strawberry.type(description="A skill in a demand cell's key.")
class DemandCellSkill:
    id: strawberry.ID = strawberry.field(description="The skill's ID, e.g. 2.B.3.h.")
    name: str = strawberry.field(description="The skill's name.")


@strawberry.type(description="Which cell this is: the grouped dimensions are set, others null.")
class DemandCellKey:
    occupation: DemandCellOccupation | None = strawberry.field(description="The occupation.")
    major_group: DemandCellMajorGroup | None = strawberry.field(description="The major group.")
    skill: DemandCellSkill | None = strawberry.field(description="The skill.")
    quarter: str | None = strawberry.field(description="The quarter, e.g. 2027Q1.")
    work_based_learning: models.WorkBasedLearning | None = strawberry.field(
        description="The kind of work-based learning."
    )
    is_degree_required: bool | None = strawberry.field(description="Whether a degree is required.")

    @classmethod
    def of(cls, key: summary.CellKey) -> DemandCellKey:
        return cls(
            occupation=DemandCellOccupation(code=key.occupation.code, title=key.occupation.title)
            if key.occupation
            else None,
            major_group=DemandCellMajorGroup(code=key.major_group.code, title=key.major_group.title)
            if key.major_group
            else None,
            skill=DemandCellSkill(id=strawberry.ID(key.skill.code), name=key.skill.title)
            if key.skill
            else None,
            quarter=key.quarter,
            work_based_learning=key.work_based_learning,
            is_degree_required=key.is_degree_required,
        )


@strawberry.type(
    description="Pooled openings of one cell (or of all cells). A suppressed cell carries no "
    "numbers at all: too few employers stand behind it, one holds too large a share, or its "
    "numbers would let someone work out a hidden cell."
)
class DemandCell:
    key: DemandCellKey = strawberry.field(description="Which cell; all null for a total.")
    openings: int | None = strawberry.field(description="Openings; null when suppressed.")
    employer_count: int | None = strawberry.field(
        description="Distinct employers behind the openings; null when suppressed."
    )
    median_wage: Money | None = strawberry.field(
        description="Median hourly wage (midpoint of each signal's range; yearly wages / "
        "2080); null when suppressed, or when fewer than the rule's number of employers give "
        "a wage, one gives most of them, or they use several currencies."
    )
    suppressed: bool = strawberry.field(description="Whether the numbers are withheld.")

    @classmethod
    def of(cls, cell: summary.DemandCell) -> DemandCell:
        return cls(
            key=DemandCellKey.of(cell.key),
            openings=cell.openings,
            employer_count=cell.employer_count,
            median_wage=Money.of(cell.median_wage_cents, cell.currency or "USD"),
            suppressed=cell.suppressed,
        )


@strawberry.type(description="The partnership's disclosure rule, applied to every number.")
class DisclosureRuleInfo:
    min_employers: int = strawberry.field(
        description="A number is shown only if at least this many employers stand behind it."
    )
    max_share_percent: int = strawberry.field(
        description="A number is shown only if no single employer holds more than this "
        "percentage of its openings."
    )

    @classmethod
    def of(cls, rule: DisclosureRule) -> DisclosureRuleInfo:
        return cls(min_employers=rule.min_employers, max_share_percent=rule.max_share_percent)


@strawberry.type(description="Pooled demand of ACTIVE signals shared POOLED or NAMED.")
class DemandSummary:
    cells: list[DemandCell] = strawberry.field(
        description="One cell per combination of the grouped dimensions that has at least one "
        "signal, in the order of their keys (existence is shown, values may be suppressed)."
    )
    total: DemandCell = strawberry.field(description="All counted signals, under the same rule.")
    rule: DisclosureRuleInfo = strawberry.field(description="The disclosure rule applied.")


@strawberry.type(description="One occupation's pooled demand, quarter by quarter.")
class DemandTrend:
    occupation: Annotated[OccupationType, strawberry.lazy(SKILLS_SCHEMA)] = strawberry.field(
        description="The occupation."
    )
    points: list[DemandCell] = strawberry.field(
        description="One cell per quarter in the range, in order; a quarter without signals "
        "reads exactly like a suppressed one."
    )
    total: DemandCell = strawberry.field(description="All the quarters together.")
    rule: DisclosureRuleInfo = strawberry.field(description="The disclosure rule applied.")


@strawberry.type
class SummaryQuery:
    @strawberry.field(
        description="Pooled demand of the partnership, grouped, under its disclosure rule "
        "(members of any role, and partner apps with demand:read)."
    )
    async def demand_summary(
        self,
        info: Info,
        group_by: Annotated[
            list[DemandDimension],
            strawberry.argument(description="1 to 3 distinct dimensions, outermost first."),
        ],
        filter: Annotated[
            DemandSummaryFilter | None,
            strawberry.argument(description="Which signals to count."),
        ] = None,
    ) -> DemandSummary:
        principal = info.context.require_principal()
        async with info.context.session() as session:
            result = await summary.summarize_demand(
                session,
                principal,
                group_by=list(group_by),
                filter=filter.to_service() if filter else None,
            )
        return DemandSummary(
            cells=[DemandCell.of(cell) for cell in result.cells],
            total=DemandCell.of(result.total),
            rule=DisclosureRuleInfo.of(result.rule),
        )

    @strawberry.field(
        description="One occupation's pooled demand per quarter, under the disclosure rule."
    )
    async def demand_trend(
        self,
        info: Info,
        occupation_code: Annotated[
            str, strawberry.argument(description="A SOC code, e.g. 51-4041.")
        ],
        quarters: Annotated[
            int, strawberry.argument(description="How many quarters, 1 to 20 (default 8).")
        ] = 8,
        start: Annotated[
            str | None,
            strawberry.argument(
                name="from", description="The first quarter, e.g. 2027Q1 (default: this one)."
            ),
        ] = None,
    ) -> DemandTrend:
        principal = info.context.require_principal()
        async with info.context.session() as session:
            trend = await summary.demand_trend(
                session,
                principal,
                occupation_code=occupation_code,
                quarters=quarters,
                start=start,
            )
        return DemandTrend(
            occupation=OccupationType.from_record(trend.occupation),
            points=[DemandCell.of(point) for point in trend.points],
            total=DemandCell.of(trend.total),
            rule=DisclosureRuleInfo.of(trend.rule),
        )
