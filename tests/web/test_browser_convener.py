"""In Chromium: the convener's pages as a partnership admin and an analyst (no console
error, no request off the machine, no WCAG 2.1 AA violation), a form sent with a
mistake and then right, and an employer admin kept out of the settings and audit log."""

from __future__ import annotations

import uuid

from tests.web.conftest import Browsing, Tab, email

METRO = "metro-healthcare"


async def assert_fits_the_phone(tab: Tab, name: str) -> None:
    """Nothing wider than a 390px phone but the tables' own scroll regions."""
    width = await tab.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{name} is {width}px wide on a 390px phone"


async def check_answered(tab: Tab, name: str, status: str) -> None:
    """The page answered ``status`` ("403 (Forbidden)") and is clean and accessible."""
    assert tab.last_status == int(status.split()[0]), (name, tab.last_status)
    await tab.check(name)


async def test_a_partnership_admin_walks_the_convener_pages(browsing: Browsing) -> None:
    tab = await browsing.signed_in(email("admin"))
    page = tab.page
    assert (await tab.open("/partnership")).status == 200
    assert await page.locator("svg.chart").count() == 2
    await tab.check("partnership")

    await page.select_option("#occupation", "51-4041")
    await page.get_by_role("button", name="Show").click()
    await page.wait_for_url("**/partnership?occupation=51-4041*")
    assert "Openings per quarter: Machinists" in await page.inner_text("#trend")
    await tab.check("partnership with a trend")

    await page.get_by_role("link", name="Employers").click()
    await page.wait_for_url("**/members?kind=EMPLOYER")
    assert "Add an organization" in await page.inner_text("main")
    await tab.check("members")

    await page.get_by_role("link", name="Precision Tool & Die").click()
    assert await page.inner_text("h1") == "Precision Tool & Die"
    await tab.check("a member organization")

    await page.get_by_role("link", name="Remove").first.click()
    assert (await page.inner_text("h1")).startswith("Remove ")
    await tab.check("removing a membership")
    await page.get_by_role("link", name="No, keep it").click()
    assert await page.inner_text("h1") == "Precision Tool & Die"

    assert (await tab.open("/settings")).status == 200
    assert await page.input_value("#minEmployers") != ""
    await tab.check("settings")

    assert (await tab.open("/audit")).status == 200
    assert await page.locator("table.data tbody tr").count() >= 1
    await tab.check("audit log")


async def test_an_admin_adds_a_person_on_a_phone_after_fixing_the_email(
    browsing: Browsing,
) -> None:
    tab = await browsing.signed_in(email("admin", METRO), phone=True)
    page = tab.page
    await tab.open("/members?kind=EMPLOYER")
    await page.get_by_role("link", name="Riverside Senior Living").click()
    await assert_fits_the_phone(tab, "a member organization")
    await page.fill("#email", "not an email")
    await page.fill("#displayName", "Rita Riverside")
    await page.check("#role-ORGANIZATION_ADMIN")
    await page.get_by_role("button", name="Add the person").click()
    assert "Please fix this" in await page.inner_text("#form-errors")
    assert await page.get_attribute("#email", "aria-invalid") == "true"
    await check_answered(tab, "a refused person", "400 (Bad Request)")

    address = f"rita-{uuid.uuid4().hex[:8]}@riverside.example"
    await page.fill("#email", address)
    await page.get_by_role("button", name="Add the person").click()
    assert "The person was added." in await page.inner_text(".notice")
    row = page.locator("li", has_text=address)
    assert "Organization admin" in await row.inner_text()
    await assert_fits_the_phone(tab, "a member organization with its new person")
    await tab.check("a person added")


async def test_an_analyst_reads_the_partnership_on_a_phone_and_changes_nothing(
    browsing: Browsing,
) -> None:
    tab = await browsing.signed_in(email("analyst"), phone=True)
    page = tab.page
    for path in ("/partnership", "/members"):
        assert (await tab.open(path)).status == 200
        await assert_fits_the_phone(tab, path)
        await tab.check(f"{path} as an analyst")
    assert await page.locator("form[action^='/members']").count() == 0
    await page.get_by_role("link", name="Harbor Fabrication").click()
    assert await page.locator("text=Add a person").count() == 0
    await tab.check("a member organization as an analyst")
    assert (await tab.open("/settings")).status == 200
    assert await page.locator("#minEmployers").count() == 0
    await tab.check("settings as an analyst")
    assert (await tab.open("/audit")).status == 403
    await check_answered(tab, "audit log refused to an analyst", "403 (Forbidden)")


async def test_an_employer_admin_gets_no_settings_form_and_no_audit_log(
    browsing: Browsing,
) -> None:
    tab = await browsing.signed_in(email("employer-admin"))
    page = tab.page
    assert (await tab.open("/settings")).status == 200
    assert await page.locator("main form").count() == 0
    await tab.check("settings as an employer admin")
    response = await tab.open("/audit")
    assert response.status == 403
    assert await page.locator("main table").count() == 0
    assert await page.inner_text("h1") == "Not for you"
    await check_answered(tab, "audit log refused to an employer admin", "403 (Forbidden)")
