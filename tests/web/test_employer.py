"""The employer's pages over HTTP: posting demand (with and without the search step),
the organization's own signals and withdrawing one, the pooled picture, contributions;
each compared with what the person's own GraphQL reads, and refused for others."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from starlette.applications import Starlette

from coalition.db.engine import SessionFactory
from coalition.web.forms import dollars_to_minor
from tests.web.conftest import SignIn, csrf_of, email
from tests.web.people import data_as, every_form_has_the_token

ADMIN = email("employer-admin")
MEMBER = email("employer-member")
METRO_EMPLOYER = email("employer-admin", "metro-healthcare")

ORGANIZATIONS = """
{ organizations(first: 50) { edges { node { id name kind } } } }
"""
OWN_SIGNALS = """
query($org: ID!) {
  demandSignals(first: 100, filter: {organizationId: $org}) {
    totalCount
    edges { node { id status openings sharingLevel occupation { code title }
      wageMin { amountMinor } wageMax { amountMinor } wageUnit skills { skill { id } level } } }
  }
}
"""
OWN_CONTRIBUTIONS = """
query($org: ID!) {
  contributions(first: 100, filter: {organizationId: $org}) {
    edges { node { id status kind purpose amount { amountMinor formatted } contributedOn } }
  }
}
"""


async def organization_id(app: Starlette, sessions: SessionFactory, name: str) -> str:
    data = await data_as(app, sessions, email("admin"), ORGANIZATIONS)
    return next(
        e["node"]["id"] for e in data["organizations"]["edges"] if e["node"]["name"] == name
    )


async def own_signals(app: Starlette, sessions: SessionFactory, org: str) -> list[dict[str, Any]]:
    data = await data_as(app, sessions, ADMIN, OWN_SIGNALS, org=org)
    return [edge["node"] for edge in data["demandSignals"]["edges"]]


def text_of(page: httpx.Response) -> str:
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text))
    return html.unescape(re.sub(r" ([.,;:)])", r"\1", text))


def demand_form(csrf: str, org: str, **fields: str | list[str]) -> dict[str, Any]:
    form: dict[str, Any] = {
        "csrf": csrf,
        "organizationId": org,
        "occupationSearch": "Machinists (51-4041)",
        "occupationCode": "51-4041",
        "openings": "7",
        "startQuarter": "2027Q2",
        "endQuarter": "2027Q4",
        "openingsKind": "GROWTH",
        "wageMin": "24.50",
        "wageMax": "$31",
        "wageUnit": "HOUR",
        "sharingLevel": "POOLED",
        "step": "post",
    }
    form.update(fields)
    return form


@pytest.fixture
async def precision(app: Starlette, owner_sessions: SessionFactory) -> str:
    return await organization_id(app, owner_sessions, "Precision Tool & Die")


def test_dollars_as_people_type_them_become_cents() -> None:
    assert dollars_to_minor("12.50") == "1250"
    assert dollars_to_minor("$1,200") == "120000"
    assert dollars_to_minor(" 7 ") == "700"
    assert dollars_to_minor("0.5") == "50"
    for bad in ("", "abc", "12.505", "-3", "1,20", "1e5", "12,50.00", "9" * 50):
        assert dollars_to_minor(bad) is None, bad


async def test_the_post_demand_form_lists_only_the_persons_employer_and_the_sharing_levels(
    web: httpx.AsyncClient, sign_in: SignIn, precision: str
) -> None:
    await sign_in(web, ADMIN)
    page = await web.get("/demand/new")
    assert page.status_code == 200
    every_form_has_the_token(page)
    assert f'name="organizationId" value="{precision}"' in page.text
    text = text_of(page)
    assert "For Precision Tool & Die." in text
    for level in ("POOLED", "NAMED", "PRIVATE"):
        assert f'value="{level}"' in page.text
    assert "it is not counted in the totals" in text
    assert 'data-search="/demand/occupations.json"' in page.text


async def test_the_occupation_search_answers_the_ranked_search_as_label_and_value(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    await sign_in(web, ADMIN)
    answer = await web.get("/demand/occupations.json", params={"q": "machin"})
    assert answer.status_code == 200
    expected = await data_as(
        app,
        owner_sessions,
        ADMIN,
        '{ occupations(search: "machin", first: 10) { edges { node { code title } } } }',
    )
    assert answer.json() == [
        {"label": f"{e['node']['title']} ({e['node']['code']})", "value": e["node"]["code"]}
        for e in expected["occupations"]["edges"]
    ]
    assert answer.json()[0] == {"label": "Machinists (51-4041)", "value": "51-4041"}
    assert (await web.get("/demand/occupations.json", params={"q": "m"})).json() == []
    for hostile in ("\x00machin", "x" * 20_000, "%_'\"<"):
        assert (await web.get("/demand/occupations.json", params={"q": hostile})).status_code < 500
    assert (await web.get("/demand/occupations.json?q=%ED%A0%80ma")).status_code < 500


async def test_without_javascript_the_form_searches_then_shows_the_occupations_skills(
    web: httpx.AsyncClient, sign_in: SignIn, precision: str
) -> None:
    await sign_in(web, ADMIN)
    csrf = csrf_of((await web.get("/demand/new")).text)
    found = await web.post(
        "/demand/new",
        data=demand_form(
            csrf, precision, occupationSearch="machin", occupationCode="", step="search"
        ),
    )
    assert found.status_code == 200
    assert 'name="occupationChoice" value="51-4041"' in found.text
    assert 'value="7"' in found.text  # what was typed is kept
    skills = await web.post(
        "/demand/new",
        data=demand_form(
            csrf, precision, occupationCode="", occupationChoice="51-4041", step="skills"
        ),
    )
    assert skills.status_code == 200
    assert "Chosen: Machinists (51-4041)." in text_of(skills)
    assert 'name="skill" value="2.C.4.a|3"' in skills.text  # Mathematics, O*NET level 3.54


async def test_posting_demand_creates_the_signal_in_minor_units_and_lists_it(
    web: httpx.AsyncClient,
    sign_in: SignIn,
    app: Starlette,
    owner_sessions: SessionFactory,
    precision: str,
) -> None:
    await sign_in(web, ADMIN)
    before = {s["id"] for s in await own_signals(app, owner_sessions, precision)}
    csrf = csrf_of((await web.get("/demand/new")).text)
    posted = await web.post(
        "/demand/new",
        data=demand_form(
            csrf, precision, openings="13", skill=["2.C.4.a|3", "2.B.3.h|2"], sharingLevel="NAMED"
        ),
    )
    assert posted.status_code == 303
    assert posted.headers["location"] == f"/demand?done=posted&org={precision}"
    new = [s for s in await own_signals(app, owner_sessions, precision) if s["id"] not in before]
    assert len(new) == 1
    signal = new[0]
    assert (signal["openings"], signal["sharingLevel"], signal["status"]) == (13, "NAMED", "ACTIVE")
    assert signal["occupation"]["code"] == "51-4041"
    assert (signal["wageMin"]["amountMinor"], signal["wageMax"]["amountMinor"]) == ("2450", "3100")
    assert signal["wageUnit"] == "HOUR"
    assert sorted((s["skill"]["id"], s["level"]) for s in signal["skills"]) == [
        ("2.B.3.h", 2),
        ("2.C.4.a", 3),
    ]
    listing = await web.get(posted.headers["location"])
    assert listing.status_code == 200
    assert "Your demand is posted." in listing.text
    assert f"/demand/{signal['id']}/withdraw" in listing.text


async def test_bad_demand_shows_each_problem_on_its_field_and_writes_nothing(
    web: httpx.AsyncClient,
    sign_in: SignIn,
    app: Starlette,
    owner_sessions: SessionFactory,
    precision: str,
) -> None:
    await sign_in(web, ADMIN)
    before = len(await own_signals(app, owner_sessions, precision))
    csrf = csrf_of((await web.get("/demand/new")).text)
    schema_says = await web.post("/demand/new", data=demand_form(csrf, precision, openings="0"))
    assert schema_says.status_code == 400
    assert "openings must be between 1 and 100000." in schema_says.text
    assert 'href="#openings"' in schema_says.text and 'id="openings-error"' in schema_says.text
    ours = await web.post("/demand/new", data=demand_form(csrf, precision, wageMin="lots"))
    assert ours.status_code == 400
    assert "Write the wage in dollars, like 24.50." in ours.text
    assert 'value="lots"' in ours.text
    reversed_wages = await web.post(
        "/demand/new", data=demand_form(csrf, precision, wageMin="40", wageMax="30")
    )
    assert reversed_wages.status_code == 400
    assert 'id="wageMax-error"' in reversed_wages.text
    no_occupation = await web.post(
        "/demand/new", data=demand_form(csrf, precision, occupationCode="")
    )
    assert no_occupation.status_code == 400
    assert "Search for the occupation and pick it." in no_occupation.text
    assert len(await own_signals(app, owner_sessions, precision)) == before


async def test_demand_without_the_forms_token_or_with_hostile_text_is_refused(
    web: httpx.AsyncClient,
    sign_in: SignIn,
    app: Starlette,
    owner_sessions: SessionFactory,
    precision: str,
) -> None:
    await sign_in(web, ADMIN)
    before = len(await own_signals(app, owner_sessions, precision))
    csrf = csrf_of((await web.get("/demand/new")).text)
    assert (await web.post("/demand/new", data=demand_form("forged", precision))).status_code == 400
    missing = demand_form(csrf, precision)
    del missing["csrf"]
    assert (await web.post("/demand/new", data=missing)).status_code == 400
    for hostile in ("x\x00", "9" * 20_000, "x" * 20_001):
        answer = await web.post(
            "/demand/new", data=demand_form(csrf, precision, openings=hostile, wageMin=hostile)
        )
        assert 400 <= answer.status_code < 500, hostile[:10]
    answer = await web.post(
        "/demand/new", data=demand_form(csrf, precision, occupationCode="\x00" + "z" * 5000)
    )
    assert 400 <= answer.status_code < 500
    surrogate = urlencode(demand_form(csrf, precision, openings="")) + "&openings=%ED%A0%80"
    answer = await web.post(
        "/demand/new",
        content=surrogate.replace("openings=&", "").encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 400
    assert len(await own_signals(app, owner_sessions, precision)) == before


async def test_our_demand_lists_exactly_the_organizations_signals_graphql_reads(
    web: httpx.AsyncClient,
    sign_in: SignIn,
    app: Starlette,
    owner_sessions: SessionFactory,
    precision: str,
) -> None:
    for person in (ADMIN, MEMBER):
        await sign_in(web, person)
        page = await web.get("/demand")
        assert page.status_code == 200
        data = await data_as(app, owner_sessions, person, OWN_SIGNALS, org=precision)
        shown = re.findall(r'href="/demand/([^"/]+)/withdraw"', page.text)
        listed = [
            e["node"]["id"]
            for e in data["demandSignals"]["edges"]
            if e["node"]["status"] in ("ACTIVE", "DRAFT")
        ]
        assert shown == listed[:20] and shown
        assert f"{data['demandSignals']['totalCount']} posting" in page.text


async def test_nobody_sees_another_employers_own_signals(
    web: httpx.AsyncClient,
    sign_in: SignIn,
    app: Starlette,
    owner_sessions: SessionFactory,
    precision: str,
) -> None:
    harbor = await organization_id(app, owner_sessions, "Harbor Fabrication")
    harbor_signals = await data_as(app, owner_sessions, email("admin"), OWN_SIGNALS, org=harbor)
    harbor_ids = [e["node"]["id"] for e in harbor_signals["demandSignals"]["edges"]]
    private = next(
        s["id"]
        for s in await own_signals(app, owner_sessions, precision)
        if s["sharingLevel"] == "PRIVATE"
    )
    assert harbor_ids
    await sign_in(web, MEMBER)
    page = await web.get("/demand", params={"org": harbor})
    assert page.status_code == 200
    assert "Demand posted by Precision Tool & Die" in html.unescape(page.text)
    assert not any(signal_id in page.text for signal_id in harbor_ids)
    for person in (email("college-admin"), METRO_EMPLOYER):
        await sign_in(web, person)
        page = await web.get("/demand", params={"org": precision})
        assert page.status_code == 200
        assert private not in page.text
        assert "Precision Tool" not in page.text
        assert (await web.get(f"/demand/{private}/withdraw")).status_code == 404
        csrf = csrf_of(page.text)
        refused = await web.post(f"/demand/{private}/withdraw", data={"csrf": csrf})
        assert refused.status_code == 404
    still = next(s for s in await own_signals(app, owner_sessions, precision) if s["id"] == private)
    assert still["status"] == "ACTIVE"


async def test_withdrawing_asks_first_then_withdraws_for_good(
    web: httpx.AsyncClient,
    sign_in: SignIn,
    app: Starlette,
    owner_sessions: SessionFactory,
    precision: str,
) -> None:
    await sign_in(web, ADMIN)
    csrf = csrf_of((await web.get("/demand/new")).text)
    before = {s["id"] for s in await own_signals(app, owner_sessions, precision)}
    await web.post("/demand/new", data=demand_form(csrf, precision, openings="2"))
    (signal,) = [
        s for s in await own_signals(app, owner_sessions, precision) if s["id"] not in before
    ]
    confirm = await web.get(f"/demand/{signal['id']}/withdraw")
    assert confirm.status_code == 200
    every_form_has_the_token(confirm)
    assert "Withdraw this demand" in confirm.text
    forged = await web.post(f"/demand/{signal['id']}/withdraw", data={"csrf": "forged"})
    assert forged.status_code == 400
    done = await web.post(f"/demand/{signal['id']}/withdraw", data={"csrf": csrf_of(confirm.text)})
    assert done.status_code == 303 and done.headers["location"].startswith("/demand?done=withdrawn")
    after = next(
        s for s in await own_signals(app, owner_sessions, precision) if s["id"] == signal["id"]
    )
    assert after["status"] == "WITHDRAWN"
    again = await web.get(f"/demand/{signal['id']}/withdraw")
    assert "It can no longer be withdrawn." in again.text


POOLED = """
{ demandSummary(groupBy: [OCCUPATION, QUARTER]) {
    release { publishedAt } cells { key { occupation { code } quarter } openings suppressed } } }
"""


@pytest.mark.parametrize("person", ["employer-admin", "analyst", "college-admin", "union-admin"])
async def test_the_pooled_picture_shows_what_graphql_shows_and_hides_the_hidden(
    web: httpx.AsyncClient,
    sign_in: SignIn,
    app: Starlette,
    owner_sessions: SessionFactory,
    person: str,
) -> None:
    await sign_in(web, email(person))
    page = await web.get("/demand/pooled")
    assert page.status_code == 200
    data = await data_as(app, owner_sessions, email(person), POOLED)
    cells = data["demandSummary"]["cells"]
    body = page.text[page.text.index("By occupation and quarter") :]
    figures = re.findall(r'<td class="num">([^<]*)</td>', body)
    assert figures.count("hidden") == sum(1 for c in cells if c["suppressed"])
    shown = sorted(f"{c['openings']:,}" for c in cells if not c["suppressed"])
    assert sorted(f for f in figures if f not in ("hidden", "\u2013")) == shown
    assert "as released on" in page.text


async def test_recording_a_contribution_lists_it_waiting_for_verification(
    web: httpx.AsyncClient,
    sign_in: SignIn,
    app: Starlette,
    owner_sessions: SessionFactory,
    precision: str,
) -> None:
    await sign_in(web, ADMIN)
    page = await web.get("/contributions")
    assert page.status_code == 200
    every_form_has_the_token(page)
    pool = re.search(r'<option value="([^"]+)"[^>]*>Lakeshore Manufacturing', page.text)
    initiative = re.search(r'<option value="([^"]+)"[^>]*>CNC Machinist', page.text)
    assert pool and initiative
    form = {
        "csrf": csrf_of(page.text),
        "idempotencyKey": re.search(r'name="idempotencyKey" value="([^"]+)"', page.text).group(1),  # type: ignore[union-attr]
        "organizationId": precision,
        "poolId": pool.group(1),
        "initiativeId": initiative.group(1),
        "kind": "CASH",
        "purpose": "TRAINING_COSTS",
        "amount": "1,234.56",
        "contributedOn": "2026-10-01",
    }
    recorded = await web.post("/contributions", data=form)
    assert recorded.status_code == 303
    again = await web.post("/contributions", data=form)  # a double submit counts once
    assert again.status_code == 303
    data = await data_as(app, owner_sessions, ADMIN, OWN_CONTRIBUTIONS, org=precision)
    mine = [
        e["node"]
        for e in data["contributions"]["edges"]
        if e["node"]["amount"]["amountMinor"] == "123456"
    ]
    assert [(c["status"], c["contributedOn"]) for c in mine] == [("RECORDED", "2026-10-01")]
    count = len(data["contributions"]["edges"])
    listing = await web.get(recorded.headers["location"])
    assert "Your contribution is recorded." in listing.text
    assert "$1,234.56" in listing.text and "Waiting for the fund to verify it" in listing.text
    bad = await web.post("/contributions", data={**form, "amount": "a lot", "idempotencyKey": "k2"})
    assert bad.status_code == 400 and "Write the amount in dollars" in bad.text
    late = await web.post(
        "/contributions", data={**form, "contributedOn": "2031-01-01", "idempotencyKey": "k3"}
    )
    assert late.status_code == 400 and 'id="contributedOn-error"' in late.text
    assert 'name="idempotencyKey" value="k3"' in late.text  # the corrected form resends it
    forged = await web.post("/contributions", data={**form, "csrf": "x", "idempotencyKey": "k4"})
    assert forged.status_code == 400
    data = await data_as(app, owner_sessions, ADMIN, OWN_CONTRIBUTIONS, org=precision)
    assert len(data["contributions"]["edges"]) == count
    corrected = await web.post(
        "/contributions", data={**form, "contributedOn": "2026-10-05", "idempotencyKey": "k3"}
    )
    assert corrected.status_code == 303
    data = await data_as(app, owner_sessions, ADMIN, OWN_CONTRIBUTIONS, org=precision)
    assert len(data["contributions"]["edges"]) == count + 1


async def test_a_member_without_the_admin_role_may_not_record_a_contribution(
    web: httpx.AsyncClient,
    sign_in: SignIn,
    app: Starlette,
    owner_sessions: SessionFactory,
    precision: str,
) -> None:
    await sign_in(web, MEMBER)
    page = await web.get("/contributions")
    assert page.status_code == 200
    pool = re.search(r'<option value="([^"]+)"[^>]*>Lakeshore Manufacturing', page.text)
    initiative = re.search(r'<option value="([^"]+)"[^>]*>CNC Machinist', page.text)
    assert pool and initiative
    before = await data_as(app, owner_sessions, ADMIN, OWN_CONTRIBUTIONS, org=precision)
    answer = await web.post(
        "/contributions",
        data={
            "csrf": csrf_of(page.text),
            "idempotencyKey": "member-try",
            "organizationId": precision,
            "poolId": pool.group(1),
            "initiativeId": initiative.group(1),
            "kind": "CASH",
            "purpose": "TRAINING_COSTS",
            "amount": "50",
            "contributedOn": "2026-10-02",
        },
    )
    assert answer.status_code == 403
    after = await data_as(app, owner_sessions, ADMIN, OWN_CONTRIBUTIONS, org=precision)
    assert after == before
