"""Per-request DataLoaders of the pathways domain, over ``reads``: one statement per
batch, whatever its size. Resolvers reach them as ``info.context.loaders.of(PathwaysLoaders)``.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from strawberry.dataloader import DataLoader

from coalition.api.loaders import LoaderSet, by_key, lists_by_key
from coalition.pathways import reads
from coalition.pathways.models import CareerPathway, CareerPathwayStep
from coalition.skills.distance import Shortfall, shortfalls_between
from coalition.tenancy.models import Organization

if TYPE_CHECKING:
    from coalition.api.context import Context


class PathwaysLoaders(LoaderSet):
    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.pathway: DataLoader[uuid.UUID, CareerPathway | None] = by_key(
            context, reads.pathways_by_ids
        )
        self.steps: DataLoader[uuid.UUID, list[CareerPathwayStep]] = lists_by_key(
            context, reads.steps_by_pathway_ids
        )
        self.employers: DataLoader[uuid.UUID, list[Organization]] = lists_by_key(
            context, reads.employers_by_step_ids
        )
        self.programs: DataLoader[uuid.UUID, list[reads.ProgramRef]] = lists_by_key(
            context, reads.programs_by_step_ids
        )
        self.shortfalls: DataLoader[tuple[str, str], list[Shortfall]] = lists_by_key(
            context, shortfalls_between
        )
