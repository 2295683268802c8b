"""Layout at common screen widths: the navigation on one line, dashboard tables never cut off, and
no page wider than a phone's screen.

Screenshots of each go to test-artifacts/screenshots/ (layout-*.png).
"""

import pytest
from django.db import transaction

from apprenticeships import services
from apprenticeships.models import Role
from tests.browser.conftest import assert_accessible, screenshot, sign_in
from tests.browser.journeys import Page, expect
from tests.dashboard.conftest import Market, build_market
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

# From the GOV.UK Frontend tablet breakpoint (641 px) up the navigation is a row of links; below
# it the component folds them behind its "Menu" button.
WIDTHS = [768, 1024, 1280, 1440]
NARROW = 320

ROWS_OF_NAVIGATION = """() => new Set(
    [...document.querySelectorAll('.govuk-service-navigation__item')].map(item => item.offsetTop)
).size"""
PAGE_OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.mark.parametrize("username", [None, "alice", "priya", "hannah"])
def test_the_navigation_fits_on_one_line_at_common_widths(page: Page, username: str | None, alice, priya, hannah):
    if username:
        sign_in(page, username, PASSWORD)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/contact/")
        items = page.locator(".govuk-service-navigation__item")
        expect(items.first).to_be_visible()
        assert page.evaluate(ROWS_OF_NAVIGATION) == 1, f"the navigation wraps at {width} px"
        assert page.evaluate(PAGE_OVERFLOW) <= 0, f"the page scrolls sideways at {width} px"
        screenshot(page, f"layout-navigation-{username or 'anonymous'}-{width}")
    assert_accessible(page, context="(the contact page with the navigation)")


@pytest.mark.parametrize("username", [None, "hannah"])
def test_on_a_small_screen_the_navigation_folds_behind_its_menu_button(page: Page, username, hannah):
    if username:
        sign_in(page, username, PASSWORD)
    page.set_viewport_size({"width": NARROW, "height": 800})
    page.goto("/contact/")
    toggle = page.get_by_role("button", name="Menu")
    expect(toggle).to_be_visible()
    expect(page.locator("#navigation")).to_be_hidden()
    toggle.click()
    expect(page.locator("#navigation")).to_be_visible()
    assert page.evaluate(PAGE_OVERFLOW) <= 0, f"the page scrolls sideways at {NARROW} px"
    screenshot(page, f"layout-navigation-{username or 'anonymous'}-{NARROW}")
    assert_accessible(page, context=f"(at {NARROW} px with the menu open)")


@pytest.fixture
def market(alice, bob, priya, quentin, hannah) -> Market:
    # One transaction: the re-matching that live vacancies trigger waits until the market is whole.
    with transaction.atomic():
        return build_market(alice, bob, priya, quentin, hannah)


CLIPPED_TABLES = """() => [...document.querySelectorAll('table')].flatMap(table => {
    const box = table.parentElement;
    const style = getComputedStyle(box);
    const scrolls = ['auto', 'scroll'].includes(style.overflowX);
    const named = box.getAttribute('role') === 'region' && box.getAttribute('aria-label') && box.tabIndex === 0;
    if (table.scrollWidth <= box.clientWidth + 1) return [];
    if (scrolls && named) return [];
    return [`${table.querySelector('caption')?.textContent.trim()}: ${table.scrollWidth} px in ${box.clientWidth} px`];
})"""


@pytest.mark.parametrize("width", [1280, 768])
def test_no_dashboard_table_is_cut_off(page: Page, market: Market, width: int):
    sign_in(page, "hannah", PASSWORD)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")

    assert page.evaluate(CLIPPED_TABLES) == []
    assert page.evaluate(PAGE_OVERFLOW) <= 0
    screenshot(page, f"layout-dashboard-{width}")
    assert_accessible(page, context=f"(the dashboard at {width} px)")


def test_the_footer_pages_are_accessible(page: Page):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/")
    for name in ["Accessibility statement", "Privacy notice", "Cookies", "Contact"]:
        page.get_by_role("contentinfo").get_by_role("link", name=name, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page, context=f"({name})")
    screenshot(page, "layout-contact-1280")


PHONE = {"width": 375, "height": 800}


def test_on_a_phone_no_page_is_wider_than_the_screen(open_page, market: Market, alice, priya):
    """At 375 px every page reflows to the screen: a wide table scrolls inside its own container.

    The pages with the widest tables, for each persona: the funds page's monthly tables, a vacancy's
    "who pays what" table (the employer's page and the hub's review), the people tables, the offers
    table (whose visually hidden "Delete …" text must stay inside its container), the dashboard
    and the printable list for schools."""
    employer_a = alice.membership.employer
    with transaction.atomic():
        for admin in (alice, priya):  # an organisation's admin sees its people page
            admin.membership.is_admin = True
            admin.membership.save(update_fields=["is_admin"])
        services.user_create(
            username="alexandra",
            password=PASSWORD,
            email="alexandra.montgomery-whitfield@employer-a.example.org",
            role=Role.EMPLOYER,
            organisation=employer_a,
        )
    pages = {
        "alice": [
            "/employer/funds/",
            f"/employer/vacancies/{market.vacancies['k1'].pk}/",
            "/organisation/people/",
        ],
        "priya": ["/provider/offers/", "/organisation/people/"],
        "hannah": [
            "/dashboard/",
            f"/hub/qa/{market.vacancies['e1'].pk}/",
            f"/hub/employers/{employer_a.pk}/",
            "/schools/E08000011/",  # Knowsley's printable list
        ],
    }
    too_wide = []
    for username, paths in pages.items():
        page = open_page()
        page.set_viewport_size(PHONE)
        sign_in(page, username, PASSWORD)
        for path in paths:
            response = page.goto(path)
            assert response.ok, f"{path} as {username}: {response.status}"
            overflow = page.evaluate(PAGE_OVERFLOW)
            if overflow > 0:
                too_wide.append(f"{path} as {username}: {overflow} px wider than the screen")
        screenshot(page, f"layout-phone-{username}-375")
    assert too_wide == [], "pages scroll sideways at 375 px:\n" + "\n".join(too_wide)
