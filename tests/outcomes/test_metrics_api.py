"""outcomeMetrics over GraphQL: who may ask, what a figure looks like, bad questions."""

from __future__ import annotations

from typing import Any

import pytest

from coalition.db.engine import SessionFactory
from coalition.outcomes.models import EmploymentStatus, Sex
from tests.outcomes.metric_support import add_records
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.world import World, global_id

EMPLOYED = EmploymentStatus.EMPLOYED
FIGURE = """keys { dimension value } suppressed people count rate bound amount { amountMinor }
  basis display"""
METRICS = f"""
query($metric: OutcomeMetric!, $period: String!, $by: [MetricBreakdown!], $org: ID,
      $program: ID, $initiative: ID) {{
  outcomeMetrics(metric: $metric, period: $period, breakdownBy: $by, organizationId: $org,
                 programId: $program, initiativeId: $initiative) {{
    definition {{ metric version code title kind cohort denominator numerator exclusions }}
    period {{ label startsOn endsOn }}
    breakdownBy exact minPeople
    total {{ {FIGURE} }}
    cells {{ {FIGURE} }}
  }}
}}"""


async def _ask(gql: GraphQLClient, token: str | None, **variables: Any) -> dict[str, Any]:
    values = {"metric": "WIOA_EMPLOYMENT_Q2", "period": "2026Q1"} | variables
    return await gql(METRICS, values, token=token)


async def test_the_convener_reads_a_breakdown_with_its_small_cells_suppressed(
    gql: GraphQLClient, owner_sessions: SessionFactory, world: World
) -> None:
    await add_records(owner_sessions, world, "college", 20, sex=Sex.MALE, employed_q2=EMPLOYED)
    await add_records(owner_sessions, world, "college", 20, sex=Sex.MALE)
    await add_records(owner_sessions, world, "college", 3, sex=Sex.FEMALE, employed_q2=EMPLOYED)
    await add_records(owner_sessions, world, "college", 8, sex=Sex.NOT_DISCLOSED)
    await add_records(
        owner_sessions, world, "college", 9, sex=Sex.NOT_DISCLOSED, employed_q2=EMPLOYED
    )

    body = await _ask(gql, world.tokens["admin"], by=["SEX"])

    assert "errors" not in body, body["errors"]
    result = body["data"]["outcomeMetrics"]
    assert result["definition"]["code"] == "WIOA_EMPLOYMENT_Q2 v1"
    assert result["definition"]["kind"] == "RATE"
    assert result["period"] == {"label": "2026Q1", "startsOn": "2026-01-01", "endsOn": "2026-03-31"}
    assert (result["exact"], result["minPeople"], result["breakdownBy"]) == (False, 10, ["SEX"])
    assert result["total"] == {
        "keys": [],
        "suppressed": False,
        "people": 60,
        "count": 32,
        "rate": 0.5333,
        "bound": None,
        "amount": None,
        "basis": "PARTICIPANT_RECORDS",
        "display": "53.3%",
    }
    cells = {cell["keys"][0]["value"]: cell for cell in result["cells"]}
    assert list(cells) == ["MALE", "FEMALE", "NOT_DISCLOSED"]
    assert cells["MALE"]["display"] == "50.0%"
    for hidden in ("FEMALE", "NOT_DISCLOSED"):
        assert cells[hidden] | {"keys": []} == {
            "keys": [],
            "suppressed": True,
            "people": None,
            "count": None,
            "rate": None,
            "bound": None,
            "amount": None,
            "basis": "NONE",
            "display": "(S)",
        }


async def test_the_member_reads_its_own_exactly(
    gql: GraphQLClient, owner_sessions: SessionFactory, world: World
) -> None:
    await add_records(owner_sessions, world, "college", 2, employed_q2=EMPLOYED)
    college = global_id("Organization", world.organizations["college"])

    own = await _ask(gql, world.tokens["college_admin"], org=college)
    convener = await _ask(gql, world.tokens["admin"], org=college)

    assert own["data"]["outcomeMetrics"]["exact"] is True
    assert own["data"]["outcomeMetrics"]["total"]["display"] == "100.0%"
    assert convener["data"]["outcomeMetrics"]["exact"] is False
    assert convener["data"]["outcomeMetrics"]["total"]["suppressed"] is True


async def test_a_median_is_money(
    gql: GraphQLClient, owner_sessions: SessionFactory, world: World
) -> None:
    await add_records(
        owner_sessions, world, "college", 10, employed_q2=EMPLOYED, earnings_q2_cents=1_250_050
    )
    await add_records(
        owner_sessions, world, "college", 1, employed_q2=EMPLOYED, earnings_q2_cents=2_000_000
    )

    body = await _ask(gql, world.tokens["admin"], metric="WIOA_MEDIAN_EARNINGS_Q2")

    total = body["data"]["outcomeMetrics"]["total"]
    assert (total["people"], total["amount"], total["display"]) == (
        11,
        {"amountMinor": "1250050"},
        "$12,500.50",
    )


@pytest.mark.parametrize("who", ["admin", "analyst", "member", "college_member", "reader"])
async def test_the_partnerships_people_and_apps_may_ask(
    gql: GraphQLClient, world: World, who: str
) -> None:
    if who == "reader":
        body = await _ask(gql, world.tokens["reader"])
        assert error_codes(body) == ["FORBIDDEN"]
        return
    body = await _ask(gql, world.tokens[who])
    assert "errors" not in body
    assert body["data"]["outcomeMetrics"]["total"]["suppressed"] is True


async def test_an_app_with_outcomes_read_may_ask(
    gql: GraphQLClient, world: World, outcomes_reader: str
) -> None:
    body = await _ask(gql, outcomes_reader)

    assert "errors" not in body


async def test_nobody_without_a_token_may_ask(gql: GraphQLClient) -> None:
    body = await _ask(gql, None)

    assert error_codes(body) == ["UNAUTHENTICATED"]


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"period": "2026Q5"}, "calendar quarter"),
        ({"period": "2026Q1" * 5000}, "calendar quarter"),
        ({"metric": "WIOA_MSG", "period": "2026"}, "program year"),
        ({"metric": "COST_PER_CREDENTIAL"}, "initiativeId"),
        ({"by": ["SEX", "AGE_BAND", "VETERAN"]}, "at most 2"),
        ({"org": "not-an-id"}, "ID"),
    ],
)
async def test_bad_questions_are_user_errors(
    gql: GraphQLClient, world: World, variables: dict[str, Any], message: str
) -> None:
    body = await _ask(gql, world.tokens["admin"], **variables)

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert message in body["errors"][0]["message"]


async def test_another_partnerships_organization_is_not_found(
    gql: GraphQLClient, world: World, other_world: World
) -> None:
    theirs = global_id("Organization", other_world.organizations["college"])

    body = await _ask(gql, world.tokens["admin"], org=theirs)

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert "No such object" in body["errors"][0]["message"]
