"""Per-request DataLoaders of the outcomes domain: one statement per batch, through the
outcomes read functions (so a batch sees only what the caller may see)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from strawberry.dataloader import DataLoader

from coalition.api.loaders import LoaderSet, by_key, pages_by_parent
from coalition.funds import reads as funds_reads
from coalition.funds.models.initiatives import Initiative
from coalition.outcomes import counts, reads, scorecards, targets
from coalition.outcomes.models import AggregateCount, OutcomeTarget, ParticipantRecord
from coalition.outcomes.periods import Period
from coalition.pagination import Page

if TYPE_CHECKING:
    from coalition.api.context import Context


class OutcomeLoaders(LoaderSet):
    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.participant_record: DataLoader[uuid.UUID, ParticipantRecord | None] = by_key(
            context, reads.participant_records_by_ids
        )
        self.outcome_target: DataLoader[uuid.UUID, OutcomeTarget | None] = by_key(
            context, targets.outcome_targets_by_ids
        )
        self.targets_of_initiative: DataLoader[
            tuple[uuid.UUID, targets.TargetPage], Page[OutcomeTarget]
        ] = pages_by_parent(context, targets.target_pages_of_initiatives)
        self.initiative: DataLoader[uuid.UUID, Initiative | None] = by_key(
            context, funds_reads.initiatives_by_ids
        )
        self.aggregate_count: DataLoader[uuid.UUID, AggregateCount | None] = by_key(
            context, counts.aggregate_counts_by_ids
        )
        self.organization_scorecard: DataLoader[
            tuple[uuid.UUID, Period], scorecards.Scorecard | None
        ] = pages_by_parent(context, scorecards.organization_scorecards)
        self.program_scorecard: DataLoader[
            tuple[uuid.UUID, Period], scorecards.Scorecard | None
        ] = pages_by_parent(context, scorecards.program_scorecards)


__all__ = ["OutcomeLoaders"]
