"""Per-request DataLoaders of the supply domain: one statement per batch, whatever its
size. Resolvers reach them as ``info.context.loaders.of(SupplyLoaders)``; each batch
runs through the supply read functions, so it sees only what the caller may see.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from strawberry.dataloader import DataLoader

from coalition.api.loaders import LoaderSet, by_key, pages_by_parent
from coalition.pagination import Page, PageRequest
from coalition.skills.models import InstructionalProgram
from coalition.skills.reads import OccupationRecord
from coalition.supply import reads
from coalition.supply.models import Cohort, TrainingProgram
from coalition.tenancy.models import Organization

if TYPE_CHECKING:
    from coalition.api.context import Context

PageKey = tuple[uuid.UUID, PageRequest]


class SupplyLoaders(LoaderSet):
    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.program: DataLoader[uuid.UUID, TrainingProgram | None] = by_key(
            context, reads.programs_by_ids
        )
        self.occupations: DataLoader[uuid.UUID, list[OccupationRecord] | None] = by_key(
            context, reads.occupations_by_program_ids, list
        )
        self.skills: DataLoader[uuid.UUID, list[reads.ProgramSkill] | None] = by_key(
            context, reads.skills_by_program_ids, list
        )
        self.provider: DataLoader[uuid.UUID, Organization | None] = by_key(
            context, reads.providers_of_programs
        )
        self.instructional_program: DataLoader[str, InstructionalProgram | None] = by_key(
            context, reads.instructional_programs_by_codes
        )
        self.cohort: DataLoader[uuid.UUID, Cohort | None] = by_key(context, reads.cohorts_by_ids)
        self.cohorts: DataLoader[PageKey, Page[Cohort]] = pages_by_parent(
            context, reads.cohorts_of_programs
        )
        self.programs_of_organization: DataLoader[PageKey, Page[TrainingProgram]] = pages_by_parent(
            context, reads.programs_of_organizations
        )


__all__ = ["SupplyLoaders"]
