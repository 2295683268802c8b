"""An employer finds training and asks the hub for an introduction; hub staff answer from the review queue.

Written as tests/browser/journeys.py writes its journeys: fields by their labels, buttons and links
by their accessible names; axe-core on each form, each page showing errors and the last page;
a screenshot of the last page of each part.
"""

import re

from tests.browser.conftest import assert_accessible, screenshot
from tests.browser.journeys import menu, success_banner

try:
    from playwright.sync_api import Page, expect
except ImportError:  # conftest skips the browser tests and says why; their modules must still import
    Page = expect = None

COURSE = "Software developer, Liverpool day release"
FAR_COURSE = "Software developer in London"
PROVIDER = "Provider A"
VACANCY = "Junior web developer"
MESSAGE = "We would like the apprentice to start in the spring."


def employer_finds_training(page: Page, *, price_texts: list[str]) -> None:
    """Alice searches near her workplace (after a mistyped postcode), and keeps the course on her shortlist."""
    page.goto("/")
    menu(page, "Find training")
    expect(page.get_by_role("heading", name="Find training", level=1)).to_be_visible()
    page.get_by_label("Postcode").fill("ZZ99 9ZZ")
    page.get_by_role("button", name="Search").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("We could not find the postcode district ZZ99")
    assert_accessible(page, context="(find training with an error)")

    page.get_by_label("Apprenticeship standard").select_option(label="Software developer (level 4)")
    page.get_by_label("Postcode").fill("L1 8JQ")
    page.get_by_label("Distance").select_option(label="Within 10 miles")
    page.get_by_role("button", name="Search").click()
    results = page.locator("#results")
    expect(results).to_have_text("1 course found within 10 miles of L1 8JQ or delivered anywhere in England")
    course = page.locator(".app-results__item").filter(has_text=COURSE)
    expect(course).to_contain_text(PROVIDER)
    expect(course).to_contain_text("from L1 8JQ to the nearest venue (L3 5TR)")
    expect(course).to_contain_text("Day release, Online")
    expect(course).to_contain_text("Good")
    expect(page.get_by_text(FAR_COURSE)).to_have_count(0)
    body = page.content()
    assert [text for text in price_texts if text in body] == [], "an employer's page shows a price"
    assert_accessible(page, context="(find training results)")
    screenshot(page, "find-training-0-results")

    course.get_by_role("button", name=re.compile(f"^Add to shortlist\\s+“{COURSE}” from {PROVIDER}$")).click()
    expect(success_banner(page)).to_contain_text(f"“{COURSE}” from {PROVIDER} is on your shortlist.")
    page.get_by_role("link", name="your shortlist").click()
    expect(page.get_by_role("heading", name="1 course on your shortlist")).to_be_visible()
    assert_accessible(page, context="(the shortlist)")


def employer_asks_for_an_introduction(page: Page) -> None:
    """From her shortlist, Alice asks the hub to introduce her to the provider, for her vacancy."""
    page.get_by_role("link", name=re.compile(f"^Ask the hub to introduce us\\s+to {PROVIDER} about {COURSE}$")).click()
    expect(page.get_by_role("heading", name=f"Ask the hub to introduce you to {PROVIDER}")).to_be_visible()
    page.get_by_label("Which vacancy is it for?").select_option(label=f"{VACANCY} (live)")
    page.get_by_label("Message for the hub (optional)").fill(MESSAGE)
    assert_accessible(page, context="(the request form)")
    page.get_by_role("button", name="Send request").click()
    expect(success_banner(page)).to_contain_text(f"You have asked the hub to introduce you to {PROVIDER}.")
    card = page.locator(".govuk-summary-card").filter(has_text=COURSE)
    expect(card).to_contain_text("Waiting for the hub")
    expect(card).to_contain_text(VACANCY)
    assert_accessible(page, context="(your requests)")
    screenshot(page, "find-training-1-request-sent")


def hub_accepts_the_request(page: Page) -> None:
    """Hannah finds the request beside the suggestions in the review queue and accepts it."""
    page.goto("/hub/suggestions/")
    expect(page.locator("#requests")).to_have_text("1 request from employers waiting for review")
    table = page.get_by_role("table", name="Requests for introductions, longest waiting first")
    expect(table).to_contain_text(COURSE)
    table.get_by_role("link", name="Employer A").click()
    expect(page.get_by_role("heading", name=f"Employer A asks to be introduced to {PROVIDER}")).to_be_visible()
    expect(page.locator("main")).to_contain_text(MESSAGE)
    assert_accessible(page, context="(a request for an introduction)")
    page.get_by_role("button", name="Accept and introduce them").click()
    banner = success_banner(page)
    expect(banner).to_contain_text(f"Employer A and {PROVIDER} are introduced")
    expect(banner).to_contain_text("alice@example.org")
    expect(page.locator("#requests")).to_have_text("No requests from employers are waiting")
    assert_accessible(page, context="(the review queue after accepting)")
    screenshot(page, "find-training-2-hub-accepted")


def employer_sees_the_introduction(page: Page) -> None:
    page.goto("/employer/introduction-requests/")
    card = page.locator(".govuk-summary-card").filter(has_text=COURSE)
    expect(card).to_contain_text("Introduced by the hub")
    expect(card.get_by_role("link", name="priya@example.org")).to_be_visible()
    assert_accessible(page, context="(your requests, answered)")
    screenshot(page, "find-training-3-introduced")
