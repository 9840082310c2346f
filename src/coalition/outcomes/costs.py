"""Costs per outcome in the funders' views: what a pool disbursed in a period, divided by
the credentials (or placements) of the participants of the initiatives it paid for.

The outcomes are counted as ``outcomeMetrics`` shows them to the caller (``CREDENTIALS``
and ``PLACEMENTS`` of each initiative, suppressed for everyone but the reporting member),
so a cost is shown only when every count it divides by is: a cost and its disbursements
(which the funder reads anyway) would give a hidden count away. Nothing disbursed, or no
outcome at all, gives no cost.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import Principal
from coalition.errors import InvalidInput, UserError
from coalition.funds.report.initiatives import disbursed_to_initiative, pool_disbursed_by_initiative
from coalition.outcomes.figures import Basis, MetricCell, cost_per
from coalition.outcomes.metric_names import MetricName
from coalition.outcomes.metrics import outcome_metric
from coalition.outcomes.periods import Period, is_calendar_year, parse_period
from coalition.outcomes.permissions import require_outcomes_read

OUTCOMES = (MetricName.CREDENTIALS, MetricName.PLACEMENTS)


@dataclass(frozen=True)
class CostPerOutcome:
    """A cost (``cell.value`` in the currency's minor units, ``cell.people`` the outcomes
    it divides by) and the definition codes of the outcomes counted."""

    cell: MetricCell
    currency: str
    outcome: MetricName


def _cost(
    disbursed: int, outcomes: list[MetricCell], currency: str, name: MetricName
) -> CostPerOutcome:
    if any(cell.suppressed for cell in outcomes):
        return CostPerOutcome(MetricCell(key=(), suppressed=True), currency, name)
    count = sum(int(cell.value or 0) for cell in outcomes)
    bases = {cell.basis for cell in outcomes if cell.basis != Basis.NONE}
    basis = bases.pop() if len(bases) == 1 else (Basis.BOTH if bases else Basis.NONE)
    if not count or not disbursed:
        return CostPerOutcome(
            MetricCell(key=(), suppressed=False, people=count, basis=basis), currency, name
        )
    cell = MetricCell(
        key=(), suppressed=False, people=count, value=cost_per(disbursed, count), basis=basis
    )
    return CostPerOutcome(cell, currency, name)


def _period(label: str) -> Period:
    """A quarter or a program year: the periods suppressed outcome counts are read by."""
    chosen = parse_period(label)
    if is_calendar_year(chosen):
        raise InvalidInput(
            [
                UserError(
                    ("period",),
                    "Costs per outcome are read by quarter (2026Q1) or program year (PY2025), "
                    "as the outcome counts they divide by.",
                    "INVALID",
                )
            ]
        )
    return chosen


async def _outcomes(
    session: AsyncSession,
    principal: Principal,
    initiatives: list[uuid.UUID],
    period: Period,
    name: MetricName,
) -> list[MetricCell]:
    cells = []
    for initiative in initiatives:
        figures = await outcome_metric(
            session, principal, metric=name, period=period, initiative_id=initiative
        )
        cells.append(figures.total)
    return cells


async def pool_cost_per_outcome(
    session: AsyncSession,
    principal: Principal,
    *,
    pool_id: uuid.UUID,
    currency: str,
    period: str,
    outcome: MetricName,
) -> CostPerOutcome:
    """The pool's disbursements in the period over the outcomes of the initiatives they
    went to (one metric read per initiative)."""
    require_outcomes_read(principal)
    chosen = _period(period)
    by_initiative = await pool_disbursed_by_initiative(
        session,
        principal,
        pool_id,
        occurred_from=chosen.starts_on,
        occurred_to=chosen.ends_on,
    )
    cells = await _outcomes(session, principal, sorted(by_initiative), chosen, outcome)
    return _cost(sum(by_initiative.values()), cells, currency, outcome)


async def initiative_pool_cost_per_outcome(
    session: AsyncSession,
    principal: Principal,
    *,
    pool_id: uuid.UUID,
    initiative_id: uuid.UUID,
    currency: str,
    period: str,
    outcome: MetricName,
) -> CostPerOutcome:
    """What the pool disbursed to the initiative in the period over its outcomes."""
    require_outcomes_read(principal)
    chosen = _period(period)
    disbursed = await disbursed_to_initiative(
        session,
        principal,
        initiative_id,
        occurred_from=chosen.starts_on,
        occurred_to=chosen.ends_on,
        pool_id=pool_id,
    )
    cells = await _outcomes(session, principal, [initiative_id], chosen, outcome)
    return _cost(disbursed.get(currency, 0), cells, currency, outcome)


__all__ = [
    "OUTCOMES",
    "CostPerOutcome",
    "initiative_pool_cost_per_outcome",
    "pool_cost_per_outcome",
]
