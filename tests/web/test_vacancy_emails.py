"""Alice hears of Hannah's decision on her vacancy by e-mail, and sees a referred-back one as such."""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from apprenticeships.models import Vacancy
from apprenticeships.services.vacancies import vacancy_transition

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process")]


@pytest.fixture
def submitted(make_vacancy, employer_a, alice):
    return make_vacancy(employer_a, Vacancy.Status.SUBMITTED, title="Plumber")


def test_approval_emails_the_employers_people_with_a_link(
    submitted, hannah, client, django_capture_on_commit_callbacks
):
    client.force_login(hannah)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("hub-qa-approve", args=[submitted.pk]))

    (message,) = mail.outbox
    assert message.to == ["alice@example.org"]
    assert message.subject == "Your vacancy is live: Plumber"
    assert f"{settings.SITE_URL}/employer/vacancies/{submitted.pk}/" in message.body


def test_referral_emails_the_hubs_comments_and_the_list_says_referred_back(
    submitted, hannah, alice, client, django_capture_on_commit_callbacks
):
    client.force_login(hannah)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("hub-qa-refer", args=[submitted.pk]), {"comment": "Say which site the job is at."})

    (message,) = mail.outbox
    assert message.subject == "Your vacancy needs changes: Plumber"
    assert "The hub's comments:\nSay which site the job is at." in message.body
    assert f"{settings.SITE_URL}/employer/vacancies/{submitted.pk}/edit/" in message.body
    client.force_login(alice)
    page = client.get(reverse("employer-vacancies")).text
    assert "Referred back (1)" in page
    assert "Draft (" not in page
    assert "The hub's comments: Say which site the job is at." in page


def test_a_referred_back_vacancy_submitted_again_is_no_longer_referred_back(submitted, hannah, alice, client):
    vacancy_transition(submitted, action="refer", by=hannah, comment="Fix the wage.")
    vacancy_transition(submitted, action="submit", by=alice)
    client.force_login(alice)

    page = client.get(reverse("employer-vacancies")).text

    assert "Referred back" not in page and "Submitted for review (1)" in page


def test_nobody_is_emailed_when_the_employer_has_no_active_users(
    submitted, hannah, alice, django_capture_on_commit_callbacks
):
    alice.is_active = False
    alice.save()
    with django_capture_on_commit_callbacks(execute=True):
        vacancy_transition(submitted, action="approve", by=hannah)

    assert mail.outbox == []
