"""Initiative.progress: each target against the metric's actual, as the reader sees it."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.funds.service.initiatives import create_initiative
from coalition.outcomes.metric_names import MetricName
from coalition.outcomes.models import EmploymentStatus
from coalition.outcomes.progress import judge
from coalition.outcomes.targets import set_outcome_target
from tests.demand.support import principal_of
from tests.outcomes.metric_support import add_records
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.world import World, global_id

PROGRESS = """
query($id: ID!, $period: String) {
  node(id: $id) {
    ... on Initiative {
      progress(period: $period) {
        target { metric period target }
        actual { suppressed people count rate display }
        definitionCode shareReached elapsedShare onTrack
      }
    }
  }
}"""


async def _initiative(sessions: SessionFactory, world: World) -> uuid.UUID:
    async with tenant_transaction(sessions, world.id) as session:
        initiative = await create_initiative(
            session,
            principal_of(world, "admin"),
            name="Machinists",
            description=None,
            starts_on=date(2025, 1, 1),
            ends_on=date(2027, 12, 31),
            participant_ids=[],
        )
    return initiative.id


async def _target(
    sessions: SessionFactory,
    world: World,
    initiative: uuid.UUID,
    metric: str,
    period: str,
    value: str,
) -> None:
    async with tenant_transaction(sessions, world.id) as session:
        await set_outcome_target(
            session,
            principal_of(world, "admin"),
            initiative_id=initiative,
            metric=MetricName(metric),
            period=period,
            target=value,
        )


async def _progress(gql: GraphQLClient, world: World, who: str, initiative: uuid.UUID) -> Any:
    body = await gql(PROGRESS, {"id": global_id("Initiative", initiative)}, token=world.tokens[who])
    assert "errors" not in body, body
    return body["data"]["node"]["progress"]


async def test_targets_of_a_past_period_are_judged_against_the_actual(
    gql: GraphQLClient, owner_sessions: SessionFactory, world: World
) -> None:
    initiative = await _initiative(owner_sessions, world)
    employed = EmploymentStatus.EMPLOYED
    await add_records(
        owner_sessions, world, "college", 15, initiative_id=initiative, employed_q2=employed
    )
    await add_records(owner_sessions, world, "college", 10, initiative_id=initiative)
    # Outside the initiative, as many with as without: neither side is a small group.
    await add_records(owner_sessions, world, "college", 15, employed_q2=employed)
    await add_records(owner_sessions, world, "college", 15)
    await _target(owner_sessions, world, initiative, "WIOA_EMPLOYMENT_Q2", "2026Q1", "0.7")
    await _target(owner_sessions, world, initiative, "PLACEMENTS", "2026Q1", "40")
    await _target(owner_sessions, world, initiative, "ENROLLMENTS", "2025Q3", "10")

    progress = await _progress(gql, world, "admin", initiative)

    by_metric = {item["target"]["metric"]: item for item in progress}
    assert [item["target"]["period"] for item in progress] == ["2025Q3", "2026Q1", "2026Q1"]
    rate = by_metric["WIOA_EMPLOYMENT_Q2"]
    # 15 of the initiative's 25 exiters employed: 0.6 against a 0.7 target.
    assert rate["actual"] == {
        "suppressed": False,
        "people": 25,
        "count": 15,
        "rate": 0.6,
        "display": "60.0%",
    }
    assert (rate["shareReached"], rate["elapsedShare"], rate["onTrack"]) == (0.8571, 1.0, False)
    assert rate["definitionCode"] == "WIOA_EMPLOYMENT_Q2 v1"
    # 15 placed (employed in Q1 after exit or with an employer: here employed in Q2 only,
    # so nobody is placed): the count of placements stays below 10, suppressed.
    placements = by_metric["PLACEMENTS"]
    assert placements["actual"]["suppressed"] is True
    assert (placements["shareReached"], placements["onTrack"]) == (None, None)
    # 25 enrolled on 2025-09-01, in 2025Q3: two and a half times the target of 10.
    enrollments = by_metric["ENROLLMENTS"]
    assert (enrollments["actual"]["people"], enrollments["shareReached"]) == (25, 2.5)
    assert enrollments["onTrack"] is True


async def test_the_period_filter_keeps_the_targets_inside_it(
    gql: GraphQLClient, owner_sessions: SessionFactory, world: World
) -> None:
    initiative = await _initiative(owner_sessions, world)
    await _target(owner_sessions, world, initiative, "ENROLLMENTS", "2025Q3", "10")
    await _target(owner_sessions, world, initiative, "ENROLLMENTS", "2026Q1", "10")

    body = await gql(
        PROGRESS,
        {"id": global_id("Initiative", initiative), "period": "2026"},
        token=world.tokens["admin"],
    )

    assert [item["target"]["period"] for item in body["data"]["node"]["progress"]] == ["2026Q1"]


async def test_a_partner_app_without_funds_read_cannot_read_an_initiative(
    gql: GraphQLClient, owner_sessions: SessionFactory, world: World, outcomes_reader: str
) -> None:
    initiative = await _initiative(owner_sessions, world)

    body = await gql(PROGRESS, {"id": global_id("Initiative", initiative)}, token=outcomes_reader)

    assert body["data"]["node"] is None or error_codes(body) == ["FORBIDDEN"]


@pytest.mark.parametrize(
    ("metric", "target", "actual", "elapsed", "expected"),
    [
        # A count: on track when the share reached keeps up with the period elapsed.
        (MetricName.ENROLLMENTS, "100", "50", "0.5", (Decimal("0.5"), True)),
        (MetricName.ENROLLMENTS, "100", "49", "0.5", (Decimal("0.49"), False)),
        (MetricName.ENROLLMENTS, "0", "0", "0.5", (None, True)),
        # A rate: on track only once reached, whatever the time.
        (MetricName.WIOA_EMPLOYMENT_Q4, "0.7", "0.69", "0.1", (Decimal("0.9857"), False)),
        # A cost: lower is better.
        (MetricName.COST_PER_PLACEMENT, "400000", "350000", "1", (Decimal("0.875"), True)),
        (MetricName.COST_PER_PLACEMENT, "400000", "450000", "1", (Decimal("1.125"), False)),
        # Suppressed: nothing to judge.
        (MetricName.PLACEMENT_RATE, "0.5", None, "1", (None, None)),
    ],
)
def test_how_a_target_is_judged(
    metric: MetricName,
    target: str,
    actual: str | None,
    elapsed: str,
    expected: tuple[Decimal | None, bool | None],
) -> None:
    assert (
        judge(metric, Decimal(target), Decimal(actual) if actual else None, Decimal(elapsed))
        == expected
    )
