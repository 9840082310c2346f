"""A training program as career pathways show it (a bridging program, a program that
teaches a skill to add).

Until the supply domain's ``TrainingProgram`` type is merged, this small type stands
in for it: its ``id`` is already the program's global ID (``TrainingProgram:<uuid>``),
so a client can ask ``node(id:)`` for the whole program once that type exists.
"""

from __future__ import annotations

import strawberry

from coalition.api.relay import to_global_id
from coalition.pathways.reads import ProgramRef


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

    @classmethod
    def from_ref(cls, ref: ProgramRef) -> PathwayProgram:
        return cls(
            id=to_global_id("TrainingProgram", ref.id),
            name=ref.name,
            provider_name=ref.provider_name,
            is_active=ref.status.value == "ACTIVE",
        )
