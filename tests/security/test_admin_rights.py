"""Only superusers give out the power to see and change everything, in the admin and the API alike.

The attack this answers: Hannah (hub staff, not a superuser) opened her own account in the Django
admin, ticked "superuser" and saved; the token admin then listed every user's API token.
"""

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from apprenticeships.permissions import HUB_GROUP
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "crosby-iron-men-sunrise-8"


def admin_as(user: User) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def change_form(user: User, **fields: object) -> dict:
    """What the admin's change form for `user` posts, with `fields` ticked or changed."""
    joined = timezone.localtime(user.date_joined)
    return {
        "username": user.username,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": joined.strftime("%Y-%m-%d"),
        "date_joined_1": joined.strftime("%H:%M:%S"),
        **fields,
    }


def privileges(user: User) -> tuple[bool, bool, list[str], int]:
    user.refresh_from_db()
    return (
        user.is_superuser,
        user.is_staff,
        sorted(user.groups.values_list("name", flat=True)),
        user.user_permissions.count(),
    )


def test_hub_staff_who_tick_superuser_on_their_own_account_save_nothing_of_it(hannah) -> None:
    before = privileges(hannah)

    response = admin_as(hannah).post(
        f"/admin/auth/user/{hannah.pk}/change/",
        change_form(hannah, email="hannah@lcr.example", is_superuser="on", is_staff="on", user_permissions=["1"]),
    )

    assert response.status_code == 302  # the rest of the form was saved...
    hannah.refresh_from_db()
    assert hannah.email == "hannah@lcr.example"
    assert privileges(hannah) == before  # ...but not the superuser tick
    assert before[0] is False


def test_hub_staff_see_the_privilege_fields_but_cannot_change_them(hannah, alice) -> None:
    page = admin_as(hannah).get(f"/admin/auth/user/{alice.pk}/change/").content.decode()
    assert "Superuser status" in page
    assert 'name="is_superuser"' not in page
    assert 'name="is_staff"' not in page
    assert 'name="groups"' not in page
    assert 'name="user_permissions"' not in page


def test_hub_staff_cannot_make_someone_else_hub_staff_in_the_admin(hannah, alice) -> None:
    hub = Group.objects.get(name=HUB_GROUP)

    admin_as(hannah).post(
        f"/admin/auth/user/{alice.pk}/change/", change_form(alice, is_staff="on", groups=[str(hub.pk)])
    )

    assert privileges(alice) == (False, False, [], 0)
    assert APIClient().post("/api/v1/auth/token/", {"username": "alice", "password": PASSWORD}).status_code == 200


def test_a_superuser_can_make_someone_hub_staff_in_the_admin(superuser, alice) -> None:
    hub = Group.objects.get(name=HUB_GROUP)

    response = admin_as(superuser).post(
        f"/admin/auth/user/{alice.pk}/change/", change_form(alice, is_staff="on", groups=[str(hub.pk)])
    )

    assert response.status_code == 302
    assert privileges(alice) == (False, True, [HUB_GROUP], 0)


def test_hub_staff_can_neither_change_nor_delete_a_superusers_account(hannah, superuser) -> None:
    admin = admin_as(hannah)

    assert admin.get(f"/admin/auth/user/{superuser.pk}/password/").status_code == 403
    assert (
        admin.post(
            f"/admin/auth/user/{superuser.pk}/password/",
            {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        ).status_code
        == 403
    )
    admin.post(f"/admin/auth/user/{superuser.pk}/change/", change_form(superuser, email="taken@evil.example"))
    assert admin.post(f"/admin/auth/user/{superuser.pk}/delete/", {"post": "yes"}).status_code == 403

    superuser.refresh_from_db()
    assert superuser.check_password(PASSWORD)
    assert superuser.email == "sam@example.org"


def test_the_token_admin_shows_whose_tokens_exist_but_never_a_token(superuser, alice, hannah) -> None:
    token = APIClient().post("/api/v1/auth/token/", {"username": "alice", "password": PASSWORD}).json()["token"]
    stored = AuthToken.objects.get(user=alice)

    for browser in (admin_as(superuser), admin_as(hannah)):
        listing = browser.get("/admin/knox/authtoken/")
        assert listing.status_code == 200
        detail = browser.get(f"/admin/knox/authtoken/{stored.pk}/change/")
        assert detail.status_code == 200
        for page in (listing.content.decode(), detail.content.decode()):
            assert "alice" in page
            assert token not in page
            assert stored.token_key not in page  # the first characters of the token, kept to look it up
        assert browser.get("/admin/knox/authtoken/add/").status_code == 403


def test_the_old_plain_text_token_admin_is_gone(superuser) -> None:
    assert admin_as(superuser).get("/admin/authtoken/tokenproxy/").status_code == 404


def test_hub_staff_revoke_a_token_by_deleting_it_in_the_admin(hannah, alice) -> None:
    token = APIClient().post("/api/v1/auth/token/", {"username": "alice", "password": PASSWORD}).json()["token"]
    stored = AuthToken.objects.get(user=alice)

    response = admin_as(hannah).post(f"/admin/knox/authtoken/{stored.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/me/").status_code == 401


def test_hub_staff_who_are_not_superusers_cannot_create_hub_staff_through_the_api(api, hannah) -> None:
    response = api(hannah).post(
        "/api/v1/users/", {"username": "erin", "password": NEW_PASSWORD, "email": "erin@example.org", "role": "hub"}
    )

    assert response.status_code == 400
    assert response.json() == {"role": ["Only a superuser can create hub staff."]}
    assert not User.objects.filter(username="erin").exists()


def test_a_superuser_creates_hub_staff_through_the_api(api, superuser) -> None:
    response = api(superuser).post("/api/v1/users/", {"username": "erin", "password": NEW_PASSWORD, "role": "hub"})
    assert response.status_code == 201
    assert response.json()["role"] == "hub"


def test_hub_staff_who_are_not_superusers_cannot_change_a_superusers_account_through_the_api(
    api, hannah, superuser
) -> None:
    for change in ({"password": NEW_PASSWORD}, {"is_active": False}, {"email": "taken@evil.example"}):
        response = api(hannah).patch(f"/api/v1/users/{superuser.pk}/", change)
        assert response.status_code == 403
        assert response.json() == {"detail": "Only a superuser can change a superuser's account."}

    superuser.refresh_from_db()
    assert (superuser.check_password(PASSWORD), superuser.is_active, superuser.email) == (
        True,
        True,
        "sam@example.org",
    )


def test_hub_staff_who_are_not_superusers_cannot_erase_a_superuser(api, hannah, superuser) -> None:
    response = api(hannah).post(f"/api/v1/users/{superuser.pk}/erase/")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Only a superuser can erase a superuser's account."]}
    superuser.refresh_from_db()
    assert (superuser.username, superuser.is_superuser) == ("sam", True)
