"""One outcome report for every funder, modelled on the DOL's ETA-9169 (the WIOA
statewide and local performance report): for one initiative and one period, the people
served and exited, each indicator with its target and actual, every indicator broken
down by each equity dimension, the funds the ledger disbursed, and costs per
participant and per outcome.

Every figure is suppressed as ``figures`` shows it to anyone but the reporting member
(the report goes to funders): decided over the members other than the reader's own
organizations, the filters and every quarter checked, with rates above 95% or below 5%
shown only as that bound. Who may read it: the convener (partnership admins) and the
operator for every initiative; a person of a funder organization for the initiatives
its pools fund (a contribution to the initiative in a pool of that funder); nobody else.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant
from coalition.disclosure.people import PeopleRule
from coalition.errors import Forbidden, InvalidInput, UserError
from coalition.funds.models.initiatives import Initiative
from coalition.funds.models.pools import FundPool
from coalition.funds.report.initiatives import disbursed_to_initiative, initiative_funding
from coalition.outcomes.definitions import DEFINITIONS, CohortBy, Definition, is_program_year
from coalition.outcomes.figure_cache import REPORTS, data_version
from coalition.outcomes.figures import Cost, MetricCell, MetricQuery, compute, cost_per
from coalition.outcomes.metric_names import MetricKind, MetricName
from coalition.outcomes.metric_rows import KEYS, BreakdownBy, MetricRows
from coalition.outcomes.models import OutcomeTarget
from coalition.outcomes.periods import Period, parse_period
from coalition.outcomes.permissions import (
    funded_initiative_clause,
    may_read_every_report,
    require_report_reader,
)
from coalition.outcomes.report_rows import (
    EXITED_CODE,
    SERVED_CODE,
    Grouping,
    Measure,
    exited_measure,
    load_measures,
    measure_of,
    served_measure,
)
from coalition.tenancy.models import Tenant

NOT_BY_PROGRAM_YEAR = "Read by program year only (PY2025: July to June); not for this period."


@dataclass(frozen=True)
class ReportHeader:
    """``definitions``: the code (name and version) of every definition the report's
    figures were computed with, its own participant counts first."""

    partnership: str
    initiative_id: uuid.UUID
    initiative: str
    period: Period
    generated_at: datetime
    min_people: int
    definitions: tuple[str, ...]


@dataclass(frozen=True)
class ParticipantCount:
    """Participants served or exited: ``figure.people`` (None when suppressed)."""

    code: str
    title: str
    figure: MetricCell


@dataclass(frozen=True)
class IndicatorRow:
    """One metric: its target for the initiative and period (people for a COUNT, a
    fraction for a RATE, whole cents for MONEY; None when none is set) and its actual
    (None with a ``note`` when the metric is not read for this period)."""

    metric: MetricName
    definition: Definition
    target: int | Decimal | None
    actual: MetricCell | None
    note: str | None = None


@dataclass(frozen=True)
class BreakdownRow:
    """One cell of a metric (or of a participant count) broken down one way:
    ``cell.key`` holds the dimension's value."""

    code: str
    title: str
    kind: MetricKind
    breakdown_by: BreakdownBy
    cell: MetricCell

    @property
    def value(self) -> str:
        return self.cell.key[0]


@dataclass(frozen=True)
class FundsExpended:
    """What the ledger disbursed for the initiative's contributions in the period
    (approved or paid, less reversals), in minor units of ``currency``."""

    currency: str
    amount: int


@dataclass(frozen=True)
class PoolFunding:
    """One pool's money for the initiative to date, in minor units."""

    pool_id: uuid.UUID
    pool: str
    currency: str
    contributed: int
    matched: int
    disbursed: int
    paid: int


@dataclass(frozen=True)
class CostRow:
    """Funds expended in the period divided by a number of people (``per``): whole
    minor units of ``currency``. ``amount`` None: suppressed (the people are), no people,
    or no single currency to divide (``note`` says which)."""

    title: str
    per: str
    currency: str | None
    amount: int | None
    people: int | None
    suppressed: bool
    note: str | None = None


@dataclass(frozen=True)
class OutcomeReport:
    header: ReportHeader
    served: ParticipantCount
    exited: ParticipantCount
    indicators: list[IndicatorRow]
    breakdowns: list[BreakdownRow]
    funds_expended: list[FundsExpended]
    funding: list[PoolFunding]
    costs: list[CostRow]


async def outcome_report(
    session: AsyncSession,
    principal: Principal,
    *,
    initiative_id: uuid.UUID,
    period: str | Period,
) -> OutcomeReport:
    """The initiative's report for the period, suppressed for whoever reads it.

    Forbidden for anyone but the convener, the operator and people of a funder
    organization; ``InvalidInput`` for a bad period or an initiative not in the
    partnership; Forbidden for a funder whose pools do not fund the initiative. The
    number of statements is the same for any number of records and metrics."""
    require_report_reader(principal)
    parsed, initiative = await _checked(session, principal, initiative_id, period)
    if not may_read_every_report(principal):
        funded = await session.scalar(select(funded_initiative_clause(principal, initiative_id)))
        if not funded:
            raise Forbidden(
                "Only the convener and the funders of this initiative may read its report."
            )
    partnership, settings = (
        await session.execute(
            select(Tenant.name, Tenant.settings).where(Tenant.id == principal.tenant_id)
        )
    ).one()
    rule = PeopleRule.from_settings(settings)
    expended = await disbursed_to_initiative(
        session,
        principal,
        initiative_id,
        occurred_from=parsed.starts_on,
        occurred_to=parsed.ends_on,
    )
    cost = _single_cost(expended)
    metrics = [name for name in MetricName if _applies(DEFINITIONS[name], parsed)]
    measures = [served_measure(parsed), exited_measure()]
    measures += [measure_of(DEFINITIONS[name], parsed) for name in metrics]
    own = frozenset() if principal.is_system else principal.administered_organization_ids

    def figure(
        measure: Measure, rows: MetricRows, breakdown: BreakdownBy | None
    ) -> list[MetricCell]:
        query = MetricQuery(
            metric=measure.definition.name,
            period=parsed,
            initiative_id=initiative_id,
            breakdown_by=(breakdown,) if breakdown else (),
        )
        figures = compute(measure.definition, query, rows, rule, own=own, exact=False, cost=cost)
        return [figures.total] if breakdown is None else figures.cells

    async def computed() -> tuple[dict[str, MetricCell], list[BreakdownRow]]:
        whole = await load_measures(
            session,
            principal,
            measures,
            parsed,
            Grouping(initiative=True, program=False, breakdown=None),
        )
        totals = {m.code: figure(m, whole[m.code], None)[0] for m in measures}
        breakdowns: list[BreakdownRow] = []
        broken = [m for m in measures if m.definition.cost_of is None]
        for dimension in BreakdownBy:
            loaded = await load_measures(
                session,
                principal,
                broken,
                parsed,
                Grouping(initiative=True, program=False, breakdown=dimension),
            )
            for measure in broken:
                for cell in figure(measure, loaded[measure.code], dimension):
                    breakdowns.append(
                        BreakdownRow(
                            measure.code,
                            measure.definition.title,
                            measure.definition.kind,
                            dimension,
                            cell,
                        )
                    )
        return totals, breakdowns

    # The figures are remembered per partnership data version, read before the rows
    # (figure_cache); the disbursements divided are part of the question.
    key = (
        "report",
        principal.tenant_id,
        await data_version(session, principal),
        initiative_id,
        parsed,
        own,
        rule.min_people,
        tuple(sorted(expended.items())),
    )
    found = REPORTS.get(key)
    if found is None:
        found = await computed()
        REPORTS.put(key, found)
    totals, remembered = found
    breakdowns = list(remembered)
    breakdowns.sort(key=lambda row: _order(row, measures))
    targets = await _targets(session, principal, initiative_id, parsed)
    indicators = [
        IndicatorRow(
            metric=name,
            definition=DEFINITIONS[name],
            target=targets.get(name),
            actual=totals.get(DEFINITIONS[name].code),
            note=None if name in metrics else NOT_BY_PROGRAM_YEAR,
        )
        for name in MetricName
    ]
    served = ParticipantCount(SERVED_CODE, measures[0].definition.title, totals[SERVED_CODE])
    exited = ParticipantCount(EXITED_CODE, measures[1].definition.title, totals[EXITED_CODE])
    header = ReportHeader(
        partnership=partnership,
        initiative_id=initiative_id,
        initiative=initiative,
        period=parsed,
        generated_at=datetime.now(UTC),
        min_people=rule.min_people,
        definitions=(SERVED_CODE, EXITED_CODE, *(DEFINITIONS[name].code for name in MetricName)),
    )
    return OutcomeReport(
        header=header,
        served=served,
        exited=exited,
        indicators=indicators,
        breakdowns=breakdowns,
        funds_expended=[FundsExpended(c, amount) for c, amount in sorted(expended.items())],
        funding=await _funding(session, principal, initiative_id),
        costs=_costs(served, exited, indicators, expended),
    )


def _applies(definition: Definition, period: Period) -> bool:
    return definition.cohort_by != CohortBy.PROGRAM_YEAR or is_program_year(period)


def _order(row: BreakdownRow, measures: Sequence[Measure]) -> tuple[int, int, int]:
    """Breakdown rows by measure (report order), then dimension, then its grid order."""
    codes = [measure.code for measure in measures]
    dimensions = list(BreakdownBy)
    return (
        codes.index(row.code),
        dimensions.index(row.breakdown_by),
        KEYS[row.breakdown_by].index(row.value),
    )


async def _checked(
    session: AsyncSession, principal: Principal, initiative_id: uuid.UUID, period: str | Period
) -> tuple[Period, str]:
    errors: list[UserError] = []
    parsed: Period | None = period if isinstance(period, Period) else None
    if parsed is None:
        try:
            parsed = parse_period(str(period))
        except InvalidInput as problem:
            errors.extend(problem.errors)
    name = await session.scalar(
        select(Initiative.name).where(
            in_tenant(Initiative, principal), Initiative.id == initiative_id
        )
    )
    if name is None:
        errors.append(
            UserError(("initiativeId",), "No such initiative in this partnership.", "NOT_FOUND")
        )
    if errors:
        raise InvalidInput(errors)
    assert parsed is not None and name is not None
    return parsed, name


def _single_cost(expended: dict[str, int]) -> Cost | None:
    if len(expended) != 1:
        return None
    ((currency, amount),) = expended.items()
    return Cost(amount=amount, currency=currency)


async def _targets(
    session: AsyncSession, principal: Principal, initiative_id: uuid.UUID, period: Period
) -> dict[MetricName, int | Decimal]:
    """The initiative's targets for exactly this period (by its label), in each metric's
    unit: people and cents as whole numbers, rates as fractions."""
    rows = await session.execute(
        select(OutcomeTarget.metric, OutcomeTarget.target).where(
            in_tenant(OutcomeTarget, principal),
            OutcomeTarget.initiative_id == initiative_id,
            OutcomeTarget.period == period.label,
        )
    )
    found: dict[MetricName, int | Decimal] = {}
    for metric, target in rows:
        if metric not in MetricName.__members__:
            continue
        name = MetricName(metric)
        kind = DEFINITIONS[name].kind
        found[name] = target if kind == MetricKind.RATE else int(target)
    return found


async def _funding(
    session: AsyncSession, principal: Principal, initiative_id: uuid.UUID
) -> list[PoolFunding]:
    per_pool = (await initiative_funding(session, principal, [initiative_id]))[initiative_id]
    if not per_pool:
        return []
    found = await session.execute(
        select(FundPool.id, FundPool.name).where(
            in_tenant(FundPool, principal), FundPool.id.in_([row.pool_id for row in per_pool])
        )
    )
    names = {pool_id: name for pool_id, name in found}
    return [
        PoolFunding(
            row.pool_id,
            names.get(row.pool_id, ""),
            row.currency,
            row.contributed,
            row.matched,
            row.disbursed,
            row.paid,
        )
        for row in per_pool
    ]


def _costs(
    served: ParticipantCount,
    exited: ParticipantCount,
    indicators: Sequence[IndicatorRow],
    expended: dict[str, int],
) -> list[CostRow]:
    """Cost per participant served and per exiter (the funds expended over a shown count
    of people: a hidden count would follow from a cost), then per credential and per
    placement (the cost metrics, suppressed the same way)."""
    currency = next(iter(expended)) if len(expended) == 1 else None
    amount = expended.get(currency, 0) if currency else 0
    note = None
    if not expended:
        note = "No funds were disbursed for the initiative in the period."
    elif currency is None:
        note = "Funds were disbursed in several currencies: no single cost to divide."
    rows: list[CostRow] = []
    for count, title in ((served, "Cost per participant served"), (exited, "Cost per exiter")):
        figure = count.figure
        value = None
        if currency and not figure.suppressed and figure.people:
            value = cost_per(amount, figure.people)
        rows.append(
            CostRow(title, count.code, currency, value, figure.people, figure.suppressed, note)
        )
    for row in indicators:
        if row.definition.cost_of is None or row.actual is None:
            continue
        cell = row.actual
        rows.append(
            CostRow(
                row.definition.title,
                DEFINITIONS[row.definition.cost_of].code,
                currency,
                int(cell.value) if cell.value is not None else None,
                cell.people,
                cell.suppressed,
                note,
            )
        )
    return rows


__all__ = [
    "BreakdownRow",
    "CostRow",
    "FundsExpended",
    "IndicatorRow",
    "OutcomeReport",
    "ParticipantCount",
    "PoolFunding",
    "ReportHeader",
    "outcome_report",
]
