"""``Occupation.nextSteps``: where a worker in an occupation could move next. Added to
the skills domain's ``Occupation`` type through ``FIELDS``: the resolver receives the
occupation as ``self``."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from coalition.api.context import Info
from coalition.api.money import Money
from coalition.errors import InvalidInput, UserError
from coalition.pathways import next_steps as core
from coalition.pathways.schema.program import PathwayProgram
from coalition.skills.models import Skill
from coalition.skills.schema import (
    OccupationType,
    SkillShortfall,
    SkillsLoaders,
    SkillType,
)

SKILLS_SCHEMA = "coalition.skills.schema"
MAX_PROGRAMS = 20


@strawberry.input(description="Which next steps to list.")
class NextStepFilter:
    include_other_industries: bool = strawberry.field(
        default=True,
        description="Include steps outside the occupation's SOC major group ('up and out'; "
        "the major group stands for the industry). Default true.",
    )
    major_groups: list[str] | None = strawberry.field(
        default=None, description="Only steps in these SOC major groups (e.g. 29-0000)."
    )
    min_similarity: float | None = strawberry.field(
        default=None, description="Only steps at least this similar (0 to 1)."
    )


@strawberry.type(
    description="An ACTIVE program of the partnership and the skills to add it teaches."
)
class TeachingProgram:
    program: PathwayProgram = strawberry.field(description="The program.")
    skills: list[Annotated[SkillType, strawberry.lazy(SKILLS_SCHEMA)]] = strawberry.field(
        description="The skills to add that it teaches at the level the step needs."
    )


@strawberry.type(description="An occupation a worker could move to next.")
class NextStep:
    occupation: Annotated[OccupationType, strawberry.lazy(SKILLS_SCHEMA)] = strawberry.field(
        description="The occupation to move to."
    )
    similarity: float = strawberry.field(
        description="Skill similarity to the current occupation, 0 to 1, four decimals."
    )
    score: float = strawberry.field(
        description="The rank: similarity plus 0.05 x the relative wage gain (capped at a "
        "doubling) when both wages are shown; four decimals."
    )
    up_and_out: bool = strawberry.field(
        description="The step leaves the current occupation's SOC major group (industry)."
    )
    median_hourly_wage: Money | None = strawberry.field(
        description="The target's median hourly wage in the partnership's pooled demand, "
        "when the release shows it to the caller."
    )
    hourly_wage_gain: Money | None = strawberry.field(
        description="Target minus current median hourly wage, when both are shown."
    )
    skills_to_add: list[Annotated[SkillShortfall, strawberry.lazy(SKILLS_SCHEMA)]] = (
        strawberry.field(description="What the step takes, largest shortfall first.")
    )
    program_count: int = strawberry.field(
        description="How many ACTIVE programs of the partnership teach some of the skills to add."
    )
    matches: strawberry.Private[list[core.ProgramMatch]]
    skills: strawberry.Private[dict[str, Skill | None]]

    @strawberry.field(
        description="ACTIVE programs of the partnership teaching some of the skills to add: "
        "those teaching the most of them first, then by name."
    )
    def programs(
        self,
        first: Annotated[
            int, strawberry.argument(description="At most this many, 0 to 20 (default 5).")
        ] = 5,
    ) -> list[TeachingProgram]:
        if not 0 <= first <= MAX_PROGRAMS:
            raise InvalidInput(
                [UserError(("first",), f"Ask for 0 to {MAX_PROGRAMS} programs.", "OUT_OF_RANGE")]
            )
        return [
            TeachingProgram(
                program=PathwayProgram.from_ref(match.program),
                skills=[
                    SkillType.from_model(skill)
                    for i in match.skill_ids
                    if (skill := self.skills.get(i)) is not None
                ],
            )
            for match in self.matches[:first]
        ]


async def _next_step_types(info: Info, steps: list[core.NextStep]) -> list[NextStep]:
    loaders = info.context.loaders.of(SkillsLoaders)
    records = await loaders.occupation.load_many([s.occupation_code for s in steps])
    # Every skill of every step in one batch.
    skill_ids = sorted({g.skill_id for s in steps for g in s.shortfalls})
    skills = dict(zip(skill_ids, await loaders.skill.load_many(skill_ids), strict=True))
    found: list[NextStep] = []
    for step, record in zip(steps, records, strict=True):
        if record is None:
            continue
        found.append(
            NextStep(
                occupation=OccupationType.from_record(record),
                similarity=round(step.similarity, 4),
                score=round(step.score, 4),
                up_and_out=step.up_and_out,
                median_hourly_wage=Money.of(*step.median_wage) if step.median_wage else None,
                hourly_wage_gain=(
                    Money.of(step.wage_gain_cents, step.median_wage[1])
                    if step.wage_gain_cents is not None and step.median_wage
                    else None
                ),
                skills_to_add=[
                    SkillShortfall(
                        skill=SkillType.from_model(skill),
                        required=round(gap.required, 2),
                        current=round(gap.current, 2),
                        shortfall=gap.shortfall,
                    )
                    for gap in step.shortfalls
                    if (skill := skills.get(gap.skill_id)) is not None
                ],
                program_count=len(step.programs),
                matches=step.programs,
                skills=skills,
            )
        )
    return found


@strawberry.type
class OccupationPathwayFields:
    @strawberry.field(
        description="Occupations a worker could move to next, best first: ranked by skill "
        "similarity and, where the partnership's pooled demand shows both wages, wage gain; "
        "only steps up (a higher wage, or without both wages a higher O*NET skill "
        "requirement), 'up and out' of the industry included. Members of the partnership "
        "and partner apps with programs:read."
    )
    async def next_steps(
        self: Any,
        info: Info,
        first: Annotated[
            int, strawberry.argument(description="How many steps, 1 to 20 (default 5).")
        ] = 5,
        filter: Annotated[
            NextStepFilter | None,
            strawberry.argument(description="Which steps: industries, major groups, similarity."),
        ] = None,
    ) -> list[NextStep]:
        principal = info.context.require_principal()
        chosen = filter or NextStepFilter()
        async with info.context.session() as session:
            steps = await core.next_steps(
                session,
                principal,
                code=self.code,
                first=first,
                filter=core.NextStepFilter(
                    include_other_industries=chosen.include_other_industries,
                    major_groups=tuple(chosen.major_groups or ()),
                    min_similarity=chosen.min_similarity,
                ),
            )
        return await _next_step_types(info, steps)
