# mypy: disable-error-code="untyped-decorator"
"""GraphQL of pooled demand: ``demandSummary`` and ``demandTrend`` (translation only)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

import strawberry

from coalition.api.context import Info
from coalition.api.money import Money
from coalition.api.mutations import UserError, run_mutation
from coalition.api.relay import Node, from_global_id, to_global_id
from coalition.auth.principal import Principal
from coalition.demand import models, questions, releases, summary
from coalition.demand.figures import EmployerBand
from coalition.demand.questions import DemandDimension
from coalition.demand.schema import enums  # noqa: F401  (describes the enums before use)
from coalition.disclosure.rule import DisclosureRule
from coalition.errors import InvalidInput
from coalition.errors import UserError as DomainUserError
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
        default=None,
        description="Only openings in this quarter or later (a signal counts in every quarter "
        "of its horizon, its openings spread evenly).",
    )
    quarter_to: str | None = strawberry.field(
        default=None, description="Only openings in this quarter or earlier."
    )
    work_based_learning: list[models.WorkBasedLearning] | None = strawberry.field(
        default=None, description="Only signals hosting any of these (NONE: hosting none)."
    )
    is_degree_required: bool | None = strawberry.field(
        default=None, description="Only signals that do (true) or do not (false) require one."
    )

    def to_service(self) -> questions.DemandFilter:
        return questions.DemandFilter(
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
    def of(cls, key: questions.CellKey) -> DemandCellKey:
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
    description="Pooled openings of one cell (or of all cells) in a release. A suppressed cell "
    "carries no numbers at all: too few other employers stand behind it, one holds too large "
    "a share, or its numbers would let someone work out a hidden cell."
)
class DemandCell:
    key: DemandCellKey = strawberry.field(description="Which cell; all null for a total.")
    openings: int | None = strawberry.field(
        description="Openings expected in the cell, rounded to whole openings; null when "
        "suppressed. Each POOLED employer's openings are distorted by a permanent factor "
        "(10% to 25% off by default, never the same as the truth), so no one employer's "
        "openings can be worked out; NAMED openings count as they are."
    )
    employer_count_band: EmployerBand | None = strawberry.field(
        description="How many employers stand behind the openings, as a band; null when suppressed."
    )
    median_wage: Money | None = strawberry.field(
        description="Median of the employers' hourly wages (each the openings-weighted "
        "midpoint of its signals' ranges, yearly wages / 2080, distorted like the openings); "
        "null when suppressed, or when fewer than the rule's number of other employers give "
        "a wage, or they use several currencies."
    )
    suppressed: bool = strawberry.field(description="Whether the numbers are withheld.")

    @classmethod
    def of(cls, cell: summary.DemandCell) -> DemandCell:
        return cls(
            key=DemandCellKey.of(cell.key),
            openings=cell.openings,
            employer_count_band=cell.employers,
            median_wage=Money.of(cell.median_wage_cents, cell.currency or "USD"),
            suppressed=cell.suppressed,
        )


@strawberry.type(description="The disclosure rule a release was made under.")
class DisclosureRuleInfo:
    min_employers: int = strawberry.field(
        description="A number is shown only if at least this many employers other than the "
        "reader's own organizations stand behind its POOLED openings."
    )
    p_percent: int = strawberry.field(
        description="The p% rule: a number is shown only if its openings without the two "
        "largest employers' are at least this percentage of the largest's, so the runner-up "
        "cannot estimate the leader's within this percentage."
    )
    noise_min_percent: int = strawberry.field(
        description="Each POOLED employer's openings and wages are distorted by at least "
        "this percentage, up or down, by a factor fixed once for each signal."
    )
    noise_max_percent: int = strawberry.field(description="... and by at most this percentage.")

    @classmethod
    def of(cls, rule: DisclosureRule) -> DisclosureRuleInfo:
        return cls(
            min_employers=rule.min_employers,
            p_percent=rule.p_percent,
            noise_min_percent=rule.noise_min_percent,
            noise_max_percent=rule.noise_max_percent,
        )


@strawberry.type(
    name="DemandRelease",
    description="A frozen snapshot of pooled demand: every pooled number is read from one. "
    "Made on the partnership's schedule (daily by default) and by partnership admins on "
    "demand, never twice within its minimum interval.",
)
class DemandReleaseType(Node):
    published_at: datetime = strawberry.field(description="When it was made.")
    made_by: str = strawberry.field(
        description="SCHEDULE, CONVENER (a partnership admin) or OPERATOR (the command line)."
    )
    rule: DisclosureRuleInfo = strawberry.field(description="The rule it was made under.")

    @classmethod
    def from_model(cls, release: models.DemandRelease) -> DemandReleaseType:
        return cls(
            id=to_global_id("DemandRelease", release.id),
            published_at=release.published_at,
            made_by=release.made_by,
            rule=DisclosureRuleInfo.of(releases.rule_of(release)),
        )

    @classmethod
    async def resolve_node(cls, info: Info, object_id: uuid.UUID) -> DemandReleaseType | None:
        principal = info.context.require_principal()
        async with info.context.session() as session:
            found = await releases.releases_by_ids(session, principal, [object_id])
        release = found.get(object_id)
        return cls.from_model(release) if release else None


@strawberry.type(description="Pooled demand of ACTIVE signals shared POOLED or NAMED.")
class DemandSummary:
    release: DemandReleaseType | None = strawberry.field(
        description="The release read; null before the partnership's first (then there are "
        "no cells)."
    )
    cells: list[DemandCell] = strawberry.field(
        description="The cells the reader may see, in the order of their keys. A cell the "
        "rule hides is left out, unless NAMED or the reader's own signals fall in it (then it "
        "is listed, suppressed)."
    )
    total: DemandCell = strawberry.field(description="All counted signals, under the same rule.")
    rule: DisclosureRuleInfo = strawberry.field(description="The disclosure rule applied.")


@strawberry.type(description="One occupation's pooled demand, quarter by quarter.")
class DemandTrend:
    release: DemandReleaseType | None = strawberry.field(
        description="The release read; null before the partnership's first."
    )
    occupation: Annotated[OccupationType, strawberry.lazy(SKILLS_SCHEMA)] = strawberry.field(
        description="The occupation."
    )
    points: list[DemandCell] = strawberry.field(
        description="One cell per quarter in the range, in order; a quarter without signals "
        "reads exactly like a suppressed one."
    )
    total: DemandCell = strawberry.field(description="All the quarters together.")
    rule: DisclosureRuleInfo = strawberry.field(description="The disclosure rule applied.")


def release_id_of(release: str | None) -> uuid.UUID | None:
    """A ``release`` argument as the release's UUID (None: the newest); an ID that is not
    a DemandRelease's fails like one that does not exist."""
    if release is None:
        return None
    decoded = from_global_id(release, "DemandRelease")
    if decoded is None:
        raise InvalidInput([DomainUserError(("release",), "No release with this ID.", "NOT_FOUND")])
    return decoded[1]


@strawberry.type(description="Result of publishing a demand release.")
class PublishDemandReleasePayload:
    release: DemandReleaseType | None = strawberry.field(description="The new release.")
    user_errors: list[UserError] = strawberry.field(
        description="Problems: TOO_SOON within the partnership's minimum interval."
    )


@strawberry.type
class ReleaseMutation:
    @strawberry.mutation(
        description="Publish a release of pooled demand now (partnership admins), at most "
        "once per the partnership's minimum interval (6 hours by default)."
    )
    async def publish_demand_release(self, info: Info) -> PublishDemandReleasePayload:
        async def action(session: Any, principal: Principal) -> models.DemandRelease:
            return await releases.publish_release(
                session, principal, made_by=releases.MadeBy.CONVENER
            )

        release, errors = await run_mutation(info, action)
        return PublishDemandReleasePayload(
            release=DemandReleaseType.from_model(release) if release else None,
            user_errors=errors,
        )


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
        release: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="A DemandRelease's ID (default: the newest)."),
        ] = None,
    ) -> DemandSummary:
        principal = info.context.require_principal()
        release_id = release_id_of(release)
        async with info.context.session() as session:
            result = await summary.summarize_demand(
                session,
                principal,
                group_by=list(group_by),
                filter=filter.to_service() if filter else None,
                release_id=release_id,
            )
        return DemandSummary(
            release=DemandReleaseType.from_model(result.release) if result.release else None,
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
        release: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="A DemandRelease's ID (default: the newest)."),
        ] = None,
    ) -> DemandTrend:
        principal = info.context.require_principal()
        release_id = release_id_of(release)
        async with info.context.session() as session:
            trend = await summary.demand_trend(
                session,
                principal,
                occupation_code=occupation_code,
                quarters=quarters,
                start=start,
                release_id=release_id,
            )
        return DemandTrend(
            release=DemandReleaseType.from_model(trend.release) if trend.release else None,
            occupation=OccupationType.from_record(trend.occupation),
            points=[DemandCell.of(point) for point in trend.points],
            total=DemandCell.of(trend.total),
            rule=DisclosureRuleInfo.of(trend.rule),
        )
