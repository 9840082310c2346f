"""Per-request DataLoaders of the outcomes domain: one statement per batch, through the
outcomes read functions (so a batch sees only what the caller may see)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from strawberry.dataloader import DataLoader

from coalition.api.loaders import LoaderSet, by_key
from coalition.outcomes import reads
from coalition.outcomes.models import ParticipantRecord

if TYPE_CHECKING:
    from coalition.api.context import Context


class OutcomeLoaders(LoaderSet):
    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.participant_record: DataLoader[uuid.UUID, ParticipantRecord | None] = by_key(
            context, reads.participant_records_by_ids
        )


__all__ = ["OutcomeLoaders"]
