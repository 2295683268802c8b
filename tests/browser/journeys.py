"""The six journeys, as people take them in a real browser: each a function the tests call.

They act only through what a person sees: fields found by their labels, buttons and links by
their accessible names, tables by their captions, and they read the banners, error summaries and
tables that come back. Each runs axe-core on each form it uses, each page showing errors and its
last page, and saves a screenshot of its last page as `journey-N-…`.

Nothing here assumes matching runs in-process: with a Celery broker configured (CI) a run goes
through the worker, so pages are polled until they show the outcome (RUN_TIMEOUT).
"""

import csv
import io
import re
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from matching.models import Suggestion
from tests.browser.conftest import assert_accessible, screenshot, sign_in
from tests.factories import PASSWORD

try:
    from playwright.sync_api import Locator, Page, expect
except ImportError:  # conftest skips the browser tests and says why; their modules must still import
    Locator = Page = expect = None

RUN_TIMEOUT = 60  # seconds to wait for a matching run done by a real worker


def days_ahead(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def iso(day: date) -> str:
    return day.isoformat()


@dataclass
class Story:
    """What the journeys make and look for, shared from one journey to the next."""

    title: str = "Junior web developer"
    description: str = "Build and test the web pages residents use to find apprenticeships, with our Liverpool team."
    standard_label: str = "Software developer (level 4)"
    postcode: str = "L1 8JQ"
    area: str = "Liverpool"
    notes: str = "Laptop provided; ask for Sam at reception."
    start: date = field(default_factory=lambda: days_ahead(60))
    closing: date = field(default_factory=lambda: days_ahead(14))
    employer: str = "Employer A"
    provider: str = "Provider A"
    approve_course: str = "Software developer, Liverpool day release"
    reject_course: str = "Software developer, blended online"
    reject_reason: str = "Start dates don't fit"


# --- Small helpers ---------------------------------------------------------------------------------


def signed_in(open_page, username: str, *, check_sign_in_page: bool = False) -> Page:
    """A new browser (context) with `username` signed in."""
    page = open_page()
    if check_sign_in_page:
        page.goto("/sign-in/")
        assert_accessible(page, context="(the sign-in page)")
    sign_in(page, username, PASSWORD)
    expect(page.get_by_role("button", name=f"Sign out ({username})")).to_be_visible()
    return page


def menu(page: Page, item: str) -> None:
    """Follow an item of the service navigation."""
    page.get_by_role("navigation", name="Menu").get_by_role("link", name=item).click()


def success_banner(page: Page) -> Locator:
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_be_visible()
    expect(banner).to_have_attribute("role", "alert")
    return banner


def fill_date(page: Page, legend: str, day: date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def table_cell(table: Locator, row_header: str, column_header: str) -> Locator:
    """The cell of `table` in the row headed `row_header`, under the column headed `column_header`."""
    headers = [text.strip() for text in table.locator("thead th").all_inner_texts()]
    assert column_header in headers, f"no column {column_header!r} in {headers}"
    row = table.locator("tbody tr").filter(has=table.page.get_by_role("rowheader", name=row_header, exact=True))
    expect(row).to_have_count(1)
    return row.locator("th, td").nth(headers.index(column_header))


def offers_csv(rows: list[dict[str, str]]) -> bytes:
    columns = ["standard", "title", "description", "price", "delivery_modes", "national", "locations", "cohorts"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def story_offers(story: Story, *, second_price: str = "12000") -> list[dict[str, str]]:
    """Two offers of the vacancy's standard that reach its workplace, with cohorts near its start."""
    return [
        {
            "standard": "2",
            "title": story.approve_course,
            "description": "Day release at our Liverpool campus, Tuesdays.",
            "price": "15000",
            "delivery_modes": "day_release;online",
            "national": "no",
            "locations": "L3 5TR:25",
            "cohorts": f"{iso(story.start - timedelta(days=4))}:12",
        },
        {
            "standard": "2",
            "title": story.reject_course,
            "description": "Mostly online, with a day a month at our Runcorn centre.",
            "price": second_price,
            "delivery_modes": "online",
            "national": "no",
            "locations": "WA7 1AA:30",
            "cohorts": f"{iso(story.start + timedelta(days=28))}:8",
        },
    ]


def upload(page: Page, name: str, data: bytes) -> None:
    page.get_by_label("Upload a CSV file").set_input_files({"name": name, "mimeType": "text/csv", "buffer": data})
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_load_state()


def suggestion_card(page: Page, story: Story, course: str) -> Locator:
    """The review-queue card suggesting `course` for the story's vacancy."""
    return (
        page.locator(".govuk-summary-card")
        .filter(has=page.get_by_role("link", name=f"{story.title} with {story.provider}"))
        .filter(has_text=course)
    )


def suggestion_number(card: Locator) -> str:
    text = card.locator(".govuk-summary-card__title").inner_text()
    found = re.search(r"Suggestion (\d+)", text)
    assert found, text
    return found.group(1)


def wait_for_queue(page: Page, story: Story, courses: list[str], timeout: float = RUN_TIMEOUT) -> None:
    """Reload the review queue until it suggests each course for the vacancy (a worker may lag)."""
    deadline = time.monotonic() + timeout
    while not all(suggestion_card(page, story, course).count() == 1 for course in courses):
        assert time.monotonic() < deadline, f"the review queue never suggested {courses} for “{story.title}”"
        time.sleep(1)
        page.reload()


def wait_for_rematch(story: Story, suggestions: int, timeout: float = RUN_TIMEOUT) -> None:
    """Wait until the re-match that follows a change (in-process, or by a worker) has suggested for the vacancy.

    A re-match and a full run that write suggestions for the same new vacancy at the same moment
    both insert them, and one fails on the unique (vacancy, cohort) constraint; tests that start
    a full run after a change wait for the re-match first, so they don't depend on that race.
    """
    deadline = time.monotonic() + timeout
    while Suggestion.objects.filter(vacancy__title=story.title).count() < suggestions:
        assert time.monotonic() < deadline, f"no re-match suggested {suggestions} for “{story.title}” in {timeout} s"
        time.sleep(0.25)


# --- Journey 1: an employer creates a vacancy, corrects a mistake and submits it ---------------------


def employer_creates_and_submits_a_vacancy(page: Page, story: Story) -> None:
    page.goto("/")
    menu(page, "Your vacancies")
    page.get_by_role("button", name="Create a vacancy").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create a vacancy")
    assert_accessible(page, context="(journey 1: the empty vacancy form)")

    page.get_by_label("Vacancy title").fill(story.title)
    page.get_by_label("What the apprentice will do").fill(story.description)
    page.get_by_label("Apprenticeship standard").select_option(label=story.standard_label)
    page.get_by_label("Number of positions").fill("1")
    page.get_by_label("Weekly wage").fill("90")  # the mistake: far below the apprentice minimum wage
    page.get_by_label("Hours per week").fill("30")
    page.get_by_label("Workplace postcode").fill(story.postcode)
    fill_date(page, "Start date", story.start)
    fill_date(page, "Closing date", story.closing)
    page.get_by_label("Day release").check()
    page.get_by_label("Online").check()
    page.get_by_label("Notes for training providers (optional)").fill(story.notes)
    page.get_by_role("button", name="Save as draft").click()

    # The error summary: an alert, focused, linking to the field; the same error inline.
    expect(page).to_have_title(re.compile(r"^Error: Create a vacancy"))
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("alert")).to_contain_text("There is a problem")
    expect(summary).to_be_focused()
    link = summary.get_by_role("link", name=re.compile(r"^The weekly wage must be at least £"))
    expect(link).to_have_attribute("href", "#id_weekly_wage")
    wage = page.get_by_label("Weekly wage")
    expect(wage).to_have_attribute("aria-describedby", re.compile(r"\bid_weekly_wage-error\b"))
    expect(page.locator("#id_weekly_wage-error")).to_have_text(re.compile(r"^Error: The weekly wage must be at least"))
    # Everything else typed is still there.
    expect(page.get_by_label("Vacancy title")).to_have_value(story.title)
    expect(page.get_by_role("group", name="Start date").get_by_label("Year")).to_have_value(str(story.start.year))
    assert_accessible(page, context="(journey 1: the vacancy form with an error)")

    link.click()
    expect(wage).to_be_focused()
    wage.fill("300")
    page.get_by_role("button", name="Save as draft").click()

    expect(success_banner(page)).to_contain_text(f"“{story.title}” has been saved as a draft")
    expect(page.get_by_role("heading", level=1)).to_have_text(story.title)
    page.get_by_role("button", name="Delete draft").click()  # asks first; the employer keeps it
    expect(page.get_by_role("heading", level=1)).to_have_text("Are you sure you want to delete this draft?")
    assert_accessible(page, context="(journey 1: deleting a draft asks first)")
    page.get_by_role("link", name="No, keep it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(story.title)
    page.get_by_role("button", name="Withdraw vacancy").click()  # asks first too; the employer keeps it
    expect(page.get_by_role("heading", level=1)).to_have_text("Are you sure you want to withdraw this vacancy?")
    assert_accessible(page, context="(journey 1: withdrawing asks first)")
    page.get_by_role("link", name="No, keep it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(story.title)
    page.get_by_role("button", name="Submit for review").click()

    expect(success_banner(page)).to_contain_text(f"“{story.title}” has been submitted for review")
    expect(page.get_by_text("The apprenticeship hub is checking this vacancy")).to_be_visible()
    assert_accessible(page, context="(journey 1: the submitted vacancy)")
    screenshot(page, "journey-1-employer-submitted-vacancy")


# --- Journey 2: the hub approves it; a provider uploads offers, fixing a bad row ---------------------


def hub_approves_the_vacancy(page: Page, story: Story) -> None:
    page.goto("/")
    menu(page, "QA queue")
    queue = page.get_by_role("table", name=re.compile(r"waiting for review"))
    queue.get_by_role("link", name=story.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(story.title)
    assert_accessible(page, context="(journey 2: QA review of the vacancy)")
    page.get_by_role("button", name="Approve and publish").click()
    expect(success_banner(page)).to_contain_text(f"“{story.title}” from {story.employer} is approved and now live")
    expect(page.get_by_role("link", name=story.title)).to_have_count(0)


def provider_uploads_offers(page: Page, story: Story) -> None:
    page.goto("/")
    menu(page, "Your course offers")
    page.get_by_role("button", name="Upload offers from a CSV file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload course offers from a CSV file")
    assert_accessible(page, context="(journey 2: the upload form)")

    # The second offer's price is above the standard's £18,000 funding band.
    upload(page, "offers.csv", offers_csv(story_offers(story, second_price="25000")))

    expect(page).to_have_title(re.compile(r"^Error: Upload course offers"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("alert")).to_contain_text("Nothing was saved")
    expect(summary).to_contain_text("We found 1 problem in your file")
    problems = page.get_by_role("table", name="Problems in your file")
    expect(problems.locator("tbody tr")).to_have_count(1)
    row, column, problem = problems.locator("tbody tr td").all()
    expect(row).to_have_text("3")  # the header is row 1: the second offer
    expect(column).to_have_text("price")
    expect(problem).to_contain_text("above the maximum funding band")
    assert_accessible(page, context="(journey 2: the upload report)")
    page.get_by_role("link", name="Back to your course offers").click()
    expect(page.get_by_role("link", name=story.approve_course, exact=True)).to_have_count(0)  # nothing was saved
    page.get_by_role("button", name="Upload offers from a CSV file").click()

    upload(page, "offers-fixed.csv", offers_csv(story_offers(story)))

    expect(success_banner(page)).to_contain_text("2 offers added")
    offers = page.get_by_role("table", name="2 course offers")
    expect(offers.get_by_role("link", name=story.approve_course, exact=True)).to_be_visible()
    expect(offers.get_by_role("link", name=story.reject_course, exact=True)).to_be_visible()
    assert_accessible(page, context="(journey 2: the provider's offers after the upload)")
    screenshot(page, "journey-2-provider-offers-uploaded")


# --- Journey 3: the hub runs the matcher and decides two suggestions ---------------------------------


# Records what the progress bar shows, as it changes, across the page's own reloads (sessionStorage).
# Test instrumentation, added through the browser's devtools protocol, so the CSP does not apply.
WATCH_PROGRESS = """
document.addEventListener('DOMContentLoaded', () => {
  const bar = document.getElementById('run-progress')
  if (!bar) return
  const record = () => {
    const seen = JSON.parse(sessionStorage.getItem('progress-seen') || '[]')
    seen.push({ value: bar.value, label: bar.labels.length ? bar.labels[0].textContent.trim() : '' })
    sessionStorage.setItem('progress-seen', JSON.stringify(seen))
  }
  record()
  new MutationObserver(record).observe(bar, { childList: true, characterData: true, subtree: true })
})
"""


def hub_runs_matching(page: Page) -> str:
    """Start a full run and wait until the page shows it succeeded; returns the run's number."""
    page.add_init_script(WATCH_PROGRESS)
    page.goto("/")
    menu(page, "Matching runs")
    expect(page.get_by_role("heading", level=1)).to_have_text("Matching")
    page.get_by_role("button", name="Start a full matching run").click()
    started = re.search(r"Matching run (\d+) has started", success_banner(page).inner_text())
    assert started, "no banner saying the run started"
    run = started.group(1)

    # Either the run finished before the page came back (tasks in-process), or the page shows it
    # with a progress bar, which moves as the page polls the API, and reloads itself at the end.
    expect(page.locator("#active-run")).to_have_count(0, timeout=RUN_TIMEOUT * 1000)
    runs = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Candidate pairs"))
    row = runs.locator("tbody tr").filter(has=page.locator("td:first-child", has_text=re.compile(rf"^\s*{run}\s*$")))
    expect(row).to_contain_text("Succeeded")
    assert_accessible(page, context="(journey 3: matching runs)")
    seen = page.evaluate("() => JSON.parse(sessionStorage.getItem('progress-seen') || '[]')")
    if seen:  # watched on the progress bar, labelled, up to 100%
        assert {s["label"] for s in seen} == {"Progress"}, seen
        assert max(s["value"] for s in seen) == 1, seen
    return run


def hub_reviews_suggestions(page: Page, story: Story) -> tuple[str, str]:
    """Read an explanation, approve one suggestion and reject the other; returns their numbers."""
    page.get_by_role("link", name="Review suggestions").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review suggestions")
    wait_for_queue(page, story, [story.approve_course, story.reject_course])

    approve = suggestion_card(page, story, story.approve_course)
    number = suggestion_number(approve)
    approve.locator("summary", has_text="Why").click()
    why = approve.get_by_role("table", name=re.compile(r"What each reason added to the score"))
    expect(why).to_be_visible()
    expect(why.get_by_role("rowheader").first).to_be_visible()
    expect(why.locator("tbody tr")).not_to_have_count(0)
    assert_accessible(page, context="(journey 3: the review queue with an explanation open)")

    # The other suggestion in full: its explanation and (empty) history, then back to the queue.
    suggestion_card(page, story, story.reject_course).get_by_role("link", name=f"{story.title} with").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{story.title} with {story.provider}")
    expect(table_like(page.locator(".govuk-summary-list").nth(1), "Course")).to_contain_text(story.reject_course)
    page.locator("summary", has_text="Why").click()
    expect(page.get_by_role("table", name=re.compile(r"What each reason added to the score"))).to_be_visible()
    expect(page.get_by_role("table", name="History")).to_contain_text("Nobody has decided anything")
    assert_accessible(page, context="(journey 3: a suggestion in full)")
    page.get_by_role("link", name="Back to the suggestions").click()

    approve = suggestion_card(page, story, story.approve_course)
    approve.get_by_role("button", name=f"Approve suggestion {number}").click()
    expect(success_banner(page)).to_contain_text(f"Suggestion {number} approved: “{story.title}”")

    reject = suggestion_card(page, story, story.reject_course)
    other = suggestion_number(reject)
    reject.locator("summary", has_text="Reject").click()
    reject.get_by_role("group", name="Why are you rejecting it?").get_by_label(story.reject_reason).check()
    reject.get_by_label("Note").fill("The cohort starts a month after the job does.")
    assert_accessible(page, context="(journey 3: the reject form open)")
    reject.get_by_role("button", name=f"Reject suggestion {other}").click()
    expect(success_banner(page)).to_contain_text(
        f"Suggestion {other} rejected ({story.reject_reason.lower()}): “{story.title}”"
    )
    expect(suggestion_card(page, story, story.approve_course)).to_have_count(0)
    expect(suggestion_card(page, story, story.reject_course)).to_have_count(0)
    assert_accessible(page, context="(journey 3: the review queue after the decisions)")
    screenshot(page, "journey-3-hub-decided-suggestions")
    return number, other


# --- Journey 4: the employer and the provider each accept the introduction ---------------------------


def party_accepts(page: Page, story: Story, *, contact: str, other: str, last: bool) -> None:
    page.goto("/")
    menu(page, "Your matches")
    waiting = page.get_by_role("heading", level=2, name=re.compile("Introduced and waiting for your answer"))
    expect(waiting).to_be_visible()
    title = page.get_by_role("heading", level=3, name=re.compile(re.escape(story.title)))
    card = page.locator(".govuk-summary-card").filter(has=title)
    expect(card).to_have_count(1)
    expect(card).to_contain_text(story.approve_course)
    expect(card.get_by_role("link", name=f"{contact}@example.org")).to_have_attribute(
        "href", f"mailto:{contact}@example.org"
    )
    expect(card).to_contain_text(f"Contact at {other}")
    assert_accessible(page, context="(journey 4: the introduction)")
    card.get_by_role("button", name=f"Accept the introduction for {story.title}").click()
    if last:
        expect(success_banner(page)).to_contain_text(f"You and {other} have both accepted: “{story.title}” is agreed")
        agreed = page.get_by_role("heading", level=2, name="Agreed (1)")
        expect(agreed).to_be_visible()
        expect(page.locator(".govuk-summary-card").filter(has_text=story.title).locator(".govuk-tag")).to_have_text(
            "Agreed"
        )
    else:
        expect(success_banner(page)).to_contain_text(f"You have accepted the introduction to {other}")
        expect(page.get_by_text(f"You have accepted. {other} has not answered yet.")).to_be_visible()


def parties_accept(employer_page: Page, provider_page: Page, story: Story) -> None:
    party_accepts(employer_page, story, contact="priya", other=story.provider, last=False)
    party_accepts(provider_page, story, contact="alice", other=story.employer, last=True)
    assert_accessible(provider_page, context="(journey 4: the agreed match)")
    screenshot(provider_page, "journey-4-provider-match-agreed")
    employer_page.reload()
    expect(employer_page.get_by_role("heading", level=2, name="Agreed (1)")).to_be_visible()
    screenshot(employer_page, "journey-4-employer-match-agreed")


# --- Journey 5: a resident finds the vacancy near a postcode -------------------------------------------


def resident_finds_the_vacancy(page: Page, story: Story, *, far_title: str) -> None:
    page.goto("/")
    menu(page, "Find an apprenticeship")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find an apprenticeship")
    page.get_by_label("Your postcode").fill("L3 5TR")
    page.get_by_label("Distance").select_option(label="5 miles")
    page.get_by_role("button", name="Search").click()

    expect(page.get_by_role("heading", level=2, name="1 apprenticeship found")).to_be_visible()
    expect(page.get_by_role("link", name=far_title)).to_have_count(0)
    assert_accessible(page, context="(journey 5: search results)")
    page.get_by_role("link", name=story.title).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(story.title)
    facts = page.locator(".govuk-summary-list")
    expect(table_like(facts, "Employer")).to_have_text(story.employer)
    expect(table_like(facts, "Weekly wage")).to_have_text("£300 a week")
    expect(table_like(facts, "Annual wage")).to_have_text("£15,600 a year")
    where = rf"^\s*{story.postcode.split()[0]}, {story.area} \(\d+\.\d miles from L3\)\s*$"
    expect(table_like(facts, "Where")).to_have_text(re.compile(where))
    main = page.get_by_role("main")
    expect(main).to_contain_text(story.description)
    expect(main).not_to_contain_text(story.notes)  # notes are for providers only
    expect(main).not_to_contain_text(story.postcode)  # only the first half of the postcode
    expect(page.get_by_role("button", name=re.compile("Sign out"))).to_have_count(0)
    assert_accessible(page, context="(journey 5: the public vacancy)")
    screenshot(page, "journey-5-resident-vacancy")


def table_like(summary_list: Locator, key: str) -> Locator:
    """The value of a GOV.UK summary list row, by its key."""
    row = summary_list.locator(".govuk-summary-list__row").filter(
        has=summary_list.page.locator(".govuk-summary-list__key", has_text=re.compile(rf"^\s*{re.escape(key)}\s*$"))
    )
    return row.locator(".govuk-summary-list__value")


# --- A school leaver searches near home and reads a vacancy ---------------------------------------------


def school_leaver_finds_a_vacancy(page: Page, *, title: str, left_out: list[str]) -> None:
    """Searches "plumber" near L36 within 5 miles, open to 16 to 18 year olds; opens the result; reads what
    it pays, when, for whom; goes back to the same search."""
    page.goto("/")
    menu(page, "Find an apprenticeship")
    page.get_by_label("Job, skill or keyword").fill("plumber")
    page.get_by_label("Your postcode").fill("L36 9XY")
    page.get_by_label("Distance").select_option(label="5 miles")
    page.get_by_label("Your age when you start").select_option(label="16 to 18")
    page.get_by_role("button", name="Search").click()

    expect(page.get_by_role("heading", level=2, name="1 apprenticeship found")).to_be_visible()
    for other in left_out:
        expect(page.get_by_role("link", name=other)).to_have_count(0)
    expect(page.get_by_role("main")).to_contain_text("2.4 miles from L36")
    assert_accessible(page, context="(school leaver: search results)")
    page.get_by_role("link", name=title).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    facts = page.locator(".govuk-summary-list")
    expect(table_like(facts, "Annual wage")).to_have_text("£16,640 a year")
    expect(table_like(facts, "Weekly wage")).to_have_text("£320 a week")
    expect(table_like(facts, "Hours")).to_have_text("37.5 hours a week")
    expect(table_like(facts, "Duration")).to_have_text(re.compile(r"^\s*\d+ months\s*$"))
    for key in ("Start date", "Closing date", "Posted"):
        expect(table_like(facts, key)).to_have_text(re.compile(r"^\s*\d{1,2} [A-Z][a-z]+ \d{4}\s*$"))
    expect(table_like(facts, "Who can apply")).to_have_text("People aged 16 to 18 and 19 to 21 when they start")
    expect(table_like(facts, "Where")).to_contain_text("2.4 miles from L36")
    assert_accessible(page, context="(school leaver: the vacancy)")
    screenshot(page, "journey-school-leaver-vacancy")

    page.get_by_role("link", name="Back to search").click()
    expect(page.get_by_label("Job, skill or keyword")).to_have_value("plumber")
    expect(page.get_by_label("Your postcode")).to_have_value("L36 9XY")
    expect(page.get_by_label("Distance")).to_have_value("5")
    expect(page.get_by_label("Your age when you start")).to_have_value("16-18")
    expect(page.get_by_role("heading", level=2, name="1 apprenticeship found")).to_be_visible()


# --- Journey 6: the dashboard shows the match ---------------------------------------------------------


def hub_sees_the_match_on_the_dashboard(page: Page, story: Story) -> None:
    page.goto("/")
    menu(page, "Dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")

    equity = page.get_by_role("table", name="Equity by local authority")
    expect(table_cell(equity, story.area, "Matches agreed")).to_have_text("1")
    expect(table_cell(equity, story.area, "Matches approved")).to_have_text("1")
    expect(table_cell(equity, story.area, "Share of approved matches")).to_have_text("100.0%")
    shares = page.get_by_role("img", name=re.compile("share of residents, vacancies and approved matches"))
    expect(shares).to_contain_text(story.area)
    expect(shares).to_contain_text("100.0%")

    coverage = page.get_by_role("table", name="Coverage by local authority")
    expect(table_cell(coverage, story.area, "With a provider")).to_have_text("1")

    flow = page.get_by_role("table", name="Weekly flow")
    this_week = flow.locator("tbody tr").last
    headers = [text.strip() for text in flow.locator("thead th").all_inner_texts()]
    cells = this_week.locator("th, td")
    expect(cells.nth(headers.index("Agreed by both"))).to_have_text("1")
    expect(cells.nth(headers.index("Approved"))).to_have_text("1")
    expect(cells.nth(headers.index("Rejected"))).to_have_text("1")
    by_reason = page.get_by_role("table", name=re.compile(r"Suggestions rejected in the last \d+ weeks, by reason"))
    expect(table_cell(by_reason, story.reject_reason, "Rejected")).to_have_text("1")
    reasons = page.get_by_role("img", name=re.compile("Suggestions rejected in the last"))
    expect(reasons).to_contain_text(story.reject_reason)

    providers = page.get_by_role("table", name="Providers: places offered and filled")
    expect(table_cell(providers, story.provider, "Places offered")).to_have_text("20")
    expect(table_cell(providers, story.provider, "Places filled")).to_have_text("1")
    assert_accessible(page, context="(journey 6: the dashboard)")
    screenshot(page, "journey-6-hub-dashboard")
