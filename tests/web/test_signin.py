"""Signing in to the web app: the demo sign-in (development only), CSRF on every form,
safe redirects, signing out, and the session cookie's attributes."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette

from coalition.app import create_app
from coalition.config import Settings
from coalition.web.signin import safe_next
from tests.web.conftest import LAKESHORE, SignIn, csrf_of, email, person_ids


async def test_a_page_sends_a_stranger_to_sign_in_and_back(web: httpx.AsyncClient) -> None:
    response = await web.get("/")
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=/"


async def test_the_demo_sign_in_lists_the_partnerships_people(web: httpx.AsyncClient) -> None:
    page = await web.get(f"/signin?partnership={LAKESHORE}")
    assert page.status_code == 200
    assert email("employer-admin") in page.text and "Employer Admin" in page.text
    assert "Sign in as a demo person" in page.text


async def test_signing_in_opens_the_home_page_with_the_persons_work(
    web: httpx.AsyncClient, sign_in: SignIn
) -> None:
    await sign_in(web, email("employer-admin"))
    home = await web.get("/")
    assert home.status_code == 200
    assert "Welcome, Employer Admin" in home.text
    assert 'href="/demand/new"' in home.text
    assert 'href="/audit"' not in home.text  # not a partnership admin


async def test_a_sign_in_without_the_forms_token_is_refused(
    web: httpx.AsyncClient, owner_sessions: object
) -> None:
    tenant_id, user_id = await person_ids(owner_sessions, email("admin"))  # type: ignore[arg-type]
    await web.get("/signin")
    response = await web.post(
        "/signin/demo", data={"csrf": "forged", "tenant": tenant_id, "person": user_id}
    )
    assert response.status_code == 400
    assert (await web.get("/")).status_code == 303


async def test_a_person_of_another_partnership_cannot_be_signed_in_to_this_one(
    web: httpx.AsyncClient, owner_sessions: object
) -> None:
    lakeshore, _ = await person_ids(owner_sessions, email("admin"))  # type: ignore[arg-type]
    _, metro_person = await person_ids(
        owner_sessions,  # type: ignore[arg-type]
        email("admin", "metro-healthcare"),
    )
    page = await web.get(f"/signin?partnership={LAKESHORE}")
    response = await web.post(
        "/signin/demo",
        data={"csrf": csrf_of(page.text), "tenant": lakeshore, "person": metro_person},
    )
    assert response.status_code == 303 and response.headers["location"] == "/signin?error=1"
    assert (await web.get("/")).status_code == 303


async def test_the_session_cookie_is_httponly_and_samesite(
    web: httpx.AsyncClient, sign_in: SignIn
) -> None:
    tenant_page = await web.get("/signin")
    cookie = tenant_page.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert tenant_page.headers["content-security-policy"].startswith("default-src 'self'")


async def test_signing_out_needs_the_token_and_ends_the_session(
    web: httpx.AsyncClient, sign_in: SignIn
) -> None:
    await sign_in(web, email("funder"))
    home = await web.get("/")
    await web.post("/signout", data={"csrf": "forged"})
    assert (await web.get("/")).status_code == 200  # a forged sign-out does nothing
    await web.post("/signout", data={"csrf": csrf_of(home.text)})
    assert (await web.get("/")).status_code == 303


def test_after_sign_in_only_paths_of_this_site() -> None:
    assert safe_next("/funds?x=1") == "/funds?x=1"
    for hostile in ("https://evil.example/", "//evil.example", "/\\evil.example", "", None):
        assert safe_next(hostile) == "/"


async def test_production_has_no_demo_sign_in(settings: Settings, web_demo: None) -> None:
    production = settings.model_copy(update={"env": "production"})
    app: Starlette = create_app(production, configure_logs=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://127.0.0.1") as client:
            page = await client.get(f"/signin?partnership={LAKESHORE}")
            assert page.status_code == 200
            assert "demo person" not in page.text and email("admin") not in page.text
            refused = await client.post("/signin/demo", data={"csrf": "x"})
            assert refused.status_code == 404
            assert "secure" in page.headers["set-cookie"].lower()


async def test_an_unknown_address_is_a_page_that_says_so(web: httpx.AsyncClient) -> None:
    response = await web.get("/no/such/page")
    assert response.status_code == 404
    assert "There is no page at this address." in response.text
    assert (await web.get("/graphqlx")).status_code == 404
