"""Sign-in lockout (django-axes): repeated failures for one username from one address lock it out."""

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "not-her-password"


def sign_in(browser: Client, username: str, password: str):
    return browser.post("/sign-in/", {"username": username, "password": password})


def ask_for_token(client: APIClient, username: str, password: str):
    return client.post("/api/v1/auth/token/", {"username": username, "password": password})


def test_the_sign_in_page_locks_a_username_out_after_repeated_failures(alice) -> None:
    browser = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(browser, "alice", WRONG)
        assert response.status_code == 200
        assert "Enter a correct username and password" in response.content.decode()

    locked = sign_in(browser, "alice", WRONG)
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Too many failed attempts to sign in (5)" in page
    assert "Try again in 15 minutes" in page
    assert 'class="govuk-error-summary"' in page


def test_the_right_password_is_refused_while_locked_out_and_works_after_a_reset(alice) -> None:
    browser = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(browser, "alice", WRONG)

    refused = sign_in(browser, "alice", PASSWORD)
    assert refused.status_code == 429
    assert "Too many failed attempts" in refused.content.decode()
    assert "_auth_user_id" not in browser.session

    reset(username="alice")
    allowed = sign_in(browser, "alice", PASSWORD)
    assert allowed.status_code == 302
    assert browser.session["_auth_user_id"] == str(alice.pk)


def test_a_lockout_is_for_that_username_only(alice, bob) -> None:
    browser = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(browser, "alice", WRONG)
    assert sign_in(browser, "bob", PASSWORD).status_code == 302


def test_a_successful_sign_in_clears_earlier_failures(alice) -> None:
    browser = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(browser, "alice", WRONG)
    assert sign_in(browser, "alice", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="alice").exists()


def test_the_token_endpoint_locks_out_too_and_says_why(alice) -> None:
    client = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = ask_for_token(client, "alice", WRONG)
        assert response.status_code == 400
        assert response.json() == {"non_field_errors": ["Unable to log in with provided credentials."]}

    locked = ask_for_token(client, "alice", WRONG)
    assert locked.status_code == 429
    assert locked.json()["detail"].startswith("Too many failed attempts to sign in (5). Try again in 15 minutes")

    refused = ask_for_token(client, "alice", PASSWORD)
    assert refused.status_code == 429
    assert "token" not in refused.json()

    reset(username="alice")
    assert "token" in ask_for_token(client, "alice", PASSWORD).json()


def test_failures_on_the_website_and_the_api_count_together(alice) -> None:
    browser, client = Client(), APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(browser, "alice", WRONG)
    assert ask_for_token(client, "alice", WRONG).status_code == 429
    assert sign_in(browser, "alice", PASSWORD).status_code == 429


def test_the_admin_sign_in_is_covered_too(hannah) -> None:
    browser = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        browser.post("/admin/login/", {"username": "hannah", "password": WRONG})
    response = browser.post("/admin/login/", {"username": "hannah", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
