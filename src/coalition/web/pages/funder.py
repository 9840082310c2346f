"""The funder's pages: its pools, every dollar of one pool, verifying contributions, and
the report downloads."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from coalition.funds.ledger import ENTRY_POSTED
from coalition.web.charts import Chart, Series, to_number
from coalition.web.forms import errors_on
from coalition.web.live import live_region
from coalition.web.templating import zone
from coalition.web.visit import FormError, NotFound, Visit, first, page

POOLS = """
query WebFundPools($after: String) {
  fundPools(first: 20, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node {
      id name purpose status startsOn endsOn funder { name }
      summary {
        committed { formatted } matched { formatted } disbursed { formatted }
        remaining { formatted } leverage
      }
    } }
  }
}
"""

SUMMARY_FIELDS = """
  committed { formatted } matched { formatted } disbursed { formatted } paid { formatted }
  remaining { formatted } contributed { formatted }
  leverage smallEmployerShareUnder50 smallEmployerShareUnder500
  costPerCredential(period: $period) { display suppressed people }
  costPerPlacement(period: $period) { display suppressed people }
"""

BREAKDOWN_FIELDS = (
    "key label contributed { amountMinor formatted } matched { amountMinor formatted }"
    " disbursed { formatted } paid { formatted }"
)

POOL = f"""
query WebFundPool($id: ID!, $period: String!, $after: String) {{
  fundPool(id: $id) {{
    id name purpose status currency startsOn endsOn funder {{ name }}
    capPerRecipient {{ formatted }} annualCapPerRecipient {{ formatted }}
    matchTiers {{ maxEmployees ratio }}
    summary {{ {SUMMARY_FIELDS} }}
    byInitiative: breakdown(by: INITIATIVE) {{ {BREAKDOWN_FIELDS} }}
    byRecipient: breakdown(by: RECIPIENT) {{ {BREAKDOWN_FIELDS} }}
    byPurpose: breakdown(by: PURPOSE) {{ {BREAKDOWN_FIELDS} }}
    byMonth: breakdown(by: MONTH) {{ {BREAKDOWN_FIELDS} }}
    awaiting: contributions(first: 20, status: RECORDED) {{
      totalCount
      edges {{ node {{
        id kind purpose contributedOn createdAt evidenceNote valuationMethod
        amount {{ formatted }} organization {{ name }} initiative {{ name }}
      }} }}
    }}
    disbursements(first: 20, after: $after) {{
      pageInfo {{ hasNextPage endCursor }}
      edges {{ node {{
        id scheduledOn status requirement paidAt amount {{ formatted }} payee {{ name }}
        contribution {{ organization {{ name }} }}
      }} }}
    }}
  }}
}}
"""

CONTRIBUTION = """
query WebContribution($id: ID!) {
  contribution(id: $id) {
    id status kind purpose contributedOn evidenceNote
    amount { formatted } organization { name } initiative { name } pool { id name }
  }
}
"""

VERIFY = """
mutation WebVerifyContribution($input: VerifyContributionInput!) {
  verifyContribution(input: $input) {
    contribution { id status matched { formatted } }
    userErrors { field message code }
  }
}
"""

REFUSE = """
mutation WebRefuseContribution($input: ReverseContributionInput!) {
  reverseContribution(input: $input) {
    contribution { id status }
    userErrors { field message code }
  }
}
"""

REPORT = """
query WebFundReport($id: ID!) {
  fundPool(id: $id) { name }
  fundReportCsv(poolId: $id)
}
"""

PURPOSES = {
    "TRAINING_COSTS": "Training costs",
    "WORK_BASED_LEARNING_WAGES": "Work-based learning wages",
    "SUPPORT_SERVICES": "Support services",
    "TRAINING_EQUIPMENT": "Training equipment",
}
NOTICES = {
    "verified": "The contribution is verified and matched: the summary below includes it.",
    "refused": "The contribution is refused: it no longer counts.",
}
MAX_REASON = 500


def program_year(visit: Visit) -> str:
    """The current program year (July to June) in the partnership's time zone: PY2026
    runs from July 2026 to June 2027."""
    today = datetime.now(zone(visit.time_zone)).date()
    return f"PY{today.year if today.month >= 7 else today.year - 1}"


def _dollars(rows: list[dict[str, Any]], name: str) -> tuple[float | None, ...]:
    return tuple(
        None if (value := to_number(row[name]["amountMinor"])) is None else value / 100
        for row in rows
    )


def _chart(title: str, rows: list[dict[str, Any]]) -> Chart:
    return Chart(
        title,
        [row["label"] for row in rows],
        [
            Series("Contributed", _dollars(rows, "contributed")),
            Series("Matched", _dollars(rows, "matched")),
        ],
        unit="dollars",
    )


@page
async def pools(visit: Visit) -> Response:
    """The pools the person may read, with their summaries."""
    data = await visit.ask(POOLS, after=visit.request.query_params.get("after"))
    return visit.render("funder/pools.html", title="Funds", pools=data["fundPools"])


def _pool_id(visit: Visit) -> str:
    return str(visit.request.path_params["id"])[:200]


@page
async def pool(visit: Visit) -> Response:
    """Every dollar of one pool."""
    period = program_year(visit)
    data = await visit.ask(
        POOL, id=_pool_id(visit), period=period, after=visit.request.query_params.get("after")
    )
    found = data.get("fundPool")
    if found is None:
        raise NotFound
    charts = [
        (heading, header, _chart(f"Money by {header.lower()}", found[key]), found[key])
        for heading, header, key in (
            ("By initiative", "Initiative", "byInitiative"),
            ("By recipient", "Recipient", "byRecipient"),
            ("By purpose", "Purpose", "byPurpose"),
            ("By month", "Month", "byMonth"),
        )
    ]
    return visit.render(
        "funder/pool.html",
        title=found["name"],
        notice=NOTICES.get(visit.request.query_params.get("done", ""), ""),
        pool=found,
        period=period,
        charts=charts,
        purposes=PURPOSES,
        key=str(uuid.uuid4()),
    )


async def _contribution(visit: Visit) -> dict[str, Any]:
    data = await visit.ask(CONTRIBUTION, id=str(visit.request.path_params["contribution"])[:200])
    found = data.get("contribution")
    if found is None or found["pool"]["id"] != _pool_id(visit):
        raise NotFound
    return dict(found)


@page
async def verify(visit: Visit) -> Response:
    values = await visit.form()
    contribution = await _contribution(visit)
    answer = await visit.change(
        VERIFY,
        input={
            "idempotencyKey": first(values, "idempotencyKey") or str(uuid.uuid4()),
            "contributionId": contribution["id"],
        },
    )
    errors = errors_on(answer, "verifyContribution", ())
    if errors:
        return _refuse_page(visit, contribution, errors=errors, status=400, verifying=True)
    return RedirectResponse(f"/funds/{_pool_id(visit)}?done=verified", status_code=303)


def _refuse_page(
    visit: Visit,
    contribution: dict[str, Any],
    *,
    errors: list[FormError] | None = None,
    status: int = 200,
    reason: str = "",
    verifying: bool = False,
) -> Response:
    return visit.render(
        "funder/refuse.html",
        status=status,
        title="Verifying did not work" if verifying else "Refuse a contribution",
        contribution=contribution,
        pool_id=_pool_id(visit),
        purposes=PURPOSES,
        errors=errors or [],
        reason=reason,
        verifying=verifying,
        key=str(uuid.uuid4()),
    )


@page
async def refuse_confirm(visit: Visit) -> Response:
    """Refusing asks for the reason the contributor will be given."""
    return _refuse_page(visit, await _contribution(visit))


@page
async def refuse(visit: Visit) -> Response:
    values = await visit.form()
    contribution = await _contribution(visit)
    reason = first(values, "reason")[:MAX_REASON]
    if not reason:
        return _refuse_page(
            visit,
            contribution,
            errors=[FormError("reason", "Say why the contribution is refused.")],
            status=400,
        )
    answer = await visit.change(
        REFUSE,
        input={
            "idempotencyKey": first(values, "idempotencyKey") or str(uuid.uuid4()),
            "contributionId": contribution["id"],
            "reason": reason,
        },
    )
    errors = errors_on(answer, "reverseContribution", ("reason",))
    if errors:
        return _refuse_page(visit, contribution, errors=errors, status=400, reason=reason)
    return RedirectResponse(f"/funds/{_pool_id(visit)}?done=refused", status_code=303)


async def _report(visit: Visit) -> tuple[str, str]:
    data = await visit.ask(REPORT, id=_pool_id(visit))
    if data.get("fundPool") is None or data.get("fundReportCsv") is None:
        raise NotFound
    name = re.sub(r"[^a-z0-9]+", "-", data["fundPool"]["name"].lower()).strip("-") or "fund"
    return f"{name}-report", str(data["fundReportCsv"])


def _download(body: bytes | str, media_type: str, filename: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


@page
async def report_csv(visit: Visit) -> Response:
    """The funder report as CSV (the same text as ``coalition export funds``)."""
    name, text = await _report(visit)
    return _download(text, "text/csv; charset=utf-8", f"{name}.csv")


def workbook(text: str) -> bytes:
    """The funder report's CSV as an Excel workbook: one sheet, the same rows, figures
    as numbers (IDs and dates stay text)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Report"
    for row in csv.reader(io.StringIO(text)):
        sheet.append([_cell(value) for value in row])
    for cells in sheet.iter_rows():
        for cell in cells:
            # Text is never a formula, whatever a name starts with.
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_FIGURE = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def _cell(value: str) -> str | float:
    if _FIGURE.fullmatch(value) and len(value) < 16:
        return float(value)
    return value


@page
async def report_xlsx(visit: Visit) -> Response:
    """The funder report as an Excel workbook."""
    name, text = await _report(visit)
    return _download(
        workbook(text),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"{name}.xlsx",
    )


POOL_READABLE = "query($id: ID!) { fundPool(id: $id) { id } }"


@page
async def pool_live(visit: Visit) -> Response:
    """The refresh stream of a pool's page: a ``refresh`` event at each ledger posting."""
    return await live_region(
        visit,
        channel=ENTRY_POSTED,
        type_name="FundPool",
        global_id=_pool_id(visit),
        check=POOL_READABLE,
        readable=lambda data: data.get("fundPool") is not None,
    )


ROUTES = [
    Route("/funds", pools, methods=["GET"]),
    Route("/funds/{id}/live", pool_live, methods=["GET"]),
    Route("/funds/{id}", pool, methods=["GET"]),
    Route("/funds/{id}/report.csv", report_csv, methods=["GET"]),
    Route("/funds/{id}/report.xlsx", report_xlsx, methods=["GET"]),
    Route("/funds/{id}/contributions/{contribution}/verify", verify, methods=["POST"]),
    Route("/funds/{id}/contributions/{contribution}/refuse", refuse_confirm, methods=["GET"]),
    Route("/funds/{id}/contributions/{contribution}/refuse", refuse, methods=["POST"]),
]
