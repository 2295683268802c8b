"""The browser harness itself: Chromium starts, pages load from the live server, axe runs."""

import pytest

from tests.browser.conftest import assert_accessible, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_resident_sees_the_home_page_in_a_real_browser_with_no_serious_accessibility_problems(page):
    page.goto("/")

    assert page.get_by_role("heading", level=1).is_visible()
    assert_accessible(page, context="(home page)")
    assert screenshot(page, "harness-home").stat().st_size > 0


def test_the_pages_load_no_asset_from_another_host(page, live_server):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto("/standards/")

    assert requested, "the page made no requests at all"
    assert all(url.startswith(live_server.url) for url in requested), [
        u for u in requested if not u.startswith(live_server.url)
    ]
