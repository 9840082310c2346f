"""The provider's figures: its programs against the skills gap over a horizon of
quarters (chart and tables), and its scorecard for a period, as the schema gives them
to this person (a provider's own admins read exact figures; others, suppressed ones)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from starlette.responses import Response
from starlette.routing import Route

from coalition.web.charts import Chart, Series, to_number
from coalition.web.nav import PROVIDERS
from coalition.web.pages.provider import provider_of
from coalition.web.visit import FormError, Refused, Visit, page

GAP = """
query WebProviderGap($from: String!, $to: String!, $organization: ID) {
  providerGap(from: $from, to: $to, organizationId: $organization) {
    organizationName
    programs {
      programId name meetsShortage
      occupations { code title hidden demand expectedCompleters gap }
    }
    untaughtSkills { code title demand }
    byOccupation {
      release { publishedAt }
      rows { code title hidden demand expectedCompleters gap ratio }
    }
  }
}
"""

SCORECARD = """
query WebScorecard($organization: ID!, $period: String!) {
  node(id: $organization) {
    ... on Organization {
      name
      scorecard(period: $period) {
        exact minPeople
        period { label startsOn endsOn }
        completionRate { ...figure }
        credentialRate { ...figure }
        placementRate { ...figure }
        medianWageAtPlacement { ...figure }
        captureRate { ...figure }
      }
    }
  }
}
fragment figure on OutcomeFigure { suppressed people count rate display basis }
"""

FIGURES = (
    ("completionRate", "Completion rate", "Of the people who left, the share who completed."),
    ("credentialRate", "Credential rate", "The share who earned a credential within a year."),
    ("placementRate", "Placement rate", "The share who found a job after leaving."),
    (
        "medianWageAtPlacement",
        "Median wage at placement",
        "The middle hourly wage of those placed.",
    ),
    ("captureRate", "Capture rate", "The share hired and kept by the partnership's employers."),
)


def _quarter(day: date, ahead: int = 0) -> str:
    index = day.year * 4 + (day.month - 1) // 3 + ahead
    return f"{index // 4}Q{index % 4 + 1}"


def _today() -> date:
    return datetime.now(UTC).date()


@page
async def gap(visit: Visit) -> Response:
    """The organization's programs against the skills gap over a horizon of quarters."""
    organization = provider_of(visit)
    query = visit.request.query_params
    today = _today()
    horizon = {
        "from": query.get("from", "").strip().upper() or _quarter(today, 1),
        "to": query.get("to", "").strip().upper() or _quarter(today, 4),
    }
    answer = await visit.run(
        GAP, organization=organization["id"], **{"from": horizon["from"], "to": horizon["to"]}
    )
    if "FORBIDDEN" in answer.codes:
        raise Refused
    if answer.errors and "BAD_USER_INPUT" not in answer.codes:
        raise RuntimeError("the gap's query failed")
    errors = [FormError("from", str(e.get("message", ""))) for e in answer.errors]
    found = (answer.data or {}).get("providerGap") if not errors else None
    chart = None
    if found:
        rows = found["byOccupation"]["rows"]
        chart = Chart(
            "Openings against expected completers, by occupation",
            [row["title"] for row in rows],
            [
                Series(
                    "Openings", tuple(None if r["hidden"] else to_number(r["demand"]) for r in rows)
                ),
                Series(
                    "Expected completers", tuple(to_number(r["expectedCompleters"]) for r in rows)
                ),
            ],
            unit="people",
        )
    return visit.render(
        "provider/gap.html",
        status=400 if errors else 200,
        title="Skills gap",
        organization=organization,
        choices=visit.organizations_of(*PROVIDERS),
        horizon=horizon,
        gap=found,
        gap_chart=chart,
        errors=errors,
    )


def periods(today: date) -> list[str]:
    """The periods offered: the last four program years (July to June) and the last
    eight quarters, newest first."""
    program_year = today.year if today.month >= 7 else today.year - 1
    years = [f"PY{program_year - n}" for n in range(4)]
    quarters = [_quarter(today, -n) for n in range(8)]
    return years + quarters


def default_period(today: date) -> str:
    """The last program year that has ended."""
    program_year = today.year if today.month >= 7 else today.year - 1
    return f"PY{program_year - 1}"


@page
async def scorecard(visit: Visit) -> Response:
    """The organization's outcomes for a period."""
    organization = provider_of(visit)
    today = _today()
    offered = periods(today)
    period = visit.request.query_params.get("period", "").strip().upper() or default_period(today)
    errors: list[FormError] = []
    card = None
    if period not in offered:
        errors = [FormError("period", "Choose a period from the list.")]
    else:
        data = await visit.ask(SCORECARD, organization=organization["id"], period=period)
        card = (data.get("node") or {}).get("scorecard")
    chart = None
    if card:
        rates = [f for f in FIGURES if f[0] != "medianWageAtPlacement"]
        chart = Chart(
            f"Outcome rates, {card['period']['label']}",
            [label for _, label, _ in rates],
            [
                Series(
                    "Rate",
                    tuple(
                        None
                        if card[key]["rate"] is None
                        else round(float(card[key]["rate"]) * 100, 1)
                        for key, _, _ in rates
                    ),
                )
            ],
            unit="%",
        )
    return visit.render(
        "provider/scorecard.html",
        status=400 if errors else 200,
        title="Scorecard",
        organization=organization,
        choices=visit.organizations_of(*PROVIDERS),
        period=period,
        offered=offered,
        card=card,
        figures=FIGURES,
        rates_chart=chart,
        errors=errors,
    )


ROUTES = [
    Route("/gap", gap, methods=["GET"]),
    Route("/scorecard", scorecard, methods=["GET"]),
]
