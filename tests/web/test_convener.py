"""The convener's pages over HTTP: each shows what the person's GraphQL reads, forms
change data only through the schema, and people they are not for are refused.

The demo is shared by the session's tests: the forms' tests write to the metro
partnership with names of their own, and put back any setting they change."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from starlette.applications import Starlette

from coalition.api.inprocess import execute
from coalition.db.engine import SessionFactory
from coalition.web.pages import convener
from coalition.web.pages.convener import demand_grid, horizon
from coalition.web.pages.convener_documents import (
    AUDIT,
    KIND_COUNTS,
    KINDS,
    MEMBER,
    MEMBERS,
    PARTNERSHIP,
    SETTINGS,
    SETTINGS_FORM,
)
from tests.web.conftest import SignIn, csrf_of, email, person_ids

METRO = "metro-healthcare"


async def as_person(
    app: Starlette, sessions: SessionFactory, address: str, query: str, **variables: Any
) -> dict[str, Any]:
    """What ``address``'s own GraphQL answers, without the web layer."""
    tenant_id, user_id = await person_ids(sessions, address)
    answer = await execute(
        app.state,
        tenant_id=uuid.UUID(tenant_id),
        user_id=uuid.UUID(user_id),
        query=query,
        variables=variables or None,
    )
    assert not answer.errors, answer.errors
    return answer.data or {}


def form_token(html: str) -> str:
    """The CSRF token of the page's own form (not the sign-out form of the header)."""
    return csrf_of(html.split("</header>", 1)[1])


def text_of(html: str) -> str:
    """The page's words, tags dropped and spaces squeezed (for "x in the page" checks)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&amp;", "&")


async def organization_id(app: Starlette, sessions: SessionFactory, admin: str, name: str) -> str:
    data = await as_person(
        app,
        sessions,
        admin,
        "query($s: String!) { organizations(filter: {search: $s}) { edges { node { id name } } } }",
        s=name,
    )
    found = [e["node"]["id"] for e in data["organizations"]["edges"] if e["node"]["name"] == name]
    assert len(found) == 1, data
    return str(found[0])


# --- /partnership ----------------------------------------------------------------------


@pytest.mark.parametrize("person", ["admin", "analyst", "employer-admin", "funder"])
async def test_the_partnership_page_shows_what_the_persons_graphql_reads(
    web: httpx.AsyncClient,
    sign_in: SignIn,
    app: Starlette,
    owner_sessions: SessionFactory,
    person: str,
) -> None:
    await sign_in(web, email(person))
    response = await web.get("/partnership")
    assert response.status_code == 200, response.text
    page = text_of(response.text)
    start, end = horizon("America/Detroit")
    data = await as_person(
        app,
        owner_sessions,
        email(person),
        PARTNERSHIP,
        **{"from": start, "to": end, "now": datetime.now(UTC).isoformat()},
    )
    counts = await as_person(app, owner_sessions, email(person), KIND_COUNTS)
    for kind, label in KINDS.items():
        assert f"{counts[kind.lower()]['totalCount']} {label}" in page
    for cell in data["byOccupation"]["cells"]:
        occupation = cell["key"]["occupation"]
        figure = "hidden" if cell["suppressed"] else f"{cell['openings']:,}"
        assert f"{occupation['title']} ({occupation['code']}) {figure}" in page
    for row in data["skillsGap"]["rows"]:
        assert f"{row['title']} ({row['code']})" in page
    pools = [e["node"] for e in data["fundPools"]["edges"]]
    assert pools, "the demo has fund pools"
    for pool in pools:
        summary = pool["summary"]
        money = " ".join(
            summary[name]["formatted"]
            for name in ("committed", "matched", "disbursed", "remaining")
        )
        assert f"{pool['name']} {pool['status'].lower()} {money}" in page
    initiatives = [e["node"] for e in data["initiatives"]["edges"]]
    assert initiatives and all(i["name"] in page for i in initiatives)
    for event in [e["node"] for e in data["events"]["edges"]]:
        assert event["title"] in page


async def test_past_one_page_of_organizations_members_are_counted_per_kind(
    web: httpx.AsyncClient,
    sign_in: SignIn,
    app: Starlette,
    owner_sessions: SessionFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    one_page = "organizations(first: 100)"
    assert one_page in PARTNERSHIP
    monkeypatch.setattr(
        convener, "PARTNERSHIP", PARTNERSHIP.replace(one_page, "organizations(first: 2)")
    )
    await sign_in(web, email("analyst"))
    response = await web.get("/partnership")
    assert response.status_code == 200
    counts = await as_person(app, owner_sessions, email("analyst"), KIND_COUNTS)
    assert counts["employer"]["totalCount"] == 4  # given: more than the page of 2
    page = text_of(response.text)
    for kind, label in KINDS.items():
        assert f"{counts[kind.lower()]['totalCount']} {label}" in page


async def test_the_demand_grid_tells_hidden_from_absent_cells() -> None:
    def cell(code: str, quarter: str, openings: int | None) -> dict[str, Any]:
        return {
            "key": {"occupation": {"code": code, "title": code}, "quarter": quarter},
            "openings": openings,
            "suppressed": openings is None,
        }

    quarters, rows = demand_grid(
        [
            cell("51-4121", "2027Q2", 7),
            cell("51-4041", "2027Q1", None),
            cell("51-4121", "2027Q1", 3),
        ]
    )
    assert quarters == ["2027Q1", "2027Q2"]
    assert [(r["code"], r["figures"]) for r in rows] == [
        ("51-4041", {"2027Q1": None}),
        ("51-4121", {"2027Q2": 7, "2027Q1": 3}),
    ]


async def test_one_occupations_trend_is_drawn_on_asking(
    web: httpx.AsyncClient, sign_in: SignIn
) -> None:
    await sign_in(web, email("admin"))
    response = await web.get("/partnership?occupation=51-4041")
    assert response.status_code == 200
    assert "Openings per quarter: " in response.text
    unknown = await web.get("/partnership?occupation=%00nonsense")
    assert unknown.status_code == 200
    assert "There is no such occupation." in unknown.text


# --- /members --------------------------------------------------------------------------


async def test_the_members_page_lists_organizations_by_kind_a_page_at_a_time(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    await sign_in(web, email("analyst"))
    data = await as_person(app, owner_sessions, email("analyst"), MEMBERS, kinds=["EMPLOYER"])
    response = await web.get("/members?kind=EMPLOYER")
    assert response.status_code == 200
    page = text_of(response.text)
    assert f"Employers: {data['organizations']['totalCount']}" in page
    for edge in data["organizations"]["edges"]:
        assert f'href="/members/{edge["node"]["id"]}"' in response.text
    assert "Add an organization" not in page  # an analyst changes nothing
    assert "<form" not in response.text.split("</header>")[1]

    first_three = await as_person(
        app,
        owner_sessions,
        email("analyst"),
        "{ organizations(first: 3) { edges { node { name } } pageInfo { endCursor } } }",
    )
    cursor = first_three["organizations"]["pageInfo"]["endCursor"]
    rest = await as_person(app, owner_sessions, email("analyst"), MEMBERS, after=cursor)
    later = await web.get("/members", params={"after": cursor})
    assert later.status_code == 200
    shown = re.findall(r'<a href="/members/[^"]+">([^<]+)</a>', later.text)
    assert shown == [
        e["node"]["name"].replace("&", "&amp;") for e in rest["organizations"]["edges"]
    ]
    assert all(
        e["node"]["name"].replace("&", "&amp;") not in shown
        for e in first_three["organizations"]["edges"]
    )


async def test_an_admin_adds_an_organization(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    admin = email("admin", METRO)
    await sign_in(web, admin)
    form = await web.get("/members")
    assert "Add an organization" in form.text
    name = f"Eastside Dental {uuid.uuid4().hex[:6]}"
    response = await web.post(
        "/members",
        data={
            "csrf": form_token(form.text),
            "name": name,
            "kind": "EMPLOYER",
            "employeeCount": "1,200",
            "city": "Metro City",
        },
    )
    assert response.status_code == 303 and response.headers["location"] == "/members?done=created"
    created = await organization_id(app, owner_sessions, admin, name)
    data = await as_person(app, owner_sessions, admin, MEMBER, id=created)
    assert (data["organization"]["kind"], data["organization"]["employeeCount"]) == (
        "EMPLOYER",
        1200,
    )
    listed = await web.get("/members?done=created")
    assert "The organization was added." in listed.text


async def test_a_refused_organization_shows_why_with_what_was_typed(
    web: httpx.AsyncClient, sign_in: SignIn
) -> None:
    await sign_in(web, email("admin", METRO))
    form = await web.get("/members")
    response = await web.post(
        "/members",
        data={
            "csrf": form_token(form.text),
            "name": "Metro General Hospital",
            "kind": "EMPLOYER",
            "employeeCount": "many",
            "city": "Typed City",
        },
    )
    assert response.status_code == 400
    assert "Write the number of employees as digits." in response.text
    assert 'value="Typed City"' in response.text
    taken = await web.post(
        "/members",
        data={"csrf": form_token(form.text), "name": "Metro General Hospital", "kind": "EMPLOYER"},
    )
    assert taken.status_code == 400
    assert 'href="#name"' in taken.text  # the schema's userError, linked to its input


async def test_an_analyst_may_not_add_an_organization(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    await sign_in(web, email("analyst", METRO))
    form = await web.get("/members")
    assert "Add an organization" not in form.text
    response = await web.post(
        "/members",
        data={"csrf": csrf_of(form.text), "name": "Sneaky Analyst Co", "kind": "EMPLOYER"},
    )
    assert response.status_code == 403
    data = await as_person(
        app,
        owner_sessions,
        email("admin", METRO),
        '{ organizations(filter: {search: "Sneaky"}) { totalCount } }',
    )
    assert data["organizations"]["totalCount"] == 0


# --- /members/{id} ---------------------------------------------------------------------


async def test_an_organizations_page_lists_its_people_and_roles(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    admin = email("admin")
    await sign_in(web, admin)
    org = await organization_id(app, owner_sessions, admin, "Precision Tool & Die")
    data = await as_person(app, owner_sessions, admin, MEMBER, id=org)
    response = await web.get(f"/members/{org}")
    assert response.status_code == 200
    page = text_of(response.text)
    people = [e["node"] for e in data["organization"]["memberships"]["edges"]]
    assert people
    assert f"{len(people)} people" in page
    for person in people:
        role = {"MEMBER": "Member", "ORGANIZATION_ADMIN": "Organization admin"}[person["role"]]
        assert f"{person['user']['displayName']} , {person['user']['email']}: {role}" in page
    assert "Add a person" in page


async def test_an_unknown_organization_is_not_found(
    web: httpx.AsyncClient, sign_in: SignIn
) -> None:
    await sign_in(web, email("admin"))
    assert (await web.get("/members/not-an-id")).status_code == 404
    assert (await web.get("/members/T3JnYW5pemF0aW9uOjA=")).status_code == 404


async def test_an_admin_adds_a_new_person_then_removes_the_membership_after_confirming(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    admin = email("admin", METRO)
    await sign_in(web, admin)
    org = await organization_id(app, owner_sessions, admin, "Northside Family Clinic")
    form = await web.get(f"/members/{org}")
    address = f"new-{uuid.uuid4().hex[:8]}@northside.example"
    added = await web.post(
        f"/members/{org}",
        data={
            "csrf": form_token(form.text),
            "email": address,
            "displayName": "Nia Newcomer",
            "role": "ORGANIZATION_ADMIN",
        },
    )
    assert added.status_code == 303 and added.headers["location"] == f"/members/{org}?done=added"
    data = await as_person(app, owner_sessions, admin, MEMBER, id=org)
    mine = [
        e["node"]
        for e in data["organization"]["memberships"]["edges"]
        if e["node"]["user"]["email"] == address
    ]
    assert [(m["role"], m["user"]["displayName"]) for m in mine] == [
        ("ORGANIZATION_ADMIN", "Nia Newcomer")
    ]
    page = await web.get(f"/members/{org}?done=added")
    assert "The person was added." in page.text

    confirm = await web.get(f"/members/{org}/remove/{mine[0]['id']}")
    assert confirm.status_code == 200
    assert "Remove Nia Newcomer from Northside Family Clinic?" in confirm.text
    removed = await web.post(
        f"/members/{org}/remove/{mine[0]['id']}", data={"csrf": form_token(confirm.text)}
    )
    assert removed.status_code == 303
    assert removed.headers["location"] == f"/members/{org}?done=removed"
    data = await as_person(app, owner_sessions, admin, MEMBER, id=org)
    emails = [e["node"]["user"]["email"] for e in data["organization"]["memberships"]["edges"]]
    assert address not in emails


async def test_a_bad_email_is_refused_on_the_form(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    admin = email("admin", METRO)
    await sign_in(web, admin)
    org = await organization_id(app, owner_sessions, admin, "Northside Family Clinic")
    form = await web.get(f"/members/{org}")
    response = await web.post(
        f"/members/{org}",
        data={"csrf": form_token(form.text), "email": "not an email", "role": "MEMBER"},
    )
    assert response.status_code == 400
    assert 'href="#email"' in response.text and 'value="not an email"' in response.text


async def test_a_membership_of_another_organization_is_not_removed_through_this_one(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    admin = email("admin", METRO)
    await sign_in(web, admin)
    clinic = await organization_id(app, owner_sessions, admin, "Northside Family Clinic")
    hospital = await organization_id(app, owner_sessions, admin, "Metro Workforce Partnership")
    data = await as_person(app, owner_sessions, admin, MEMBER, id=hospital)
    membership = data["organization"]["memberships"]["edges"][0]["node"]["id"]
    assert (await web.get(f"/members/{clinic}/remove/{membership}")).status_code == 404


async def test_removing_the_last_partnership_admin_is_refused_on_the_confirmation_page(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    admin = email("admin", METRO)
    everyone = await as_person(
        app,
        owner_sessions,
        admin,
        "{ organizations(first: 50) { edges { node { id memberships(first: 50) {"
        " edges { node { id role } } } } } } }",
    )
    admins = [
        (organization["node"]["id"], membership["node"]["id"])
        for organization in everyone["organizations"]["edges"]
        for membership in organization["node"]["memberships"]["edges"]
        if membership["node"]["role"] == "PARTNERSHIP_ADMIN"
    ]
    assert len(admins) == 1, "given: the partnership has one partnership admin"
    [(org, membership)] = admins
    await sign_in(web, admin)
    confirm = await web.get(f"/members/{org}/remove/{membership}")
    response = await web.post(
        f"/members/{org}/remove/{membership}", data={"csrf": form_token(confirm.text)}
    )
    assert response.status_code == 400
    assert "A partnership needs at least one partnership admin." in response.text
    assert (await web.get("/members")).status_code == 200  # still signed in, still admin


# --- /settings -------------------------------------------------------------------------


async def test_the_settings_form_shows_each_setting_explained(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    await sign_in(web, email("admin"))
    current = (await as_person(app, owner_sessions, email("admin"), SETTINGS))["tenant"]
    response = await web.get("/settings")
    assert response.status_code == 200
    settings = current["settings"]
    assert f'name="minEmployers" type="text" value="{settings["disclosureMinEmployers"]}"' in (
        response.text
    )
    assert f'value="{settings["disclosureNoiseMaxPercent"]}"' in response.text
    assert "A pooled demand figure is hidden unless at least this many employers" in response.text


async def test_an_admin_changes_a_setting_and_is_told_the_noise_is_fixed(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    admin = email("admin", METRO)
    await sign_in(web, admin)
    before = (await as_person(app, owner_sessions, admin, SETTINGS))["tenant"]["settings"]
    form = await web.get("/settings")
    typed = {
        "csrf": form_token(form.text),
        "minEmployers": str(before["disclosureMinEmployers"]),
        "pPercent": str(before["disclosurePPercent"]),
        "noiseMinPercent": str(before["disclosureNoiseMinPercent"]),
        "noiseMaxPercent": str(before["disclosureNoiseMaxPercent"]),
        "releaseEveryHours": str(before["releaseEveryHours"]),
        "releaseMinIntervalHours": str(before["releaseMinIntervalHours"] + 1),
        "outcomesMinPeople": str(before["outcomesMinPeople"]),
        **({"publicPrograms": "on"} if before["publicPrograms"] else {}),
    }
    try:
        saved = await web.post("/settings", data=typed)
        assert saved.status_code == 303 and saved.headers["location"] == "/settings?done=saved"
        after = (await as_person(app, owner_sessions, admin, SETTINGS))["tenant"]["settings"]
        assert after == {**before, "releaseMinIntervalHours": before["releaseMinIntervalHours"] + 1}
    finally:
        typed["releaseMinIntervalHours"] = str(before["releaseMinIntervalHours"])
        assert (await web.post("/settings", data=typed)).status_code == 303

    noisy = await web.post(
        "/settings", data={**typed, "noiseMinPercent": str(before["disclosureNoiseMinPercent"] + 1)}
    )
    assert noisy.status_code == 400
    assert "The noise is fixed at" in noisy.text
    assert 'id="noiseMinPercent-error"' in noisy.text
    assert (await as_person(app, owner_sessions, admin, SETTINGS))["tenant"]["settings"] == before


async def test_settings_that_are_not_numbers_are_refused_before_asking(
    web: httpx.AsyncClient, sign_in: SignIn
) -> None:
    await sign_in(web, email("admin", METRO))
    form = await web.get("/settings")
    response = await web.post("/settings", data={"csrf": form_token(form.text), "pPercent": "ten"})
    assert response.status_code == 400
    assert "Dominance rule (p%): write a whole number." in response.text
    assert 'value="ten"' in response.text


async def test_an_employer_admin_sees_no_settings_form_and_may_not_send_one(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    await sign_in(web, email("employer-admin", METRO))
    before = await as_person(app, owner_sessions, email("admin", METRO), SETTINGS)
    page = await web.get("/settings")
    assert page.status_code == 200
    assert "<form" not in page.text.split("</header>")[1]
    typed = {name: "10" for name, _, _, _ in SETTINGS_FORM}
    response = await web.post("/settings", data={"csrf": csrf_of(page.text), **typed})
    assert response.status_code == 403
    assert await as_person(app, owner_sessions, email("admin", METRO), SETTINGS) == before


# --- /audit ----------------------------------------------------------------------------


async def test_the_audit_log_shows_who_did_what_when_in_the_partnerships_time(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    await sign_in(web, email("admin"))
    data = await as_person(app, owner_sessions, email("admin"), AUDIT)
    response = await web.get("/audit")
    assert response.status_code == 200
    events = [e["node"] for e in data["auditEvents"]["edges"]]
    assert events
    for event in events[:3]:
        assert event["actorLabel"] in response.text and event["action"] in response.text


@pytest.mark.parametrize("person", ["analyst", "employer-admin", "funder"])
async def test_the_audit_log_is_refused_to_everyone_but_partnership_admins(
    web: httpx.AsyncClient, sign_in: SignIn, person: str
) -> None:
    await sign_in(web, email(person))
    response = await web.get("/audit")
    assert response.status_code == 403
    assert "<table" not in response.text


# --- forms the pages do not take -------------------------------------------------------


@pytest.mark.parametrize("token", [None, "forged"])
async def test_a_form_without_its_token_writes_nothing(
    web: httpx.AsyncClient,
    sign_in: SignIn,
    app: Starlette,
    owner_sessions: SessionFactory,
    token: str | None,
) -> None:
    await sign_in(web, email("admin", METRO))
    name = f"Forged Org {uuid.uuid4().hex[:6]}"
    data = {"name": name, "kind": "EMPLOYER", **({"csrf": token} if token else {})}
    assert (await web.post("/members", data=data)).status_code == 400
    found = await as_person(
        app,
        owner_sessions,
        email("admin", METRO),
        "query($s: String!) { organizations(filter: {search: $s}) { totalCount } }",
        s=name,
    )
    assert found["organizations"]["totalCount"] == 0


def form_body(fields: dict[str, str]) -> bytes:
    """A urlencoded form body that may carry what a browser would not send (lone surrogates)."""
    return "&".join(
        f"{quote(name)}={quote(value.encode('utf-8', 'surrogatepass'))}"
        for name, value in fields.items()
    ).encode()


@pytest.mark.parametrize("hostile", ["nul\x00in the middle", "\ud800", "x" * 20_000, "y" * 20_001])
async def test_hostile_strings_are_refused_without_a_server_error(
    web: httpx.AsyncClient,
    sign_in: SignIn,
    app: Starlette,
    owner_sessions: SessionFactory,
    hostile: str,
) -> None:
    admin = email("admin", METRO)
    await sign_in(web, admin)
    org = await organization_id(app, owner_sessions, admin, "Northside Family Clinic")
    token = form_token((await web.get("/members")).text)
    fields = {
        "csrf": token,
        "kind": "EMPLOYER",
        "role": "MEMBER",
        **{name: hostile for name in ("name", "city", "email", "displayName", "pPercent")},
    }
    for path in ("/members", f"/members/{org}", "/settings"):
        response = await web.post(
            path,
            content=form_body(fields),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        # A NUL is dropped and a lone surrogate made U+FFFD: such a name is a name.
        expected = (303, 400) if path == "/members" and len(hostile) < 100 else (400,)
        assert response.status_code in expected, (path, response.status_code)
    if "\x00" in hostile:
        await organization_id(app, owner_sessions, admin, hostile.replace("\x00", ""))
    quoted = quote(hostile[:200].encode("utf-8", "surrogatepass"))
    for path in (f"/members/{quoted}", f"/partnership?occupation={quoted}"):
        assert (await web.get(path)).status_code in (200, 404), path
