"""Costs per credential and per placement in the funders' views (FundPool.summary and
Initiative.funding): the ledger's disbursements over the outcomes as outcomeMetrics
shows them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.applications import Starlette

from coalition.config import Settings
from coalition.db.engine import SessionFactory
from coalition.outcomes.models import CredentialType, EmploymentStatus, TrainingServiceType
from coalition.outcomes.periods import quarter_label, quarter_start
from tests.funds.support.steps import approve, pay, schedule, verified
from tests.funds.support.world import FundsWorld, create_funds_world
from tests.outcomes.metric_support import add_records
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.world import World, global_id

FIGURE = "suppressed people amount { amountMinor currency } display"
POOL = f"""
query($id: ID!, $period: String!) {{
  node(id: $id) {{
    ... on FundPool {{
      summary {{
        costPerCredential(period: $period) {{ {FIGURE} }}
        costPerPlacement(period: $period) {{ {FIGURE} }}
      }}
    }}
  }}
}}"""
INITIATIVE = f"""
query($id: ID!, $period: String!) {{
  node(id: $id) {{
    ... on Initiative {{
      funding {{
        costPerCredential(period: $period) {{ {FIGURE} }}
        costPerPlacement(period: $period) {{ {FIGURE} }}
      }}
    }}
  }}
}}"""


async def _disbursed(sessions: SessionFactory, funds: FundsWorld) -> None:
    """180,002 cents disbursed today: 150,001 paid and 30,001 approved (19,000 only
    scheduled, not disbursed)."""
    contribution = await verified(sessions, funds)
    paid = await schedule(sessions, funds, contribution, 150_001)
    await approve(sessions, funds, paid)
    await pay(sessions, funds, paid)
    approved = await schedule(sessions, funds, contribution, 30_001)
    await approve(sessions, funds, approved)
    await schedule(sessions, funds, contribution, 19_000)


async def _people(
    sessions: SessionFactory, world: World, funds: FundsWorld, credentialed: int, placed: int
) -> str:
    """People of the initiative who exited this quarter: ``credentialed`` with a
    certificate (and placed, the first ``placed`` of them), and 10 with neither. Returns
    the quarter's label."""
    today = datetime.now(UTC).date()
    exit_on = quarter_start(today)
    common: dict[str, Any] = {
        "entry_date": exit_on - timedelta(days=120),
        "exit_date": exit_on,
        "initiative_id": funds.initiative,
        "training_service_type": TrainingServiceType.OCCUPATIONAL_SKILLS,
    }
    credential = {
        "credential_1_type": CredentialType.OCCUPATIONAL_CERTIFICATE,
        "credential_1_on": exit_on,
    }
    employed = {"employed_q1": EmploymentStatus.EMPLOYED}
    await add_records(sessions, world, "college", placed, **common, **credential, **employed)
    await add_records(sessions, world, "college", credentialed - placed, **common, **credential)
    await add_records(sessions, world, "college", 10, **common)
    return quarter_label(exit_on)


async def test_a_pools_cost_per_outcome_divides_what_it_disbursed(
    gql: GraphQLClient,
    owner_sessions: SessionFactory,
    world: World,
    app: Starlette,
    settings: Settings,
) -> None:
    funds = await create_funds_world(owner_sessions, app, settings, world)
    await _disbursed(owner_sessions, funds)
    period = await _people(owner_sessions, world, funds, credentialed=12, placed=11)

    pool = await gql(
        POOL,
        {"id": global_id("FundPool", funds.pool), "period": period},
        token=funds.token("funder_admin"),
    )
    initiative = await gql(
        INITIATIVE,
        {"id": global_id("Initiative", funds.initiative), "period": period},
        token=world.tokens["admin"],
    )

    assert "errors" not in pool, pool
    summary = pool["data"]["node"]["summary"]
    # 180,002 / 12 credentials = 15,000.17: $150.00 each.
    assert summary["costPerCredential"] == {
        "suppressed": False,
        "people": 12,
        "amount": {"amountMinor": "15000", "currency": "USD"},
        "display": "$150.00",
    }
    # 180,002 / 11 placements = 16,363.8: $163.64 each.
    assert summary["costPerPlacement"]["amount"] == {"amountMinor": "16364", "currency": "USD"}
    assert "errors" not in initiative, initiative
    (funding,) = initiative["data"]["node"]["funding"]
    assert funding["costPerCredential"] == summary["costPerCredential"]
    assert funding["costPerPlacement"] == summary["costPerPlacement"]


async def test_a_cost_over_a_hidden_count_is_hidden(
    gql: GraphQLClient,
    owner_sessions: SessionFactory,
    world: World,
    app: Starlette,
    settings: Settings,
) -> None:
    funds = await create_funds_world(owner_sessions, app, settings, world)
    await _disbursed(owner_sessions, funds)
    # 5 credentials: with the disbursements the funder reads, a cost would give the 5.
    period = await _people(owner_sessions, world, funds, credentialed=5, placed=5)

    pool = await gql(
        POOL,
        {"id": global_id("FundPool", funds.pool), "period": period},
        token=funds.token("funder_admin"),
    )

    summary = pool["data"]["node"]["summary"]
    for name in ("costPerCredential", "costPerPlacement"):
        assert summary[name] == {
            "suppressed": True,
            "people": None,
            "amount": None,
            "display": "(S)",
        }


async def test_a_calendar_year_is_refused_and_apps_without_outcomes_read_are_forbidden(
    gql: GraphQLClient,
    owner_sessions: SessionFactory,
    world: World,
    app: Starlette,
    settings: Settings,
) -> None:
    funds = await create_funds_world(owner_sessions, app, settings, world)
    ids = {"id": global_id("FundPool", funds.pool)}

    year = await gql(POOL, ids | {"period": "2026"}, token=funds.token("funder_admin"))
    app_read = await gql(POOL, ids | {"period": "2026Q1"}, token=funds.token("funds_reader"))

    assert set(error_codes(year)) == {"BAD_USER_INPUT"}
    assert set(error_codes(app_read)) == {"FORBIDDEN"}
