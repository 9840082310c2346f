"""Reporting outcomes by CSV upload: a union's, a community organization's and a
provider's admins import participant records (read back through GraphQL), every bad row
is listed and nothing imported, an upload over the limit is a 413, and a person of an
employer is told the page is not for them."""

from __future__ import annotations

import csv
import io
import re
import uuid

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
)

RECORDS = "query($id: ID!) { participantRecordsCsv(organizationId: $id) }"


async def records_of(
    app: Starlette, sessions: SessionFactory, address: str
) -> dict[str, tuple[str, str]]:
    """The organization's records as its admin reads them back: entry and exit date by
    participant identifier (from ``participantRecordsCsv``, which has them all)."""
    organization = await organization_of(app, sessions, address)
    data = await graphql_as(app, sessions, address, RECORDS, id=organization["id"])
    return {
        row["participant_identifier"]: (row["date_of_program_entry"], row["date_of_program_exit"])
        for row in csv.DictReader(io.StringIO(data["participantRecordsCsv"]))
    }


async def upload(
    web: httpx.AsyncClient, text: bytes, *, organization: str | None = None, token: str = ""
) -> httpx.Response:
    token = token or await token_of(web, "/outcomes/import")
    data = {"csrf": token}
    if organization is not None:
        data["organization"] = organization
    return await web.post(
        "/outcomes/import", data=data, files={"file": ("people.csv", text, "text/csv")}
    )


@pytest.mark.parametrize("person", ["union-admin", "community-admin", "training-admin"])
async def test_an_organization_that_serves_people_imports_its_records(
    web: httpx.AsyncClient,
    sign_in: SignIn,
    app: Starlette,
    owner_sessions: SessionFactory,
    person: str,
) -> None:
    address = email(person)
    await sign_in(web, address)
    page = await web.get("/outcomes/import")
    assert page.status_code == 200 and 'type="file"' in page.text
    organization = await organization_of(app, owner_sessions, address)
    key = uuid.uuid4().hex[:6].upper()
    text = f"100,900,901\nW{key}A,20260112,20260612\nW{key}B,20260301,\n"

    response = await upload(web, text.encode(), organization=organization["id"])

    assert response.status_code == 200, response.text
    assert "2 records imported: 2 new, 0 updated, 0 unchanged." in response.text
    records = await records_of(app, owner_sessions, address)
    assert records[f"W{key}A"] == ("2026-01-12", "2026-06-12")
    assert records[f"W{key}B"] == ("2026-03-01", "")


async def test_every_bad_row_is_listed_and_nothing_is_imported(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    address = email("union-admin")
    await sign_in(web, address)
    before = await records_of(app, owner_sessions, address)
    key = uuid.uuid4().hex[:6].upper()
    text = (
        "100,900,901\n"
        f"W{key}A,20260112,20260612\n"
        f"W{key}B,someday,20260612\n"
        "123-45-6789,20260112,\n"
        f"W{key}D,20260112,20250101\n"
    )

    response = await upload(web, text.encode())

    assert response.status_code == 400, response.text
    lines = re.findall(r'<tr><th scope="row" class="num">(\d+)</th>', response.text)
    assert sorted(set(lines)) == ["3", "4", "5"]
    assert "rows have errors; nothing was imported." in response.text
    assert "123-45-6789" not in response.text.split('id="row-errors"')[1]  # never echoed
    assert await records_of(app, owner_sessions, address) == before


async def test_an_upload_over_the_limit_is_a_413(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    address = email("community-admin")
    await sign_in(web, address)
    before = await records_of(app, owner_sessions, address)
    text = "100,900\n" + "".join(f"BIG{n:07d},20260112\n" for n in range(60_000))

    response = await upload(web, text.encode())

    assert response.status_code == 413
    assert await records_of(app, owner_sessions, address) == before


@pytest.mark.parametrize("person", ["employer-admin", "employer-member", "funder"])
async def test_a_person_of_no_organization_serving_people_is_refused(
    web: httpx.AsyncClient, sign_in: SignIn, person: str
) -> None:
    await sign_in(web, email(person))
    page = await web.get("/outcomes/import")
    token = await session_token(web)
    posted = await upload(web, b"100,900\nX1,20260112\n", token=token)

    assert (page.status_code, posted.status_code) == (403, 403)


async def test_another_organizations_records_cannot_be_imported_by_naming_it(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    college = await organization_of(app, owner_sessions, email("college-admin"))
    before = await records_of(app, owner_sessions, email("college-admin"))
    await sign_in(web, email("union-admin"))

    response = await upload(web, b"100,900\nXORG1,20260112\n", organization=college["id"])

    assert response.status_code == 400
    assert "Choose one of your organizations." in response.text
    assert await records_of(app, owner_sessions, email("college-admin")) == before


async def test_an_import_without_the_forms_token_writes_nothing(
    web: httpx.AsyncClient, sign_in: SignIn, app: Starlette, owner_sessions: SessionFactory
) -> None:
    address = email("union-admin")
    await sign_in(web, address)
    before = await records_of(app, owner_sessions, address)

    response = await upload(web, b"100,900\nNOTOKEN1,20260112\n", token="forged")

    assert response.status_code == 400
    assert await records_of(app, owner_sessions, address) == before
