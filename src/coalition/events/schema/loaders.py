"""Per-request DataLoaders of the events domain: one statement per batch, whatever its
size. Resolvers reach them as ``info.context.loaders.of(EventLoaders)``; each batch runs
through the events read functions, so it sees only what the caller may see.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from coalition.api.loaders import LoaderSet, by_key, lists_by_key
from coalition.auth.principal import Principal
from coalition.events import bookings, models, outcomes, reads
from coalition.supply.models import TrainingProgram
from coalition.tenancy.models import Organization

if TYPE_CHECKING:
    from coalition.api.context import Context


async def _outcomes(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, outcomes.Outcomes]:
    events = await reads.events_by_ids(session, principal, ids)
    return await outcomes.outcomes_of_events(session, principal, list(events.values()))


class EventLoaders(LoaderSet):
    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.event: DataLoader[uuid.UUID, models.Event | None] = by_key(
            context, reads.events_by_ids
        )
        self.exhibitor: DataLoader[uuid.UUID, models.Exhibitor | None] = by_key(
            context, reads.exhibitors_by_ids
        )
        self.session: DataLoader[uuid.UUID, models.EventSession | None] = by_key(
            context, reads.sessions_by_ids
        )
        self.exhibitors: DataLoader[uuid.UUID, list[models.Exhibitor]] = lists_by_key(
            context, reads.exhibitors_of_events
        )
        self.openings: DataLoader[uuid.UUID, list[models.ExhibitorOpening]] = lists_by_key(
            context, reads.openings_of_exhibitors
        )
        self.outcome_lines: DataLoader[uuid.UUID, list[models.ExhibitorOutcome]] = lists_by_key(
            context, reads.outcome_lines_of_exhibitors
        )
        self.sessions: DataLoader[uuid.UUID, list[models.EventSession]] = lists_by_key(
            context, reads.sessions_of_events
        )
        self.occupation_codes: DataLoader[uuid.UUID, list[str]] = lists_by_key(
            context, reads.occupation_codes_of_events
        )
        self.programs: DataLoader[uuid.UUID, list[TrainingProgram]] = lists_by_key(
            context, reads.programs_of_events
        )
        self.outcomes: DataLoader[uuid.UUID, outcomes.Outcomes | None] = by_key(context, _outcomes)
        self.organization: DataLoader[uuid.UUID, Organization | None] = by_key(
            context, reads.organizations_by_ids
        )
        self.places_left: DataLoader[uuid.UUID, int | None] = by_key(context, bookings.places_left)
        self.tenant_slug: DataLoader[uuid.UUID, str | None] = by_key(context, reads.tenant_slugs)


__all__ = ["EventLoaders"]
