"""The essential skills framework as a partnership sees it, and its own examples."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry

from coalition.api.context import Info
from coalition.api.mutations import UserError, run_mutation
from coalition.auth.principal import Principal
from coalition.skills import essentials


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
    def from_view(cls, view: essentials.EssentialSkillView) -> EssentialSkillType:
        return cls(
            id=strawberry.ID(view.id),
            name=view.name,
            definition=view.definition,
            examples=view.examples,
            is_customized=view.is_customized,
            customized_at=view.customized_at,
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

    @classmethod
    def of(
        cls, view: essentials.EssentialSkillView | None, errors: list[UserError]
    ) -> EssentialSkillPayload:
        return cls(
            essential_skill=EssentialSkillType.from_view(view) if view else None,
            user_errors=errors,
        )


@strawberry.type
class EssentialSkillQuery:
    @strawberry.field(description="The essential skills framework, as this partnership sees it.")
    async def essential_skills(self, info: Info) -> list[EssentialSkillType]:
        principal = info.context.require_principal()
        async with info.context.session() as session:
            views = await essentials.essential_skills(session, principal)
        return [EssentialSkillType.from_view(view) for view in views]


@strawberry.type
class EssentialSkillMutation:
    @strawberry.mutation(description="Use the partnership's own examples for an essential skill.")
    async def set_essential_skill_examples(
        self,
        info: Info,
        input: Annotated[
            SetEssentialSkillExamplesInput,
            strawberry.argument(description="The skill and its new examples."),
        ],
    ) -> EssentialSkillPayload:
        async def action(session: Any, principal: Principal) -> essentials.EssentialSkillView:
            return await essentials.set_essential_skill_examples(
                session, principal, skill_id=str(input.skill_id), examples=list(input.examples)
            )

        return EssentialSkillPayload.of(*await run_mutation(info, action))

    @strawberry.mutation(description="Go back to the framework's examples for an essential skill.")
    async def reset_essential_skill_examples(
        self,
        info: Info,
        input: Annotated[
            ResetEssentialSkillExamplesInput,
            strawberry.argument(description="The skill."),
        ],
    ) -> EssentialSkillPayload:
        async def action(session: Any, principal: Principal) -> essentials.EssentialSkillView:
            return await essentials.reset_essential_skill_examples(
                session, principal, skill_id=str(input.skill_id)
            )

        return EssentialSkillPayload.of(*await run_mutation(info, action))
