"""The web app's tests: the demo served on a local port, people signed in through the
demo sign-in page, and (for the browser tests) Debian's Chromium driven by Playwright.

``web`` is an httpx client of the in-process app with its own cookies; ``sign_in``
signs it in as a demo person by email. ``browser`` is headless Chromium
(``/usr/bin/chromium`` or ``COALITION_CHROMIUM``); without it the browser tests are
skipped with the reason, except under ``CI=true``, where they fail (``.ci/run``
installs it). Each browser page records console errors and any request that leaves
127.0.0.1 (aborted); ``check_page`` asserts there were none and runs axe-core (WCAG 2.1
AA). A failed test leaves a screenshot of each of its pages in ``test-artifacts/``.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import select
from starlette.applications import Starlette

from coalition.db.engine import SessionFactory
from coalition.db.scoping import in_tenant
from coalition.db.session import tenant_transaction
from coalition.demo import seed_demo
from coalition.tenancy.models import Tenant, User
from tests.support.live_server import live_server

LAKESHORE = "lakeshore-manufacturing"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def email(person: str, slug: str = LAKESHORE) -> str:
    return f"{person}@{slug}.example"


@pytest.fixture(scope="session")
async def web_demo(owner_sessions: SessionFactory) -> None:
    await seed_demo(owner_sessions)


async def person_ids(sessions: SessionFactory, address: str) -> tuple[str, str]:
    slug = address.split("@")[1].removesuffix(".example")
    async with sessions() as session:
        tenant_id = await session.scalar(select(Tenant.id).where(Tenant.slug == slug))
    assert tenant_id is not None, slug
    async with tenant_transaction(sessions, tenant_id) as session:
        user_id = await session.scalar(
            select(User.id).where(in_tenant(User, tenant_id), User.email == address)
        )
    assert user_id is not None, f"the demo has no {address}"
    return str(tenant_id), str(user_id)


CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


SignIn = Callable[[httpx.AsyncClient, str], Awaitable[None]]


@pytest.fixture
async def web(app: Starlette, web_demo: None) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as client:
        yield client


@pytest.fixture
def sign_in(owner_sessions: SessionFactory) -> SignIn:
    async def signer(client: httpx.AsyncClient, address: str) -> None:
        tenant_id, user_id = await person_ids(owner_sessions, address)
        slug = address.split("@")[1].removesuffix(".example")
        page = await client.get(f"/signin?partnership={slug}")
        response = await client.post(
            "/signin/demo",
            data={"csrf": csrf_of(page.text), "tenant": tenant_id, "person": user_id, "next": "/"},
        )
        assert response.status_code == 303 and response.headers["location"] == "/", response.text

    return signer


# --- the browser ----------------------------------------------------------------------


def chromium_path() -> str | None:
    return os.environ.get("COALITION_CHROMIUM") or shutil.which("chromium")


@pytest.fixture(scope="session")
async def web_server(app: Starlette, web_demo: None) -> AsyncIterator[str]:
    async with live_server(app) as client:
        yield str(client.base_url).rstrip("/")


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Any]:
    path = chromium_path()
    if path is None:
        message = "Chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=path, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        await launched.close()


@dataclass
class Tab:
    """One browser page, with what went wrong on it."""

    page: Any
    base: str
    console_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    # The status of the last page the tab navigated to (a form's answer included).
    last_status: int | None = None

    async def open(self, path: str) -> Any:
        response = await self.page.goto(self.base + path)
        return response

    async def check(self, name: str) -> None:
        """No console error, no request off the machine, no WCAG 2.1 AA violation."""
        assert not self.console_errors, f"{name}: console errors {self.console_errors}"
        assert not self.outside_requests, f"{name}: requests left 127.0.0.1 {self.outside_requests}"
        await self.page.add_script_tag(path=str(AXE))
        result = await self.page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
            WCAG_AA,
        )
        violations = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in result["violations"]
        ]
        assert not violations, f"{name}: axe found {violations}"


@dataclass
class Browsing:
    browser: Any
    base: str
    sessions: SessionFactory
    tabs: list[Tab] = field(default_factory=list)

    async def tab(self, *, phone: bool = False) -> Tab:
        viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
        # bypass_csp: axe is injected as an inline script, which the pages' CSP forbids.
        context = await self.browser.new_context(viewport=viewport, bypass_csp=True)
        page = await context.new_page()
        tab = Tab(page=page, base=self.base)

        def on_console(message: Any) -> None:
            if message.type != "error":
                return
            # Chromium reports the page's own 4xx answer (a form shown again with its
            # errors, a 403 page) as a failed resource: that is the page, not an error
            # of it. A stylesheet, script or image that fails is still an error.
            own_page = (message.location or {}).get("url") == page.url
            if own_page and "Failed to load resource" in message.text:
                return
            tab.console_errors.append(message.text)

        async def guard(route: Any) -> None:
            host = urlsplit(route.request.url).hostname
            if host in ("127.0.0.1", "localhost"):
                await route.continue_()
            else:
                tab.outside_requests.append(route.request.url)
                await route.abort()

        def on_response(response: Any) -> None:
            if response.request.is_navigation_request() and response.frame == page.main_frame:
                tab.last_status = response.status

        page.on("console", on_console)
        page.on("response", on_response)
        page.on("pageerror", lambda error: tab.console_errors.append(str(error)))
        await context.route("**/*", guard)
        self.tabs.append(tab)
        return tab

    async def signed_in(self, address: str, *, phone: bool = False) -> Tab:
        tab = await self.tab(phone=phone)
        _, user_id = await person_ids(self.sessions, address)
        slug = address.split("@")[1].removesuffix(".example")
        await tab.open(f"/signin?partnership={slug}")
        await tab.page.click(f'form:has(input[name="person"][value="{user_id}"]) button')
        await tab.page.wait_for_url(self.base + "/")
        return tab


@pytest.fixture
async def browsing(
    request: pytest.FixtureRequest, browser: Any, web_server: str, owner_sessions: SessionFactory
) -> AsyncIterator[Browsing]:
    browsing = Browsing(browser=browser, base=web_server, sessions=owner_sessions)
    yield browsing
    failed = getattr(request.node, "rep_call", None)
    for index, tab in enumerate(browsing.tabs):
        if failed is not None and failed.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
            await tab.page.screenshot(path=str(ARTIFACTS / f"{name}-{index}.png"), full_page=True)
        await tab.page.context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
    return report


async def token_for(app: Starlette, sessions: SessionFactory, address: str) -> str:
    """An API access token for a demo person, as `coalition token` mints one."""
    from coalition.auth.scopes import USER_SCOPES
    from coalition.auth.tokens import USER_TOKEN_CLIENT_ID, issue_access_token

    tenant_id, user_id = await person_ids(sessions, address)
    return issue_access_token(
        await app.state.keys.signer(),
        app.state.settings,
        tenant_id=uuid.UUID(tenant_id),
        subject=user_id,
        client_id=USER_TOKEN_CLIENT_ID,
        scopes=USER_SCOPES,
    )
