"""The funder's pages over HTTP: the pools, every dollar of one pool (compared with the
funder's own GraphQL), verifying and refusing contributions, the report downloads, and
nothing of a pool for people who may not oversee it."""

from __future__ import annotations

import io
import re
import uuid
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from starlette.applications import Starlette

from coalition.db.engine import SessionFactory
from coalition.web.pages.funder import workbook
from tests.web.conftest import SignIn, csrf_of, email
from tests.web.people import data_as, every_form_has_the_token

FUNDER = email("funder")
EMPLOYER = email("employer-admin")

POOLS = """
{ fundPools(first: 20) { edges { node { id name
    summary { committed { formatted } matched { formatted amountMinor }
      remaining { formatted } } } } } }
"""
SUMMARY = """
query($id: ID!) { fundPool(id: $id) { summary {
  committed { formatted } matched { formatted amountMinor } disbursed { formatted }
  remaining { formatted } leverage } } }
"""
CHOICES = """
{ organizations(first: 50) { edges { node { id name } } }
  initiatives(first: 20) { edges { node { id name } } } }
"""
RECORD = """
mutation($input: RecordContributionInput!) {
  recordContribution(input: $input) { contribution { id } userErrors { message } } }
"""
CONTRIBUTION = """
query($id: ID!) { contribution(id: $id) { status matched { amountMinor formatted } } }
"""


async def lakeshore_pool(app: Starlette, sessions: SessionFactory) -> str:
    data = await data_as(app, sessions, FUNDER, POOLS)
    return str(data["fundPools"]["edges"][0]["node"]["id"])


async def record_as_employer(
    app: Starlette, sessions: SessionFactory, pool: str, amount_minor: str
) -> str:
    """A contribution of Precision Tool & Die, recorded through its admin's GraphQL."""
    choices = await data_as(app, sessions, EMPLOYER, CHOICES)
    precision = next(
        e["node"]["id"]
        for e in choices["organizations"]["edges"]
        if e["node"]["name"] == "Precision Tool & Die"
    )
    initiative = choices["initiatives"]["edges"][0]["node"]["id"]
    data = await data_as(
        app,
        sessions,
        EMPLOYER,
        RECORD,
        input={
            "idempotencyKey": str(uuid.uuid4()),
            "initiativeId": initiative,
            "organizationId": precision,
            "poolId": pool,
            "kind": "CASH",
            "purpose": "TRAINING_COSTS",
            "amount": {"amountMinor": amount_minor, "currency": "USD"},
            "contributedOn": "2026-11-02",
        },
    )
    assert data["recordContribution"]["userErrors"] == []
    return str(data["recordContribution"]["contribution"]["id"])


async def status_of(app: Starlette, sessions: SessionFactory, contribution: str) -> dict[str, Any]:
    data = await data_as(app, sessions, FUNDER, CONTRIBUTION, id=contribution)
    return dict(data["contribution"])


@pytest.fixture
async def pool(app: Starlette, owner_sessions: SessionFactory) -> str:
    return await lakeshore_pool(app, owner_sessions)


@pytest.mark.parametrize("person", ["funder", "admin", "analyst"])
async def test_funds_lists_the_pools_graphql_reads_with_their_summaries(
    web: httpx.AsyncClient,
    sign_in: SignIn,
    app: Starlette,
    owner_sessions: SessionFactory,
    person: str,
) -> None:
    await sign_in(web, email(person))
    page = await web.get("/funds")
    assert page.status_code == 200
    data = await data_as(app, owner_sessions, email(person), POOLS)
    pools = [edge["node"] for edge in data["fundPools"]["edges"]]
    assert re.findall(r'<h2 id="pool-\d+"><a href="/funds/([^"]+)">', page.text) == [
        p["id"] for p in pools
    ]
    for found in pools:
        assert found["summary"]["committed"]["formatted"] in page.text
        assert found["summary"]["remaining"]["formatted"] in page.text


async def test_a_pools_page_shows_every_dollar_as_the_funders_graphql_reads_it(
    web: httpx.AsyncClient,
    sign_in: SignIn,
    app: Starlette,
    owner_sessions: SessionFactory,
    pool: str,
) -> None:
    await sign_in(web, FUNDER)
    page = await web.get(f"/funds/{pool}")
    assert page.status_code == 200
    summary = (await data_as(app, owner_sessions, FUNDER, SUMMARY, id=pool))["fundPool"]["summary"]
    section = page.text[page.text.index('id="pool-summary"') : page.text.index('id="awaiting"')]
    for name in ("committed", "matched", "disbursed", "remaining"):
        assert summary[name]["formatted"] in section, name
    assert summary["leverage"] in section
    assert "Cost per credential earned (PY" in section and "Cost per placement (PY" in section
    for heading in ("By initiative", "By recipient", "By purpose", "By month", "Disbursements"):
        assert f"<h2>{heading}</h2>" in page.text
    assert page.text.count('<svg class="chart"') == 4
    assert "Precision Tool &amp; Die" in page.text


async def test_verifying_a_contribution_matches_it_and_the_summary_shows_it(
    web: httpx.AsyncClient,
    sign_in: SignIn,
    app: Starlette,
    owner_sessions: SessionFactory,
    pool: str,
) -> None:
    contribution = await record_as_employer(app, owner_sessions, pool, "100000")
    await sign_in(web, FUNDER)
    page = await web.get(f"/funds/{pool}")
    every_form_has_the_token(page)
    awaiting = page.text[page.text.index('id="awaiting"') :]
    assert f"/contributions/{contribution}/verify" in awaiting
    before = (await data_as(app, owner_sessions, FUNDER, SUMMARY, id=pool))["fundPool"]["summary"]
    forged = await web.post(
        f"/funds/{pool}/contributions/{contribution}/verify",
        data={"csrf": "forged", "idempotencyKey": "k"},
    )
    assert forged.status_code == 400
    assert (await status_of(app, owner_sessions, contribution))["status"] == "RECORDED"
    done = await web.post(
        f"/funds/{pool}/contributions/{contribution}/verify",
        data={"csrf": csrf_of(page.text), "idempotencyKey": str(uuid.uuid4())},
    )
    assert done.status_code == 303 and done.headers["location"] == f"/funds/{pool}?done=verified"
    verified = await status_of(app, owner_sessions, contribution)
    assert verified["status"] == "VERIFIED"
    after = (await data_as(app, owner_sessions, FUNDER, SUMMARY, id=pool))["fundPool"]["summary"]
    assert int(after["matched"]["amountMinor"]) - int(before["matched"]["amountMinor"]) == int(
        verified["matched"]["amountMinor"]
    )
    shown = await web.get(done.headers["location"])
    section = shown.text[shown.text.index('id="pool-summary"') : shown.text.index('id="awaiting"')]
    assert after["matched"]["formatted"] in section
    assert f"/contributions/{contribution}/verify" not in shown.text
    assert "The contribution is verified and matched" in shown.text


async def test_refusing_asks_for_a_reason_and_the_contribution_stops_counting(
    web: httpx.AsyncClient,
    sign_in: SignIn,
    app: Starlette,
    owner_sessions: SessionFactory,
    pool: str,
) -> None:
    contribution = await record_as_employer(app, owner_sessions, pool, "5000")
    await sign_in(web, FUNDER)
    confirm = await web.get(f"/funds/{pool}/contributions/{contribution}/refuse")
    assert confirm.status_code == 200
    every_form_has_the_token(confirm)
    csrf = csrf_of(confirm.text)
    blank = await web.post(
        f"/funds/{pool}/contributions/{contribution}/refuse",
        data={"csrf": csrf, "idempotencyKey": str(uuid.uuid4()), "reason": "  "},
    )
    assert blank.status_code == 400 and "Say why the contribution is refused." in blank.text
    assert (await status_of(app, owner_sessions, contribution))["status"] == "RECORDED"
    done = await web.post(
        f"/funds/{pool}/contributions/{contribution}/refuse",
        data={"csrf": csrf, "idempotencyKey": str(uuid.uuid4()), "reason": "No receipt."},
    )
    assert done.status_code == 303 and done.headers["location"] == f"/funds/{pool}?done=refused"
    assert (await status_of(app, owner_sessions, contribution))["status"] == "REVERSED"


async def test_the_reports_download_as_csv_and_excel_with_their_names(
    web: httpx.AsyncClient,
    sign_in: SignIn,
    app: Starlette,
    owner_sessions: SessionFactory,
    pool: str,
) -> None:
    await sign_in(web, FUNDER)
    report = await data_as(
        app, owner_sessions, FUNDER, "query($id: ID!) { fundReportCsv(poolId: $id) }", id=pool
    )
    text = await web.get(f"/funds/{pool}/report.csv")
    assert text.status_code == 200
    assert text.headers["content-type"] == "text/csv; charset=utf-8"
    assert text.headers["content-disposition"] == (
        'attachment; filename="lakeshore-manufacturing-skills-match-fund-report.csv"'
    )
    assert text.text == report["fundReportCsv"]
    excel = await web.get(f"/funds/{pool}/report.xlsx")
    assert excel.status_code == 200
    assert excel.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert excel.headers["content-disposition"].endswith('-report.xlsx"')
    sheet = load_workbook(io.BytesIO(excel.content)).active
    assert sheet is not None
    assert [c.value for c in sheet[1]][:2] == [
        "Fund pool",
        "Lakeshore Manufacturing Skills Match Fund",
    ]
    assert sheet["A4"].value == "Committed" and isinstance(sheet["B4"].value, int | float)


def test_a_names_leading_equals_sign_stays_text_in_the_workbook() -> None:
    book = load_workbook(io.BytesIO(workbook('name,=HYPERLINK("x")\r\nfigure,12.50\r\n')))
    sheet = book.active
    assert sheet is not None
    assert sheet["B1"].data_type == "s" and sheet["B1"].value == '=HYPERLINK("x")'
    assert sheet["B2"].value == 12.5


@pytest.mark.parametrize(
    "person",
    ["employer-admin", "employer-member", "college-admin", "union-admin"],
)
async def test_people_who_do_not_oversee_the_pool_get_nothing_of_it(
    web: httpx.AsyncClient,
    sign_in: SignIn,
    app: Starlette,
    owner_sessions: SessionFactory,
    pool: str,
    person: str,
) -> None:
    contribution = await record_as_employer(app, owner_sessions, pool, "700")
    await sign_in(web, email(person))
    paths = ["", "/report.csv", "/report.xlsx"]
    if not person.startswith("employer"):  # the contributor's own people may read it
        paths.append(f"/contributions/{contribution}/refuse")
    for path in paths:
        answer = await web.get(f"/funds/{pool}{path}")
        assert answer.status_code in (403, 404), path
        assert "Precision Tool" not in answer.text
    csrf = csrf_of((await web.get("/")).text)
    for action in ("verify", "refuse"):
        answer = await web.post(
            f"/funds/{pool}/contributions/{contribution}/{action}",
            data={"csrf": csrf, "idempotencyKey": str(uuid.uuid4()), "reason": "x"},
        )
        assert answer.status_code in (403, 404), action
    assert (await status_of(app, owner_sessions, contribution))["status"] == "RECORDED"


async def test_another_partnerships_funder_finds_no_such_pool(
    web: httpx.AsyncClient, sign_in: SignIn, pool: str
) -> None:
    await sign_in(web, email("funder", "metro-healthcare"))
    for path in ("", "/report.csv", "/report.xlsx"):
        answer = await web.get(f"/funds/{pool}{path}")
        assert answer.status_code == 404, path
        assert "Lakeshore" not in answer.text
    listing = await web.get("/funds")
    assert listing.status_code == 200
    assert pool not in listing.text and "Metro Healthcare Training Match" in listing.text
    assert (await web.get("/funds/not-an-id")).status_code == 404
