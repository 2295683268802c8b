"""Each role's home page is a to-do list: what is waiting for the person, with counts, links to act, and
helpful words when nothing is.

Alice (Employer A) and Bob (Employer B) employ; Priya (Provider A) and Quentin (Provider B) train;
Hannah is hub staff.
"""

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apprenticeships import selectors
from apprenticeships.models import HubTask, Vacancy
from apprenticeships.services.vacancies import vacancy_transition
from lcr_skills.formats import long_date
from matching.models import IntroductionRequest
from matching.services import suggestion_approve
from tests.factories import ProviderFactory
from tests.market_factories import CourseOfferFactory, VacancyFactory
from tests.web.review_market import review_market

pytestmark = pytest.mark.django_db
HOME = reverse("home")


def section(body: str, key: str) -> str:
    """The text of one to-do section, tags stripped."""
    match = re.search(rf'<section class="app-todo[^"]*" aria-labelledby="todo-{key}">(.*?)</section>', body, re.S)
    assert match, f"no to-do section {key}"
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip())


@pytest.fixture
def market(alice, bob, priya, quentin):
    return review_market(alice, bob, priya, quentin)


def test_a_new_employer_sees_helpful_empty_states(client, alice):
    client.force_login(alice)

    body = client.get(HOME).text

    assert "Your to-do list" in body
    assert "No introductions are waiting for your answer" in section(body, "introductions")
    assert "No vacancies are waiting for your changes" in section(body, "referred-back")
    assert "You have no drafts" in section(body, "drafts")


def test_the_employer_sees_introductions_referrals_with_comments_and_drafts(
    client, alice, bob, hannah, market, make_vacancy, employer_a, employer_b
):
    suggestion_approve(market.knowsley.pk, by=hannah, version=1)
    referred = make_vacancy(employer_a, Vacancy.Status.SUBMITTED, title="Plumber")
    vacancy_transition(referred, action="refer", by=hannah, comment="Give the site's postcode.")
    make_vacancy(employer_a, title="Electrician draft")
    make_vacancy(employer_b, title="Bob's draft")
    client.force_login(alice)

    body = client.get(HOME).text

    introductions = section(body, "introductions")
    assert introductions.startswith("Introductions waiting for your answer 1 item")
    assert "Knowsley developer with Provider A" in introductions
    assert f'href="{reverse("employer-matches")}#match-{market.knowsley.pk}"' in body
    referrals = section(body, "referred-back")
    assert "Plumber" in referrals and "The hub's comments: Give the site's postcode." in referrals
    assert f'href="{reverse("employer-vacancy-edit", args=[referred.pk])}"' in body
    drafts = section(body, "drafts")
    assert "Electrician draft" in drafts and "Plumber" not in drafts and "Bob" not in drafts


def test_an_answered_introduction_leaves_the_list(client, alice, hannah, market):
    from matching.services import suggestion_respond

    suggestion_approve(market.knowsley.pk, by=hannah, version=1)
    suggestion_respond(market.knowsley.pk, by=alice, accept=True)
    client.force_login(alice)

    assert "No introductions are waiting for your answer" in section(client.get(HOME).text, "introductions")


def test_the_provider_sees_introductions_and_cohorts_starting_soon_with_places(
    client, priya, hannah, market, make_offer, provider_a
):
    suggestion_approve(market.knowsley.pk, by=hannah, version=1)
    make_offer(
        provider_a,
        title="Later course",
        cohorts=[{"start_date": timezone.localdate() + timedelta(weeks=12), "places": 5}],
    )
    client.force_login(priya)

    body = client.get(HOME).text

    assert "Knowsley developer with Employer A" in section(body, "introductions")
    cohorts = section(body, "cohorts")
    assert cohorts.startswith("Cohorts starting within 8 weeks with places left 1 item")
    assert "Software developer, Liverpool day release" in cohorts and "12 places left" in cohorts
    assert "Later course" not in cohorts


def test_the_hub_sees_qa_due_suggestions_organisations_without_users_and_open_tasks(
    client, hannah, market, make_vacancy, employer_a
):
    due = make_vacancy(employer_a, Vacancy.Status.SUBMITTED, title="Overdue plumber")
    Vacancy.objects.filter(pk=due.pk).update(submitted_at=timezone.now() - timedelta(days=5))
    ProviderFactory(name="Bright Training", contact_name="Ann Lee", contact_phone="0151 496 0100")
    HubTask.objects.create(kind="introduce_by_phone", subject="x", title="Introduce Bright Training by phone")
    client.force_login(hannah)

    body = client.get(HOME).text

    qa = section(body, "qa")
    assert "Overdue plumber (Employer A)" in qa and "Overdue" in qa
    assert section(body, "suggestions").startswith("Suggestions waiting for review 4 items")
    assert "Bright Training" in section(body, "no-users")
    assert "Introduce Bright Training by phone" in section(body, "tasks")
    # In the order the hub works through them.
    order = [body.index(f'aria-labelledby="todo-{key}"') for key in ("qa", "suggestions", "no-users", "tasks")]
    assert order == sorted(order)


def test_the_hub_sees_employers_requests_for_an_introduction(client, hannah, employer_a, provider_a):
    offer = CourseOfferFactory(provider=provider_a)
    request = IntroductionRequest.objects.create(employer=employer_a, course_offer=offer)
    client.force_login(hannah)

    body = client.get(HOME).text

    waiting = section(body, "introduction-requests")
    assert waiting.startswith("Employers' requests for an introduction 1 item")
    assert f"Employer A and {provider_a.name}" in waiting
    assert reverse("matching-introduction-request", args=[request.pk]) in body


def test_the_hub_with_nothing_to_do_is_told_so(client, hannah):
    client.force_login(hannah)

    body = client.get(HOME).text

    assert "No vacancies are due for review today." in section(body, "qa")
    assert "No suggestions are waiting for review" in section(body, "suggestions")
    assert "There are no open hub tasks." in section(body, "tasks")
    assert "No employer is waiting for an introduction." in section(body, "introduction-requests")


def test_vacancies_waiting_for_qa_but_not_yet_due_are_mentioned(client, hannah, alice, employer_a):
    first = VacancyFactory(employer=employer_a, by=alice, status=Vacancy.Status.SUBMITTED)
    VacancyFactory(employer=employer_a, by=alice, status=Vacancy.Status.SUBMITTED)  # just sent: due from tomorrow
    client.force_login(hannah)

    qa = section(client.get(HOME).text, "qa")

    due = timezone.localtime(selectors.review_deadline(first.submitted_at)).date()
    assert f"No vacancies are due for review today. 2 are waiting, the first due by the end of {long_date(due)}." in qa


def test_an_organisations_admin_is_offered_the_people_page(client, priya):
    priya.membership.is_admin = True
    priya.membership.save()
    client.force_login(priya)

    assert reverse("organisation-people") in client.get(HOME).text
