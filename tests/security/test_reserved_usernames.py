"""Usernames the service keeps for itself can't be taken, and erasure never trips over one that was.

The attack this answers: hub staff created user `erased-10`, then erased user 10, whom erasure
renames to `erased-10`: a 500 (IntegrityError).
"""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from apprenticeships.models import Role
from apprenticeships.services import user_create
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "aintree-canal-heron-31"
RESERVED = ["erased-10", "ERASED-7", "admin", "Administrator", "root", "system", "hub", "anonymous", "superuser"]


@pytest.mark.parametrize("username", RESERVED)
def test_hub_staff_cannot_create_a_reserved_username_through_the_api(api, hannah, employer_a, username) -> None:
    response = api(hannah).post(
        "/api/v1/users/",
        {"username": username, "password": NEW_PASSWORD, "role": "employer", "organisation": employer_a.pk},
    )

    assert response.status_code == 400
    assert response.json() == {"username": ["This username is reserved. Choose another."]}
    assert not User.objects.filter(username=username).exists()


def test_a_username_that_only_contains_a_reserved_word_is_fine(api, hannah, employer_a) -> None:
    response = api(hannah).post(
        "/api/v1/users/",
        {"username": "hub-liaison-erased", "password": NEW_PASSWORD, "role": "employer", "organisation": employer_a.pk},
    )
    assert response.status_code == 201


def test_the_service_refuses_a_reserved_username_whoever_calls_it() -> None:
    with pytest.raises(ValidationError) as refused:
        user_create(username="root", password=NEW_PASSWORD, role=Role.HUB)
    assert refused.value.message_dict == {"username": ["This username is reserved. Choose another."]}
    assert not User.objects.filter(username="root").exists()


def test_the_admin_refuses_a_reserved_username_for_a_new_account(superuser) -> None:
    admin = Client()
    admin.force_login(superuser)

    response = admin.post(
        "/admin/auth/user/add/",
        {"username": "erased-10", "usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert "This username is reserved. Choose another." in response.content.decode()
    assert not User.objects.filter(username="erased-10").exists()


def test_the_admin_refuses_renaming_an_account_to_a_reserved_username(superuser, alice) -> None:
    admin = Client()
    admin.force_login(superuser)
    joined = timezone.localtime(alice.date_joined)

    response = admin.post(
        f"/admin/auth/user/{alice.pk}/change/",
        {
            "username": "system",
            "is_active": "on",
            "date_joined_0": joined.strftime("%Y-%m-%d"),
            "date_joined_1": joined.strftime("%H:%M:%S"),
        },
    )

    assert response.status_code == 200
    assert "This username is reserved. Choose another." in response.content.decode()
    alice.refresh_from_db()
    assert alice.username == "alice"


def test_erasing_someone_whose_erased_name_is_already_taken_still_erases_them(api, hannah, alice) -> None:
    # Made before usernames were checked: it holds the name erasure would give Alice.
    squatter = User.objects.create_user(username=f"erased-{alice.pk}", password=PASSWORD)

    response = api(hannah).post(f"/api/v1/users/{alice.pk}/erase/")

    assert response.status_code == 200
    alice.refresh_from_db()
    assert alice.username.startswith(f"erased-{alice.pk}-")
    assert (alice.email, alice.is_active) == ("", False)
    squatter.refresh_from_db()
    assert squatter.username == f"erased-{alice.pk}"
