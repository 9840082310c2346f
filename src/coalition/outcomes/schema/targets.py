# mypy: disable-error-code="untyped-decorator"
"""Outcome targets in GraphQL: the type, ``Initiative.outcomeTargets``, and setting and
removing a target.

A target's value goes out and comes in as text in its metric's unit (never a float):
``120`` people, ``0.75`` (75%), ``23.50`` dollars; a MONEY target is also given as
``amount`` (a Money object in cents).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from coalition.api.context import Info
from coalition.api.money import Money
from coalition.api.mutations import UserError, decode_id, run_mutation
from coalition.api.relay import After, Connection, First, Node, from_global_id, to_global_id
from coalition.api.schema import node_types_of
from coalition.auth.principal import Principal
from coalition.outcomes import models, targets
from coalition.outcomes.metric_names import KIND, MetricKind, MetricName
from coalition.outcomes.periods import parse_period
from coalition.outcomes.schema import enums  # noqa: F401  (describes the enums before use)
from coalition.outcomes.schema.loaders import OutcomeLoaders
from coalition.pagination import DEFAULT_PAGE_SIZE, PageRequest

if TYPE_CHECKING:
    from coalition.funds.schema.initiative import InitiativeType

FUNDS_SCHEMA = "coalition.funds.schema.initiative"
CURRENCY = "USD"
PERIOD = (
    "A reporting period: a calendar quarter (2026Q1), a program year (PY2025, July to June) "
    "or a calendar year (2026)."
)


@strawberry.type(
    name="OutcomeTarget",
    description="What an initiative sets out to reach on one metric in one period.",
)
class OutcomeTargetType(Node):
    metric: MetricName = strawberry.field(description="The metric.")
    kind: MetricKind = strawberry.field(description="The metric's kind: the target's unit.")
    period: str = strawberry.field(description="The period's label (2026Q1, PY2025, 2026).")
    starts_on: date = strawberry.field(description="The period's first day.")
    ends_on: date = strawberry.field(description="The period's last day.")
    target: str = strawberry.field(
        description="The target in the metric's unit, as a decimal: people for a COUNT "
        "(120), a fraction for a RATE (0.75 is 75%), US dollars for MONEY (23.50)."
    )
    amount: Money | None = strawberry.field(
        description="A MONEY target as an amount in cents; null for a count or a rate."
    )
    created_at: datetime = strawberry.field(description="When it was first set.")
    updated_at: datetime = strawberry.field(description="When it last changed.")
    model: strawberry.Private[models.OutcomeTarget]

    @classmethod
    def from_model(cls, target: models.OutcomeTarget) -> OutcomeTargetType:
        return cls(
            id=to_global_id("OutcomeTarget", target.id),
            metric=MetricName(target.metric),
            kind=KIND[MetricName(target.metric)],
            period=target.period,
            starts_on=target.starts_on,
            ends_on=target.ends_on,
            target=targets.target_text(target.metric, target.target),
            amount=Money.of(targets.target_cents(target), CURRENCY),
            created_at=target.created_at,
            updated_at=target.updated_at,
            model=target,
        )

    @classmethod
    async def resolve_node(cls, info: Info, object_id: uuid.UUID) -> OutcomeTargetType | None:
        found = await info.context.loaders.of(OutcomeLoaders).outcome_target.load(object_id)
        return cls.from_model(found) if found else None

    @strawberry.field(description="The initiative the target is of.")
    async def initiative(
        self, info: Info
    ) -> Annotated[InitiativeType, strawberry.lazy(FUNDS_SCHEMA)] | None:
        found = await info.context.loaders.of(OutcomeLoaders).initiative.load(
            self.model.initiative_id
        )
        build = node_types_of(info)["Initiative"].from_model  # type: ignore[attr-defined]
        return build(found) if found else None


@strawberry.type
class InitiativeOutcomeFields:
    """Fields outcomes adds to funds' Initiative (``FIELDS``): ``self`` is the host."""

    @strawberry.field(description="The initiative's outcome targets, by the start of their period.")
    async def outcome_targets(
        self,
        info: Info,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
        period: Annotated[
            str | None,
            strawberry.argument(
                description="Only the targets of periods within this one (2026: the year's and "
                "its quarters'). " + PERIOD
            ),
        ] = None,
    ) -> Connection[OutcomeTargetType]:
        decoded = from_global_id(str(getattr(self, "id")), "Initiative")  # noqa: B009
        assert decoded is not None
        within = parse_period(period) if period is not None else None
        asked = targets.TargetPage(PageRequest(first=first, after=after), within)
        page = await info.context.loaders.of(OutcomeLoaders).targets_of_initiative.load(
            (decoded[1], asked)
        )
        return Connection.of(page, OutcomeTargetType.from_model)


@strawberry.input(description="An initiative's target on a metric in a period.")
class SetOutcomeTargetInput:
    initiative_id: strawberry.ID = strawberry.field(description="The initiative.")
    metric: MetricName = strawberry.field(description="The metric.")
    period: str = strawberry.field(
        description="A calendar quarter (2026Q1) or a program year (PY2025, July to June): the "
        "periods outcome figures are read by. It must overlap the initiative's dates; setting "
        "a target of the "
        "same initiative, metric and period again changes it."
    )
    target: str = strawberry.field(
        description="The target in the metric's unit, as a decimal: a whole number of people "
        "for a COUNT (120, at most 10,000,000), a fraction from 0 to 1 with at most four "
        "decimals for a RATE (0.75 for 75%), US dollars with at most two decimals for MONEY "
        "(23.50, more than 0)."
    )


@strawberry.input(description="The target to remove.")
class RemoveOutcomeTargetInput:
    id: strawberry.ID = strawberry.field(description="The OutcomeTarget.")


@strawberry.type(description="Result of setting an outcome target.")
class OutcomeTargetPayload:
    outcome_target: OutcomeTargetType | None = strawberry.field(description="The target.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.type(description="Result of removing an outcome target.")
class RemoveOutcomeTargetPayload:
    removed_outcome_target_id: strawberry.ID | None = strawberry.field(
        description="The global ID the removed target had."
    )
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.type
class TargetMutation:
    @strawberry.mutation(
        description="Set an initiative's target on a metric for a period (partnership admins)."
    )
    async def set_outcome_target(
        self,
        info: Info,
        input: Annotated[SetOutcomeTargetInput, strawberry.argument(description="The target.")],
    ) -> OutcomeTargetPayload:
        async def action(session: Any, principal: Principal) -> models.OutcomeTarget:
            initiative_id = decode_id(input.initiative_id, "Initiative", "initiativeId")
            return await targets.set_outcome_target(
                session,
                principal,
                initiative_id=initiative_id,
                metric=input.metric,
                period=input.period,
                target=input.target,
            )

        target, errors = await run_mutation(info, action)
        built = OutcomeTargetType.from_model(target) if target else None
        return OutcomeTargetPayload(outcome_target=built, user_errors=errors)

    @strawberry.mutation(description="Remove an initiative's outcome target (partnership admins).")
    async def remove_outcome_target(
        self,
        info: Info,
        input: Annotated[
            RemoveOutcomeTargetInput, strawberry.argument(description="The target to remove.")
        ],
    ) -> RemoveOutcomeTargetPayload:
        async def action(session: Any, principal: Principal) -> uuid.UUID:
            target_id = decode_id(input.id, "OutcomeTarget", "id")
            removed = await targets.remove_outcome_target(session, principal, target_id=target_id)
            return removed.id

        removed_id, errors = await run_mutation(info, action)
        global_id = to_global_id("OutcomeTarget", removed_id) if removed_id else None
        return RemoveOutcomeTargetPayload(removed_outcome_target_id=global_id, user_errors=errors)


__all__ = [
    "InitiativeOutcomeFields",
    "OutcomeTargetPayload",
    "OutcomeTargetType",
    "RemoveOutcomeTargetInput",
    "RemoveOutcomeTargetPayload",
    "SetOutcomeTargetInput",
    "TargetMutation",
]
