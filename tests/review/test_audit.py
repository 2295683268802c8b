"""Every decision keeps who, when, what, why and the suggestion as it was seen; nobody can change that."""

import pytest
from django.contrib.auth.models import User
from django.db.models import ProtectedError
from django.test import Client
from django.utils import timezone
from rest_framework.response import Response
from rest_framework.test import APIClient

from matching.ml.explain import summary
from matching.models import Suggestion, SuggestionEvent
from tests.factories import PASSWORD
from tests.market_factories import db_snapshot
from tests.review.conftest import best

pytestmark = [pytest.mark.django_db, pytest.mark.second_process]


@pytest.fixture
def open_one(matched) -> Suggestion:
    return best(matched.alices, matched.liverpool_offer)


def decide(client: APIClient, suggestion: Suggestion, verb: str, **body: object) -> Response:
    return client.post(f"/api/v1/suggestions/{suggestion.pk}/{verb}/", body, format="json")


def test_an_approval_leaves_exactly_one_entry_with_who_when_and_what_was_seen(api, hannah, open_one):
    seen = Suggestion.objects.get(pk=open_one.pk)
    before = timezone.now()

    decide(api(hannah), open_one, "approve", version=seen.version)

    event = SuggestionEvent.objects.get()
    assert (event.suggestion_id, event.action, event.actor, event.actor_role) == (open_one.pk, "approve", hannah, "hub")
    assert (event.from_status, event.to_status, event.reason, event.note) == ("suggested", "approved", "", "")
    assert before <= event.created_at <= timezone.now()
    assert event.seen["version"] == seen.version == 1  # the version decided on, not the one after
    assert event.seen["score"] == seen.score
    assert event.seen["model_version"] == seen.model_version == "prior-2"
    assert event.seen["explanation"] == summary(seen.explanation)
    assert (event.seen["features"], event.seen["contributions"]) == (seen.features, seen.contributions)


def test_a_rejection_keeps_the_reason_and_note(api, hannah, open_one):
    decide(api(hannah), open_one, "reject", version=1, reason="provider_quality", note="Ofsted visit due")

    event = open_one.events.get()
    assert (event.action, event.reason, event.note, event.to_status) == (
        "reject",
        "provider_quality",
        "Ofsted visit due",
        "rejected",
    )
    assert event.seen["version"] == 1


def test_refused_decisions_leave_no_entry(api, hannah, alice, open_one):
    decide(api(hannah), open_one, "approve", version=1)
    decide(api(hannah), open_one, "approve", version=1)  # already decided
    decide(api(hannah), open_one, "reject", version=2, reason="price")  # already decided
    decide(api(alice), open_one, "reject", version=2, reason="price")  # not allowed

    assert list(SuggestionEvent.objects.values_list("action", flat=True)) == ["approve"]


def test_the_history_endpoint_returns_the_trail_oldest_first(api, hannah, alice, priya, open_one):
    decide(api(hannah), open_one, "approve", version=1)
    decide(api(alice), open_one, "accept")
    decide(api(priya), open_one, "decline", reason="No assessor free that month")

    response = api(hannah).get(f"/api/v1/suggestions/{open_one.pk}/history/")

    assert response.status_code == 200
    trail = response.json()
    assert [(e["action"], e["by"], e["actor_role"], e["from_status"], e["to_status"]) for e in trail] == [
        ("approve", "hannah", "hub", "suggested", "approved"),
        ("accept", "alice", "employer", "approved", "accepted"),
        ("decline", "priya", "provider", "accepted", "declined"),
    ]
    assert [e["seen"]["version"] for e in trail] == [1, 2, 3]
    assert trail[2]["note"] == "No assessor free that month"
    assert all(e["created_at"] for e in trail)


def test_parties_see_the_trail_of_their_match_without_the_names_of_hub_staff(api, hannah, alice, open_one):
    decide(api(hannah), open_one, "approve", version=1)

    trail = api(alice).get(f"/api/v1/suggestions/{open_one.pk}/history/").json()

    assert [(e["action"], e["actor_role"], e["by"]) for e in trail] == [("approve", "hub", None)]


@pytest.mark.parametrize("method", ["put", "patch", "delete", "post"])
def test_there_is_no_api_method_to_change_or_delete_the_history(api, hannah, open_one, method):
    decide(api(hannah), open_one, "approve", version=1)
    before = db_snapshot(SuggestionEvent)

    response = getattr(api(hannah), method)(
        f"/api/v1/suggestions/{open_one.pk}/history/", {"action": "reject"}, format="json"
    )

    assert response.status_code == 405
    assert db_snapshot(SuggestionEvent) == before


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_suggestion_cannot_be_edited_or_deleted_through_the_api(api, hannah, open_one, method):
    before = db_snapshot(Suggestion)

    response = getattr(api(hannah), method)(f"/api/v1/suggestions/{open_one.pk}/", {"status": "approved"})

    assert response.status_code == 405
    assert db_snapshot(Suggestion) == before


def test_an_audit_entry_refuses_to_be_saved_again_or_deleted(api, hannah, open_one):
    decide(api(hannah), open_one, "reject", version=1, reason="too_far")
    event = SuggestionEvent.objects.get()
    before = db_snapshot(SuggestionEvent)

    event.reason = "price"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()

    assert db_snapshot(SuggestionEvent) == before


def test_a_decided_suggestion_cannot_be_deleted_with_its_trail(api, hannah, open_one):
    decide(api(hannah), open_one, "approve", version=1)

    with pytest.raises(ProtectedError):
        Suggestion.objects.filter(pk=open_one.pk).delete()

    assert SuggestionEvent.objects.filter(suggestion=open_one).count() == 1


# --- The admin shows the trail and changes nothing ----------------------------------------------


@pytest.fixture
def admin_client_for_hannah(client: Client, hannah: User) -> Client:
    assert client.login(username="hannah", password=PASSWORD)
    return client


@pytest.fixture
def event(api, hannah, open_one) -> SuggestionEvent:
    decide(api(hannah), open_one, "reject", version=1, reason="start_dates")
    return SuggestionEvent.objects.get()


def test_hub_staff_can_read_the_trail_in_the_admin(admin_client_for_hannah, event):
    listing = admin_client_for_hannah.get("/admin/matching/suggestionevent/")
    page = admin_client_for_hannah.get(f"/admin/matching/suggestionevent/{event.pk}/change/")

    assert listing.status_code == 200 and b"start_dates" in listing.content
    assert page.status_code == 200
    assert b'name="_save"' not in page.content  # read-only: no save button
    assert b"delete_selected" not in listing.content  # and no bulk delete


@pytest.mark.parametrize(
    "path",
    ["/admin/matching/suggestionevent/{pk}/change/", "/admin/matching/suggestionevent/{pk}/delete/"],
)
def test_the_admin_refuses_to_change_or_delete_an_entry(admin_client_for_hannah, event, path):
    before = db_snapshot(SuggestionEvent)

    response = admin_client_for_hannah.post(path.format(pk=event.pk), {"reason": "price", "post": "yes"})

    assert response.status_code == 403
    assert db_snapshot(SuggestionEvent) == before


def test_the_admin_refuses_to_add_an_entry(admin_client_for_hannah, event):
    assert admin_client_for_hannah.get("/admin/matching/suggestionevent/add/").status_code == 403
    assert SuggestionEvent.objects.count() == 1


def test_the_admin_cannot_delete_a_decided_suggestion_either(admin_client_for_hannah, event):
    response = admin_client_for_hannah.post(
        f"/admin/matching/suggestion/{event.suggestion_id}/delete/", {"post": "yes"}
    )

    assert response.status_code == 403
    assert Suggestion.objects.filter(pk=event.suggestion_id).exists()
