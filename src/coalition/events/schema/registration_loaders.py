"""Per-request DataLoaders of registrations: one batch, a fixed number of statements,
whatever the number of events or registrations. Resolvers reach them as
``info.context.loaders.of(RegistrationLoaders)``; each batch runs through
``events.registration_reads``, so it sees only what the caller may see.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from strawberry.dataloader import DataLoader

from coalition.api.loaders import LoaderSet, by_key, pages_by_parent
from coalition.events import registration_reads as reads
from coalition.events.models import Attendance
from coalition.pagination import Page

if TYPE_CHECKING:
    from coalition.api.context import Context

PageKey = tuple[uuid.UUID, reads.RegistrationQuery]


class RegistrationLoaders(LoaderSet):
    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.registration: DataLoader[uuid.UUID, reads.SeenRegistration | None] = by_key(
            context, reads.registrations_by_ids
        )
        self.registrations: DataLoader[PageKey, Page[reads.SeenRegistration]] = pages_by_parent(
            context, reads.registrations_of_events
        )
        self.attendance: DataLoader[uuid.UUID, dict[Attendance, reads.Counts] | None] = by_key(
            context, reads.attendance_of_events
        )


__all__ = ["RegistrationLoaders"]
