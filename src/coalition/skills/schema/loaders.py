"""Per-request DataLoaders of the vocabulary, over ``reads``: one statement per batch,
whatever its size. Resolvers reach them as ``info.context.loaders.of(SkillsLoaders)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from strawberry.dataloader import DataLoader

from coalition.api.loaders import LoaderSet, by_key
from coalition.skills import reads
from coalition.skills.models import OnetOccupation, Skill

if TYPE_CHECKING:
    from coalition.api.context import Context


class SkillsLoaders(LoaderSet):
    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.occupation: DataLoader[str, reads.OccupationRecord | None] = by_key(
            context, reads.occupations_by_codes
        )
        self.skill: DataLoader[str, Skill | None] = by_key(context, reads.skills_by_ids)
        self.skill_profile: DataLoader[str, reads.SkillProfile | None] = by_key(
            context, reads.skill_profiles
        )
        self.onet_occupations: DataLoader[str, list[OnetOccupation] | None] = by_key(
            context, reads.onet_occupations_of, list
        )
        self.aliases: DataLoader[str, list[str] | None] = by_key(context, reads.aliases_of, list)
