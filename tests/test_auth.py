"""Signing in: API tokens for scripts, a session for people using the site."""

import datetime

import pytest
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def token_for(username: str, password: str) -> APIClient:
    return APIClient().post("/api/v1/auth/token/", {"username": username, "password": password})


def test_a_user_exchanges_username_and_password_for_a_token_that_expires(alice) -> None:
    response = token_for("alice", PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expiry"}
    stored = AuthToken.objects.get(user=alice)
    assert datetime.datetime.fromisoformat(body["expiry"]) == stored.expiry
    assert stored.digest != body["token"]  # only a hash is kept


def test_asking_again_gives_another_token_and_both_work(alice) -> None:
    first, second = (token_for("alice", PASSWORD).json()["token"] for _ in range(2))
    assert first != second
    assert AuthToken.objects.filter(user=alice).count() == 2
    for token in (first, second):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        assert client.get("/api/v1/me/").status_code == 200


def test_the_token_signs_api_requests_in(alice, employer_a) -> None:
    token = token_for("alice", PASSWORD).json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json() == {
        "username": "alice",
        "role": "employer",
        "organisation": {"id": employer_a.pk, "name": "Employer A"},
    }


def test_hub_staff_have_no_organisation(hannah) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for('hannah', PASSWORD).json()['token']}")
    assert client.get("/api/v1/me/").json() == {"username": "hannah", "role": "hub", "organisation": None}


def test_a_wrong_password_gets_no_token(alice) -> None:
    response = token_for("alice", "not-her-password")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Unable to log in with provided credentials."]}
    assert not AuthToken.objects.exists()


def test_an_unknown_user_gets_no_token() -> None:
    response = token_for("mallory", PASSWORD)
    assert response.status_code == 400
    assert "token" not in response.json()
    assert not AuthToken.objects.exists()


def test_a_switched_off_account_gets_no_token(alice) -> None:
    alice.is_active = False
    alice.save()
    response = token_for("alice", PASSWORD)
    assert response.status_code == 400
    assert "token" not in response.json()
    assert not AuthToken.objects.exists()


def test_a_switched_off_accounts_old_token_stops_working(alice) -> None:
    token = token_for("alice", PASSWORD).json()["token"]
    alice.is_active = False
    alice.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json() == {"detail": "User inactive or deleted."}


def test_a_made_up_token_is_refused() -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_signing_in_on_the_website_also_signs_in_the_api(alice) -> None:
    browser = Client(enforce_csrf_checks=True)
    assert browser.get("/sign-in/").status_code == 200
    response = browser.post(
        "/sign-in/",
        {"username": "alice", "password": PASSWORD, "csrfmiddlewaretoken": browser.cookies["csrftoken"].value},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"

    me = browser.get("/api/v1/me/")
    assert me.status_code == 200
    assert (me.json()["username"], me.json()["role"]) == ("alice", "employer")


def test_without_signing_in_the_api_asks_who_you_are() -> None:
    response = Client().get("/api/v1/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_signed_in_browser_must_show_the_csrf_token_to_change_anything(alice, employer_a) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.get("/sign-in/")
    csrf = browser.cookies["csrftoken"].value
    browser.post("/sign-in/", {"username": "alice", "password": PASSWORD, "csrfmiddlewaretoken": csrf})
    url, change = f"/api/v1/employers/{employer_a.pk}/", '{"name": "Forged"}'

    forged = browser.patch(url, change, content_type="application/json")
    assert forged.status_code == 403
    assert "CSRF" in forged.json()["detail"]
    employer_a.refresh_from_db()
    assert employer_a.name == "Employer A"

    genuine = browser.patch(
        url, change, content_type="application/json", headers={"X-CSRFToken": browser.cookies["csrftoken"].value}
    )
    assert genuine.status_code == 200
    employer_a.refresh_from_db()
    assert employer_a.name == "Forged"
