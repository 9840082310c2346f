"""A skill or knowledge area of the shared vocabulary, and listing them."""

from __future__ import annotations

from typing import Annotated

import strawberry

from coalition.api.context import Info
from coalition.api.relay import After, Connection, First
from coalition.pagination import DEFAULT_PAGE_SIZE, PageRequest
from coalition.skills import models
from coalition.skills.schema.enums import SkillKind
from coalition.skills.search import list_skills


@strawberry.type(name="Skill", description="A skill or knowledge area of the shared vocabulary.")
class SkillType:
    id: strawberry.ID = strawberry.field(
        description="Stable ID: the O*NET element ID (e.g. 2.B.3.h), or ES.<name> for an "
        "essential skill. Not a Relay global ID."
    )
    name: str = strawberry.field(description="The skill's name.")
    kind: SkillKind = strawberry.field(description="Essential, technical or knowledge.")
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


@strawberry.type
class SkillQuery:
    @strawberry.field(description="Skills of the vocabulary, by name.")
    async def skills(
        self,
        info: Info,
        kind: Annotated[
            SkillKind | None, strawberry.argument(description="Only skills of this kind.")
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
            page = await list_skills(
                session,
                principal,
                kind=kind,
                search=search,
                page=PageRequest(first=first, after=after),
            )
        return Connection.of(page, SkillType.from_model)
