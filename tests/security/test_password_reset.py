"""People change their own password, and reset a forgotten one by e-mail (Django's views, GOV.UK pages).

Either way their other sessions end and their API tokens stop working.
"""

import re

import pytest
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "formby-pinewoods-squirrel-5"


def signed_in(username: str, password: str = PASSWORD) -> Client:
    browser = Client()
    response = browser.post("/sign-in/", {"username": username, "password": password})
    assert response.status_code == 302, "could not sign in"
    return browser


def token_for(username: str, password: str = PASSWORD):
    return APIClient().post("/api/v1/auth/token/", {"username": username, "password": password})


def token_works(token: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get("/api/v1/me/").status_code == 200


def is_signed_in(browser: Client) -> bool:
    return browser.get("/api/v1/me/").status_code == 200


def test_the_header_offers_a_signed_in_user_to_change_their_password(alice) -> None:
    page = signed_in("alice").get("/").content.decode()
    assert 'href="/account/password/"' in page
    assert "Change password" in page


def test_changing_the_password_keeps_this_session_and_ends_the_others_and_the_tokens(alice) -> None:
    browser, elsewhere = signed_in("alice"), signed_in("alice")
    token = token_for("alice").json()["token"]
    form = browser.get("/account/password/")
    assert form.status_code == 200
    assert "Change your password" in form.content.decode()

    response = browser.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == "/account/password/changed/"
    assert "Your password has been changed" in browser.get(response["Location"]).content.decode()
    assert is_signed_in(browser)
    assert not is_signed_in(elsewhere)
    assert not token_works(token)
    assert token_for("alice").status_code == 400
    assert token_works(token_for("alice", NEW_PASSWORD).json()["token"])


def test_a_wrong_current_password_changes_nothing_and_says_so(alice) -> None:
    browser = signed_in("alice")
    token = token_for("alice").json()["token"]

    response = browser.post(
        "/account/password/",
        {"old_password": "not-my-password", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="govuk-error-summary"' in page
    assert '<a href="#id_old_password">Your current password is not right. Enter it again.</a>' in page
    assert NEW_PASSWORD not in page  # nothing typed is written back into the page
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)
    assert token_works(token)


@pytest.mark.parametrize(
    ("new", "again", "field", "message"),
    [
        ("", "", "new_password1", "Enter a new password"),
        (NEW_PASSWORD, "something-else-entirely-9", "new_password2", "The passwords do not match."),
        ("password123", "password123", "new_password2", "This password is too common."),
        ("short1!", "short1!", "new_password2", "This password is too short."),
    ],
)
def test_a_new_password_that_is_missing_different_or_weak_is_refused(alice, new, again, field, message) -> None:
    response = signed_in("alice").post(
        "/account/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": again}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert f'<a href="#id_{field}">{message}' in page
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_changing_the_password_needs_signing_in() -> None:
    response = Client().get("/account/password/")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=/account/password/"


def test_the_sign_in_page_links_to_resetting_a_forgotten_password() -> None:
    page = Client().get("/sign-in/").content.decode()
    assert '<a class="govuk-link" href="/account/password-reset/">Forgotten your password?</a>' in page


def ask_for_reset_link(email: str) -> str | None:
    """Ask as a visitor; the link in the e-mail that arrives, if one does."""
    response = Client().post("/account/password-reset/", {"email": email})
    assert response.status_code == 302
    assert response["Location"] == "/account/password-reset/sent/"
    if not mail.outbox:
        return None
    return re.search(r"https?://testserver(/account/password-reset/\S+/)", mail.outbox[-1].body).group(1)


def test_a_forgotten_password_is_reset_from_a_link_by_email(alice) -> None:
    old_session = signed_in("alice")
    token = token_for("alice").json()["token"]

    link = ask_for_reset_link("ALICE@example.org")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.org"]
    assert mail.outbox[0].subject == "Reset your LCR Skills Match password"

    visitor = Client()
    form = visitor.get(link, follow=True)  # Django swaps the token in the address for one in the session
    assert "Choose a new password" in form.content.decode()
    response = visitor.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/account/password-reset/complete/"
    assert "Your password has been reset" in visitor.get(response["Location"]).content.decode()
    assert not is_signed_in(old_session)
    assert not token_works(token)
    assert Client().post("/sign-in/", {"username": "alice", "password": PASSWORD}).status_code == 200
    signed_in("alice", NEW_PASSWORD)

    used_again = Client().get(link, follow=True).content.decode()
    assert "This link no longer works" in used_again


def test_a_reset_for_an_address_with_no_account_says_the_same_and_sends_nothing(alice) -> None:
    assert ask_for_reset_link("nobody@example.org") is None
    assert mail.outbox == []
    page = Client().get("/account/password-reset/sent/").content.decode()
    assert "If an account uses that email address" in page
    assert "60 minutes" in page


def test_a_switched_off_account_gets_no_reset_link(alice) -> None:
    alice.is_active = False
    alice.save()
    assert ask_for_reset_link("alice@example.org") is None


def test_a_reset_without_an_email_address_says_what_to_do() -> None:
    response = Client().post("/account/password-reset/", {"email": ""})
    assert response.status_code == 200
    assert '<a href="#id_email">Enter your email address</a>' in response.content.decode()
    assert mail.outbox == []
