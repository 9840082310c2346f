"""Reading an outcome metric: check the caller and the question, then ``figures``.

Figures are remembered per partnership data version (``figure_cache``): asking the same
again before any record or count changes reads no record. Who may read: the
partnership's people, the operator, and partner apps with
``outcomes:read``. What they read is suppressed (``figures``) unless they ask for an
organization whose participant records they keep. Costs per outcome also need the
right to read funds (they divide the ledger's disbursements).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant
from coalition.disclosure.people import PeopleRule
from coalition.errors import InvalidInput, UserError
from coalition.funds.models.initiatives import Initiative
from coalition.funds.report.initiatives import disbursed_to_initiative
from coalition.outcomes.definitions import DEFINITIONS, CohortBy, is_program_year
from coalition.outcomes.figure_cache import FIGURES, cache_key, data_version
from coalition.outcomes.figures import (
    MAX_BREAKDOWNS,
    Cost,
    MetricFigures,
    MetricQuery,
    metric_figures,
)
from coalition.outcomes.metric_names import MetricName
from coalition.outcomes.metric_rows import BreakdownBy
from coalition.outcomes.periods import Period, is_calendar_year, parse_period
from coalition.outcomes.permissions import may_keep_records_of, require_outcomes_read
from coalition.supply.models import TrainingProgram
from coalition.tenancy.models import Organization, Tenant


async def outcome_metric(
    session: AsyncSession,
    principal: Principal,
    *,
    metric: MetricName,
    period: str | Period,
    initiative_id: uuid.UUID | None = None,
    program_id: uuid.UUID | None = None,
    organization_id: uuid.UUID | None = None,
    breakdown_by: Sequence[BreakdownBy] = (),
) -> MetricFigures:
    """One metric for one period, for the whole partnership or narrowed to an
    initiative, a program or an organization, broken down by up to two equity
    dimensions. Raises ``InvalidInput`` (every problem) before reading any record."""
    require_outcomes_read(principal)
    exact = (
        organization_id is not None
        and not principal.is_system
        and may_keep_records_of(principal, organization_id)
    )
    query = await _query(
        session,
        principal,
        metric=metric,
        period=period,
        initiative_id=initiative_id,
        program_id=program_id,
        organization_id=organization_id,
        breakdown_by=breakdown_by,
        exact=exact,
    )
    rule = await people_rule(session, principal)
    if DEFINITIONS[metric].cost_of is not None:
        cost = await _cost(session, principal, query)
        return await metric_figures(session, principal, query, rule=rule, exact=exact, cost=cost)
    # Read before the rows (figure_cache): what is remembered is never older than it.
    version = await data_version(session, principal)
    own = frozenset() if principal.is_system else principal.administered_organization_ids
    key = cache_key(principal.tenant_id, version, query, own, exact, rule.min_people)
    found = FIGURES.get(key)
    if found is None:
        found = await metric_figures(session, principal, query, rule=rule, exact=exact)
        FIGURES.put(key, found)
    return found


async def people_rule(session: AsyncSession, principal: Principal) -> PeopleRule:
    settings = await session.scalar(select(Tenant.settings).where(Tenant.id == principal.tenant_id))
    return PeopleRule.from_settings(settings)


async def _query(
    session: AsyncSession,
    principal: Principal,
    *,
    metric: MetricName,
    period: str | Period,
    initiative_id: uuid.UUID | None,
    program_id: uuid.UUID | None,
    organization_id: uuid.UUID | None,
    breakdown_by: Sequence[BreakdownBy],
    exact: bool,
) -> MetricQuery:
    errors: list[UserError] = []
    parsed: Period | None = period if isinstance(period, Period) else None
    if parsed is None:
        try:
            parsed = parse_period(str(period))
        except InvalidInput as problem:
            errors.extend(problem.errors)
    definition = DEFINITIONS[metric]
    if (
        parsed is not None
        and definition.cohort_by == CohortBy.PROGRAM_YEAR
        and not is_program_year(parsed)
    ):
        errors.append(
            UserError(
                ("period",),
                f"{metric} is read by program year only: give one like PY2025 (July to June).",
                "INVALID",
            )
        )
    if parsed is not None and is_calendar_year(parsed) and not exact:
        errors.append(
            UserError(
                ("period",),
                "Suppressed outcome figures are read by quarter (2026Q1) or program year "
                "(PY2025): a calendar year overlaps two program years, and the two could be "
                "subtracted to reveal small groups. A member reads its own figures for any "
                "period.",
                "INVALID",
            )
        )
    if definition.cost_of is not None and initiative_id is None:
        errors.append(
            UserError(
                ("initiativeId",),
                f"{metric} divides one initiative's disbursements: give its initiativeId.",
                "REQUIRED",
            )
        )
    if len(set(breakdown_by)) != len(breakdown_by):
        errors.append(UserError(("breakdownBy",), "Name each dimension once.", "INVALID"))
    if len(breakdown_by) > MAX_BREAKDOWNS:
        errors.append(
            UserError(
                ("breakdownBy",),
                f"Break a metric down by at most {MAX_BREAKDOWNS} dimensions at once.",
                "INVALID",
            )
        )
    for field, model, wanted in (
        ("initiativeId", Initiative, initiative_id),
        ("programId", TrainingProgram, program_id),
        ("organizationId", Organization, organization_id),
    ):
        if wanted is not None and not await _exists(session, principal, model, wanted):
            errors.append(UserError((field,), "No such object in this partnership.", "NOT_FOUND"))
    if errors:
        raise InvalidInput(errors)
    assert parsed is not None
    return MetricQuery(
        metric=metric,
        period=parsed,
        initiative_id=initiative_id,
        program_id=program_id,
        organization_id=organization_id,
        breakdown_by=tuple(breakdown_by),
    )


async def _exists(
    session: AsyncSession,
    principal: Principal,
    model: type[Initiative] | type[TrainingProgram] | type[Organization],
    wanted: uuid.UUID,
) -> bool:
    found = await session.scalar(
        select(model.id).where(in_tenant(model, principal), model.id == wanted)
    )
    return found is not None


async def _cost(session: AsyncSession, principal: Principal, query: MetricQuery) -> Cost | None:
    """For a cost per outcome: the initiative's disbursements in the period (the one
    currency they are in; none when there were none, or in several currencies)."""
    if DEFINITIONS[query.metric].cost_of is None or query.initiative_id is None:
        return None
    disbursed = await disbursed_to_initiative(
        session,
        principal,
        query.initiative_id,
        occurred_from=query.period.starts_on,
        occurred_to=query.period.ends_on,
    )
    if len(disbursed) != 1:
        return None
    ((currency, amount),) = disbursed.items()
    return Cost(amount=amount, currency=currency)


__all__ = ["outcome_metric", "people_rule"]
