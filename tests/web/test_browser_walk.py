"""In Chromium, every page each person can reach from the home page (two clicks deep):
no console error, no request off the machine, no WCAG 2.1 AA violation (axe-core)."""

from __future__ import annotations

import pytest

from tests.web.conftest import Browsing, email
from tests.web.walk import PEOPLE, walk


@pytest.mark.parametrize("person", PEOPLE)
async def test_every_page_is_clean_and_accessible_in_the_browser(
    browsing: Browsing, person: str
) -> None:
    tab = await browsing.signed_in(email(person))

    async def get(path: str) -> tuple[int, str]:
        response = await tab.open(path)
        status = response.status if response is not None else 0
        if status == 200:
            await tab.check(f"{path} as {person}")
        return status, await tab.page.content()

    pages = await walk(get)
    assert all(status in (200, 403) for status in pages.values()), pages
