# mypy: disable-error-code="untyped-decorator"
"""The CareerPathway and CareerPathwayStep types and the queries of pathways.

The occupation, organizations and skills are the skills and tenancy domains' own
types, annotated lazily (``strawberry.lazy``) and built here from the rows the
loaders read.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import strawberry

from coalition.api.context import Info
from coalition.api.money import Money
from coalition.api.relay import After, Connection, First, Node, NodeId, from_global_id, to_global_id
from coalition.demand.models import WageUnit, WorkBasedLearning
from coalition.demand.schema import enums as _demand_enums  # noqa: F401 (describes the enums)
from coalition.pagination import DEFAULT_PAGE_SIZE, PageRequest
from coalition.pathways import models, reads
from coalition.pathways.schema.loaders import PathwaysLoaders
from coalition.pathways.schema.program import PathwayProgram
from coalition.skills.schema import OccupationType, SkillShortfall, SkillsLoaders, shortfall_types
from coalition.tenancy.schema import OrganizationType, TenancyLoaders

SKILLS_SCHEMA = "coalition.skills.schema"
TENANCY_SCHEMA = "coalition.tenancy.schema"


def _loaders(info: Info) -> PathwaysLoaders:
    return info.context.loaders.of(PathwaysLoaders)


@strawberry.type(name="CareerPathwayStep", description="One occupation of a career pathway.")
class CareerPathwayStepType:
    id: strawberry.ID = strawberry.field(description="The step's global ID.")
    position: int = strawberry.field(
        description="Its place among all the pathway's steps (retired ones too), from 1."
    )
    wage_min: Money | None = strawberry.field(description="Lowest typical wage, if given.")
    wage_max: Money | None = strawberry.field(description="Highest typical wage, if given.")
    wage_unit: WageUnit | None = strawberry.field(
        description="Per hour or per year; set whenever a wage is."
    )
    work_based_learning: list[WorkBasedLearning] = strawberry.field(
        description="Work-based learning on the way into this step."
    )
    retired_at: datetime | None = strawberry.field(
        description="When the step was retired; null for a current step."
    )
    model: strawberry.Private[models.CareerPathwayStep]
    previous_code: strawberry.Private[str | None]

    @classmethod
    def from_model(
        cls, step: models.CareerPathwayStep, previous_code: str | None
    ) -> CareerPathwayStepType:
        return cls(
            id=to_global_id("CareerPathwayStep", step.id),
            position=step.position,
            wage_min=Money.of(step.wage_min_minor, step.currency),
            wage_max=Money.of(step.wage_max_minor, step.currency),
            wage_unit=step.wage_unit,
            work_based_learning=[WorkBasedLearning(k) for k in step.work_based_learning],
            retired_at=step.retired_at,
            model=step,
            previous_code=previous_code,
        )

    @strawberry.field(description="The occupation (SOC 2018).")
    async def occupation(
        self, info: Info
    ) -> Annotated[OccupationType, strawberry.lazy(SKILLS_SCHEMA)] | None:
        record = await info.context.loaders.of(SkillsLoaders).occupation.load(
            self.model.occupation_code
        )
        return OccupationType.from_record(record) if record else None

    @strawberry.field(description="Member organizations that typically hire into this step.")
    async def typical_employers(
        self, info: Info
    ) -> list[Annotated[OrganizationType, strawberry.lazy(TENANCY_SCHEMA)]]:
        found = await _loaders(info).employers.load(self.model.id)
        return [OrganizationType.from_model(organization) for organization in found]

    @strawberry.field(description="Training programs of the partnership that bridge into it.")
    async def bridging_programs(self, info: Info) -> list[PathwayProgram]:
        found = await _loaders(info).programs.load(self.model.id)
        return [PathwayProgram.from_ref(ref) for ref in found]

    @strawberry.field(
        description="The skills this step adds to the previous current (not retired) step: "
        "the skill gap from that occupation to this one (see Occupation.skillGapTo). Empty "
        "for the first step, a retired step, or unless O*NET rates both occupations."
    )
    async def skills_added(
        self, info: Info
    ) -> list[Annotated[SkillShortfall, strawberry.lazy(SKILLS_SCHEMA)]]:
        if self.previous_code is None or self.model.retired_at is not None:
            return []
        found = await _loaders(info).shortfalls.load(
            (self.previous_code, self.model.occupation_code)
        )
        return await shortfall_types(info, found)


@strawberry.type(
    name="CareerPathway",
    description="A partnership's chain of occupations, step by step: the skills each step "
    "adds and the programs that bridge them.",
)
class CareerPathwayType(Node):
    name: str = strawberry.field(description="The pathway's name.")
    description: str = strawberry.field(description="What the pathway is for.")
    created_at: datetime = strawberry.field(description="When it was created.")
    updated_at: datetime = strawberry.field(description="When it or a step last changed.")
    model: strawberry.Private[models.CareerPathway]

    @classmethod
    async def resolve_node(cls, info: Info, object_id: uuid.UUID) -> CareerPathwayType | None:
        pathway = await _loaders(info).pathway.load(object_id)
        return cls.from_model(pathway) if pathway else None

    @classmethod
    def from_model(cls, pathway: models.CareerPathway) -> CareerPathwayType:
        return cls(
            id=to_global_id("CareerPathway", pathway.id),
            name=pathway.name,
            description=pathway.description,
            created_at=pathway.created_at,
            updated_at=pathway.updated_at,
            model=pathway,
        )

    @strawberry.field(
        description="The employer that owns the pathway (its organization admins may change "
        "it); null for the partnership's own."
    )
    async def organization(
        self, info: Info
    ) -> Annotated[OrganizationType, strawberry.lazy(TENANCY_SCHEMA)] | None:
        if self.model.organization_id is None:
            return None
        found = await info.context.loaders.of(TenancyLoaders).organization.load(
            self.model.organization_id
        )
        return OrganizationType.from_model(found) if found else None

    @strawberry.field(description="The steps in order; retired ones only when asked for.")
    async def steps(
        self,
        info: Info,
        include_retired: Annotated[
            bool, strawberry.argument(description="Also list retired steps (default false).")
        ] = False,
    ) -> list[CareerPathwayStepType]:
        found = await _loaders(info).steps.load(self.model.id)
        shown: list[CareerPathwayStepType] = []
        previous: str | None = None
        for step in found:
            if step.retired_at is None:
                shown.append(CareerPathwayStepType.from_model(step, previous))
                previous = step.occupation_code
            elif include_retired:
                shown.append(CareerPathwayStepType.from_model(step, None))
        return shown


@strawberry.type
class PathwayQuery:
    @strawberry.field(
        description="The partnership's career pathways, oldest first (members and partner "
        "apps with programs:read)."
    )
    async def career_pathways(
        self, info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None
    ) -> Connection[CareerPathwayType]:
        principal = info.context.require_principal()
        async with info.context.session() as session:
            page = await reads.list_pathways(
                session, principal, page=PageRequest(first=first, after=after)
            )
        return Connection.of(page, CareerPathwayType.from_model)

    @strawberry.field(description="One career pathway; null if there is none the caller may see.")
    async def career_pathway(self, info: Info, id: NodeId) -> CareerPathwayType | None:
        info.context.require_principal()
        decoded = from_global_id(id, "CareerPathway")
        if decoded is None:
            return None
        pathway = await _loaders(info).pathway.load(decoded[1])
        return CareerPathwayType.from_model(pathway) if pathway else None
