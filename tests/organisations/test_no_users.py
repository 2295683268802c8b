"""Organisations nobody has an account at: flagged where the hub decides, phoned rather than e-mailed.

Alice is Employer A's user; Priya was Provider A's, but her account is switched off, so nobody at
Provider A gets e-mails any more.
"""

import pytest
from django.core import mail
from django.urls import reverse

from apprenticeships.models import HubTask
from apprenticeships.services.vacancies import vacancy_transition
from matching.services.decisions import suggestion_respond
from tests.web.review_market import banner, review_market

pytestmark = pytest.mark.django_db


@pytest.fixture
def market(alice, bob, priya, quentin):
    return review_market(alice, bob, priya, quentin)


@pytest.fixture
def provider_a_without_users(priya, provider_a):
    priya.is_active = False
    priya.save()
    provider_a.contact_name, provider_a.contact_phone = "Dev Patel", "0151 496 0123"
    provider_a.save()
    return provider_a


@pytest.fixture
def reviewer(client, hannah):
    client.force_login(hannah)
    return client


def approve(client, suggestion):
    url = reverse("matching-suggestion-approve", args=[suggestion.pk])
    return client.post(url, {"version": suggestion.version, "next": reverse("matching-suggestions")}, follow=True)


@pytest.mark.usefixtures("tasks_in_process")
def test_approving_says_exactly_who_was_emailed_and_adds_a_phone_task(
    reviewer, market, alice, provider_a_without_users, django_capture_on_commit_callbacks
):
    alice.first_name, alice.last_name = "Alice", "Smith"
    alice.save()

    with django_capture_on_commit_callbacks(execute=True):
        response = approve(reviewer, market.knowsley)

    message = banner(response)
    assert "Alice Smith (Employer A) was e-mailed." in message
    assert "Provider A has no users: a task to introduce them by phone was added." in message
    assert "Both organisations have been e-mailed" not in message
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]
    task = HubTask.objects.get()
    assert task.title == "Introduce Provider A by phone"
    assert task.provider == provider_a_without_users
    assert "Dev Patel, 0151 496 0123" in task.details
    assert task.link == reverse("matching-suggestion", args=[market.knowsley.pk])


@pytest.mark.usefixtures("tasks_in_process")
def test_when_both_have_users_both_are_named_and_no_task_is_added(reviewer, market):
    response = approve(reviewer, market.knowsley)

    assert "alice (Employer A) was e-mailed. priya (Provider A) was e-mailed." in banner(response)
    assert not HubTask.objects.exists()


def test_the_review_queue_and_the_suggestion_page_flag_an_organisation_without_users(
    reviewer, market, provider_a_without_users
):
    queue = reviewer.get(reverse("matching-suggestions")).text
    card = queue.split(f'id="suggestion-{market.knowsley.pk}"')[1].split('class="govuk-summary-card"')[0]
    other = queue.split(f'id="suggestion-{market.wirral.pk}"')[1].split('class="govuk-summary-card"')[0]
    detail = reviewer.get(reverse("matching-suggestion", args=[market.knowsley.pk])).text

    assert "No users" in card and "introduce Provider A by phone" in card
    assert "No users" not in other
    assert "No users" in detail
    assert "Provider A has no users: you get a task to introduce them by phone" in detail


def test_hub_staff_mark_a_task_done_and_undo_it(reviewer, market, provider_a_without_users, hannah):
    approve(reviewer, market.knowsley)
    task = HubTask.objects.get()

    page = reviewer.get(reverse("hub-tasks")).text
    assert "To do (1)" in page and "Introduce Provider A by phone" in page
    done = reviewer.post(reverse("hub-task-done", args=[task.pk]), follow=True)
    assert "“Introduce Provider A by phone” is marked as done." in banner(done)
    assert "To do (0)" in done.text and "There is nothing to do" in done.text
    task.refresh_from_db()
    assert task.done_by == hannah

    undone = reviewer.post(reverse("hub-task-undo", args=[task.pk]), follow=True)
    assert "To do (1)" in undone.text
    task.refresh_from_db()
    assert task.done_at is None


def test_a_phone_task_closes_by_itself_when_its_match_is_declined_or_ends(
    reviewer, market, provider_a_without_users, alice
):
    approve(reviewer, market.knowsley)
    page = reviewer.get(reverse("hub-tasks")).text
    assert "To do (1)" in page

    suggestion_respond(market.knowsley.pk, by=alice, accept=False, reason="Too far")

    page = reviewer.get(reverse("hub-tasks")).text
    assert "To do (0)" in page
    assert "Introduce Provider A by phone</strong>: no longer needed, the employer declined the match on" in page
    # Marked as not done by hand, it is the hub's again, without the reason.
    reviewer.post(reverse("hub-task-undo", args=[HubTask.objects.get().pk]))
    assert HubTask.objects.get().closed_because == ""


@pytest.mark.usefixtures("tasks_in_process")
def test_a_phone_task_closes_by_itself_when_the_vacancy_of_its_match_is_withdrawn(
    reviewer, market, provider_a_without_users, alice
):
    approve(reviewer, market.knowsley)

    vacancy_transition(market.knowsley.vacancy, action="withdraw", by=alice)

    task = HubTask.objects.get()
    assert task.done_at is not None and task.done_by is None
    assert task.closed_because == "the match ended (vacancy withdrawn)"


def test_approving_twice_over_adds_no_second_task(market, provider_a_without_users, hannah):
    from matching.services.decisions import _phone_tasks

    _phone_tasks(market.knowsley)
    _phone_tasks(market.knowsley)

    assert HubTask.objects.count() == 1


def test_only_hub_staff_see_the_tasks(client, alice, api):
    client.force_login(alice)

    assert client.get(reverse("hub-tasks")).status_code == 403
    assert api(alice).get("/api/v1/hub-tasks/").status_code == 403


def test_the_hub_lists_organisations_without_users_with_their_contact(reviewer, market, provider_a_without_users):
    page = reviewer.get(reverse("hub-organisations") + "?without_users=1").text

    assert "Provider A" in page and "Dev Patel" in page and "0151 496 0123" in page
    assert "Employer A" not in page


def test_hub_staff_record_an_organisations_contact_and_bad_input_changes_nothing(reviewer, provider_a):
    url = reverse("hub-provider-contact", args=[provider_a.pk])

    bad = reviewer.post(url, {"contact_name": "Dev", "contact_phone": "call me", "contact_email": "nope"})
    assert bad.status_code == 200 and "There is a problem" in bad.text
    assert "Enter a telephone number" in bad.text
    provider_a.refresh_from_db()
    assert provider_a.contact_name == ""

    good = reviewer.post(
        url,
        {"contact_name": "Dev Patel", "contact_phone": "0151 496 0123", "contact_email": "dev@example.org"},
        follow=True,
    )
    assert "Provider A's contact details are saved." in banner(good)
    provider_a.refresh_from_db()
    assert (provider_a.contact_name, provider_a.contact_phone, provider_a.contact_email) == (
        "Dev Patel",
        "0151 496 0123",
        "dev@example.org",
    )


def test_the_api_carries_the_contact_and_whether_anyone_has_an_account(api, hannah, provider_a_without_users):
    body = api(hannah).get(f"/api/v1/providers/{provider_a_without_users.pk}/").json()

    assert body["contact_name"] == "Dev Patel"
    assert body["has_users"] is False


@pytest.mark.usefixtures("tasks_in_process")
def test_the_employers_match_page_gives_the_hubs_contact_when_the_provider_has_no_users(
    reviewer, client, market, alice, provider_a_without_users, settings
):
    approve(reviewer, market.knowsley)
    client.force_login(alice)

    page = client.get(reverse("employer-matches")).text

    assert "Nobody at Provider A has an account with this service yet" in page
    assert settings.HUB_CONTACT_PHONE in page and settings.HUB_CONTACT_EMAIL in page
