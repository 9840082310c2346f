# mypy: disable-error-code="untyped-decorator"
"""Provider scorecards in GraphQL: ``Organization.scorecard(period)`` and
``TrainingProgram.scorecard(period)`` (fields outcomes adds to tenancy's and supply's
types, through per-request DataLoaders) and ``scorecards(period, sort)`` comparing the
partnership's providers."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Annotated

import strawberry

from coalition.api.context import Info
from coalition.api.enums import expose_enum
from coalition.api.relay import After, Connection, First, from_global_id
from coalition.api.schema import node_types_of
from coalition.outcomes import scorecards as service
from coalition.outcomes.definitions import DEFINITIONS
from coalition.outcomes.metric_names import MetricName
from coalition.outcomes.schema import enums  # noqa: F401  (describes the enums before use)
from coalition.outcomes.schema.loaders import OutcomeLoaders
from coalition.outcomes.schema.metrics import OutcomeFigure, ReportingPeriod
from coalition.outcomes.scorecards import Scorecard, ScorecardSort
from coalition.pagination import DEFAULT_PAGE_SIZE, PageRequest

if TYPE_CHECKING:
    from coalition.supply.schema import TrainingProgramType
    from coalition.tenancy.schema import OrganizationType

TENANCY_SCHEMA = "coalition.tenancy.schema"
SUPPLY_SCHEMA = "coalition.supply.schema"

expose_enum(
    ScorecardSort,
    name="ScorecardSort",
    description="How scorecards are ordered: a figure highest first, suppressed figures "
    "last (by name), rates shown only as a bound tied; or by name.",
    values={
        ScorecardSort.COMPLETION_RATE: "By completion rate (COMPLETION_RATE).",
        ScorecardSort.CREDENTIAL_RATE: "By credential attainment rate (WIOA_CREDENTIAL_RATE).",
        ScorecardSort.PLACEMENT_RATE: "By placement rate (PLACEMENT_RATE).",
        ScorecardSort.MEDIAN_WAGE: "By median hourly wage at placement.",
        ScorecardSort.CAPTURE_RATE: "By capture rate (TPM_CAPTURE_RATE).",
        ScorecardSort.NAME: "By the provider's name, A to Z.",
    },
)

PeriodArgument = Annotated[
    str,
    strawberry.argument(
        description="A quarter (2026Q1) or a program year (PY2025, July to June): exits in "
        "it. A calendar year (2026) only for a provider's own admins reading its own."
    ),
]


@strawberry.type(
    description="A training provider's (or one of its programs') outcomes for a period: "
    "each figure with the people behind it, suppressed as for any metric unless you are "
    "one of the provider's own organization admins."
)
class ProviderScorecard:
    card: strawberry.Private[Scorecard]

    @strawberry.field(description="The provider.")
    def organization(
        self, info: Info
    ) -> Annotated[OrganizationType, strawberry.lazy(TENANCY_SCHEMA)]:
        build = node_types_of(info)["Organization"].from_model  # type: ignore[attr-defined]
        found: OrganizationType = build(self.card.organization)
        return found

    @strawberry.field(description="The program, for a program's scorecard; else null.")
    def program(
        self, info: Info
    ) -> Annotated[TrainingProgramType, strawberry.lazy(SUPPLY_SCHEMA)] | None:
        if self.card.program is None:
            return None
        build = node_types_of(info)["TrainingProgram"].from_model  # type: ignore[attr-defined]
        found: TrainingProgramType = build(self.card.program)
        return found

    @strawberry.field(description="The period (people who exited in it).")
    def period(self) -> ReportingPeriod:
        period = self.card.period
        return ReportingPeriod(
            label=period.label, starts_on=period.starts_on, ends_on=period.ends_on
        )

    @strawberry.field(
        description="True: the provider's own figures, unsuppressed (you are one of its "
        "organization admins); false: suppressed."
    )
    def exact(self) -> bool:
        return self.card.exact

    @strawberry.field(description="The fewest people a shown figure stands for.")
    def min_people(self) -> int:
        return self.card.min_people

    @strawberry.field(description="The definitions' codes (name and version), in field order.")
    def definitions(self) -> list[str]:
        return [DEFINITIONS[name].code for name in service.SCORECARD_METRICS]

    @strawberry.field(description="Completion rate (COMPLETION_RATE).")
    def completion_rate(self) -> OutcomeFigure:
        return self._figure(MetricName.COMPLETION_RATE)

    @strawberry.field(description="Credential attainment rate (WIOA_CREDENTIAL_RATE).")
    def credential_rate(self) -> OutcomeFigure:
        return self._figure(MetricName.WIOA_CREDENTIAL_RATE)

    @strawberry.field(description="Placement rate (PLACEMENT_RATE).")
    def placement_rate(self) -> OutcomeFigure:
        return self._figure(MetricName.PLACEMENT_RATE)

    @strawberry.field(description="Median hourly wage at placement (MEDIAN_WAGE_AT_PLACEMENT).")
    def median_wage_at_placement(self) -> OutcomeFigure:
        return self._figure(MetricName.MEDIAN_WAGE_AT_PLACEMENT)

    @strawberry.field(
        description="Capture rate: hired and retained by the partnership's employers "
        "(TPM_CAPTURE_RATE)."
    )
    def capture_rate(self) -> OutcomeFigure:
        return self._figure(MetricName.TPM_CAPTURE_RATE)

    def _figure(self, metric: MetricName) -> OutcomeFigure:
        return OutcomeFigure.of(self.card.figures[metric], DEFINITIONS[metric].kind, ())


def _host_id(host: object, type_name: str) -> uuid.UUID:
    decoded = from_global_id(str(getattr(host, "id")), type_name)  # noqa: B009
    assert decoded is not None
    return decoded[1]


@strawberry.type
class OrganizationScorecardFields:
    """Fields outcomes adds to tenancy's Organization (``FIELDS``): ``self`` is the host."""

    @strawberry.field(
        description="The organization's outcomes as a provider for a period (completion, "
        "credential and placement rates, median wage at placement, capture rate), "
        "suppressed unless you are one of its organization admins."
    )
    async def scorecard(self, info: Info, period: PeriodArgument) -> ProviderScorecard | None:
        parsed = service.checked_period(period)
        card = await info.context.loaders.of(OutcomeLoaders).organization_scorecard.load(
            (_host_id(self, "Organization"), parsed)
        )
        return ProviderScorecard(card=card) if card else None


@strawberry.type
class ProgramScorecardFields:
    """Fields outcomes adds to supply's TrainingProgram (``FIELDS``): ``self`` is the host."""

    @strawberry.field(
        description="The program's outcomes for a period (its participant records and "
        "counts), suppressed unless you are one of its provider's organization admins."
    )
    async def scorecard(self, info: Info, period: PeriodArgument) -> ProviderScorecard | None:
        parsed = service.checked_period(period)
        card = await info.context.loaders.of(OutcomeLoaders).program_scorecard.load(
            (_host_id(self, "TrainingProgram"), parsed)
        )
        return ProviderScorecard(card=card) if card else None


@strawberry.type
class ScorecardQuery:
    @strawberry.field(
        description="The partnership's training providers (training providers, education "
        "institutions and any member reporting outcomes) side by side for a period, each "
        "figure suppressed as for any metric."
    )
    async def scorecards(
        self,
        info: Info,
        period: PeriodArgument,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
        sort: Annotated[
            ScorecardSort, strawberry.argument(description="The order (default: by name).")
        ] = ScorecardSort.NAME,
    ) -> Connection[ProviderScorecard]:
        principal = info.context.require_principal()
        async with info.context.session() as session:
            page = await service.scorecards(
                session,
                principal,
                period=period,
                sort=sort,
                page=PageRequest(first=first, after=after),
            )
        return Connection.of(page, lambda card: ProviderScorecard(card=card))


__all__ = [
    "OrganizationScorecardFields",
    "ProgramScorecardFields",
    "ProviderScorecard",
    "ScorecardQuery",
]
