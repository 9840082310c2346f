# mypy: disable-error-code="untyped-decorator"
"""Costs per credential and per placement in the funders' views: fields outcomes adds to
funds' ``FundPoolSummary`` and ``InitiativePoolFunding`` (``FIELDS``; translation only:
``costs`` decides)."""

from __future__ import annotations

import uuid
from typing import Annotated

import strawberry

from coalition.api.context import Info
from coalition.outcomes import costs
from coalition.outcomes.metric_names import MetricKind, MetricName
from coalition.outcomes.schema.metrics import OutcomeFigure

PeriodArgument = Annotated[
    str,
    strawberry.argument(
        description="A quarter (2026Q1) or a program year (PY2025, July to June): the "
        "disbursements made in it, over the outcomes of the people who exited in it."
    ),
]
HIDDEN = (
    " Null amount with suppressed true when an outcome count it divides by is suppressed "
    "(the cost and the disbursements would give it away)."
)


def _figure(found: costs.CostPerOutcome) -> OutcomeFigure:
    return OutcomeFigure.of(found.cell, MetricKind.MONEY, (), found.currency)


def _id(host: object, name: str) -> uuid.UUID:
    value = getattr(host, name)
    assert isinstance(value, uuid.UUID)
    return value


@strawberry.type
class PoolCostFields:
    """Fields added to ``FundPoolSummary``: ``self`` is the host."""

    @strawberry.field(
        description="The pool's disbursements in the period per credential earned by the "
        "participants of the initiatives they went to (CREDENTIALS); people: the "
        "credentials." + HIDDEN
    )
    async def cost_per_credential(self, info: Info, period: PeriodArgument) -> OutcomeFigure:
        return await _pool(self, info, period, MetricName.CREDENTIALS)

    @strawberry.field(
        description="The pool's disbursements in the period per placement of the "
        "participants of the initiatives they went to (PLACEMENTS)." + HIDDEN
    )
    async def cost_per_placement(self, info: Info, period: PeriodArgument) -> OutcomeFigure:
        return await _pool(self, info, period, MetricName.PLACEMENTS)


async def _pool(host: object, info: Info, period: str, outcome: MetricName) -> OutcomeFigure:
    principal = info.context.require_principal()
    async with info.context.session() as session:
        found = await costs.pool_cost_per_outcome(
            session,
            principal,
            pool_id=_id(host, "pool_id"),
            currency=str(getattr(host, "currency")),  # noqa: B009
            period=period,
            outcome=outcome,
        )
    return _figure(found)


@strawberry.type
class InitiativePoolCostFields:
    """Fields added to ``InitiativePoolFunding``: ``self`` is the host."""

    @strawberry.field(
        description="What this pool disbursed to the initiative in the period per credential "
        "its participants earned (CREDENTIALS)." + HIDDEN
    )
    async def cost_per_credential(self, info: Info, period: PeriodArgument) -> OutcomeFigure:
        return await _initiative(self, info, period, MetricName.CREDENTIALS)

    @strawberry.field(
        description="What this pool disbursed to the initiative in the period per placement "
        "of its participants (PLACEMENTS)." + HIDDEN
    )
    async def cost_per_placement(self, info: Info, period: PeriodArgument) -> OutcomeFigure:
        return await _initiative(self, info, period, MetricName.PLACEMENTS)


async def _initiative(host: object, info: Info, period: str, outcome: MetricName) -> OutcomeFigure:
    principal = info.context.require_principal()
    async with info.context.session() as session:
        found = await costs.initiative_pool_cost_per_outcome(
            session,
            principal,
            pool_id=_id(host, "pool_id"),
            initiative_id=_id(host, "initiative_id"),
            currency=str(getattr(host, "currency")),  # noqa: B009
            period=period,
            outcome=outcome,
        )
    return _figure(found)


__all__ = ["InitiativePoolCostFields", "PoolCostFields"]
