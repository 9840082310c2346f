"""The provider pages over HTTP: programs and cohorts listed, added, edited and imported
through the forms (read back through GraphQL), the gap and the scorecard as GraphQL
gives them to the provider, and nothing for a person of an employer."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from coalition.db.engine import SessionFactory
from tests.web.conftest import SignIn, email
from tests.web.provider_support import (
    graphql_as,
    organization_of,
    session_token,
    token_of,
    unique,
)

COLLEGE = email("college-admin")

PROGRAMS_OF = """
query($id: ID!) { node(id: $id) { ... on Organization {
  trainingPrograms(first: 100) { totalCount edges { node {
    id name status cipCode hours weeks modality schedules supports isEligibleTrainingProvider
    externalId credential { kind name } cost { amountMinor currency }
    occupations { code } skills { skill { id } level }
  } } }
} } }
"""
PROGRAM = """
query($id: ID!) { trainingProgram(id: $id) {
  id name status hours cost { amountMinor } externalId occupations { code }
  cohorts(first: 50) { edges { node {
    id startsOn endsOn seats enrolled expectedCompletionRate status
  } } }
} }
"""


async def programs_of(app: Starlette, sessions: SessionFactory, address: str) -> list[Any]:
    organization = await organization_of(app, sessions, address)
    data = await graphql_as(app, sessions, address, PROGRAMS_OF, id=organization["id"])
    return [edge["node"] for edge in data["node"]["trainingPrograms"]["edges"]]


def program_form(token: str, name: str, **changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "csrf": token,
        "name": name,
        "description": "Blueprint reading and safe shop practice.",
        "cipCode": "48.0508",
        "occupationCodes": "51-4121, 51-4041",
        "skills": "2.B.3.h:3; ES.safety-awareness:2",
        "credentialKind": "INDUSTRY_CERTIFICATION",
        "credentialName": "AWS Certified Welder",
        "credentialCtid": "",
        "hours": "360",
        "weeks": "12",
        "cost": "2,750.50",
        "modality": "HYBRID",
        "schedules": ["EVENING", "WEEKEND"],
        "supports": ["CHILDCARE"],
        "isEligibleTrainingProvider": "yes",
        "externalId": "",
        "status": "DRAFT",
    }
    form.update(changes)
    return form


async def add_program(web: httpx.AsyncClient, name: str, **changes: Any) -> httpx.Response:
    token = await token_of(web, "/programs/new")
    return await web.post("/programs/new", data=program_form(token, name, **changes))


async def created(app: Starlette, sessions: SessionFactory, name: str) -> dict[str, Any]:
    found = [p for p in await programs_of(app, sessions, COLLEGE) if p["name"] == name]
    assert len(found) == 1, found
    return found[0]


async def test_the_programs_page_lists_what_graphql_gives_the_college(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    await sign_in(web, COLLEGE)
    page = await web.get("/programs")

    assert page.status_code == 200
    programs = await programs_of(app, owner_sessions, COLLEGE)
    shown = re.findall(r'<a href="/programs/([^"]+)">([^<]+)</a>', page.text)
    assert [program_id for program_id, _ in shown] == [p["id"] for p in programs][:20]
    assert f"{len(programs)} program" in page.text
    assert "Lakeshore Community College" in page.text


@pytest.mark.parametrize(
    "path", ["/programs", "/programs/new", "/programs/import", "/gap", "/scorecard"]
)
async def test_a_person_of_an_employer_is_told_the_page_is_not_for_them(
    web: httpx.AsyncClient, sign_in: SignIn, path: str
) -> None:
    await sign_in(web, email("employer-admin"))
    page = await web.get(path)

    assert page.status_code == 403
    assert "Not for you" in page.text


async def test_adding_a_program_through_the_form_makes_it(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    await sign_in(web, COLLEGE)
    name = unique("Welding Basics")
    response = await add_program(web, name)

    assert response.status_code == 303
    assert response.headers["location"] == "/programs?done=added"
    program = await created(app, owner_sessions, name)
    assert program["status"] == "DRAFT"
    assert program["cipCode"] == "48.0508"
    assert (program["hours"], program["weeks"], program["modality"]) == (360, 12, "HYBRID")
    assert program["cost"] == {"amountMinor": "275050", "currency": "USD"}
    assert program["credential"] == {
        "kind": "INDUSTRY_CERTIFICATION",
        "name": "AWS Certified Welder",
    }
    assert [o["code"] for o in program["occupations"]] == ["51-4041", "51-4121"]
    assert sorted((s["skill"]["id"], s["level"]) for s in program["skills"]) == [
        ("2.B.3.h", 3),
        ("ES.safety-awareness", 2),
    ]
    assert (program["schedules"], program["supports"]) == (["EVENING", "WEEKEND"], ["CHILDCARE"])
    assert program["isEligibleTrainingProvider"] is True
    listed = await web.get("/programs?done=added")
    assert "The program was added." in listed.text and name in listed.text


async def test_a_program_the_schema_refuses_shows_each_problem_by_its_input(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    await sign_in(web, COLLEGE)
    before = len(await programs_of(app, owner_sessions, COLLEGE))
    response = await add_program(
        web,
        "",
        cipCode="99.9999",
        occupationCodes="51-4041, 51-4041",
        credentialKind="NONE",
    )

    assert response.status_code == 400
    assert "No CIP 2020 program with code &#39;99.9999&#39;." in response.text
    assert "Occupation &#39;51-4041&#39; is listed twice." in response.text
    assert 'id="name" name="name" type="text" value=""' in response.text
    assert 'aria-invalid="true"' in response.text and 'id="cipCode-error"' in response.text
    assert 'value="99.9999"' in response.text  # what was typed stays
    assert len(await programs_of(app, owner_sessions, COLLEGE)) == before


async def test_amounts_and_numbers_the_form_cannot_read_are_said_before_any_change(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    await sign_in(web, COLLEGE)
    name = unique("Unreadable")
    response = await add_program(web, name, cost="12.345", hours="many", skills="2.B.3.h")

    assert response.status_code == 400
    assert "Give the cost in dollars, like 2750 or 2,750.00." in response.text
    assert "Give the hours as a whole number, like 12." in response.text
    assert "Write each skill as its ID, a colon and a level: 2.B.3.h:3." in response.text
    assert name not in [p["name"] for p in await programs_of(app, owner_sessions, COLLEGE)]


@pytest.mark.parametrize("token", [None, "forged"])
async def test_a_program_form_without_its_token_writes_nothing(
    web: httpx.AsyncClient,
    sign_in: SignIn,
    app: Starlette,
    owner_sessions: SessionFactory,
    token: str | None,
) -> None:
    await sign_in(web, COLLEGE)
    name = unique("No token")
    form = program_form(token or "", name)
    if token is None:
        del form["csrf"]
    response = await web.post("/programs/new", data=form)

    assert response.status_code == 400
    assert name not in [p["name"] for p in await programs_of(app, owner_sessions, COLLEGE)]


@pytest.mark.parametrize(
    "hostile",
    ["nul\x00byte", "x" * 20_000, "x" * 20_001, "%ED%A0%80"],
    ids=["nul", "20k", "20k+1", "surrogate"],
)
async def test_hostile_text_is_refused_or_stored_clean_never_a_server_error(
    web: httpx.AsyncClient, sign_in: SignIn, hostile: str
) -> None:
    await sign_in(web, COLLEGE)
    token = await token_of(web, "/programs/new")
    if hostile.startswith("%"):
        body = f"csrf={token}&name={hostile}&cipCode=48.0508&credentialKind=NONE&modality=ONLINE"
        response = await web.post(
            "/programs/new",
            content=body.encode(),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
    else:
        response = await web.post("/programs/new", data=program_form(token, hostile))

    assert response.status_code in (303, 400), response.text[:500]


async def test_editing_a_program_changes_it_and_a_blank_cost_clears_it(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    await sign_in(web, COLLEGE)
    name = unique("To edit")
    await add_program(web, name)
    program = await created(app, owner_sessions, name)
    path = f"/programs/{program['id']}"
    page = await web.get(path)
    assert page.status_code == 200 and "Edit the program" in page.text

    token = await token_of(web, path)
    response = await web.post(
        path,
        data=program_form(
            token, name + " II", cost="", hours="400", occupationCodes="51-4121", externalId="W-1"
        ),
    )

    assert response.status_code == 303 and response.headers["location"] == f"{path}?done=saved"
    data = await graphql_as(app, owner_sessions, COLLEGE, PROGRAM, id=program["id"])
    changed = data["trainingProgram"]
    assert (changed["name"], changed["hours"], changed["cost"]) == (name + " II", 400, None)
    assert changed["externalId"] == "W-1"
    assert [o["code"] for o in changed["occupations"]] == ["51-4121"]


async def test_the_status_form_changes_the_status_and_says_a_refused_one(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    await sign_in(web, COLLEGE)
    name = unique("Status")
    await add_program(web, name)
    program = await created(app, owner_sessions, name)
    path = f"/programs/{program['id']}"

    token = await token_of(web, path)
    done = await web.post(f"{path}/status", data={"csrf": token, "status": "DISCONTINUED"})
    refused = await web.post(f"{path}/status", data={"csrf": token, "status": "DRAFT"})

    assert done.status_code == 303
    assert refused.status_code == 400 and 'id="form-errors"' in refused.text
    data = await graphql_as(app, owner_sessions, COLLEGE, PROGRAM, id=program["id"])
    assert data["trainingProgram"]["status"] == "DISCONTINUED"


async def test_cohorts_are_added_and_edited_through_their_forms(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    await sign_in(web, COLLEGE)
    name = unique("With cohorts")
    await add_program(web, name)
    program = await created(app, owner_sessions, name)
    path = f"/programs/{program['id']}"
    token = await token_of(web, path)
    cohort = {
        "csrf": token,
        "startsOn": "2027-09-06",
        "endsOn": "2027-12-17",
        "seats": "16",
        "enrolled": "",
        "expectedCompletionRate": "85.5",
        "status": "PLANNED",
    }

    bad = await web.post(f"{path}/cohorts", data={**cohort, "endsOn": "2027-01-01"})
    added = await web.post(f"{path}/cohorts", data=cohort)

    assert bad.status_code == 400 and "endsOn must not be before startsOn." in bad.text
    assert added.status_code == 303 and added.headers["location"] == f"{path}?done=cohort"
    data = await graphql_as(app, owner_sessions, COLLEGE, PROGRAM, id=program["id"])
    [edge] = data["trainingProgram"]["cohorts"]["edges"]
    made = edge["node"]
    assert (made["seats"], made["enrolled"], made["expectedCompletionRate"]) == (16, None, 85.5)
    page = await web.get(path)
    edit = f"{path}/cohorts/{made['id']}"
    assert f'href="{edit}"' in page.text

    saved = await web.post(
        edit, data={**cohort, "enrolled": "14", "status": "ENROLLING", "seats": "18"}
    )

    assert saved.status_code == 303 and saved.headers["location"] == f"{path}?done=cohort-saved"
    data = await graphql_as(app, owner_sessions, COLLEGE, PROGRAM, id=program["id"])
    changed = data["trainingProgram"]["cohorts"]["edges"][0]["node"]
    assert (changed["seats"], changed["enrolled"], changed["status"]) == (18, 14, "ENROLLING")
    too_many = await web.post(edit, data={**cohort, "enrolled": "40"})
    assert too_many.status_code == 400 and "enrolled must not be more than seats." in too_many.text


async def test_a_person_of_an_employer_reads_a_program_but_cannot_change_it(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    programs = await programs_of(app, owner_sessions, COLLEGE)
    active = next(p for p in programs if p["status"] == "ACTIVE")
    path = f"/programs/{active['id']}"
    await sign_in(web, email("employer-admin"))

    page = await web.get(path)
    assert page.status_code == 200
    assert active["name"] in page.text and "Edit the program" not in page.text
    token = await session_token(web)
    changed = await web.post(path, data=program_form(token, "Taken over"))
    cohort = await web.post(
        f"{path}/cohorts",
        data={
            "csrf": token,
            "startsOn": "2027-01-04",
            "endsOn": "2027-02-04",
            "seats": "5",
            "expectedCompletionRate": "80",
        },
    )

    assert (changed.status_code, cohort.status_code) == (403, 403)
    after = await graphql_as(app, owner_sessions, COLLEGE, PROGRAM, id=active["id"])
    assert after["trainingProgram"]["name"] == active["name"]


async def test_a_program_or_cohort_that_is_not_there_is_a_404(
    web: httpx.AsyncClient, sign_in: SignIn
) -> None:
    await sign_in(web, COLLEGE)
    assert (await web.get("/programs/nonsense")).status_code == 404
    missing = "VHJhaW5pbmdQcm9ncmFtOjAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMA"
    assert (await web.get(f"/programs/{missing}")).status_code == 404
    assert (await web.get(f"/programs/{missing}/cohorts/nonsense")).status_code == 404


# --- import ---------------------------------------------------------------------------

HEADER = "program_id,name,cip_code,modality,credential_kind,credential_name,hours,cost,status"


async def upload(
    web: httpx.AsyncClient, text: bytes, *, token: str | None = None, path: str = "/programs/import"
) -> httpx.Response:
    token = token if token is not None else await token_of(web, path)
    return await web.post(
        path,
        data={"csrf": token},
        files={"file": ("programs.csv", text, "text/csv")},
    )


async def test_importing_a_file_makes_its_programs(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    await sign_in(web, COLLEGE)
    key = uuid.uuid4().hex[:6]
    text = (
        f"{HEADER}\n"
        f"IMP-{key}-1,Imported Welding {key},48.0508,in_person,certificate,Welding,120,"
        '"1,200.00",draft\n'
        f"IMP-{key}-2,Imported CNC {key},48.0510,online,none,,80,0,draft\n"
    )
    response = await upload(web, text.encode())

    assert response.status_code == 200, response.text
    assert "2 rows imported: 2 new programs, 0 updated, 0 unchanged." in response.text
    programs = {p["externalId"]: p for p in await programs_of(app, owner_sessions, COLLEGE)}
    first, second = programs[f"IMP-{key}-1"], programs[f"IMP-{key}-2"]
    assert (first["name"], first["cost"]["amountMinor"], first["hours"]) == (
        f"Imported Welding {key}",
        "120000",
        120,
    )
    assert (second["modality"], second["credential"]["kind"]) == ("ONLINE", "NONE")

    again = await upload(web, text.encode())
    assert "2 rows imported: 0 new programs, 0 updated, 2 unchanged." in again.text


async def test_a_file_with_bad_rows_lists_every_one_and_imports_nothing(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    await sign_in(web, COLLEGE)
    before = len(await programs_of(app, owner_sessions, COLLEGE))
    text = (
        f"{HEADER}\n"
        "BAD-1,Fine,48.0508,in_person,certificate,Cert,120,100,draft\n"
        "BAD-2,,48.0508,in_person,certificate,Cert,120,100,draft\n"
        "BAD-3,Bad CIP,99.9999,by_pigeon,certificate,Cert,120,100,draft\n"
    )
    response = await upload(web, text.encode())

    assert response.status_code == 400
    rows = re.findall(
        r'<tr><th scope="row" class="num">(\d+)</th><td>([^<]*)</td><td>([^<]*)</td></tr>',
        response.text,
    )
    assert {(line, column) for line, column, _ in rows} >= {
        ("3", "name"),
        ("4", "cip_code"),
        ("4", "modality"),
    }
    assert all(line in ("3", "4") for line, _, _ in rows)
    assert "nothing was imported" in response.text
    assert len(await programs_of(app, owner_sessions, COLLEGE)) == before


async def test_an_upload_over_the_limit_is_a_413_and_imports_nothing(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    await sign_in(web, COLLEGE)
    before = len(await programs_of(app, owner_sessions, COLLEGE))
    row = "BIG-{n},Big {n},48.0508,in_person,certificate,Cert,120,100,draft\n"
    text = HEADER + "\n" + "".join(row.format(n=n) for n in range(20_000))
    assert len(text) > 1_000_000

    response = await upload(web, text.encode())

    assert response.status_code == 413
    assert "larger than this page takes" in response.text
    assert len(await programs_of(app, owner_sessions, COLLEGE)) == before


async def test_a_request_whose_body_is_longer_than_it_said_is_stopped_while_read(
    web: httpx.AsyncClient, sign_in: SignIn
) -> None:
    await sign_in(web, COLLEGE)
    token = await token_of(web, "/programs/import")
    boundary = "b0undary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + b"x" * 1_200_000
        + f"\r\n--{boundary}--\r\n".encode()
    )

    async def chunks() -> Any:  # no Content-Length: sent chunked
        for start in range(0, len(body), 64_000):
            yield body[start : start + 64_000]

    response = await web.post(
        "/programs/import",
        content=chunks(),
        headers={"content-type": f"multipart/form-data; boundary={boundary}"},
    )

    assert response.status_code == 413


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("caf\xe9".encode("latin-1"), "The file is not UTF-8 text"),
        (b"", "Choose the CSV file to import."),
        (b"   \n", "The file is empty."),
    ],
    ids=["latin-1", "no-file", "blank"],
)
async def test_a_file_that_is_not_text_is_said_on_the_form(
    web: httpx.AsyncClient, sign_in: SignIn, content: bytes, message: str
) -> None:
    await sign_in(web, COLLEGE)
    token = await token_of(web, "/programs/import")
    if content:
        response = await upload(web, content, token=token)
    else:
        response = await web.post(
            "/programs/import",
            data={"csrf": token},
            files={"file": ("", b"", "application/octet-stream")},
        )

    assert response.status_code == 400
    assert message in response.text


async def test_an_import_without_the_token_is_refused(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    await sign_in(web, COLLEGE)
    before = len(await programs_of(app, owner_sessions, COLLEGE))
    text = f"{HEADER}\nTOK-1,Token,48.0508,in_person,certificate,Cert,120,100,draft\n"

    response = await upload(web, text.encode(), token="forged")

    assert response.status_code == 400
    assert len(await programs_of(app, owner_sessions, COLLEGE)) == before


# --- the gap and the scorecard ------------------------------------------------------

GAP = """
query { providerGap(from: "2027Q1", to: "2027Q4") {
  programs { name }
  untaughtSkills { title }
  byOccupation { rows { title hidden demand expectedCompleters } }
} }
"""
SCORECARD = """
query($id: ID!) { node(id: $id) { ... on Organization { scorecard(period: "PY2025") {
  completionRate { display } credentialRate { display } placementRate { display }
  medianWageAtPlacement { display } captureRate { display }
} } } }
"""


async def test_the_gap_page_shows_the_providers_gap_as_graphql_gives_it(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    await sign_in(web, COLLEGE)
    page = await web.get("/gap?from=2027Q1&to=2027Q4")

    assert page.status_code == 200
    gap = (await graphql_as(app, owner_sessions, COLLEGE, GAP))["providerGap"]
    for program in gap["programs"]:
        assert f">{program['name']}</a></h3>" in page.text
    for skill in gap["untaughtSkills"]:
        assert f"<li>{skill['title']} (" in page.text
    table = page.text.split("Openings against expected completers, by occupation (people): ")[1]
    cell = r'<td class="num">([^<]+)</td>'
    rows = re.findall(rf'<tr><th scope="row">([^<]+)</th>{cell}{cell}</tr>', table)
    assert [title for title, _, _ in rows] == [r["title"] for r in gap["byOccupation"]["rows"]]
    hidden = [title for title, demand, _ in rows if demand == "hidden"]
    assert hidden == [r["title"] for r in gap["byOccupation"]["rows"] if r["hidden"]]


async def test_a_horizon_the_schema_refuses_is_said_on_the_page(
    web: httpx.AsyncClient, sign_in: SignIn
) -> None:
    await sign_in(web, COLLEGE)
    page = await web.get("/gap?from=soon&to=2027Q4")

    assert page.status_code == 400
    assert "A quarter is written like 2027Q1." in page.text


async def test_the_scorecard_shows_the_providers_own_figures(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    await sign_in(web, COLLEGE)
    page = await web.get("/scorecard?period=PY2025")

    assert page.status_code == 200
    organization = await organization_of(app, owner_sessions, COLLEGE)
    data = await graphql_as(app, owner_sessions, COLLEGE, SCORECARD, id=organization["id"])
    card = data["node"]["scorecard"]
    shown = re.findall(r'<th scope="row">([^<]+)</th><td class="num">([^<]+)</td>', page.text)
    assert dict(shown[:5]) == {
        "Completion rate": card["completionRate"]["display"],
        "Credential rate": card["credentialRate"]["display"],
        "Placement rate": card["placementRate"]["display"],
        "Median wage at placement": card["medianWageAtPlacement"]["display"],
        "Capture rate": card["captureRate"]["display"],
    }
    assert "These are your own exact figures" in page.text
    assert (await web.get("/scorecard?period=1999Q9")).status_code == 400


async def test_an_upload_of_two_files_or_under_another_name_is_refused(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    await sign_in(web, COLLEGE)
    before = len(await programs_of(app, owner_sessions, COLLEGE))
    token = await token_of(web, "/programs/import")
    text = f"{HEADER}\nTWO-1,Two,48.0508,in_person,certificate,Cert,120,100,draft\n".encode()

    two = await web.post(
        "/programs/import",
        data={"csrf": token},
        files=[("file", ("a.csv", text, "text/csv")), ("file", ("b.csv", text, "text/csv"))],
    )
    other = await web.post(
        "/programs/import", data={"csrf": token}, files={"other": ("a.csv", text, "text/csv")}
    )
    plain = await web.post("/programs/import", data={"csrf": token, "file": text.decode()})

    assert (two.status_code, other.status_code, plain.status_code) == (400, 400, 400)
    assert len(await programs_of(app, owner_sessions, COLLEGE)) == before
