# mypy: disable-error-code="untyped-decorator"
"""GraphQL types, queries and mutations of the shared vocabulary (translation only)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry

from coalition.api.context import Info
from coalition.api.enums import expose_enum
from coalition.api.mutations import UserError, run_mutation
from coalition.api.relay import After, Connection, First
from coalition.auth.principal import Principal
from coalition.pagination import DEFAULT_PAGE_SIZE, PageRequest
from coalition.skills import models, service
from coalition.skills.loaders import SkillsLoaders

expose_enum(
    models.SkillKind,
    name="SkillKind",
    description="What kind of skill this is.",
    values={
        models.SkillKind.ESSENTIAL: "A skill of our essential skills framework: how a person "
        "works with others and gets work done, in any job.",
        models.SkillKind.TECHNICAL: "An O*NET skill (basic or cross-functional), such as "
        "Operation and Control.",
        models.SkillKind.KNOWLEDGE: "An O*NET knowledge area, such as Mechanical or Medicine "
        "and Dentistry.",
    },
)

ONET_CREDIT = (
    "Ratings include information from the O*NET 29.3 Database by the U.S. Department of "
    "Labor, Employment and Training Administration (USDOL/ETA), used under the CC BY 4.0 "
    "license."
)


def _loaders(info: Info) -> SkillsLoaders:
    return info.context.loaders.of(SkillsLoaders)


@strawberry.type(name="OccupationGroup", description="A SOC 2018 major, minor or broad group.")
class OccupationGroupType:
    code: str = strawberry.field(description="The group's SOC code, e.g. 51-0000.")
    title: str = strawberry.field(description="The group's official title.")


@strawberry.type(
    name="OnetOccupation",
    description="An O*NET-SOC occupation: a SOC occupation (.00) or a specialty of it (.01...).",
)
class OnetOccupationType:
    code: str = strawberry.field(description="The O*NET-SOC code, e.g. 51-4041.00.")
    title: str = strawberry.field(description="O*NET's title.")


@strawberry.type(name="Skill", description="A skill or knowledge area of the shared vocabulary.")
class SkillType:
    id: strawberry.ID = strawberry.field(
        description="Stable ID: the O*NET element ID (e.g. 2.B.3.h), or ES.<name> for an "
        "essential skill. Not a Relay global ID."
    )
    name: str = strawberry.field(description="The skill's name.")
    kind: models.SkillKind = strawberry.field(description="Essential, technical or knowledge.")
    description: str | None = strawberry.field(description="What the skill is.")
    category: str | None = strawberry.field(description="Its group, e.g. O*NET's Technical Skills.")
    onet_element_id: str | None = strawberry.field(description="O*NET content model element ID.")
    osn_rsd_uri: str | None = strawberry.field(
        description="Open Skills Network Rich Skill Descriptor URI, when one is linked."
    )
    lightcast_id: str | None = strawberry.field(description="Lightcast skill ID, when linked.")

    @classmethod
    def from_model(cls, skill: models.Skill) -> SkillType:
        return cls(
            id=strawberry.ID(skill.id),
            name=skill.name,
            kind=skill.kind,
            description=skill.description,
            category=skill.category,
            onet_element_id=skill.onet_element_id,
            osn_rsd_uri=skill.osn_rsd_uri,
            lightcast_id=skill.lightcast_id,
        )


@strawberry.type(description="How much one skill matters in an occupation, and at what level.")
class RatedSkill:
    skill: SkillType = strawberry.field(description="The skill.")
    importance: float | None = strawberry.field(description="O*NET importance, 1 to 5.")
    level: float | None = strawberry.field(description="O*NET level, 0 to 7.")
    is_suppressed_recommended: bool = strawberry.field(
        description="O*NET recommends suppressing this rating: its precision is low."
    )
    is_not_relevant: bool = strawberry.field(description="O*NET rated the skill not relevant.")


@strawberry.type(description="The skills an occupation needs, from O*NET's ratings.")
class SkillProfile:
    has_ratings: bool = strawberry.field(
        description="Whether O*NET rates this occupation; when false, skills is empty: "
        "nothing is estimated."
    )
    source: str | None = strawberry.field(description=f"Where the ratings come from. {ONET_CREDIT}")
    onet_code: str | None = strawberry.field(description="The O*NET-SOC occupation rated.")
    all_skills: strawberry.Private[list[RatedSkill]]

    @strawberry.field(description="Rated skills, most important first.")
    def skills(
        self,
        kind: Annotated[
            models.SkillKind | None,
            strawberry.argument(description="Only skills of this kind."),
        ] = None,
    ) -> list[RatedSkill]:
        return [rated for rated in self.all_skills if kind is None or rated.skill.kind == kind]

    @classmethod
    def from_profile(cls, profile: service.SkillProfile) -> SkillProfile:
        return cls(
            has_ratings=profile.has_ratings,
            source=profile.source,
            onet_code=profile.onet_code,
            all_skills=[
                RatedSkill(
                    skill=SkillType.from_model(rated.skill),
                    importance=None if rated.importance is None else float(rated.importance),
                    level=None if rated.level is None else float(rated.level),
                    is_suppressed_recommended=rated.is_suppressed_recommended,
                    is_not_relevant=rated.is_not_relevant,
                )
                for rated in profile.skills
            ],
        )


@strawberry.type(name="Occupation", description="A SOC 2018 detailed occupation.")
class OccupationType:
    code: str = strawberry.field(description="The SOC code, e.g. 51-4041.")
    title: str = strawberry.field(description="The official title.")
    definition: str | None = strawberry.field(description="The BLS definition.")
    major_group: OccupationGroupType = strawberry.field(description="Its major group.")
    minor_group: OccupationGroupType = strawberry.field(description="Its minor group.")
    broad_group: OccupationGroupType = strawberry.field(description="Its broad group.")

    @classmethod
    def from_record(cls, record: service.OccupationRecord) -> OccupationType:
        def group(ref: service.GroupRef) -> OccupationGroupType:
            return OccupationGroupType(code=ref.code, title=ref.title)

        return cls(
            code=record.code,
            title=record.title,
            definition=record.definition,
            major_group=group(record.major),
            minor_group=group(record.minor),
            broad_group=group(record.broad),
        )

    @strawberry.field(description="The O*NET-SOC occupations under this code, .00 first.")
    async def onet_occupations(self, info: Info) -> list[OnetOccupationType]:
        found = await _loaders(info).onet_occupations.load(self.code) or []
        return [OnetOccupationType(code=row.onet_code, title=row.title) for row in found]

    @strawberry.field(description="Up to 20 BLS direct-match job titles, illustrative ones first.")
    async def aliases(self, info: Info) -> list[str]:
        return await _loaders(info).aliases.load(self.code) or []

    @strawberry.field(description="The skills this occupation needs, from O*NET.")
    async def skill_profile(self, info: Info) -> SkillProfile:
        profile = await _loaders(info).skill_profile.load(self.code)
        assert profile is not None
        return SkillProfile.from_profile(profile)


@strawberry.type(name="EssentialSkill", description="A skill of the essential skills framework.")
class EssentialSkillType:
    id: strawberry.ID = strawberry.field(description="The skill's ID, e.g. ES.communication.")
    name: str = strawberry.field(description="The skill's name.")
    definition: str = strawberry.field(description="What the skill means, in one sentence.")
    examples: list[str] = strawberry.field(
        description="What it looks like at work: the partnership's own examples if it has "
        "them, otherwise the framework's."
    )
    is_customized: bool = strawberry.field(
        description="Whether the examples are the partnership's own."
    )
    customized_at: datetime | None = strawberry.field(
        description="When the partnership last set its own examples."
    )

    @classmethod
    def from_view(cls, view: service.EssentialSkillView) -> EssentialSkillType:
        return cls(
            id=strawberry.ID(view.id),
            name=view.name,
            definition=view.definition,
            examples=view.examples,
            is_customized=view.is_customized,
            customized_at=view.customized_at,
        )


@strawberry.type(name="Industry", description="A NAICS 2022 industry.")
class IndustryType:
    code: str = strawberry.field(description="The NAICS code: 2 to 6 digits, or a range (31-33).")
    title: str = strawberry.field(description="The official title.")
    level: str = strawberry.field(
        description="Sector, Subsector, Industry Group, NAICS Industry or National Industry."
    )


@strawberry.input(description="A partnership's own examples for one essential skill.")
class SetEssentialSkillExamplesInput:
    skill_id: strawberry.ID = strawberry.field(description="The essential skill's ID.")
    examples: list[str] = strawberry.field(
        description="1 to 10 examples of what it looks like at work, 3 to 300 characters each."
    )


@strawberry.input(description="The essential skill to give its framework examples back.")
class ResetEssentialSkillExamplesInput:
    skill_id: strawberry.ID = strawberry.field(description="The essential skill's ID.")


@strawberry.type(description="Result of a change to an essential skill's examples.")
class EssentialSkillPayload:
    essential_skill: EssentialSkillType | None = strawberry.field(
        description="The skill as the partnership now sees it."
    )
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.type
class SkillsQuery:
    @strawberry.field(description="SOC 2018 detailed occupations, by code.")
    async def occupations(
        self,
        info: Info,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="The start of a code (51-40), or words that start words of the "
                "title or of a job title (machin)."
            ),
        ] = None,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[OccupationType]:
        principal = info.context.require_principal()
        async with info.context.session() as session:
            page = await service.search_occupations(
                session, principal, search=search, page=PageRequest(first=first, after=after)
            )
        return Connection.of(page, OccupationType.from_record)

    @strawberry.field(description="One occupation; null if there is none with this code.")
    async def occupation(
        self,
        info: Info,
        code: Annotated[
            str,
            strawberry.argument(description="A SOC code (51-4041) or O*NET-SOC code (51-4041.00)."),
        ],
    ) -> OccupationType | None:
        info.context.require_principal()
        record = await _loaders(info).occupation.load(code)
        return OccupationType.from_record(record) if record else None

    @strawberry.field(description="Skills of the vocabulary, by name.")
    async def skills(
        self,
        info: Info,
        kind: Annotated[
            models.SkillKind | None, strawberry.argument(description="Only skills of this kind.")
        ] = None,
        search: Annotated[
            str | None,
            strawberry.argument(description="Words that start words of the skill's name."),
        ] = None,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[SkillType]:
        principal = info.context.require_principal()
        async with info.context.session() as session:
            page = await service.list_skills(
                session,
                principal,
                kind=kind,
                search=search,
                page=PageRequest(first=first, after=after),
            )
        return Connection.of(page, SkillType.from_model)

    @strawberry.field(description="The essential skills framework, as this partnership sees it.")
    async def essential_skills(self, info: Info) -> list[EssentialSkillType]:
        principal = info.context.require_principal()
        async with info.context.session() as session:
            views = await service.essential_skills(session, principal)
        return [EssentialSkillType.from_view(view) for view in views]

    @strawberry.field(description="One NAICS 2022 industry; null if the code is not one.")
    async def industry(
        self,
        info: Info,
        code: Annotated[str, strawberry.argument(description="A NAICS code, e.g. 332710.")],
    ) -> IndustryType | None:
        principal = info.context.require_principal()
        async with info.context.session() as session:
            industry = await service.get_industry(session, principal, code)
        if industry is None:
            return None
        return IndustryType(code=industry.naics_code, title=industry.title, level=industry.level)


@strawberry.type
class SkillsMutation:
    @strawberry.mutation(description="Use the partnership's own examples for an essential skill.")
    async def set_essential_skill_examples(
        self,
        info: Info,
        input: Annotated[
            SetEssentialSkillExamplesInput,
            strawberry.argument(description="The skill and its new examples."),
        ],
    ) -> EssentialSkillPayload:
        async def action(session: Any, principal: Principal) -> service.EssentialSkillView:
            return await service.set_essential_skill_examples(
                session, principal, skill_id=str(input.skill_id), examples=list(input.examples)
            )

        view, errors = await run_mutation(info, action)
        return EssentialSkillPayload(
            essential_skill=EssentialSkillType.from_view(view) if view else None,
            user_errors=errors,
        )

    @strawberry.mutation(description="Go back to the framework's examples for an essential skill.")
    async def reset_essential_skill_examples(
        self,
        info: Info,
        input: Annotated[
            ResetEssentialSkillExamplesInput,
            strawberry.argument(description="The skill."),
        ],
    ) -> EssentialSkillPayload:
        async def action(session: Any, principal: Principal) -> service.EssentialSkillView:
            return await service.reset_essential_skill_examples(
                session, principal, skill_id=str(input.skill_id)
            )

        view, errors = await run_mutation(info, action)
        return EssentialSkillPayload(
            essential_skill=EssentialSkillType.from_view(view) if view else None,
            user_errors=errors,
        )


Query = SkillsQuery
Mutation = SkillsMutation
NODE_TYPES = ()
TYPES = ()
