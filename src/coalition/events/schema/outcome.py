# mypy: disable-error-code="untyped-decorator"
"""Outcome types: what exhibitors reported after events (``events.outcomes`` decides
who sees which numbers), and the pooled ``eventOutcomes`` query."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from coalition.api.context import Info
from coalition.events import outcomes, validation


@strawberry.type(name="OutcomeLine", description="One occupation's interviews, offers and hires.")
class OutcomeLineType:
    occupation_code: str | None = strawberry.field(
        description="The occupation (SOC 2018 code); null: the part of reports no line names."
    )
    interviews: int | None = strawberry.field(description="Interviews; null where hidden.")
    offers: int | None = strawberry.field(description="Job offers; null where hidden.")
    hires: int | None = strawberry.field(description="Hires; null where hidden.")

    @classmethod
    def of(cls, line: outcomes.Line) -> OutcomeLineType:
        return cls(
            occupation_code=line.occupation_code,
            interviews=line.interviews,
            offers=line.offers,
            hires=line.hires,
        )


@strawberry.type(
    name="EventOutcomes",
    description="Interviews, offers and hires that exhibitors reported, traced back to events. "
    "The convener sees exact sums at any time; everyone else sees the figures published once "
    "the reports are final (30 days after the event ends), each shown only when at least k "
    "exhibitors stand behind it and it passes the p% rule of the partnership's disclosure "
    "settings (null otherwise); pooled figures are sums of published ones only.",
)
class EventOutcomesType:
    interviews: int | None = strawberry.field(description="Interviews; null where hidden.")
    offers: int | None = strawberry.field(description="Job offers; null where hidden.")
    hires: int | None = strawberry.field(description="Hires; null where hidden.")
    by_occupation: list[OutcomeLineType] = strawberry.field(
        description="The same by occupation (cells with nothing reported are absent)."
    )
    exhibitors_reporting: int | None = strawberry.field(
        description="Exhibitors that reported (convener only; null for others)."
    )
    exact: bool = strawberry.field(description="Whether these are exact, unsuppressed sums.")
    final: bool = strawberry.field(
        description="Whether every report counted is final (its event's reports have closed)."
    )
    events_counted: int = strawberry.field(description="Events counted (1 for one event).")
    events_withheld: int = strawberry.field(
        description="Events counted whose hires stayed hidden (pooled figures of others only)."
    )

    @classmethod
    def of(cls, found: outcomes.Outcomes) -> EventOutcomesType:
        return cls(
            interviews=found.interviews,
            offers=found.offers,
            hires=found.hires,
            by_occupation=[OutcomeLineType.of(line) for line in found.by_occupation],
            exhibitors_reporting=found.exhibitors_reporting,
            exact=found.exact,
            final=found.final,
            events_counted=found.events_counted,
            events_withheld=found.events_withheld,
        )


@strawberry.type
class OutcomeQuery:
    @strawberry.field(
        description="Interviews, offers and hires traced to the published, completed events "
        "that start in [from, to), pooled (see EventOutcomes for who sees what)."
    )
    async def event_outcomes(
        self,
        info: Info,
        from_: Annotated[
            datetime | None,
            strawberry.argument(name="from", description="Events starting at or after this."),
        ] = None,
        to: Annotated[
            datetime | None, strawberry.argument(description="Events starting before this.")
        ] = None,
    ) -> EventOutcomesType:
        principal = info.context.require_principal()
        starts_from = validation.read_instant(("from",), from_)
        starts_to = validation.read_instant(("to",), to)
        async with info.context.session() as session:
            found = await outcomes.pooled_outcomes(
                session, principal, starts_from=starts_from, starts_to=starts_to
            )
        return EventOutcomesType.of(found)


__all__ = ["EventOutcomesType", "OutcomeLineType", "OutcomeQuery"]
