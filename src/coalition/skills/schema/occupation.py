"""A SOC occupation, its groups, O*NET occupations, aliases and skill profile, and
searching them."""

from __future__ import annotations

from typing import Annotated

import strawberry

from coalition.api.context import Info
from coalition.api.relay import After, Connection, First
from coalition.errors import InvalidInput, UserError
from coalition.pagination import DEFAULT_PAGE_SIZE, PageRequest
from coalition.skills import distance, reads
from coalition.skills.schema.enums import SkillKind
from coalition.skills.schema.loaders import SkillsLoaders
from coalition.skills.schema.skill import SkillType
from coalition.skills.search import search_occupations

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

    @classmethod
    def from_ref(cls, ref: reads.GroupRef) -> OccupationGroupType:
        return cls(code=ref.code, title=ref.title)


@strawberry.type(
    name="OnetOccupation",
    description="An O*NET-SOC occupation: a SOC occupation (.00) or a specialty of it (.01...).",
)
class OnetOccupationType:
    code: str = strawberry.field(description="The O*NET-SOC code, e.g. 51-4041.00.")
    title: str = strawberry.field(description="O*NET's title.")


@strawberry.type(description="How much one skill matters in an occupation, and at what level.")
class RatedSkill:
    skill: SkillType = strawberry.field(description="The skill.")
    importance: float | None = strawberry.field(description="O*NET importance, 1 to 5.")
    level: float | None = strawberry.field(description="O*NET level, 0 to 7.")
    is_suppressed_recommended: bool = strawberry.field(
        description="O*NET recommends suppressing this rating: its precision is low."
    )
    is_not_relevant: bool = strawberry.field(description="O*NET rated the skill not relevant.")

    @classmethod
    def from_rating(cls, rated: reads.RatedSkill) -> RatedSkill:
        return cls(
            skill=SkillType.from_model(rated.skill),
            importance=None if rated.importance is None else float(rated.importance),
            level=None if rated.level is None else float(rated.level),
            is_suppressed_recommended=rated.is_suppressed_recommended,
            is_not_relevant=rated.is_not_relevant,
        )


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
            SkillKind | None,
            strawberry.argument(description="Only skills of this kind."),
        ] = None,
    ) -> list[RatedSkill]:
        return [rated for rated in self.all_skills if kind is None or rated.skill.kind == kind]

    @classmethod
    def from_profile(cls, profile: reads.SkillProfile) -> SkillProfile:
        return cls(
            has_ratings=profile.has_ratings,
            source=profile.source,
            onet_code=profile.onet_code,
            all_skills=[RatedSkill.from_rating(rated) for rated in profile.skills],
        )


@strawberry.type(
    description="A skill another occupation needs at a higher O*NET level than this one."
)
class SkillShortfall:
    skill: SkillType = strawberry.field(description="The skill (an O*NET skill or knowledge).")
    required: float = strawberry.field(description="Its O*NET level (0-7) in the target.")
    current: float = strawberry.field(
        description="Its O*NET level here (0 when not rated, not relevant or suppressed)."
    )
    shortfall: float = strawberry.field(description="required - current, above 0.")


async def shortfall_types(info: Info, found: list[distance.Shortfall]) -> list[SkillShortfall]:
    """The GraphQL shortfalls, their skills read in one batch."""
    skills = await _loaders(info).skill.load_many([s.skill_id for s in found])
    return [
        SkillShortfall(
            skill=SkillType.from_model(skill),
            required=round(s.required, 2),
            current=round(s.current, 2),
            shortfall=s.shortfall,
        )
        for s, skill in zip(found, skills, strict=True)
        if skill is not None
    ]


CompareCode = Annotated[
    str,
    strawberry.argument(
        description="The other occupation: a SOC code (29-2061) or O*NET-SOC code (29-2061.00)."
    ),
]


async def _compare(info: Info, source: str, target: str) -> distance.Comparison:
    principal = info.context.require_principal()
    async with info.context.session() as session:
        found = await distance.compare(session, principal, source, target)
    if not found.target_known:
        raise InvalidInput([UserError(("code",), "No occupation with this code.", "NOT_FOUND")])
    return found


@strawberry.type(name="Occupation", description="A SOC 2018 detailed occupation.")
class OccupationType:
    code: str = strawberry.field(description="The SOC code, e.g. 51-4041.")
    title: str = strawberry.field(description="The official title.")
    definition: str | None = strawberry.field(description="The BLS definition.")
    major_group: OccupationGroupType = strawberry.field(description="Its major group.")
    minor_group: OccupationGroupType = strawberry.field(description="Its minor group.")
    broad_group: OccupationGroupType = strawberry.field(description="Its broad group.")

    @classmethod
    def from_record(cls, record: reads.OccupationRecord) -> OccupationType:
        return cls(
            code=record.code,
            title=record.title,
            definition=record.definition,
            major_group=OccupationGroupType.from_ref(record.major),
            minor_group=OccupationGroupType.from_ref(record.minor),
            broad_group=OccupationGroupType.from_ref(record.broad),
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

    @strawberry.field(
        description="How alike the two occupations' O*NET skill and knowledge profiles are: "
        "the cosine of their importance x level vectors, 0 to 1, four decimals (decision "
        "record 0007). Null unless O*NET rates both; an unknown code is an error."
    )
    async def similarity(self, info: Info, code: CompareCode) -> float | None:
        found = await _compare(info, self.code, code)
        return None if found.similarity is None else round(found.similarity, 4)

    @strawberry.field(
        description="What moving from this occupation to the other takes: each skill "
        "important there (O*NET importance at least 3) at a higher level than here, "
        "largest shortfall first. Empty unless O*NET rates both; an unknown code is an error."
    )
    async def skill_gap_to(self, info: Info, code: CompareCode) -> list[SkillShortfall]:
        found = await _compare(info, self.code, code)
        return await shortfall_types(info, found.shortfalls)


@strawberry.type
class OccupationQuery:
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
            page = await search_occupations(
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
