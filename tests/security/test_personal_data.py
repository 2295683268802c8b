"""Hub staff export and erase a person's data (UK GDPR access and erasure); the audit trail keeps
the decision, not the person."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from matching.models import SuggestionEvent
from matching.services.decisions import suggestion_approve, suggestion_respond
from tests.factories import PASSWORD
from tests.review.conftest import best

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(matched, alice, hannah) -> SuggestionEvent:
    """Hannah approved an introduction for Alice's vacancy and Alice accepted it."""
    suggestion = best(matched.alices, matched.liverpool_offer)
    suggestion_approve(suggestion.pk, by=hannah, version=suggestion.version)
    suggestion_respond(suggestion.pk, by=alice, accept=True)
    return SuggestionEvent.objects.get(actor=alice)


def test_hub_staff_download_everything_held_about_a_person(api, hannah, alice, decided) -> None:
    response = api(hannah).get(f"/api/v1/users/{alice.pk}/export/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="personal-data-user-{alice.pk}.json"'
    data = response.json()
    assert data["account"]["username"] == "alice"
    assert data["account"]["email"] == "alice@example.org"
    assert data["account"]["role"] == "employer"
    assert (data["organisation"]["type"], data["organisation"]["name"]) == ("employer", "Employer A")
    assert [(d["suggestion"], d["action"], d["role"]) for d in data["suggestion_decisions"]] == [
        (decided.suggestion_id, "accept", "employer")
    ]


def test_the_export_holds_only_that_persons_decisions(api, hannah, alice, decided) -> None:
    hub_data = api(hannah).get(f"/api/v1/users/{hannah.pk}/export/").json()
    assert [d["action"] for d in hub_data["suggestion_decisions"]] == ["approve"]
    assert hub_data["organisation"] is None


@pytest.mark.parametrize("persona", ["alice", "bob", "priya"])
def test_nobody_but_hub_staff_may_export_or_erase(api, alice, bob, priya, persona: str) -> None:
    client = api(User.objects.get(username=persona))
    assert client.get(f"/api/v1/users/{alice.pk}/export/").status_code == 403
    assert client.post(f"/api/v1/users/{alice.pk}/erase/").status_code == 403
    alice.refresh_from_db()
    assert (alice.username, alice.is_active) == ("alice", True)


def test_anonymous_callers_are_asked_who_they_are(api, alice) -> None:
    assert api().get(f"/api/v1/users/{alice.pk}/export/").status_code == 401
    assert api().post(f"/api/v1/users/{alice.pk}/erase/").status_code == 401


def test_erasure_removes_the_persons_details_and_keeps_their_decisions_anonymously(api, hannah, alice, decided) -> None:
    events_before = SuggestionEvent.objects.count()
    response = api(hannah).post(f"/api/v1/users/{alice.pk}/erase/")
    assert response.status_code == 200
    assert response.json()["username"] == f"erased-{alice.pk}"
    assert response.json()["email"] == ""
    assert response.json()["is_active"] is False

    alice.refresh_from_db()
    assert (alice.username, alice.first_name, alice.last_name, alice.email) == (f"erased-{alice.pk}", "", "", "")
    assert not alice.has_usable_password()
    assert alice.last_login is None

    assert SuggestionEvent.objects.count() == events_before
    kept = SuggestionEvent.objects.get(pk=decided.pk)
    assert (kept.actor_id, kept.actor_role, kept.action) == (None, "employer", "accept")
    assert SuggestionEvent.objects.get(action="approve").actor == hannah


def test_an_erased_person_can_no_longer_sign_in_anywhere(api, hannah, alice) -> None:
    _, token = AuthToken.objects.create(user=alice)
    browser = Client()
    assert browser.post("/sign-in/", {"username": "alice", "password": PASSWORD}).status_code == 302

    api(hannah).post(f"/api/v1/users/{alice.pk}/erase/")

    assert not AuthToken.objects.filter(user=alice).exists()
    assert browser.get("/api/v1/me/").status_code == 401  # the session was dropped
    assert Client().post("/sign-in/", {"username": "alice", "password": PASSWORD}).status_code == 200
    assert APIClient().post("/api/v1/auth/token/", {"username": "alice", "password": PASSWORD}).status_code == 400
    authenticated = APIClient()
    authenticated.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert authenticated.get("/api/v1/me/").status_code == 401


def test_the_erased_persons_export_holds_nothing_personal(api, hannah, alice, decided) -> None:
    api(hannah).post(f"/api/v1/users/{alice.pk}/erase/")
    data = api(hannah).get(f"/api/v1/users/{alice.pk}/export/").json()
    assert data["account"]["email"] == ""
    assert data["account"]["username"] == f"erased-{alice.pk}"
    assert data["suggestion_decisions"] == []
    assert data["sign_ins"] == []


def test_hub_staff_cannot_erase_themselves(api, hannah) -> None:
    response = api(hannah).post(f"/api/v1/users/{hannah.pk}/erase/")
    assert response.status_code == 400
    assert "can't erase your own account" in response.json()["non_field_errors"][0]
    hannah.refresh_from_db()
    assert hannah.is_active


def test_hub_staff_can_also_erase_from_the_admin(hannah, alice, decided) -> None:
    browser = Client()
    browser.force_login(hannah)
    response = browser.post(
        "/admin/auth/user/", {"action": "erase_personal_data", "_selected_action": [alice.pk, hannah.pk]}, follow=True
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Erased the personal data of user {alice.pk}." in page
    assert "can&#x27;t erase your own account" in page
    alice.refresh_from_db()
    assert (alice.username, alice.is_active) == (f"erased-{alice.pk}", False)
    assert SuggestionEvent.objects.get(pk=decided.pk).actor_role == "employer"


def test_hub_staff_can_download_personal_data_from_the_admin(hannah, alice) -> None:
    browser = Client()
    browser.force_login(hannah)
    response = browser.post("/admin/auth/user/", {"action": "export_personal_data", "_selected_action": [alice.pk]})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="personal-data.json"'
    assert [entry["account"]["email"] for entry in response.json()] == ["alice@example.org"]
