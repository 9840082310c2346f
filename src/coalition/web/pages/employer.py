"""The employer's pages: post demand in two minutes, the organization's own signals, the
pooled picture, and contributions with their match."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from coalition.skills.distance import program_level
from coalition.web.charts import Chart, Series
from coalition.web.forms import dollars_to_minor, errors_on
from coalition.web.nav import EMPLOYER
from coalition.web.templating import zone
from coalition.web.visit import FormError, NotFound, Visit, first, page

SEARCH = """
query WebOccupationSearch($q: String!, $first: Int!) {
  occupations(search: $q, first: $first) { edges { node { code title } } }
}
"""

OCCUPATION = """
query WebOccupationProfile($code: String!) {
  occupation(code: $code) {
    code title
    skillProfile { hasRatings skills { skill { id name kind } importance level isNotRelevant } }
  }
}
"""

CREATE = """
mutation WebPostDemand($input: CreateDemandSignalInput!) {
  createDemandSignal(input: $input) {
    demandSignal { id }
    userErrors { field message code }
  }
}
"""

SIGNALS = """
query WebOwnDemand($org: ID!, $after: String) {
  demandSignals(first: 20, after: $after, filter: {organizationId: $org}) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id openings startQuarter endQuarter openingsKind sharingLevel status createdAt
      wageMin { formatted } wageMax { formatted } wageUnit
      occupation { code title }
      skills { skill { name } level }
    } }
  }
}
"""

SIGNAL = """
query WebDemandSignal($id: ID!) {
  demandSignal(id: $id) {
    id openings startQuarter endQuarter status sharingLevel
    organization { id name }
    occupation { code title }
  }
}
"""

WITHDRAW = """
mutation WebWithdrawDemand($input: WithdrawDemandSignalInput!) {
  withdrawDemandSignal(input: $input) {
    demandSignal { id status }
    userErrors { field message code }
  }
}
"""

POOLED = """
query WebPooledDemand {
  byOccupation: demandSummary(groupBy: [OCCUPATION]) {
    release { publishedAt }
    rule { minEmployers }
    cells { key { occupation { code title } } openings employerCountBand suppressed }
    total { openings suppressed }
  }
  byQuarter: demandSummary(groupBy: [OCCUPATION, QUARTER]) {
    cells { key { occupation { code title } quarter } openings suppressed }
  }
}
"""

CONTRIBUTIONS = """
query WebContributions($org: ID!, $after: String) {
  fundPools(first: 50, status: OPEN) {
    edges { node { id name currency startsOn endsOn eligiblePurposes funder { name } } }
  }
  initiatives(first: 50) { edges { node { id name participants { id } } } }
  contributions(first: 20, after: $after, filter: {organizationId: $org}) {
    pageInfo { hasNextPage endCursor }
    edges { node {
      id kind purpose contributedOn status matchRatio verifiedAt
      amount { formatted } matchRequested { formatted } matched { formatted }
      unmatched { formatted amountMinor }
      pool { name } initiative { name }
    } }
  }
}
"""

RECORD = """
mutation WebRecordContribution($input: RecordContributionInput!) {
  recordContribution(input: $input) {
    contribution { id }
    userErrors { field message code }
  }
}
"""

SHARING = (
    (
        "POOLED",
        "Pooled",
        "Counted in the partnership's totals; only your own people and the "
        "partnership's staff see this posting itself.",
    ),
    ("NAMED", "Named", "Every member of the partnership sees it with your organization's name."),
    ("PRIVATE", "Private", "Only your own people see it; it is not counted in the totals."),
)
OPENINGS_KINDS = (
    ("GROWTH", "New positions (we are growing)"),
    ("REPLACEMENT", "Replacing people who retire or leave"),
)
LEARNING = (
    ("REGISTERED_APPRENTICESHIP", "Registered apprenticeship"),
    ("PRE_APPRENTICESHIP", "Pre-apprenticeship"),
    ("ON_THE_JOB_TRAINING", "On-the-job training"),
    ("INTERNSHIP", "Internships"),
    ("EARN_AND_LEARN", "Paid work with classes"),
)
PURPOSES = {
    "TRAINING_COSTS": "Training costs (tuition, instructors)",
    "WORK_BASED_LEARNING_WAGES": "Wages during work-based learning",
    "SUPPORT_SERVICES": "Support for learners (childcare, transport, tools)",
    "TRAINING_EQUIPMENT": "Training equipment",
}
VALUATIONS = (
    ("WAGE_RATE", "Staff hours at their usual wage"),
    ("FAIR_MARKET_VALUE", "What it would cost on the market"),
    ("DEPRECIATION", "Use of equipment or space (depreciation)"),
    ("ACTUAL_COST", "What we actually paid"),
)
DEMAND_FIELDS = frozenset(
    {
        "organizationId", "occupationCode", "openings", "startQuarter", "endQuarter",
        "openingsKind", "skills", "wageMin", "wageMax", "wageUnit", "sharingLevel",
        "workBasedLearning", "isDegreeRequired",
    }
)  # fmt: skip
CONTRIBUTION_FIELDS = frozenset(
    {
        "organizationId", "poolId", "initiativeId", "kind", "purpose", "amount",
        "contributedOn", "valuationMethod", "evidenceNote",
    }
)  # fmt: skip
NOTICES = {
    "posted": "Your demand is posted. Thank you.",
    "withdrawn": "The demand signal is withdrawn.",
    "recorded": "Your contribution is recorded. The fund will verify it and then match it.",
}
MAX_SKILLS_SHOWN = 15
MAX_QUERY = 100


def _employers(visit: Visit) -> list[dict[str, Any]]:
    return visit.organizations_of(EMPLOYER)


def _chosen(organizations: list[dict[str, Any]], wanted: str) -> dict[str, Any] | None:
    """The organization the page is about: the one asked for among the person's own,
    else their first (a page of another organization's own data is never offered)."""
    for organization in organizations:
        if organization["id"] == wanted:
            return organization
    return organizations[0] if organizations else None


def _quarters(visit: Visit, count: int = 12) -> list[str]:
    today = datetime.now(zone(visit.time_zone)).date()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    found = []
    for _ in range(count):
        found.append(f"{year}Q{quarter}")
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return found


def _notice(visit: Visit) -> str:
    return NOTICES.get(visit.request.query_params.get("done", ""), "")


# --- posting demand --------------------------------------------------------------------


@page
async def occupations_json(visit: Visit) -> Response:
    """Search-as-you-type for the post-demand form: [{label, value}] of the ranked search."""
    q = visit.request.query_params.get("q", "").strip()[:MAX_QUERY]
    if len(q) < 2:
        return JSONResponse([])
    data = await visit.ask(SEARCH, q=q, first=10)
    return JSONResponse(
        [
            {"label": f"{node['title']} ({node['code']})", "value": node["code"]}
            for node in (edge["node"] for edge in data["occupations"]["edges"])
        ]
    )


async def _skill_choices(visit: Visit, code: str) -> tuple[dict[str, Any] | None, list[Any]]:
    if not code:
        return None, []
    try:
        data = await visit.ask(OCCUPATION, code=code[:20])
    except NotFound:
        return None, []
    occupation = data.get("occupation")
    if occupation is None:
        return None, []
    choices = [
        {**rated["skill"], "level": program_level(rated["level"] or 0)}
        for rated in occupation["skillProfile"]["skills"]
        if not rated.get("isNotRelevant")
    ][:MAX_SKILLS_SHOWN]
    return occupation, choices


async def _demand_form(
    visit: Visit,
    values: dict[str, list[str]],
    *,
    errors: list[FormError] | None = None,
    results: list[dict[str, str]] | None = None,
    status: int = 200,
) -> Response:
    employers = _employers(visit)
    code = first(values, "occupationChoice") or first(values, "occupationCode")
    occupation, skills = await _skill_choices(visit, code)
    quarters = _quarters(visit)
    defaults = {
        "startQuarter": quarters[1],
        "endQuarter": quarters[4],
        "openingsKind": "GROWTH",
        "sharingLevel": "POOLED",
        "wageUnit": "HOUR",
    }
    form = {name: first(values, name, defaults.get(name, "")) for name in (
        "organizationId", "occupationSearch", "openings", "startQuarter", "endQuarter",
        "openingsKind", "wageMin", "wageMax", "wageUnit", "sharingLevel", "isDegreeRequired",
    )}  # fmt: skip
    if occupation is not None and not form["occupationSearch"]:
        form["occupationSearch"] = f"{occupation['title']} ({occupation['code']})"
    return visit.render(
        "employer/demand_new.html",
        status=status,
        title="Post demand",
        employers=employers,
        form=form,
        occupation=occupation,
        skills=skills,
        picked_skills=set(values.get("skill", [])),
        picked_learning=set(values.get("workBasedLearning", [])),
        results=results,
        quarters=quarters,
        sharing=SHARING,
        openings_kinds=OPENINGS_KINDS,
        learning=LEARNING,
        errors=errors or [],
    )


@page
async def demand_new(visit: Visit) -> Response:
    """The post-demand form (``?occupation=`` preselects one)."""
    code = visit.request.query_params.get("occupation", "")
    return await _demand_form(visit, {"occupationCode": [code]} if code else {})


def _demand_input(
    visit: Visit, values: dict[str, list[str]]
) -> tuple[dict[str, Any], list[FormError]]:
    problems: list[FormError] = []
    employers = _employers(visit)
    organization = first(values, "organizationId") or (
        employers[0]["id"] if len(employers) == 1 else ""
    )
    if not organization:
        problems.append(FormError("organizationId", "Choose the employer this demand is for."))
    code = first(values, "occupationChoice") or first(values, "occupationCode")
    if not code:
        problems.append(FormError("occupationCode", "Search for the occupation and pick it."))
    openings_text = first(values, "openings")
    openings = int(openings_text) if openings_text.isdigit() and len(openings_text) < 8 else None
    if openings is None:
        problems.append(FormError("openings", "Say how many people you expect to hire (a number)."))
    data: dict[str, Any] = {
        "organizationId": organization,
        "occupationCode": code,
        "openings": openings or 0,
        "startQuarter": first(values, "startQuarter"),
        "endQuarter": first(values, "endQuarter"),
        "openingsKind": first(values, "openingsKind", "GROWTH"),
        "sharingLevel": first(values, "sharingLevel", "POOLED"),
        "isDegreeRequired": first(values, "isDegreeRequired") == "yes",
        "workBasedLearning": [v for v in values.get("workBasedLearning", []) if v][:10],
        "skills": [],
    }
    for picked in values.get("skill", [])[:30]:
        skill_id, _, level = picked.partition("|")
        data["skills"].append({"skillId": skill_id, "level": int(level) if level.isdigit() else 0})
    has_wage = False
    for name in ("wageMin", "wageMax"):
        text = first(values, name)
        if not text:
            continue
        cents = dollars_to_minor(text)
        if cents is None:
            problems.append(FormError(name, "Write the wage in dollars, like 24.50."))
            continue
        data[name] = {"amountMinor": cents, "currency": "USD"}
        has_wage = True
    if has_wage:
        data["wageUnit"] = first(values, "wageUnit", "HOUR")
    return data, problems


@page
async def demand_post(visit: Visit) -> Response:
    """The form's steps: find occupations, show an occupation's skills, or post."""
    values = await visit.form()
    step = first(values, "step")
    if step == "search":
        q = first(values, "occupationSearch")[:MAX_QUERY]
        results: list[dict[str, str]] = []
        if len(q) >= 2:
            data = await visit.ask(SEARCH, q=q, first=10)
            results = [edge["node"] for edge in data["occupations"]["edges"]]
        # What was chosen stays chosen until another result is picked.
        values.pop("occupationChoice", None)
        return await _demand_form(visit, values, results=results)
    if step == "skills":
        return await _demand_form(visit, values)
    data, problems = _demand_input(visit, values)
    if problems:
        return await _demand_form(visit, values, errors=problems, status=400)
    answer = await visit.change(CREATE, input=data)
    errors = errors_on(answer, "createDemandSignal", DEMAND_FIELDS)
    if errors or not (answer.data or {}).get("createDemandSignal", {}).get("demandSignal"):
        return await _demand_form(
            visit, values, errors=errors or [FormError("", "That did not work.")], status=400
        )
    return RedirectResponse(f"/demand?done=posted&org={data['organizationId']}", status_code=303)


# --- the organization's own signals ----------------------------------------------------


@page
async def demand_list(visit: Visit) -> Response:
    """The demand the person's employer posted, newest first, with withdraw."""
    params = visit.request.query_params
    organization = _chosen(_employers(visit), params.get("org", ""))
    signals = None
    if organization is not None:
        data = await visit.ask(SIGNALS, org=organization["id"], after=params.get("after"))
        signals = data["demandSignals"]
    return visit.render(
        "employer/demand_list.html",
        title="Our demand",
        notice=_notice(visit),
        employers=_employers(visit),
        organization=organization,
        signals=signals,
    )


async def _signal(visit: Visit) -> dict[str, Any]:
    data = await visit.ask(SIGNAL, id=str(visit.request.path_params["id"]))
    signal = data.get("demandSignal")
    if signal is None:
        raise NotFound
    return dict(signal)


@page
async def withdraw_confirm(visit: Visit) -> Response:
    """Are you sure? Withdrawing is final."""
    return visit.render(
        "employer/withdraw.html", title="Withdraw demand", signal=await _signal(visit), errors=[]
    )


@page
async def withdraw(visit: Visit) -> Response:
    await visit.form()
    signal = await _signal(visit)
    answer = await visit.change(WITHDRAW, input={"id": signal["id"]})
    errors = errors_on(answer, "withdrawDemandSignal", ())
    if errors:
        return visit.render(
            "employer/withdraw.html",
            status=400,
            title="Withdraw demand",
            signal=signal,
            errors=errors,
        )
    org = (signal.get("organization") or {}).get("id", "")
    return RedirectResponse(f"/demand?done=withdrawn&org={org}", status_code=303)


# --- the pooled picture ----------------------------------------------------------------


@page
async def pooled(visit: Visit) -> Response:
    """Pooled demand by occupation and quarter, hidden cells said hidden."""
    data = await visit.ask(POOLED)
    by_occupation, by_quarter = data["byOccupation"], data["byQuarter"]
    cells = by_occupation["cells"]
    labels = [cell["key"]["occupation"]["title"] for cell in cells]
    chart = Chart(
        "Openings expected by occupation",
        labels,
        [Series("Openings", tuple(cell["openings"] for cell in cells))],
        unit="openings",
    )
    quarters = sorted({cell["key"]["quarter"] for cell in by_quarter["cells"]})
    grid: dict[str, dict[str, Any]] = {}
    titles: dict[str, str] = {}
    for cell in by_quarter["cells"]:
        occupation = cell["key"]["occupation"]
        titles[occupation["code"]] = occupation["title"]
        grid.setdefault(occupation["code"], {})[cell["key"]["quarter"]] = cell
    rows = [(code, titles[code], grid[code]) for code in sorted(grid, key=titles.__getitem__)]
    return visit.render(
        "employer/pooled.html",
        title="Pooled demand",
        summary=by_occupation,
        chart=chart,
        cells=cells,
        quarters=quarters,
        rows=rows,
    )


# --- contributions ---------------------------------------------------------------------


async def _contributions_page(
    visit: Visit,
    values: dict[str, list[str]],
    *,
    errors: list[FormError] | None = None,
    status: int = 200,
) -> Response:
    params = visit.request.query_params
    organizations = visit.organizations
    wanted = first(values, "organizationId") or params.get("org", "")
    organization = _chosen(organizations, wanted)
    if organization is None:
        return visit.render(
            "employer/contributions.html", title="Contributions", organization=None, errors=[]
        )
    data = await visit.ask(CONTRIBUTIONS, org=organization["id"], after=params.get("after"))
    pools = [edge["node"] for edge in data["fundPools"]["edges"]]
    initiatives = [edge["node"] for edge in data["initiatives"]["edges"]]
    # Offer the initiatives it takes part in (the schema refuses the others), else all.
    initiatives = [
        i for i in initiatives if any(p["id"] == organization["id"] for p in i["participants"])
    ] or initiatives
    today = datetime.now(zone(visit.time_zone)).date().isoformat()
    form = {
        name: first(values, name, default)
        for name, default in (
            ("organizationId", organization["id"]),
            ("poolId", ""),
            ("initiativeId", ""),
            ("kind", "CASH"),
            ("purpose", "TRAINING_COSTS"),
            ("amount", ""),
            ("contributedOn", today),
            ("valuationMethod", ""),
            ("evidenceNote", ""),
        )
    }
    return visit.render(
        "employer/contributions.html",
        status=status,
        title="Contributions",
        notice=_notice(visit),
        organizations=organizations,
        organization=organization,
        pools=pools,
        initiatives=initiatives,
        purposes=PURPOSES,
        valuations=VALUATIONS,
        contributions=data["contributions"],
        form=form,
        key=first(values, "idempotencyKey") or str(uuid.uuid4()),
        errors=errors or [],
    )


@page
async def contributions(visit: Visit) -> Response:
    """Record a contribution, and the organization's contributions with their match."""
    return await _contributions_page(visit, {})


@page
async def record(visit: Visit) -> Response:
    values = await visit.form()
    problems: list[FormError] = []
    cents = dollars_to_minor(first(values, "amount"))
    if cents is None:
        problems.append(FormError("amount", "Write the amount in dollars, like 2500 or 2,500.00."))
    for name, message in (
        ("poolId", "Choose the fund asked to match it."),
        ("initiativeId", "Choose the initiative it goes to."),
        ("organizationId", "Choose the contributing organization."),
        ("contributedOn", "Give the date it was made."),
    ):
        if not first(values, name):
            problems.append(FormError(name, message))
    if problems:
        return await _contributions_page(visit, values, errors=problems, status=400)
    kind = first(values, "kind", "CASH")
    data: dict[str, Any] = {
        "idempotencyKey": first(values, "idempotencyKey") or str(uuid.uuid4()),
        "organizationId": first(values, "organizationId"),
        "poolId": first(values, "poolId"),
        "initiativeId": first(values, "initiativeId"),
        "kind": kind,
        "purpose": first(values, "purpose"),
        "amount": {"amountMinor": cents, "currency": "USD"},
        "contributedOn": first(values, "contributedOn"),
    }
    if kind == "IN_KIND":
        data["valuationMethod"] = first(values, "valuationMethod") or None
        data["evidenceNote"] = first(values, "evidenceNote") or None
    answer = await visit.change(RECORD, input=data)
    errors = errors_on(answer, "recordContribution", CONTRIBUTION_FIELDS)
    if errors or not (answer.data or {}).get("recordContribution", {}).get("contribution"):
        return await _contributions_page(
            visit, values, errors=errors or [FormError("", "That did not work.")], status=400
        )
    return RedirectResponse(
        f"/contributions?done=recorded&org={data['organizationId']}", status_code=303
    )


ROUTES = [
    Route("/demand/occupations.json", occupations_json, methods=["GET"]),
    Route("/demand/new", demand_new, methods=["GET"]),
    Route("/demand/new", demand_post, methods=["POST"]),
    Route("/demand/pooled", pooled, methods=["GET"]),
    Route("/demand", demand_list, methods=["GET"]),
    Route("/demand/{id}/withdraw", withdraw_confirm, methods=["GET"]),
    Route("/demand/{id}/withdraw", withdraw, methods=["POST"]),
    Route("/contributions", contributions, methods=["GET"]),
    Route("/contributions", record, methods=["POST"]),
]
