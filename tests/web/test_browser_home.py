"""In Chromium: every demo person signs in and lands on a home page with no console
error, no request off the machine and no WCAG 2.1 AA violation; the skip link works."""

from __future__ import annotations

import pytest

from tests.web.conftest import Browsing, email

PEOPLE = [
    "admin",
    "analyst",
    "employer-admin",
    "employer-member",
    "college-admin",
    "funder",
    "union-admin",
    "community-admin",
    "training-admin",
]


async def test_the_sign_in_page_is_accessible(browsing: Browsing) -> None:
    tab = await browsing.tab()
    await tab.open("/signin?partnership=lakeshore-manufacturing")
    await tab.check("sign-in")


@pytest.mark.parametrize("person", PEOPLE)
async def test_each_person_signs_in_to_an_accessible_home(browsing: Browsing, person: str) -> None:
    tab = await browsing.signed_in(email(person))
    assert "Welcome" in await tab.page.inner_text("h1")
    await tab.check(f"home as {person}")


async def test_the_skip_link_is_the_first_stop_and_reaches_the_content(
    browsing: Browsing,
) -> None:
    tab = await browsing.signed_in(email("employer-admin"), phone=True)
    await tab.page.keyboard.press("Tab")
    focused = await tab.page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to main content"
    await tab.page.keyboard.press("Enter")
    assert await tab.page.evaluate("document.activeElement.id") == "main"
