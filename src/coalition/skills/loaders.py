"""Per-request DataLoaders of the vocabulary: one statement per batch, whatever its size.

Resolvers reach them as ``info.context.loaders.of(SkillsLoaders)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from strawberry.dataloader import DataLoader

from coalition.api.loaders import LoaderSet, by_key
from coalition.skills import service
from coalition.skills.models import OnetOccupation, Skill

if TYPE_CHECKING:
    from coalition.api.context import Context


class SkillsLoaders(LoaderSet):
    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.occupation: DataLoader[str, service.OccupationRecord | None] = by_key(
            context, service.occupations_by_codes
        )
        self.skill: DataLoader[str, Skill | None] = by_key(context, service.skills_by_ids)
        self.skill_profile: DataLoader[str, service.SkillProfile | None] = by_key(
            context, service.skill_profiles
        )
        self.onet_occupations: DataLoader[str, list[OnetOccupation] | None] = by_key(
            context, service.onet_occupations_of, list
        )
        self.aliases: DataLoader[str, list[str] | None] = by_key(context, service.aliases_of, list)
