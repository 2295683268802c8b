"""Hannah's QA pages: the queue of submitted vacancies with deadlines, and approving or referring one."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from apprenticeships.models import Vacancy
from apprenticeships.selectors import review_deadline
from apprenticeships.templatetags.govuk import govuk_datetime

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def banner(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


@pytest.mark.parametrize(
    ("submitted", "deadline"),
    [
        (datetime(2027, 1, 11, 10, 30), datetime(2027, 1, 12, 10, 30)),  # Monday → Tuesday
        (datetime(2027, 1, 15, 16, 0), datetime(2027, 1, 18, 16, 0)),  # Friday → Monday
        (datetime(2027, 1, 16, 11, 0), datetime(2027, 1, 19, 0, 0)),  # Saturday → end of Monday
        (datetime(2027, 1, 17, 23, 0), datetime(2027, 1, 19, 0, 0)),  # Sunday → end of Monday
    ],
)
def test_the_review_deadline_is_one_working_day_after_submission(submitted, deadline):
    assert review_deadline(submitted.replace(tzinfo=LONDON)) == deadline.replace(tzinfo=LONDON)


def test_the_queue_is_empty_with_a_helpful_message(client, hannah):
    client.force_login(hannah)

    response = client.get(reverse("hub-qa-queue"))

    assert "No vacancies are waiting for review" in response.text


def test_the_queue_lists_submitted_vacancies_oldest_first_and_marks_overdue_ones(
    client, hannah, employer_a, employer_b, make_vacancy
):
    newer = make_vacancy(employer_a, Vacancy.Status.SUBMITTED, title="Newer vacancy")
    older = make_vacancy(employer_b, Vacancy.Status.SUBMITTED, title="Older vacancy")
    make_vacancy(employer_a, title="A draft nobody should review")
    make_vacancy(employer_a, Vacancy.Status.LIVE, title="Already live")
    Vacancy.objects.filter(pk=older.pk).update(submitted_at=timezone.now() - timedelta(days=5))
    client.force_login(hannah)

    response = client.get(reverse("hub-qa-queue"))

    body = response.text
    assert "2 vacancies waiting for review" in body
    assert body.index("Older vacancy") < body.index("Newer vacancy")
    assert "A draft nobody should review" not in body and "Already live" not in body
    assert "Employer B" in body and "Software developer (level 4)" in body
    assert body.count('<strong class="govuk-tag govuk-tag--red">Overdue</strong>') == 1
    assert reverse("hub-qa-review", args=[newer.pk]) in body


def test_the_review_page_shows_the_vacancy_in_full_with_funding_and_history(
    client, hannah, alice, employer_a, make_vacancy
):
    vacancy = make_vacancy(employer_a, Vacancy.Status.SUBMITTED, by=alice)
    client.force_login(hannah)

    response = client.get(reverse("hub-qa-review", args=[vacancy.pk]))

    body = response.text
    assert "Employer A" in body and "Junior software developer" in body
    assert "Ask for Sam at the side door" in body  # the hub sees providers' notes
    # £18,000 paid £600 a month and £3,600 on completion from £833.33 a month of levy: the levy pays for it.
    # Said about the employer, not to them (the employer's own page says "your").
    assert "Paid from the employer&#x27;s levy funds" in body and "your levy funds" not in body
    assert 'id="funding-by-age"' in body
    assert "funding rules, for 1 position)" in body  # not "for all 1 position"
    assert '<th scope="row" class="govuk-table__header">16 to 18</th>' in body  # in words, as elsewhere
    assert re.search(
        r"at 30 hours a week the training must last at least \d+ months, and this vacancy plans 24 months\.", body
    )
    assert "Draft to submitted for review" in body
    assert "Approve and publish" in body and "Refer back" in body


def test_approving_publishes_the_vacancy(client, hannah, employer_a, make_vacancy):
    vacancy = make_vacancy(employer_a, Vacancy.Status.SUBMITTED)
    client.force_login(hannah)

    response = client.post(reverse("hub-qa-approve", args=[vacancy.pk]), follow=True)

    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.LIVE
    assert response.redirect_chain == [(reverse("hub-qa-queue"), 302)]
    assert "is approved and now live" in banner(response)
    assert "No vacancies are waiting for review" in response.text


def test_referring_without_a_comment_shows_an_error_and_changes_nothing(client, hannah, employer_a, make_vacancy):
    vacancy = make_vacancy(employer_a, Vacancy.Status.SUBMITTED)
    client.force_login(hannah)

    response = client.post(reverse("hub-qa-refer", args=[vacancy.pk]), {"comment": "   "})

    assert response.status_code == 200
    assert '<a href="#id_comment">Enter what the employer needs to change</a>' in response.text
    assert 'id="id_comment-error"' in response.text
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.SUBMITTED
    assert vacancy.transitions.count() == 2


def test_approving_a_vacancy_that_is_no_longer_waiting_says_why(client, hannah, employer_a, make_vacancy):
    vacancy = make_vacancy(employer_a, Vacancy.Status.LIVE)
    client.force_login(hannah)

    response = client.post(reverse("hub-qa-approve", args=[vacancy.pk]), follow=True)

    assert "Can&#x27;t approve a vacancy that is live." in response.text
    assert "This vacancy is not waiting for review" in response.text


def test_a_vacancy_goes_round_submit_refer_resubmit_approve_through_the_pages(
    client, alice, hannah, employer_a, make_vacancy
):
    vacancy = make_vacancy(employer_a)
    detail = reverse("employer-vacancy", args=[vacancy.pk])

    client.force_login(alice)
    client.post(reverse("employer-vacancy-action", args=[vacancy.pk, "submit"]))
    client.force_login(hannah)
    assert "Junior software developer" in client.get(reverse("hub-qa-queue")).text
    referred = client.post(
        reverse("hub-qa-refer", args=[vacancy.pk]), {"comment": "Say which days the apprentice trains."}, follow=True
    )
    assert "has been referred back to Employer A" in banner(referred)

    client.force_login(alice)
    page = client.get(detail).text
    assert "The apprenticeship hub referred this vacancy back to you" in page
    assert "Say which days the apprentice trains." in page
    client.post(reverse("employer-vacancy-action", args=[vacancy.pk, "submit"]))
    client.force_login(hannah)
    client.post(reverse("hub-qa-approve", args=[vacancy.pk]))

    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.LIVE
    assert [(t.from_status, t.to_status) for t in vacancy.transitions.all()] == [
        ("", "draft"),
        ("draft", "submitted"),
        ("submitted", "draft"),
        ("draft", "submitted"),
        ("submitted", "live"),
    ]
    client.logout()
    assert "Junior software developer" in client.get(reverse("vacancy-search")).text


def test_the_hub_home_page_links_the_queue_with_its_count(client, hannah, employer_a, make_vacancy):
    make_vacancy(employer_a, Vacancy.Status.SUBMITTED)
    client.force_login(hannah)

    body = client.get(reverse("home")).text

    assert "QA queue: 1 vacancy waiting for review" in body
    assert f'href="{reverse("hub-qa-queue")}"' in body


def test_referring_a_vacancy_that_is_no_longer_waiting_says_why(client, hannah, employer_a, make_vacancy):
    vacancy = make_vacancy(employer_a, Vacancy.Status.LIVE)
    client.force_login(hannah)

    response = client.post(reverse("hub-qa-refer", args=[vacancy.pk]), {"comment": ""}, follow=True)

    assert "is live: it can&#x27;t be referred back" in response.text
    assert "There is a problem" not in response.text
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.LIVE


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (datetime(2027, 1, 12, 15, 4), "12 January 2027 at 3:04pm"),
        (datetime(2027, 1, 12, 9, 30), "12 January 2027 at 9:30am"),
        (datetime(2027, 1, 12, 12, 0), "12 January 2027 at midday"),
        (datetime(2027, 1, 19, 0, 0), "18 January 2027 at 11:59pm"),  # never an ambiguous "midnight"
    ],
)
def test_times_are_written_in_govuk_style(moment, shown):
    assert govuk_datetime(moment.replace(tzinfo=LONDON)) == shown
