"""Employers ask the hub to introduce them to a course's provider; hub staff see the request in the
review queue and accept it (both are e-mailed each other's details) or decline it with a reason."""

import pytest
from django.conf import settings
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from apprenticeships.models import Vacancy
from matching.models import IntroductionRequest
from matching.services import requests as service
from tests.market_factories import VacancyFactory, db_snapshot

pytestmark = pytest.mark.django_db
R = IntroductionRequest.Status


@pytest.fixture
def alices_vacancy(alice, employer_a):
    return VacancyFactory(employer=employer_a, by=alice, status=Vacancy.Status.LIVE, title="Alice's junior developer")


@pytest.fixture
def bobs_vacancy(bob, employer_b):
    return VacancyFactory(employer=employer_b, by=bob, status=Vacancy.Status.LIVE, title="Bob's junior developer")


def ask(client, offer, **data):
    url = reverse("employer-introduction-request-new", args=[offer.pk])
    form = client.get(url)
    token = form.context["once"]
    return client.post(url, {"once": token, **data}, follow=True), token


@pytest.fixture
def asked(client, alice, priya, training_market, alices_vacancy) -> IntroductionRequest:
    """Alice asked about Priya's (Provider A) Liverpool course, for her live vacancy."""
    client.force_login(alice)
    ask(client, training_market.liverpool, vacancy=alices_vacancy.pk, message="We'd like a September start.")
    return IntroductionRequest.objects.get()


def test_an_employer_asks_for_an_introduction_and_sees_it_waiting(client, alice, training_market, alices_vacancy):
    client.force_login(alice)
    response, _ = ask(client, training_market.liverpool, vacancy=alices_vacancy.pk, message="September, please.")

    request = IntroductionRequest.objects.get()
    assert (request.employer.name, request.course_offer, request.vacancy) == (
        "Employer A",
        training_market.liverpool,
        alices_vacancy,
    )
    assert request.status == R.OPEN and request.message == "September, please." and request.requested_by == alice
    body = response.text
    assert "You have asked the hub to introduce you to Provider A" in body
    assert "Waiting for the hub" in body and "Alice&#x27;s junior developer" in body


def test_sending_the_form_twice_asks_once(client, alice, training_market):
    client.force_login(alice)
    url = reverse("employer-introduction-request-new", args=[training_market.wirral.pk])
    token = client.get(url).context["once"]

    client.post(url, {"once": token})
    again = client.post(url, {"once": token}, follow=True)
    asked_anew = client.post(url, {}, follow=True)  # a new form for the same course: the same request

    assert IntroductionRequest.objects.count() == 1
    assert "You had already sent this form" in again.text
    assert "You had already asked the hub about this course" in asked_anew.text


def test_the_database_allows_one_open_request_per_employer_offer_and_vacancy(
    employer_a, training_market, alices_vacancy
):
    offer = training_market.liverpool
    IntroductionRequest.objects.create(employer=employer_a, course_offer=offer)
    IntroductionRequest.objects.create(employer=employer_a, course_offer=offer, vacancy=alices_vacancy)
    for vacancy in (None, alices_vacancy):
        with pytest.raises(IntegrityError), transaction.atomic():
            IntroductionRequest.objects.create(employer=employer_a, course_offer=offer, vacancy=vacancy)


def test_a_declined_request_can_be_asked_again(hannah, employer_a, alice, training_market):
    offer = training_market.liverpool
    first, _ = service.introduction_request_create(
        employer=employer_a, offer_id=offer.pk, vacancy_id=None, message="", by=alice
    )
    service.introduction_request_decline(first.pk, by=hannah, reason="Try their Wirral course")

    second, created = service.introduction_request_create(
        employer=employer_a, offer_id=offer.pk, vacancy_id=None, message="", by=alice
    )

    assert created and second.pk != first.pk


def test_an_employer_cant_name_another_employers_vacancy(client, alice, training_market, bobs_vacancy):
    client.force_login(alice)
    response, _ = ask(client, training_market.liverpool, vacancy=bobs_vacancy.pk)

    assert "Choose one of your vacancies from the list, or none" in response.text
    assert "Bob&#x27;s junior developer" not in response.text
    assert not IntroductionRequest.objects.exists()


def test_a_closed_course_cant_be_asked_about(client, alice, training_market):
    client.force_login(alice)
    url = reverse("employer-introduction-request-new", args=[training_market.closed.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
    assert not IntroductionRequest.objects.exists()


def test_a_message_that_is_too_long_is_explained_and_nothing_is_asked(client, alice, training_market):
    client.force_login(alice)
    response, _ = ask(client, training_market.liverpool, message="x" * 2001)

    assert "Your message must be 2,000 characters or fewer" in response.text
    assert not IntroductionRequest.objects.exists()


def test_hub_staff_see_requests_in_the_review_queue(client, hannah, asked):
    client.force_login(hannah)
    body = client.get(reverse("matching-suggestions")).text

    assert "1 request from employers waiting for review" in body
    assert "Employer A" in body and "Software developer in Liverpool" in body
    assert reverse("matching-introduction-request", args=[asked.pk]) in body


def test_accepting_introduces_both_and_says_who_was_emailed(
    client, hannah, alice, priya, asked, tasks_in_process, django_capture_on_commit_callbacks
):
    client.force_login(hannah)
    detail = client.get(reverse("matching-introduction-request", args=[asked.pk])).text
    assert "We&#x27;d like a September start." in detail

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("matching-introduction-request-accept", args=[asked.pk]), follow=True)

    asked.refresh_from_db()
    assert asked.status == R.ACCEPTED and asked.decided_by == hannah and asked.decided_at
    assert "Employer A and Provider A are introduced" in response.text
    assert "E-mailed: Employer A (alice@example.org) and Provider A (priya@example.org)" in response.text
    sent = {message.to[0]: message for message in mail.outbox}
    assert set(sent) == {"alice@example.org", "priya@example.org"}
    assert "priya <priya@example.org>" in sent["alice@example.org"].body
    assert "alice <alice@example.org>" in sent["priya@example.org"].body
    assert "We'd like a September start." in sent["priya@example.org"].body
    requests_page = f"{settings.SITE_URL}{reverse('employer-introduction-requests')}"
    assert sent["alice@example.org"].body.rstrip().endswith(requests_page)  # where the employer sees them all
    client.force_login(alice)
    mine = client.get(reverse("employer-introduction-requests")).text
    assert "Introduced by the hub" in mine and "priya@example.org" in mine


def test_an_accepted_request_is_on_both_parties_matches_pages_and_nobody_elses(
    client, hannah, alice, priya, bob, quentin, asked
):
    service.introduction_request_accept(asked.pk, by=hannah)

    client.force_login(priya)
    provider = client.get(reverse("provider-matches")).text
    assert "Introductions employers asked the hub for (1)" in provider
    assert "Employer A" in provider and "Alice&#x27;s junior developer" in provider
    assert "We&#x27;d like a September start." in provider and "alice@example.org" in provider
    assert "You have no matches yet" not in provider
    client.force_login(alice)
    employer = client.get(reverse("employer-matches")).text
    assert "Introductions you asked the hub for (1)" in employer and "priya@example.org" in employer
    for other, page in ((bob, "employer-matches"), (quentin, "provider-matches")):
        client.force_login(other)
        body = client.get(reverse(page)).text
        assert "You have no matches yet" in body and "asked the hub for" not in body


def test_a_request_waiting_or_declined_is_not_an_introduction_on_the_matches_pages(client, hannah, priya, asked):
    client.force_login(priya)
    assert "asked the hub for" not in client.get(reverse("provider-matches")).text
    service.introduction_request_decline(asked.pk, by=hannah, reason="The course is full.")
    assert "asked the hub for" not in client.get(reverse("provider-matches")).text


def test_a_request_is_decided_once(client, hannah, asked):
    service.introduction_request_accept(asked.pk, by=hannah)
    before = db_snapshot(IntroductionRequest)
    client.force_login(hannah)

    again = client.post(
        reverse("matching-introduction-request-decline", args=[asked.pk]), {"reason": "No"}, follow=True
    )

    assert "was not changed. This request has already been accepted." in again.text
    assert db_snapshot(IntroductionRequest) == before
    with pytest.raises(service.RequestConflict):
        service.introduction_request_accept(asked.pk, by=hannah)


def test_declining_needs_a_reason_which_the_employer_is_sent(
    client, hannah, alice, asked, tasks_in_process, django_capture_on_commit_callbacks
):
    client.force_login(hannah)
    url = reverse("matching-introduction-request-decline", args=[asked.pk])

    blank = client.post(url, {"reason": "  "})
    assert "Enter why the hub is declining this request" in blank.text
    assert IntroductionRequest.objects.get().status == R.OPEN

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": "Provider A is full until 2028: try Provider B."})

    asked.refresh_from_db()
    assert asked.status == R.DECLINED
    assert [message.to for message in mail.outbox] == [["alice@example.org"]]
    assert "Provider A is full until 2028" in mail.outbox[0].body
    assert mail.outbox[0].body.rstrip().endswith(f"{settings.SITE_URL}{reverse('employer-introduction-requests')}")
    client.force_login(alice)
    mine = client.get(reverse("employer-introduction-requests")).text
    assert "Declined by the hub" in mine and "Provider A is full until 2028: try Provider B." in mine


def test_one_employer_never_sees_anothers_requests(client, bob, asked):
    client.force_login(bob)
    body = client.get(reverse("employer-introduction-requests")).text

    assert "You have not asked for any introductions" in body
    assert "Software developer in Liverpool" not in body


def test_only_hub_staff_decide_requests(client, alice, priya, asked):
    for person in (alice, priya):
        client.force_login(person)
        assert client.get(reverse("matching-introduction-request", args=[asked.pk])).status_code == 403
        assert client.post(reverse("matching-introduction-request-accept", args=[asked.pk])).status_code == 403
    assert IntroductionRequest.objects.get().status == R.OPEN


def test_accepting_a_request_whose_course_has_closed_is_refused(hannah, asked, training_market):
    offer = training_market.liverpool
    offer.status = offer.Status.CLOSED
    offer.save()

    with pytest.raises(service.RequestConflict, match="course has closed"):
        service.introduction_request_accept(asked.pk, by=hannah)
    assert IntroductionRequest.objects.get().status == R.OPEN


def test_an_introduction_to_an_organisation_nobody_there_uses_says_to_contact_the_hub(
    client, hannah, alice, priya, asked
):
    service.introduction_request_accept(asked.pk, by=hannah)
    alice.is_active = False  # Employer A's only person leaves
    alice.save()

    client.force_login(priya)
    provider = client.get(reverse("provider-matches")).text

    assert "Introductions employers asked the hub for (1)" in provider
    assert "Nobody at Employer A has an account with this service yet. To get in touch, contact the hub" in provider
    assert "alice@example.org" not in provider
