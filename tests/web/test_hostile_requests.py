"""Careless or hostile requests to the web app's own routes: a clear 4xx or a redirect,
never a server error, and nothing signed in."""

from __future__ import annotations

from urllib.parse import quote

import httpx
import pytest

from tests.web.conftest import LAKESHORE, SignIn, csrf_of, email

HOSTILE = ["\x00", "\ud800", "x" * 20_000, "../../etc/passwd", "%00", "'; DROP TABLE users;--"]


@pytest.mark.parametrize("value", HOSTILE, ids=["nul", "surrogate", "huge", "dots", "pct", "sql"])
async def test_hostile_sign_in_fields_are_refused_cleanly(
    web: httpx.AsyncClient, value: str
) -> None:
    page = await web.get(f"/signin?partnership={LAKESHORE}")
    body = {"csrf": csrf_of(page.text), "tenant": value, "person": value, "next": value}
    encoded = "&".join(
        f"{k}={httpx.QueryParams({k: v.encode('utf-8', 'surrogatepass').decode('latin-1')})[k]}"
        for k, v in body.items()
    )
    response = await web.post(
        "/signin/demo",
        content=encoded.encode("latin-1", "replace"),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code in (303, 400), response.status_code
    assert (await web.get("/")).status_code == 303


@pytest.mark.parametrize("value", HOSTILE, ids=["nul", "surrogate", "huge", "dots", "pct", "sql"])
async def test_hostile_query_parameters_never_fail_the_server(
    web: httpx.AsyncClient, value: str
) -> None:
    raw = quote(value.encode("utf-8", "surrogatepass"))[:4000]
    for path in ("/signin", "/signin/oidc", "/signin/callback", "/"):
        response = await web.get(f"{path}?next={raw}&partnership={raw}&code={raw}&state={raw}")
        assert response.status_code < 500, (path, response.status_code)


async def test_a_form_with_too_many_fields_is_refused(web: httpx.AsyncClient) -> None:
    response = await web.post("/signin/demo", data={f"f{i}": "x" for i in range(50)})
    assert response.status_code == 400


async def test_a_file_upload_to_a_form_is_refused(web: httpx.AsyncClient) -> None:
    response = await web.post("/signin/demo", files={"person": ("a.txt", b"x" * 1000)})
    assert response.status_code == 400


async def test_a_tampered_session_cookie_signs_nobody_in(
    web: httpx.AsyncClient, sign_in: SignIn
) -> None:
    await sign_in(web, email("admin"))
    cookie = web.cookies.get("coalition_session")
    assert cookie
    web.cookies.set("coalition_session", cookie[:-4] + "AAAA")
    assert (await web.get("/")).status_code == 303
