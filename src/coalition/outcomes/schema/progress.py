# mypy: disable-error-code="untyped-decorator"
"""``Initiative.progress``: each target against the metric's actual (translation only:
``progress.initiative_progress`` decides)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import strawberry

from coalition.api.context import Info
from coalition.api.relay import from_global_id
from coalition.outcomes import progress
from coalition.outcomes.periods import parse_period
from coalition.outcomes.schema.metrics import OutcomeFigure
from coalition.outcomes.schema.targets import PERIOD, OutcomeTargetType


@strawberry.type(description="One target of an initiative against the metric's actual figure.")
class OutcomeProgress:
    target: OutcomeTargetType = strawberry.field(description="The target.")
    actual: OutcomeFigure = strawberry.field(
        description="The metric's figure for the initiative and the target's period, as "
        "outcomeMetrics gives it to you (suppressed when it stands for too few people)."
    )
    definition_code: str = strawberry.field(
        description='The definition the actual was computed with: "WIOA_EMPLOYMENT_Q2 v1".'
    )
    share_reached: float | None = strawberry.field(
        description="Actual divided by target (1.0: reached; 4 decimals); null when the "
        "actual is suppressed or the target is 0."
    )
    elapsed_share: float = strawberry.field(
        description="How much of the target's period has passed, from 0 to 1."
    )
    on_track: bool | None = strawberry.field(
        description="A count: its share reached is at least the share of the period elapsed. "
        "A rate or a median: it has reached the target. A cost per outcome: it is at most "
        "the target. Null when the actual is suppressed."
    )

    @classmethod
    def of(cls, item: progress.TargetProgress) -> OutcomeProgress:
        figures = item.figures
        return cls(
            target=OutcomeTargetType.from_model(item.target),
            actual=OutcomeFigure.of(figures.total, figures.definition.kind, ()),
            definition_code=figures.definition.code,
            share_reached=float(item.share_reached) if item.share_reached is not None else None,
            elapsed_share=float(item.elapsed_share),
            on_track=item.on_track,
        )


@strawberry.type
class InitiativeProgressFields:
    """Fields outcomes adds to funds' Initiative (``FIELDS``): ``self`` is the host."""

    @strawberry.field(
        description="Progress against each of the initiative's outcome targets, by the start "
        "of their period then metric (one metric read per target)."
    )
    async def progress(
        self,
        info: Info,
        period: Annotated[
            str | None,
            strawberry.argument(
                description="Only the targets of periods within this one. " + PERIOD
            ),
        ] = None,
    ) -> list[OutcomeProgress]:
        decoded = from_global_id(str(getattr(self, "id")), "Initiative")  # noqa: B009
        assert decoded is not None
        principal = info.context.require_principal()
        within = parse_period(period) if period is not None else None
        async with info.context.session() as session:
            found = await progress.initiative_progress(
                session,
                principal,
                decoded[1],
                today=datetime.now(UTC).date(),
                within=within,
            )
        return [OutcomeProgress.of(item) for item in found]


__all__ = ["InitiativeProgressFields", "OutcomeProgress"]
