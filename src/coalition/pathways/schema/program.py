"""A training program as career pathways show it (a bridging program, a program that
teaches a skill to add): its name and provider at once, and the whole
``TrainingProgram`` (supply's type, through the DataLoaders it uses) when asked."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Annotated

import strawberry

from coalition.api.context import Info
from coalition.api.relay import to_global_id
from coalition.pathways.reads import ProgramRef

if TYPE_CHECKING:
    from coalition.supply.schema.program import TrainingProgramType

PROGRAM_MODULE = "coalition.supply.schema.program"


@strawberry.type(
    name="PathwayProgram",
    description="A training program of the partnership, as a pathway or next step names it.",
)
class PathwayProgram:
    id: strawberry.ID = strawberry.field(
        description="The program's global ID (a TrainingProgram's), for node(id:)."
    )
    name: str = strawberry.field(description="The program's name.")
    provider_name: str = strawberry.field(description="The member organization that runs it.")
    is_active: bool = strawberry.field(description="Whether the program is ACTIVE (enrolling).")
    program_id: strawberry.Private[uuid.UUID]

    @strawberry.field(
        description="The whole program: its cohorts, skills, credential and cost (null if "
        "the caller may not see it)."
    )
    async def program(
        self, info: Info
    ) -> Annotated[TrainingProgramType, strawberry.lazy(PROGRAM_MODULE)] | None:
        from coalition.supply.schema.program import TrainingProgramType

        return await TrainingProgramType.resolve_node(info, self.program_id)

    @classmethod
    def from_ref(cls, ref: ProgramRef) -> PathwayProgram:
        return cls(
            id=to_global_id("TrainingProgram", ref.id),
            name=ref.name,
            provider_name=ref.provider_name,
            is_active=ref.status.value == "ACTIVE",
            program_id=ref.id,
        )
