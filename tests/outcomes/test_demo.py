"""The demo outcomes: each partnership's participant records, aggregate counts and
targets, seeded once, with a funder-facing picture that has some cells suppressed."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import func, select

from coalition.audit.models import AuditEvent
from coalition.auth.principal import system_principal
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.demo import NAMESPACE, PARTNERSHIPS, DemoPartnership, organization_ids, seed_demo
from coalition.outcomes.demo import OUTCOMES, TARGETS
from coalition.outcomes.metric_names import MetricName
from coalition.outcomes.metric_rows import BreakdownBy
from coalition.outcomes.metrics import outcome_metric
from coalition.outcomes.models import AggregateCount, OutcomeTarget, ParticipantRecord

SLUGS = ("lakeshore-manufacturing", "metro-healthcare")


def _partnership(slug: str) -> DemoPartnership:
    return next(p for p in PARTNERSHIPS if p.slug == slug)


async def _count(sessions: SessionFactory, tenant_id: uuid.UUID, model: type, *where: Any) -> int:
    async with tenant_transaction(sessions, tenant_id) as session:
        found = await session.scalar(
            select(func.count()).select_from(model).where(model.tenant_id == tenant_id, *where)
        )
    return int(found or 0)


async def _demo_records(sessions: SessionFactory, tenant_id: uuid.UUID, prefix: str) -> int:
    async with tenant_transaction(sessions, tenant_id) as session:
        found = await session.scalar(
            select(func.count())
            .select_from(ParticipantRecord)
            .where(
                ParticipantRecord.tenant_id == tenant_id,
                ParticipantRecord.participant_identifier.regexp_match(f"^{prefix}-[0-9]{{4}}$"),
            )
        )
    return int(found or 0)


async def test_each_partnership_has_its_outcomes_seeded_once(
    owner_sessions: SessionFactory,
) -> None:
    await seed_demo(owner_sessions)
    before = {
        slug: await _count(owner_sessions, uuid.uuid5(NAMESPACE, slug), AuditEvent)
        for slug in SLUGS
    }
    await seed_demo(owner_sessions)

    for slug in SLUGS:
        tenant_id = uuid.uuid5(NAMESPACE, slug)
        for reporter in OUTCOMES[slug].reporters:
            # The demo's own identifiers (other tests may import more into the demo).
            assert await _demo_records(owner_sessions, tenant_id, reporter.prefix) == (
                reporter.people
            ), (slug, reporter.prefix)
        # The demo's own (other tests may add more to the demo partnerships).
        counter = organization_ids(_partnership(slug))[OUTCOMES[slug].counts_organization]
        demo_quarters = AggregateCount.quarter_starts_on.between(date(2025, 7, 1), date(2026, 4, 1))
        metrics = [metric for metric, _, _ in TARGETS]
        assert await _count(
            owner_sessions,
            tenant_id,
            OutcomeTarget,
            OutcomeTarget.period == "PY2025",
            OutcomeTarget.metric.in_(metrics),
        ) == len(TARGETS)
        assert (
            await _count(
                owner_sessions,
                tenant_id,
                AggregateCount,
                AggregateCount.organization_id == counter,
                demo_quarters,
            )
            == 4 * 3
        )
        # Seeding again changed nothing, so it audited nothing either.
        assert await _count(owner_sessions, tenant_id, AuditEvent) == before[slug], slug


async def test_the_demo_shows_figures_and_hides_small_groups(
    owner_sessions: SessionFactory,
) -> None:
    await seed_demo(owner_sessions)

    for slug in SLUGS:
        tenant_id = uuid.uuid5(NAMESPACE, slug)
        principal = system_principal(tenant_id, "test")
        async with tenant_transaction(owner_sessions, tenant_id) as session:
            completions = await outcome_metric(
                session,
                principal,
                metric=MetricName.COMPLETION_RATE,
                period="PY2025",
                breakdown_by=[BreakdownBy.SEX],
            )
            by_race = await outcome_metric(
                session,
                principal,
                metric=MetricName.WIOA_EMPLOYMENT_Q2,
                period="PY2025",
                breakdown_by=[BreakdownBy.RACE_ETHNICITY],
            )
        assert not completions.total.suppressed, slug
        assert completions.total.basis == "BOTH", slug
        # The few who did not say their sex are hidden, with the smaller other group.
        assert [cell.suppressed for cell in completions.cells] == [False, True, True], slug
        assert not by_race.total.suppressed, slug
        assert any(cell.suppressed for cell in by_race.cells), slug
