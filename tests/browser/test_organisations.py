"""Invitations and the hub's to-do list, in a real browser with axe-core.

* A provider nobody has an account at: Hannah approves a match for it (the page says who was
  e-mailed and adds a task to phone them), invites Rita by e-mail; Rita opens the link, sets her
  name and password, and accepts the introduction from her to-do list.
* Hannah works through her to-do list with the keyboard only: QA due today, an open hub task, an
  organisation without users.
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from apprenticeships.models import HubTask, Invitation, Vacancy
from tests.browser.conftest import assert_accessible, screenshot
from tests.browser.journeys import Page, Story, expect, signed_in, success_banner, suggestion_card, wait_for_rematch
from tests.browser.test_keyboard import sign_in_with_keyboard, tab, tab_to
from tests.factories import ProviderFactory
from tests.market_factories import CourseOfferFactory, VacancyFactory, standard

pytestmark = pytest.mark.django_db(transaction=True)
RITAS_PASSWORD = "lantern-orchard-pebble-42"


def todo(page: Page, heading: str):
    """One section of the home page's to-do list, found by its heading."""
    return page.locator("section.app-todo").filter(has=page.get_by_role("heading", level=3, name=re.compile(heading)))


@pytest.fixture
def match_for_a_provider_without_users(alice, provider_a) -> Story:
    """Alice's live vacancy and Provider A's course (nobody at Provider A has an account), suggested."""
    story = Story()
    with transaction.atomic():
        VacancyFactory(
            employer=alice.membership.employer,
            status=Vacancy.Status.LIVE,
            title=story.title,
            description=story.description,
            standard=standard(),
            start_date=story.start,
        )
        CourseOfferFactory(
            provider=provider_a,
            title=story.approve_course,
            cohorts=[{"start_date": story.start - timedelta(days=4), "places": 10}],
        )
    wait_for_rematch(story, suggestions=1)
    return story


def test_a_provider_invited_by_email_sets_a_password_and_answers_an_introduction(
    open_page, hannah, match_for_a_provider_without_users
):
    story = match_for_a_provider_without_users
    hub = signed_in(open_page, "hannah")

    # The review card warns that nobody at Provider A has an account; approving says who was e-mailed.
    hub.goto("/hub/suggestions/")
    card = suggestion_card(hub, story, story.approve_course)
    expect(card.locator(".app-no-users")).to_have_text("No users")
    card.get_by_role("button", name=re.compile("Approve suggestion")).click()
    banner = success_banner(hub)
    expect(banner).to_contain_text("alice (Employer A) was e-mailed.")
    expect(banner).to_contain_text("Provider A has no users: a task to introduce them by phone was added.")

    # The to-do list has the task and the organisation; Hannah invites Rita to Provider A.
    hub.goto("/")
    expect(todo(hub, "Open hub tasks")).to_contain_text("Introduce Provider A by phone")
    todo(hub, "Organisations without users").get_by_role("link", name="Provider A").click()
    expect(hub.get_by_role("heading", level=1)).to_have_text("Provider A")
    hub.get_by_label("Email address", exact=True).fill("rita@example.org")
    hub.get_by_role("button", name="Send the invitation").click()
    expect(success_banner(hub)).to_contain_text("An invitation to join Provider A was e-mailed to rita@example.org")
    invitations = hub.get_by_role("table", name="Invitations")
    expect(invitations.get_by_role("row", name=re.compile("rita@example.org"))).to_contain_text("Pending")
    assert_accessible(hub, context="(the organisation page with an invitation)")

    # Rita opens the link in the e-mail, makes a mistake, then sets her name and password.
    (invitation_email,) = [message for message in mail.outbox if message.to == ["rita@example.org"]]
    link = re.search(r"https?://\S+(/invitations/\S+/)", invitation_email.body).group(1)
    rita = open_page()
    rita.goto(link)
    expect(rita.get_by_role("heading", level=1)).to_have_text("Join Provider A")
    assert_accessible(rita, context="(the invitation page)")
    rita.get_by_label("First name").fill("Rita")
    rita.get_by_label("Last name").fill("Okoro")
    rita.get_by_label("Password", exact=True).fill(RITAS_PASSWORD)
    rita.get_by_label("Confirm password").fill("something else entirely")
    rita.get_by_role("button", name="Create your account").click()
    expect(rita.locator(".govuk-error-summary")).to_contain_text("The passwords do not match")
    assert_accessible(rita, context="(the invitation page with an error)")
    rita.get_by_label("Password", exact=True).fill(RITAS_PASSWORD)
    rita.get_by_label("Confirm password").fill(RITAS_PASSWORD)
    rita.get_by_role("button", name="Create your account").click()
    expect(success_banner(rita)).to_contain_text("Welcome, Rita. You have joined Provider A.")
    expect(rita.get_by_role("button", name="Sign out (rita@example.org)")).to_be_visible()

    # Her home page is her to-do list: the introduction waits for her answer.
    waiting = todo(rita, "Introductions waiting for your answer")
    expect(waiting).to_contain_text("1")
    assert_accessible(rita, context="(the provider's to-do list)")
    waiting.get_by_role("link", name=f"{story.title} with Employer A").click()
    rita.get_by_role("button", name=f"Accept the introduction for {story.title}").click()
    expect(success_banner(rita)).to_contain_text("You have accepted the introduction to Employer A")
    screenshot(rita, "invited-provider-accepted")

    # The link worked once.
    again = open_page()
    again.goto(link)
    expect(again.get_by_role("heading", level=1)).to_have_text("This invitation link does not work")
    expect(again.get_by_text("already been used")).to_be_visible()
    assert Invitation.objects.get().status == Invitation.Status.ACCEPTED


@pytest.fixture
def hub_to_do(alice, provider_b) -> None:
    """A vacancy overdue for QA, a provider without users (with no contact yet) and an open hub task."""
    vacancy = VacancyFactory(
        employer=alice.membership.employer, status=Vacancy.Status.SUBMITTED, title="Overdue plumber"
    )
    Vacancy.objects.filter(pk=vacancy.pk).update(submitted_at=timezone.now() - timedelta(days=5))
    HubTask.objects.create(
        kind=HubTask.Kind.INTRODUCE_BY_PHONE,
        subject="keyboard",
        title="Introduce Provider B by phone",
        details="Provider B has no users.",
        provider=provider_b,
    )
    ProviderFactory(name="Bright Training", ukprn="10000099")


def test_hub_staff_work_through_the_to_do_list_with_the_keyboard_only(page, hannah, hub_to_do):
    sign_in_with_keyboard(page, "hannah")
    page.goto("/")
    assert_accessible(page, context="(keyboard: the hub's to-do list)")

    # QA due today: to the vacancy, and approve it.
    tab_to(page, todo(page, "Vacancies due for QA today").get_by_role("link", name="Overdue plumber (Employer A)"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Overdue plumber")
    tab_to(page, page.get_by_role("button", name="Approve and publish"))
    page.keyboard.press("Enter")
    expect(success_banner(page)).to_contain_text("“Overdue plumber” from Employer A is approved and now live.")

    # An open hub task: to the task list, and mark it done.
    page.goto("/")
    expect(todo(page, "Vacancies due for QA today")).to_contain_text("No vacancies are due for review today.")
    tab_to(page, todo(page, "Open hub tasks").get_by_role("link", name="Introduce Provider B by phone"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hub tasks")
    tab_to(page, page.get_by_role("button", name=re.compile(r"Mark as done\W+Introduce Provider B by phone")))
    page.keyboard.press("Enter")
    expect(success_banner(page)).to_contain_text("“Introduce Provider B by phone” is marked as done.")
    assert_accessible(page, context="(keyboard: the hub tasks page)")

    # An organisation without users: record whom to phone.
    page.goto("/")
    expect(todo(page, "Open hub tasks")).to_contain_text("There are no open hub tasks.")
    tab_to(page, todo(page, "Organisations without users").get_by_role("link", name="Bright Training"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bright Training")
    tab_to(page, page.get_by_label("Contact name"))
    page.keyboard.type("Ann Lee")
    tab(page, page.get_by_label("Contact telephone number"))
    page.keyboard.type("0151 496 0100")
    tab(page, page.get_by_label("Contact email address"))
    page.keyboard.type("ann@example.org")
    tab(page, page.get_by_role("button", name="Save the contact"))
    page.keyboard.press("Enter")
    expect(success_banner(page)).to_contain_text("Bright Training's contact details are saved.")
    expect(page.get_by_label("Contact telephone number")).to_have_value("0151 496 0100")
    assert_accessible(page, context="(keyboard: an organisation's page)")
    screenshot(page, "keyboard-hub-to-do")
