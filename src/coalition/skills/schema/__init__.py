"""The shared vocabulary's GraphQL: occupations, skills, industries, and the essential
skills framework as each partnership sees it.

The public interface other domains use: ``Query``, ``Mutation``, ``NODE_TYPES`` and
``TYPES`` for the schema root, the types by name (``OccupationType``, ``SkillType``,
...) for ``strawberry.lazy("coalition.skills.schema")``, and the loaders.
"""

from __future__ import annotations

import strawberry

from coalition.skills.schema.enums import SkillKind
from coalition.skills.schema.essential_skill import (
    EssentialSkillMutation,
    EssentialSkillQuery,
    EssentialSkillType,
)
from coalition.skills.schema.industry import IndustryQuery, IndustryType
from coalition.skills.schema.loaders import SkillsLoaders
from coalition.skills.schema.occupation import (
    OccupationGroupType,
    OccupationQuery,
    OccupationType,
    OnetOccupationType,
    RatedSkill,
    SkillProfile,
    SkillShortfall,
    shortfall_types,
)
from coalition.skills.schema.skill import SkillQuery, SkillType


# The fields appear in the SDL in the order of the bases.
@strawberry.type
class SkillsQuery(OccupationQuery, SkillQuery, EssentialSkillQuery, IndustryQuery):
    pass


SkillsMutation = EssentialSkillMutation
Query = SkillsQuery
Mutation = SkillsMutation
NODE_TYPES = ()
TYPES = ()

__all__ = [
    "NODE_TYPES",
    "TYPES",
    "EssentialSkillType",
    "IndustryType",
    "Mutation",
    "OccupationGroupType",
    "OccupationType",
    "OnetOccupationType",
    "Query",
    "RatedSkill",
    "SkillKind",
    "SkillProfile",
    "SkillShortfall",
    "SkillType",
    "SkillsLoaders",
    "SkillsMutation",
    "SkillsQuery",
    "shortfall_types",
]
