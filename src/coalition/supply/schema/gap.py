# mypy: disable-error-code="untyped-decorator"
"""GraphQL of the skills gap: ``skillsGap`` and ``providerGap`` (translation only)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from coalition.api.context import Info
from coalition.api.enums import expose_enum
from coalition.api.mutations import decode_id
from coalition.api.relay import to_global_id
from coalition.demand.schema.summary import release_id_of
from coalition.supply import gap as gaps
from coalition.supply.schema.program import TrainingProgramType

if TYPE_CHECKING:
    from coalition.demand.schema.summary import DemandReleaseType

DEMAND_SCHEMA = "coalition.demand.schema.summary"


expose_enum(
    gaps.GapGroup,
    name="SkillsGapGroup",
    description="What the rows of the skills gap are.",
    values={
        gaps.GapGroup.OCCUPATION: "One row per occupation (SOC code).",
        gaps.GapGroup.SKILL: "One row per skill.",
    },
)


@strawberry.input(
    description="Which rows of the skills gap; every given part must match, an empty list "
    "restricts nothing. Unknown codes are refused."
)
class SkillsGapFilter:
    occupation_codes: list[str] | None = strawberry.field(
        default=None,
        description="Only these occupations (SOC codes): demand of signals for them, and "
        "completers of programs targeting them (their share of each program).",
    )
    major_group_codes: list[str] | None = strawberry.field(
        default=None, description="Only occupations of these SOC major groups (e.g. 51-0000)."
    )
    skill_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Only these skills' rows (groupBy SKILL only)."
    )

    def to_service(self) -> gaps.GapFilter:
        return gaps.GapFilter(
            occupation_codes=tuple(self.occupation_codes or ()),
            major_group_codes=tuple(self.major_group_codes or ()),
            skill_ids=tuple(str(skill) for skill in self.skill_ids or ()),
        )


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@strawberry.type(
    description="One occupation (or skill) of the skills gap. A hidden row carries no "
    "demand, gap or ratio: its pooled demand is suppressed by the disclosure rule, or no "
    "signal falls in it (the two read alike), and the gap or the ratio with the supply "
    "would give the demand back."
)
class SkillsGapRow:
    code: str = strawberry.field(description="The SOC code, or the skill's ID.")
    title: str = strawberry.field(description="The occupation's title, or the skill's name.")
    hidden: bool = strawberry.field(description="Whether demand, gap and ratio are withheld.")
    demand: int | None = strawberry.field(
        description="Pooled openings over the horizon, exactly as demandSummary shows the cell "
        "(from the same release, under the same rule: noised, rounded); null when hidden."
    )
    expected_completers: float = strawberry.field(
        description="Expected completers of cohorts that are not CANCELLED, of programs that are "
        "not DRAFT, ending within the horizon: each cohort's enrolled count (its seats until "
        "known) x its completion rate. By OCCUPATION, a program targeting several occupations "
        "gives each an equal share of its completers (split, not double-counted: the shares "
        "add up to the completers). By SKILL, a completer supplies each skill its program "
        "teaches at or above the skill's demanded level once. Rounded to hundredths."
    )
    gap: float | None = strawberry.field(
        description="demand - expectedCompleters: positive is a shortage; null when hidden."
    )
    ratio: float | None = strawberry.field(
        description="demand / expectedCompleters (openings per expected completer), to "
        "hundredths; null when hidden or when no completers are expected."
    )
    demanded_level: int | None = strawberry.field(
        description="By SKILL: the level (1-4) a program must teach the skill to, to count: "
        "the highest level ACTIVE NAMED signals ask for it at, else 1 (a release keeps no "
        "levels, and POOLED signals' levels are their employers' own), read at the first "
        "skills gap of the release and kept until the next. Null by OCCUPATION."
    )

    @classmethod
    def of(cls, row: gaps.GapRow) -> SkillsGapRow:
        return cls(
            code=row.code,
            title=row.title,
            hidden=row.hidden,
            demand=row.demand,
            expected_completers=float(row.supply),
            gap=_float(row.gap),
            ratio=_float(row.ratio),
            demanded_level=row.demanded_level,
        )


@strawberry.type(description="Pooled demand against expected completers over a horizon.")
class SkillsGap:
    release: Annotated[DemandReleaseType, strawberry.lazy(DEMAND_SCHEMA)] | None = strawberry.field(
        description="The release demand was read from; null before the first."
    )
    group_by: gaps.GapGroup = strawberry.field(description="What the rows are.")
    start: str = strawberry.field(name="from", description="The horizon's first quarter.")
    end: str = strawberry.field(name="to", description="The horizon's last quarter.")
    rows: list[SkillsGapRow] = strawberry.field(
        description="Shown rows by gap, largest first (then by code), then the hidden rows "
        "by code: every cell demandSummary lists for the question, and every occupation "
        "(skill) with expected completers."
    )

    @classmethod
    def of(cls, result: gaps.SkillsGap) -> SkillsGap:
        from coalition.demand.schema.summary import DemandReleaseType

        return cls(
            release=DemandReleaseType.from_model(result.release) if result.release else None,
            group_by=result.group_by,
            start=_quarter(result.horizon.first),
            end=_quarter(result.horizon.last),
            rows=[SkillsGapRow.of(row) for row in result.rows],
        )


def _quarter(day: object) -> str:
    from coalition.demand.quarters import format_quarter

    return format_quarter(day)  # type: ignore[arg-type]


@strawberry.type(description="One of the provider's ACTIVE programs against the gap.")
class ProgramAgainstGap:
    program_id: strawberry.ID = strawberry.field(description="The TrainingProgram's ID.")
    name: str = strawberry.field(description="The program's name.")
    occupations: list[SkillsGapRow] = strawberry.field(
        description="The occupations it targets, as rows of the gap by OCCUPATION."
    )
    skills: list[SkillsGapRow] = strawberry.field(
        description="The skills it teaches at or above their demanded level, as rows of the "
        "gap by SKILL."
    )
    meets_shortage: bool = strawberry.field(
        description="Whether one of those rows is shown with a positive gap."
    )
    program_uuid: strawberry.Private[uuid.UUID]

    @strawberry.field(description="The whole program.")
    async def program(self, info: Info) -> TrainingProgramType | None:
        return await TrainingProgramType.resolve_node(info, self.program_uuid)


@strawberry.type(description="A provider's programs against the skills gap.")
class ProviderGap:
    organization_id: strawberry.ID = strawberry.field(description="The provider's ID.")
    organization_name: str = strawberry.field(description="The provider's name.")
    programs: list[ProgramAgainstGap] = strawberry.field(
        description="Its ACTIVE programs, by name."
    )
    untaught_skills: list[SkillsGapRow] = strawberry.field(
        description="Skills with shown, positive demand that no ACTIVE program of the "
        "partnership teaches at or above their demanded level."
    )
    by_occupation: SkillsGap = strawberry.field(description="The gap by OCCUPATION.")
    by_skill: SkillsGap = strawberry.field(description="The gap by SKILL.")


ReleaseArgument = Annotated[
    strawberry.ID | None,
    strawberry.argument(description="A DemandRelease's ID (default: the newest)."),
]
FromArgument = Annotated[
    str,
    strawberry.argument(name="from", description="The horizon's first quarter, e.g. 2027Q1."),
]
ToArgument = Annotated[
    str,
    strawberry.argument(
        name="to",
        description=f"The horizon's last quarter (at most {gaps.MAX_HORIZON_QUARTERS} quarters).",
    ),
]


@strawberry.type
class GapQuery:
    @strawberry.field(
        description="The skills gap: for each occupation (or skill), pooled demand over the "
        "horizon against expected completers of cohorts ending in it, largest gap first. "
        "Demand is read from the release exactly as demandSummary shows it to the reader; a "
        "row whose demand it hides shows no demand, gap or ratio. Members of any role, and "
        "partner apps with programs:read and demand:read."
    )
    async def skills_gap(
        self,
        info: Info,
        start: FromArgument,
        end: ToArgument,
        group_by: Annotated[
            gaps.GapGroup, strawberry.argument(description="Rows per OCCUPATION or SKILL.")
        ],
        filter: Annotated[
            SkillsGapFilter | None, strawberry.argument(description="Which rows.")
        ] = None,
        release: ReleaseArgument = None,
    ) -> SkillsGap:
        principal = info.context.require_principal()
        release_id = release_id_of(release)
        async with info.context.session() as session:
            result = await gaps.skills_gap(
                session,
                principal,
                start=str(start),
                end=str(end),
                group_by=gaps.GapGroup(group_by),
                filter=filter.to_service() if filter else None,
                release_id=release_id,
            )
        return SkillsGap.of(result)

    @strawberry.field(
        description="A provider's ACTIVE programs against the skills gap: which meet a "
        "shortage, and which demanded skills nobody in the partnership teaches. The "
        "viewer's own provider organization; partnership admins may name any."
    )
    async def provider_gap(
        self,
        info: Info,
        start: FromArgument,
        end: ToArgument,
        organization_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="An Organization's ID (partnership admins; others: one of their "
                "own). Default: the viewer's one provider organization."
            ),
        ] = None,
        release: ReleaseArgument = None,
    ) -> ProviderGap:
        principal = info.context.require_principal()
        release_id = release_id_of(release)
        organization = (
            decode_id(organization_id, "Organization", "organizationId")
            if organization_id is not None
            else None
        )
        async with info.context.session() as session:
            result = await gaps.provider_gap(
                session,
                principal,
                start=str(start),
                end=str(end),
                organization_id=organization,
                release_id=release_id,
            )
        return ProviderGap(
            organization_id=to_global_id("Organization", result.organization.id),
            organization_name=result.organization.name,
            programs=[
                ProgramAgainstGap(
                    program_id=to_global_id("TrainingProgram", item.program_id),
                    name=item.name,
                    occupations=[SkillsGapRow.of(row) for row in item.occupations],
                    skills=[SkillsGapRow.of(row) for row in item.skills],
                    meets_shortage=item.meets_shortage,
                    program_uuid=item.program_id,
                )
                for item in result.programs
            ],
            untaught_skills=[SkillsGapRow.of(row) for row in result.untaught_skills],
            by_occupation=SkillsGap.of(result.occupations),
            by_skill=SkillsGap.of(result.skills),
        )


__all__ = ["GapQuery", "SkillsGap", "SkillsGapRow"]
