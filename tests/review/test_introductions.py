"""On approval the employer and the provider are introduced: they see the match and each other's
contacts, are e-mailed, and each accepts or declines; both accepting agrees it and takes the places."""

import pytest
from django.conf import settings
from django.core import mail
from rest_framework.response import Response
from rest_framework.test import APIClient

from matching.models import MatchRun, Suggestion, SuggestionEvent
from matching.services import introduction_send
from tests.market_factories import db_snapshot
from tests.review.conftest import best

pytestmark = pytest.mark.django_db
S = Suggestion.Status


def listed(client: APIClient) -> dict[int, dict]:
    response = client.get("/api/v1/suggestions/", {"page_size": 100})
    assert response.status_code == 200, response.content
    return {row["id"]: row for row in response.json()["results"]}


def answer(client: APIClient, suggestion: Suggestion, verb: str, **body: object) -> Response:
    return client.post(f"/api/v1/suggestions/{suggestion.pk}/{verb}/", body, format="json")


@pytest.fixture
def alices_match(matched) -> Suggestion:
    """Alice's vacancy (Employer A, two positions) with Provider A's offer, under review."""
    return best(matched.alices, matched.liverpool_offer)


@pytest.fixture
def introduced(
    api, hannah, alice, priya, alices_match, tasks_in_process, django_capture_on_commit_callbacks
) -> Suggestion:
    """Alice's match approved by Hannah, with the introduction e-mails to Alice and Priya sent on commit
    (by a worker in production; here, in this process)."""
    with django_capture_on_commit_callbacks(execute=True):
        response = api(hannah).post(
            f"/api/v1/suggestions/{alices_match.pk}/approve/", {"version": alices_match.version}, format="json"
        )
    assert response.status_code == 200, response.content
    alices_match.refresh_from_db()
    return alices_match


# --- Seeing the match --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["alice", "priya", "bob", "quentin"])
def test_before_approval_no_employer_or_provider_sees_a_suggestion(api, request, matched, persona):
    client = api(request.getfixturevalue(persona))

    assert listed(client) == {}
    for suggestion in Suggestion.objects.all():
        assert client.get(f"/api/v1/suggestions/{suggestion.pk}/").status_code == 404
        assert client.get(f"/api/v1/suggestions/{suggestion.pk}/history/").status_code == 404


@pytest.mark.parametrize("persona, other", [("alice", "provider"), ("priya", "employer")])
def test_after_approval_both_parties_see_the_match_with_each_others_contacts(api, request, introduced, persona, other):
    rows = listed(api(request.getfixturevalue(persona)))

    assert list(rows) == [introduced.pk]
    row = rows[introduced.pk]
    assert row["status"] == "approved"
    assert row["summary"] and row["explanation"]  # why they were introduced
    assert row["contacts"] == {
        "employer": [{"name": "alice", "email": "alice@example.org"}],
        "provider": [{"name": "priya", "email": "priya@example.org"}],
    }
    assert row["contacts"][other]  # the other party's people


@pytest.mark.parametrize("persona", ["bob", "quentin"])
def test_other_organisations_never_see_an_introduction(api, request, introduced, persona):
    client = api(request.getfixturevalue(persona))

    assert introduced.pk not in listed(client)
    assert client.get(f"/api/v1/suggestions/{introduced.pk}/").status_code == 404


def test_both_parties_are_emailed_once_on_approval(introduced, matched):
    assert sorted(message.to for message in mail.outbox) == [["alice@example.org"], ["priya@example.org"]]
    to_alice = next(m for m in mail.outbox if m.to == ["alice@example.org"])
    to_priya = next(m for m in mail.outbox if m.to == ["priya@example.org"])
    assert to_alice.subject == "Introduction: Employer A and Provider A"
    assert "priya <priya@example.org>" in to_alice.body and "alice@" not in to_alice.body
    assert "alice <alice@example.org>" in to_priya.body and "priya@" not in to_priya.body
    assert "Why: " in to_alice.body and "accept or decline" in to_alice.body
    # Each links to the page where that party answers.
    assert to_alice.body.rstrip().endswith(f"{settings.SITE_URL}/employer/matches/")
    assert to_priya.body.rstrip().endswith(f"{settings.SITE_URL}/provider/matches/")
    # The start date is the employer's: only the employer reads it as theirs.
    assert "your start date" in to_alice.body and "the employer's start date" not in to_alice.body
    assert "the employer's start date" in to_priya.body and "your" not in to_priya.body


def test_no_email_goes_before_the_approval_is_committed(api, hannah, alices_match, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        api(hannah).post(
            f"/api/v1/suggestions/{alices_match.pk}/approve/", {"version": alices_match.version}, format="json"
        )

    assert mail.outbox == []
    assert len(callbacks) == 2  # one e-mail task per party


def test_the_approval_stands_while_the_mail_server_is_down(
    api, hannah, alice, priya, alices_match, settings, caplog, tasks_in_process, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1  # nothing listens

    with django_capture_on_commit_callbacks(execute=True):
        response = api(hannah).post(
            f"/api/v1/suggestions/{alices_match.pk}/approve/", {"version": alices_match.version}, format="json"
        )

    assert response.status_code == 200, response.content
    alices_match.refresh_from_db()
    assert alices_match.status == S.APPROVED
    assert "Connection refused" in caplog.text  # logged, and retried by a worker


def test_each_party_is_e_mailed_by_its_own_task_so_a_retry_never_repeats_the_others(alice, priya, alices_match):
    introduction_send(alices_match.pk, "employer")  # sent; the provider's failed and its task retries
    introduction_send(alices_match.pk, "provider")

    assert [message.to for message in mail.outbox] == [["alice@example.org"], ["priya@example.org"]]


def test_a_rejection_emails_nobody(
    api, hannah, alice, priya, alices_match, tasks_in_process, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        api(hannah).post(
            f"/api/v1/suggestions/{alices_match.pk}/reject/",
            {"version": alices_match.version, "reason": "too_far"},
            format="json",
        )

    assert mail.outbox == []


def test_contact_details_are_never_shown_for_suggested_or_rejected_ones(api, hannah, matched):
    first, second = Suggestion.objects.filter(vacancy=matched.bobs).order_by("rank")[:2]
    api(hannah).post(f"/api/v1/suggestions/{first.pk}/reject/", {"version": 1, "reason": "price"}, format="json")

    rows = listed(api(hannah))

    assert rows[first.pk]["status"] == "rejected" and rows[first.pk]["contacts"] is None
    assert rows[second.pk]["status"] == "suggested" and rows[second.pk]["contacts"] is None
    detail = api(hannah).get(f"/api/v1/suggestions/{first.pk}/").json()
    assert detail["contacts"] is None


def test_an_inactive_persons_contact_details_are_not_shared(api, introduced, alice, priya):
    alice.is_active = False
    alice.save(update_fields=["is_active"])

    row = listed(api(priya))[introduced.pk]

    assert row["contacts"]["employer"] == []


# --- Answering it ------------------------------------------------------------------------------


def test_employer_accepts_then_provider_accepts_and_the_match_is_agreed(api, alice, priya, introduced, hannah):
    cohort = introduced.cohort
    places = cohort.places

    first = answer(api(alice), introduced, "accept")

    assert first.status_code == 200, first.content
    assert (first.json()["status"], first.json()["employer_response"]) == ("accepted", "accepted")
    cohort.refresh_from_db()
    assert cohort.places == places  # places drop only once both have agreed

    second = answer(api(priya), introduced, "accept")

    assert second.status_code == 200, second.content
    body = second.json()
    assert (body["status"], body["employer_response"], body["provider_response"]) == ("agreed", "accepted", "accepted")
    cohort.refresh_from_db()
    assert cohort.places == places - introduced.vacancy.positions == places - 2
    trail = api(hannah).get(f"/api/v1/suggestions/{introduced.pk}/history/").json()
    assert [(e["action"], e["by"], e["to_status"]) for e in trail] == [
        ("approve", "hannah", "approved"),
        ("accept", "alice", "accepted"),
        ("agree", "priya", "agreed"),
    ]


def test_the_provider_may_answer_first(api, alice, priya, introduced):
    assert answer(api(priya), introduced, "accept").json()["status"] == "accepted"
    assert answer(api(alice), introduced, "accept").json()["status"] == "agreed"


@pytest.mark.parametrize("persona", ["alice", "priya"])
def test_a_decline_needs_a_reason(api, request, introduced, persona):
    before = db_snapshot(Suggestion), db_snapshot(SuggestionEvent)

    for body in ({}, {"reason": ""}, {"reason": "   "}):
        response = answer(api(request.getfixturevalue(persona)), introduced, "decline", **body)
        assert response.status_code == 400
        assert "reason" in response.json()
    assert (db_snapshot(Suggestion), db_snapshot(SuggestionEvent)) == before


@pytest.mark.django_db(transaction=True)  # the re-match is queued on commit: commit for real
@pytest.mark.usefixtures("tasks_in_process")
def test_a_decline_reopens_the_vacancy_to_matching_without_the_declined_pair(api, priya, introduced):
    vacancy, declined_cohort = introduced.vacancy, introduced.cohort_id
    runs_before = set(MatchRun.objects.values_list("id", flat=True))

    response = answer(api(priya), introduced, "decline", reason="Cohort is full of our own learners")

    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["provider_response"]) == ("declined", "declined")
    rematch = MatchRun.objects.exclude(id__in=runs_before).get()
    assert (rematch.kind, rematch.status, rematch.standards) == ("incremental", "succeeded", [vacancy.standard_id])
    open_now = Suggestion.objects.filter(vacancy=vacancy, status=S.SUGGESTED)
    assert open_now.count() == 3  # the four cohorts that fit, less the declined one
    assert declined_cohort not in set(open_now.values_list("cohort_id", flat=True))
    assert open_now.filter(run=rematch).exists()  # the re-match suggested something new
    introduced.refresh_from_db()
    assert introduced.status == S.DECLINED
    event = introduced.events.last()
    assert (event.action, event.actor_role, event.note) == ("decline", "provider", "Cohort is full of our own learners")


def test_after_a_decline_the_hub_may_approve_another_match_for_the_vacancy(api, hannah, alice, introduced, matched):
    assert answer(api(alice), introduced, "decline", reason="We hired someone already trained").status_code == 200
    other = Suggestion.objects.filter(vacancy=introduced.vacancy, status=S.SUGGESTED).first()

    response = api(hannah).post(f"/api/v1/suggestions/{other.pk}/approve/", {"version": other.version}, format="json")

    assert response.status_code == 200, response.content


def test_a_decline_after_the_other_party_accepted_ends_the_match(api, alice, priya, introduced):
    assert answer(api(alice), introduced, "accept").status_code == 200
    places = introduced.cohort.places

    response = answer(api(priya), introduced, "decline", reason="No trainer for this intake")

    assert response.json()["status"] == "declined"
    introduced.cohort.refresh_from_db()
    assert introduced.cohort.places == places


@pytest.mark.parametrize(
    "first, second, message",
    [
        ("accept", "accept", "Your organisation has already accepted this match."),
        ("accept", "decline", "Your organisation has already accepted this match."),
        ("decline", "accept", "This match is declined; it can't be answered now."),
        ("decline", "decline", "This match is declined; it can't be answered now."),
    ],
)
def test_answering_twice_gets_409(api, alice, introduced, first, second, message):
    client = api(alice)
    assert answer(client, introduced, first, reason="Not for us").status_code == 200
    before = db_snapshot(Suggestion), db_snapshot(SuggestionEvent)

    response = answer(client, introduced, second, reason="Changed our mind")

    assert response.status_code == 409
    assert response.json()["detail"] == message
    assert (db_snapshot(Suggestion), db_snapshot(SuggestionEvent)) == before


def test_an_agreed_match_cannot_be_answered_again(api, alice, priya, introduced):
    answer(api(alice), introduced, "accept")
    answer(api(priya), introduced, "accept")

    response = answer(api(priya), introduced, "decline", reason="Second thoughts")

    assert response.status_code == 409
    assert (response.json()["status"], response.json()["detail"]) == (
        "agreed",
        "This match is agreed; it can't be answered now.",
    )


@pytest.mark.parametrize("persona, status", [("bob", 404), ("quentin", 404), ("hannah", 403)])
@pytest.mark.parametrize("verb", ["accept", "decline"])
def test_only_the_two_parties_may_answer(api, request, introduced, persona, status, verb):
    before = db_snapshot(Suggestion), db_snapshot(SuggestionEvent)

    response = answer(api(request.getfixturevalue(persona)), introduced, verb, reason="Not ours to answer")

    assert response.status_code == status
    assert (db_snapshot(Suggestion), db_snapshot(SuggestionEvent)) == before


@pytest.mark.parametrize("persona", ["alice", "priya"])
def test_a_suggestion_still_under_review_cannot_be_answered(api, request, alices_match, persona):
    response = answer(api(request.getfixturevalue(persona)), alices_match, "accept")

    assert response.status_code == 404
    alices_match.refresh_from_db()
    assert alices_match.status == S.SUGGESTED and alices_match.employer_response == ""
