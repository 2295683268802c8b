"""Keyboard only: the skip link, the vacancy form and the review queue, with Tab, typing, Enter and Space.

No clicks and no filling by selector here: every step presses keys, and checks where focus went.
"""

import re
from datetime import date, timedelta

import pytest
from django.db import transaction

from apprenticeships.models import Vacancy
from tests.browser.conftest import assert_accessible, screenshot
from tests.browser.journeys import (
    Locator,
    Page,
    Story,
    expect,
    success_banner,
    suggestion_card,
    suggestion_number,
    wait_for_rematch,
)
from tests.factories import PASSWORD
from tests.market_factories import CourseOfferFactory, VacancyFactory, standard

pytestmark = pytest.mark.django_db(transaction=True)

MAX_TABS = 150


def is_focused(locator: Locator) -> bool:
    return locator.evaluate("el => el === document.activeElement")


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until `target` has the focus; fail if it never does."""
    for _ in range(MAX_TABS):
        if is_focused(target):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{target} never got the focus in {MAX_TABS} presses of Tab")


def tab(page: Page, expected: Locator) -> None:
    """One press of Tab, which must move the focus to `expected` (the next thing in reading order)."""
    page.keyboard.press("Tab")
    expect(expected).to_be_focused()


def sign_in_with_keyboard(page: Page, username: str) -> None:
    page.goto("/sign-in/")
    tab_to(page, page.get_by_label("Username"))
    page.keyboard.type(username)
    tab(page, page.get_by_label("Password", exact=True))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name=f"Sign out ({username})")).to_be_attached()


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_the_main_content(page):
    page.goto("/vacancies/")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # hidden until focused, then shown
    page.keyboard.press("Enter")

    expect(page.get_by_role("main")).to_be_focused()
    # The next Tab goes to the first control in the main content, past the header and menu.
    tab(page, page.get_by_label("Job, skill or keyword"))


def test_an_employer_fills_in_and_submits_a_vacancy_with_the_keyboard_only(page, alice):
    story = Story(title="Apprentice data analyst")
    sign_in_with_keyboard(page, "alice")
    menu = page.get_by_role("navigation", name="Menu")
    tab_to(page, menu.get_by_role("link", name="Your vacancies"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("button", name="Create a vacancy").first)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Create a vacancy")

    # From the top of the new page: the skip link, then straight into the form.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    tab(page, page.get_by_label("Vacancy title"))
    page.keyboard.type(story.title)
    tab(page, page.get_by_label("What the apprentice will do"))
    page.keyboard.type(story.description)
    standard_select = page.get_by_label("Apprenticeship standard")
    tab(page, standard_select)
    page.keyboard.type("Software developer")  # a closed <select> picks the option typed
    expect(standard_select.locator("option:checked")).to_have_text(story.standard_label)
    tab(page, page.get_by_label("Number of positions"))
    page.keyboard.type("2")
    tab(page, page.get_by_label("Weekly wage"))
    page.keyboard.type("100")  # the mistake: below the apprentice minimum wage for 30 hours
    tab(page, page.get_by_label("Hours per week"))
    page.keyboard.type("30")
    ages = page.get_by_role("group", name="Which apprentices is it open to?")
    for group in ("16 to 18", "19 to 21", "22 to 24", "25 and over"):
        tab(page, ages.get_by_label(group))
        if group != "25 and over":
            page.keyboard.press("Space")
    tab(page, page.get_by_label("Planned duration (optional)"))
    page.keyboard.type("18")
    tab(page, page.get_by_label("Workplace postcode"))
    page.keyboard.type(story.postcode)
    for legend, day in (("Start date", story.start), ("Closing date", story.closing)):
        group = page.get_by_role("group", name=legend)
        for part, value in (("Day", day.day), ("Month", day.month), ("Year", day.year)):
            tab(page, group.get_by_label(part))
            page.keyboard.type(str(value))
    modes = page.get_by_role("group", name="How could the training be delivered?")
    for mode in ("Day release", "Block release", "At the workplace", "Online"):
        tab(page, modes.get_by_label(mode))
        if mode in ("Day release", "Online"):
            page.keyboard.press("Space")
    expect(modes.get_by_label("Day release")).to_be_checked()
    expect(modes.get_by_label("Block release")).not_to_be_checked()
    expect(modes.get_by_label("Online")).to_be_checked()
    tab(page, page.get_by_label("Your own application page (optional)"))
    tab(page, page.get_by_label("Notes for training providers (optional)"))
    page.keyboard.type(story.notes)
    tab(page, page.get_by_role("button", name="Save as draft"))
    page.keyboard.press("Enter")

    # The error summary takes the focus; its link takes it on to the field to correct.
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("The weekly wage must be at least")
    tab(page, summary.get_by_role("link", name=re.compile("The weekly wage must be at least")))
    page.keyboard.press("Enter")
    wage = page.get_by_label("Weekly wage")
    expect(wage).to_be_focused()
    assert_accessible(page, context="(keyboard: the vacancy form with an error)")
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type("300")
    page.keyboard.press("Enter")  # submits the form from the field

    banner = success_banner(page)
    expect(banner).to_contain_text(f"“{story.title}” has been saved as a draft")
    expect(banner).to_be_focused()
    tab_to(page, page.get_by_role("button", name="Submit for review"))
    page.keyboard.press("Space")

    expect(success_banner(page)).to_contain_text(f"“{story.title}” has been submitted for review")
    vacancy = Vacancy.objects.get(title=story.title)
    assert vacancy.status == Vacancy.Status.SUBMITTED
    assert (vacancy.weekly_wage, vacancy.positions, vacancy.delivery_modes) == (300, 2, ["day_release", "online"])
    assert (vacancy.age_groups, vacancy.duration_months) == (["16-18", "19-21", "22-24"], 18)
    screenshot(page, "keyboard-vacancy-submitted")


def cohort(start: date) -> dict:
    return {"start_date": start, "places": 10}


@pytest.fixture
def two_suggestions(alice, priya) -> Story:
    """A live vacancy and two of Priya's offers that fit it, and the re-match that suggests both."""
    story = Story()
    provider = priya.membership.provider
    with transaction.atomic():  # one change, so one re-match when it commits
        VacancyFactory(
            employer=alice.membership.employer,
            status=Vacancy.Status.LIVE,
            title=story.title,
            description=story.description,
            standard=standard(),
            start_date=story.start,
        )
        CourseOfferFactory(
            provider=provider, title=story.approve_course, cohorts=[cohort(story.start - timedelta(days=4))]
        )
        CourseOfferFactory(
            provider=provider, title=story.reject_course, cohorts=[cohort(story.start + timedelta(days=28))]
        )
    wait_for_rematch(story, suggestions=2)
    return story


def test_hub_staff_read_approve_and_reject_in_the_review_queue_with_the_keyboard_only(page, hannah, two_suggestions):
    story = two_suggestions
    sign_in_with_keyboard(page, "hannah")
    page.goto("/hub/suggestions/")
    approve = suggestion_card(page, story, story.approve_course)
    reject = suggestion_card(page, story, story.reject_course)
    number, other = suggestion_number(approve), suggestion_number(reject)

    # Open "Why" with Enter: the explanation's scrollable table is the next stop.
    why = approve.locator("summary", has_text="Why")
    tab_to(page, why)
    page.keyboard.press("Enter")
    expect(why.locator("xpath=..")).to_have_attribute("open", "")
    tab(page, approve.get_by_role("region", name=f"Why suggestion {number}"))
    expect(approve.get_by_role("table", name=re.compile("What each reason added"))).to_be_visible()

    tab_to(page, approve.get_by_role("button", name=f"Approve suggestion {number}"))
    page.keyboard.press("Enter")
    banner = success_banner(page)
    expect(banner).to_contain_text(f"Suggestion {number} approved")
    expect(banner).to_be_focused()

    reject = suggestion_card(page, story, story.reject_course)
    toggle = reject.locator("summary", has_text="Reject")
    tab_to(page, toggle)
    page.keyboard.press("Space")
    reasons = reject.get_by_role("group", name="Why are you rejecting it?")
    tab(page, reasons.get_by_label("Too far"))
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(reasons.get_by_label(story.reject_reason)).to_be_checked()
    expect(reasons.get_by_label(story.reject_reason)).to_be_focused()
    tab(page, reject.get_by_label("Note"))
    page.keyboard.type("Starts a month after the job.")
    tab(page, reject.get_by_role("button", name=f"Reject suggestion {other}"))
    page.keyboard.press("Enter")

    expect(success_banner(page)).to_contain_text(f"Suggestion {other} rejected ({story.reject_reason.lower()})")
    expect(suggestion_card(page, story, story.reject_course)).to_have_count(0)
    assert_accessible(page, context="(keyboard: the review queue after both decisions)")
    screenshot(page, "keyboard-review-queue-decided")
