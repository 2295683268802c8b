"""API tokens (django-rest-knox): kept hashed, expire, revocable, and revoked by a new password or a switch-off.

The attack this answers: hub staff reset a user's password with `PATCH /api/v1/users/<id>/`, and
the old token still answered 200; tokens never expired, and `DELETE /api/v1/auth/token/` was 405.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from apprenticeships.tasks import api_tokens_delete_expired
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "birkenhead-ferry-lantern-77"


def new_token(username: str, password: str = PASSWORD) -> str:
    response = APIClient().post("/api/v1/auth/token/", {"username": username, "password": password})
    assert response.status_code == 200, response.content
    return response.json()["token"]


def signed_with(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def who(token: str) -> tuple[int, str | None]:
    """What a request signed with the token gets: its status, and the username or the refusal."""
    response = signed_with(token).get("/api/v1/me/")
    body = response.json()
    return response.status_code, body.get("username", body.get("detail"))


def test_the_database_keeps_only_a_hash_of_a_token(alice) -> None:
    token = new_token("alice")
    stored = AuthToken.objects.get(user=alice)
    assert token not in {stored.digest, stored.token_key}
    assert len(stored.digest) == 128  # SHA-512
    assert who(token) == (200, "alice")


def test_after_hub_staff_reset_a_password_the_old_token_is_refused(api, hannah, alice) -> None:
    token = new_token("alice")
    assert who(token) == (200, "alice")

    assert api(hannah).patch(f"/api/v1/users/{alice.pk}/", {"password": NEW_PASSWORD}).status_code == 200

    assert who(token) == (401, "Invalid token.")
    assert not AuthToken.objects.filter(user=alice).exists()
    assert who(new_token("alice", NEW_PASSWORD)) == (200, "alice")


def test_changing_only_the_email_keeps_the_token(api, hannah, alice) -> None:
    token = new_token("alice")
    api(hannah).patch(f"/api/v1/users/{alice.pk}/", {"email": "alice@employer-a.example"})
    assert who(token) == (200, "alice")


def test_a_switched_off_account_loses_its_tokens_for_good(api, hannah, alice) -> None:
    token = new_token("alice")
    api(hannah).patch(f"/api/v1/users/{alice.pk}/", {"is_active": False})
    assert not AuthToken.objects.filter(user=alice).exists()

    api(hannah).patch(f"/api/v1/users/{alice.pk}/", {"is_active": True})
    assert who(token) == (401, "Invalid token.")


def test_the_owner_revokes_the_token_they_sign_with_and_keeps_their_others(alice) -> None:
    revoked, kept = new_token("alice"), new_token("alice")

    response = signed_with(revoked).delete("/api/v1/auth/token/")

    assert response.status_code == 204
    assert response.content == b""
    assert who(revoked) == (401, "Invalid token.")
    assert signed_with(revoked).delete("/api/v1/auth/token/").status_code == 401
    assert who(kept) == (200, "alice")


def test_revoking_needs_a_token(alice) -> None:
    new_token("alice")
    assert APIClient().delete("/api/v1/auth/token/").status_code == 401

    browser = Client()
    browser.force_login(alice)
    response = browser.delete("/api/v1/auth/token/")
    assert response.status_code == 400
    assert response.json() == {"detail": "This request was not signed with a token, so there is none to revoke."}
    assert AuthToken.objects.filter(user=alice).count() == 1


def test_a_new_token_expires_after_the_idle_time(alice, settings) -> None:
    before = timezone.now()
    new_token("alice")
    expiry = AuthToken.objects.get(user=alice).expiry
    idle = timedelta(hours=settings.API_TOKEN_IDLE_HOURS)
    assert before + idle <= expiry <= timezone.now() + idle


def test_a_token_left_idle_past_its_expiry_is_refused_and_deleted(alice) -> None:
    token = new_token("alice")
    AuthToken.objects.filter(user=alice).update(expiry=timezone.now() - timedelta(seconds=1))

    assert who(token) == (401, "Invalid token.")
    assert not AuthToken.objects.filter(user=alice).exists()


def test_a_call_reads_only_its_own_token_however_many_the_user_has(alice, bob) -> None:
    token = new_token("alice")
    with CaptureQueriesContext(connection) as alone:
        assert who(token) == (200, "alice")
    for n in range(12):  # a script that asked for a token every night, half of them long expired
        stored, _ = AuthToken.objects.create(user=alice)
        if n % 2:
            AuthToken.objects.filter(pk=stored.pk).update(expiry=timezone.now() - timedelta(days=n))

    with CaptureQueriesContext(connection) as among_many:
        assert who(token) == (200, "alice")

    assert len(among_many) == len(alone)
    assert not [q for q in among_many if "knox_authtoken" in q["sql"] and "user_id" in q["sql"].split("WHERE")[-1]]
    assert AuthToken.objects.filter(user=alice).count() == 13  # the expired ones are refused, and go at night


def test_the_nightly_clean_up_deletes_every_expired_token_and_no_other(alice, bob) -> None:
    kept = [new_token("alice"), new_token("bob")]
    for user in (alice, bob):
        stored, _ = AuthToken.objects.create(user=user)
        AuthToken.objects.filter(pk=stored.pk).update(expiry=timezone.now() - timedelta(seconds=1))

    assert api_tokens_delete_expired() == 2  # the nightly task, run here (a worker would not see this test's rows)

    assert AuthToken.objects.count() == 2
    assert [who(token)[0] for token in kept] == [200, 200]
    assert "apprenticeships.api_tokens_delete_expired" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }


def test_using_a_token_moves_its_expiry_on_by_the_idle_time(alice, settings) -> None:
    token = new_token("alice")
    AuthToken.objects.filter(user=alice).update(expiry=timezone.now() + timedelta(minutes=5))

    assert who(token) == (200, "alice")

    expiry = AuthToken.objects.get(user=alice).expiry
    assert expiry >= timezone.now() + timedelta(hours=settings.API_TOKEN_IDLE_HOURS) - timedelta(minutes=1)


def test_a_token_in_use_every_day_still_ends_at_its_maximum_age(alice, settings) -> None:
    token = new_token("alice")
    made = timezone.now() - timedelta(days=settings.API_TOKEN_MAX_DAYS) + timedelta(hours=1)
    AuthToken.objects.filter(user=alice).update(created=made, expiry=timezone.now() + timedelta(minutes=5))

    assert who(token) == (200, "alice")
    # Moved on by an hour (to the maximum), not by the idle time.
    assert AuthToken.objects.get(user=alice).expiry == made + timedelta(days=settings.API_TOKEN_MAX_DAYS)


def test_a_password_changed_in_the_admin_revokes_the_tokens(superuser, alice) -> None:
    token = new_token("alice")
    admin = Client()
    admin.force_login(superuser)

    response = admin.post(
        f"/admin/auth/user/{alice.pk}/password/",
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert who(token) == (401, "Invalid token.")


def test_an_account_switched_off_in_the_admin_loses_its_tokens(superuser, alice) -> None:
    new_token("alice")
    admin = Client()
    admin.force_login(superuser)
    joined = timezone.localtime(alice.date_joined)

    response = admin.post(
        f"/admin/auth/user/{alice.pk}/change/",
        {
            "username": "alice",
            "email": alice.email,
            "date_joined_0": joined.strftime("%Y-%m-%d"),
            "date_joined_1": joined.strftime("%H:%M:%S"),
        },
    )

    assert response.status_code == 302
    alice.refresh_from_db()
    assert not alice.is_active
    assert not AuthToken.objects.filter(user=alice).exists()


def test_a_password_changed_from_the_command_line_revokes_the_tokens(alice) -> None:
    token = new_token("alice")
    alice.set_password(NEW_PASSWORD)
    alice.save()
    assert who(token) == (401, "Invalid token.")
