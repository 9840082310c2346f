"""An initiative's progress: each target against the metric's actual figure.

The actual is the metric's total for the target's period and the initiative, read as
the caller may see it (``metrics.outcome_metric``: suppressed for everyone but a
reporting member asking about itself, so the convener and funders see the same
partnership-wide figure as in ``outcomeMetrics``). For each target:

- ``share_reached``: actual / target (None when either is unknown or the target is 0);
- ``elapsed_share``: how much of the period has passed;
- ``on_track``: a COUNT is on track when its share reached is at least the share of the
  period elapsed (a straight line from nothing at the start to the target at the end);
  a RATE or a median when it has reached the target; a cost per outcome (lower is
  better) when it is at most the target. None when the actual is suppressed or unknown.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import Principal
from coalition.outcomes.definitions import DEFINITIONS
from coalition.outcomes.figures import MetricCell, MetricFigures
from coalition.outcomes.metric_names import MetricKind, MetricName
from coalition.outcomes.metrics import outcome_metric
from coalition.outcomes.models import OutcomeTarget
from coalition.outcomes.periods import Period
from coalition.outcomes.permissions import require_outcomes_read, visible_outcome_targets

LOWER_IS_BETTER = frozenset({MetricName.COST_PER_CREDENTIAL, MetricName.COST_PER_PLACEMENT})
SHARE = Decimal("0.0001")


@dataclass(frozen=True)
class TargetProgress:
    target: OutcomeTarget
    figures: MetricFigures
    share_reached: Decimal | None
    elapsed_share: Decimal
    on_track: bool | None


def target_value(target: OutcomeTarget) -> Decimal:
    """The target in the actual's unit: people, a fraction, whole cents."""
    return Decimal(target.target)


def actual_value(cell: MetricCell) -> Decimal | None:
    if cell.suppressed or cell.value is None:
        return None
    return Decimal(cell.value)


def judge(
    metric: MetricName, target: Decimal, actual: Decimal | None, elapsed: Decimal
) -> tuple[Decimal | None, bool | None]:
    """(share reached, on track) of one target (module docstring)."""
    if actual is None:
        return None, None
    share = (actual / target).quantize(SHARE) if target > 0 else None
    if metric in LOWER_IS_BETTER:
        return share, actual <= target
    if DEFINITIONS[metric].kind == MetricKind.COUNT:
        return share, (share is None and actual >= target) or (
            share is not None and share >= elapsed
        )
    return share, actual >= target


def elapsed_share(period: Period, today: date) -> Decimal:
    return Decimal(period.elapsed_share(today)).quantize(SHARE)


async def initiative_progress(
    session: AsyncSession,
    principal: Principal,
    initiative_id: uuid.UUID,
    *,
    today: date,
    within: Period | None = None,
) -> list[TargetProgress]:
    """Each of the initiative's targets (those of periods inside ``within``, if given) by
    period start then metric, with the actual and the judgement. Reading targets needs
    the right to read initiatives (funds), the actuals the right to read outcomes; one
    metric read per target."""
    require_outcomes_read(principal)
    statement = visible_outcome_targets(principal).where(
        OutcomeTarget.initiative_id == initiative_id
    )
    if within is not None:
        statement = statement.where(
            OutcomeTarget.starts_on >= within.starts_on, OutcomeTarget.ends_on <= within.ends_on
        )
    targets = list(
        await session.scalars(statement.order_by(OutcomeTarget.starts_on, OutcomeTarget.metric))
    )
    progress: list[TargetProgress] = []
    for target in targets:
        metric = MetricName(target.metric)
        period = Period(target.period, target.starts_on, target.ends_on)
        figures = await outcome_metric(
            session, principal, metric=metric, period=period, initiative_id=initiative_id
        )
        elapsed = elapsed_share(period, today)
        share, on_track = judge(
            metric,
            target_value(target),
            actual_value(figures.total),
            elapsed,
        )
        progress.append(TargetProgress(target, figures, share, elapsed, on_track))
    return progress


__all__ = ["LOWER_IS_BETTER", "TargetProgress", "initiative_progress", "judge"]
