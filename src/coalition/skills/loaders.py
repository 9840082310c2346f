"""Per-request DataLoaders of the vocabulary: one statement per batch, whatever its size.

Attach one ``SkillsLoaders`` per request context (``context.loaders.skills``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from coalition.auth.principal import Principal
from coalition.skills import service
from coalition.skills.models import OnetOccupation, Skill

if TYPE_CHECKING:
    from coalition.api.context import Context

V = TypeVar("V")


def _loader(
    context: Context,
    fetch: Callable[[AsyncSession, Principal, Sequence[str]], Awaitable[dict[str, V]]],
    default: Callable[[], V | None] = lambda: None,
) -> DataLoader[str, V | None]:
    async def load(keys: list[str]) -> list[V | None]:
        principal = context.require_principal()
        async with context.session() as session:
            found = await fetch(session, principal, keys)
        return [found[key] if key in found else default() for key in keys]

    return DataLoader(load_fn=load)


class SkillsLoaders:
    def __init__(self, context: Context) -> None:
        self.occupation: DataLoader[str, service.OccupationRecord | None] = _loader(
            context, service.occupations_by_codes
        )
        self.skill: DataLoader[str, Skill | None] = _loader(context, service.skills_by_ids)
        self.skill_profile: DataLoader[str, service.SkillProfile | None] = _loader(
            context, service.skill_profiles
        )
        self.onet_occupations: DataLoader[str, list[OnetOccupation] | None] = _loader(
            context, service.onet_occupations_of, list
        )
        self.aliases: DataLoader[str, list[str] | None] = _loader(context, service.aliases_of, list)
