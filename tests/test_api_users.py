"""Hub staff onboard user accounts; passwords go in and never come out."""

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from apprenticeships.models import Membership
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "mersey-tunnel-ferry-42"


def new_user(**overrides: object) -> dict:
    return {"username": "erin", "password": NEW_PASSWORD, "email": "erin@example.org", **overrides}


def assert_no_password_in(response) -> None:
    """Neither a password nor its hash; the word itself only as the name of a field in error."""
    text = response.content.decode()
    for secret in (NEW_PASSWORD, PASSWORD, "md5$", "pbkdf2", "argon2"):
        assert secret not in text
    if response.status_code < 400:
        results = response.json().get("results", [response.json()])
        assert all("password" not in user for user in results)


def test_hub_staff_onboard_an_employer_user(api, hannah, employer_a) -> None:
    response = api(hannah).post("/api/v1/users/", new_user(role="employer", organisation=employer_a.pk))
    assert response.status_code == 201
    body = response.json()
    assert body == {
        "id": body["id"],
        "username": "erin",
        "email": "erin@example.org",
        "role": "employer",
        "organisation": employer_a.pk,
        "organisation_name": "Employer A",
        "is_active": True,
    }
    erin = User.objects.get(username="erin")
    assert erin.check_password(NEW_PASSWORD)
    assert (erin.membership.role, erin.membership.employer) == ("employer", employer_a)
    assert not erin.is_staff


def test_hub_staff_onboard_a_provider_user(api, hannah, provider_a) -> None:
    response = api(hannah).post("/api/v1/users/", new_user(role="provider", organisation=provider_a.pk))
    assert response.status_code == 201
    assert (response.json()["role"], response.json()["organisation_name"]) == ("provider", "Provider A")
    assert User.objects.get(username="erin").membership.provider == provider_a


def test_a_superuser_onboards_a_hub_colleague_without_an_organisation(api, superuser) -> None:
    response = api(superuser).post("/api/v1/users/", new_user(role="hub"))
    assert response.status_code == 201
    assert (response.json()["role"], response.json()["organisation"]) == ("hub", None)
    erin = User.objects.get(username="erin")
    assert erin.is_staff
    assert erin.groups.filter(name="hub").exists()
    assert not Membership.objects.filter(user=erin).exists()


def test_a_new_user_can_get_a_token_and_see_who_they_are(api, hannah, employer_a) -> None:
    api(hannah).post("/api/v1/users/", new_user(role="employer", organisation=employer_a.pk))

    client = APIClient()
    token = client.post("/api/v1/auth/token/", {"username": "erin", "password": NEW_PASSWORD}).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/v1/me/").json()
    assert me == {"username": "erin", "role": "employer", "organisation": {"id": employer_a.pk, "name": "Employer A"}}


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"role": "employer"}, "organisation", "A employer user needs an organisation."),
        ({"role": "provider", "organisation": None}, "organisation", "A provider user needs an organisation."),
        ({"role": "employer", "organisation": 999_999}, "organisation", "There is no employer with id 999999."),
        ({"role": "hub", "organisation": "employer_a"}, "organisation", "Hub staff don't belong to an organisation."),
        ({"role": "admin"}, "role", '"admin" is not a valid choice.'),
        ({"role": "hub", "password": "password1234"}, "password", "This password is too common."),
        (
            {"role": "hub", "password": "short"},
            "password",
            "This password is too short. It must contain at least 10 characters.",
        ),
        ({"role": "hub", "password": "1234567890123"}, "password", "This password is entirely numeric."),
        (
            {"role": "hub", "username": "merseyrail", "password": "merseyrail1!"},
            "password",
            "The password is too similar to the username.",
        ),
        ({"role": "hub", "username": "alice"}, "username", "A user with that username already exists."),
    ],
)
def test_onboarding_a_user_with_a_bad_value_is_refused_naming_the_field(
    api, hannah, alice, employer_a, overrides, field, message
) -> None:
    if overrides.get("organisation") == "employer_a":
        overrides = {**overrides, "organisation": employer_a.pk}
    users_before = list(User.objects.values_list("username", flat=True))
    response = api(hannah).post("/api/v1/users/", new_user(**overrides))
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert message in response.json()[field]
    assert_no_password_in(response)
    assert list(User.objects.values_list("username", flat=True)) == users_before


def test_an_organisation_id_is_looked_up_among_organisations_of_the_users_role(api, hannah, provider_a) -> None:
    # Provider A exists, but there is no employer with its id: an employer user can't join it.
    response = api(hannah).post("/api/v1/users/", new_user(role="employer", organisation=provider_a.pk + 1000))
    assert response.json() == {"organisation": [f"There is no employer with id {provider_a.pk + 1000}."]}
    assert not User.objects.filter(username="erin").exists()


def test_hub_staff_list_every_user_with_role_and_organisation(api, hannah, alice, bob, priya, quentin) -> None:
    body = api(hannah).get("/api/v1/users/").json()
    assert body["count"] == 5
    rows = {user["username"]: (user["role"], user["organisation_name"]) for user in body["results"]}
    assert rows == {
        "alice": ("employer", "Employer A"),
        "bob": ("employer", "Employer B"),
        "hannah": ("hub", None),
        "priya": ("provider", "Provider A"),
        "quentin": ("provider", "Provider B"),
    }


def test_no_user_response_ever_contains_a_password(api, hannah, alice, employer_a) -> None:
    client = api(hannah)
    responses = [
        client.get("/api/v1/users/"),
        client.get(f"/api/v1/users/{alice.pk}/"),
        client.post("/api/v1/users/", new_user(role="employer", organisation=employer_a.pk)),
        client.patch(f"/api/v1/users/{alice.pk}/", {"password": NEW_PASSWORD}),
        client.patch(f"/api/v1/users/{alice.pk}/", {"password": "short"}),
    ]
    assert [r.status_code for r in responses] == [200, 200, 201, 200, 400]
    for response in responses:
        assert_no_password_in(response)


def test_hub_staff_reset_a_users_password(api, hannah, alice) -> None:
    response = api(hannah).patch(f"/api/v1/users/{alice.pk}/", {"password": NEW_PASSWORD})
    assert response.status_code == 200
    assert response.json()["username"] == "alice"
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert not alice.check_password(PASSWORD)


def test_a_weak_new_password_is_refused_and_the_old_one_still_works(api, hannah, alice) -> None:
    response = api(hannah).patch(f"/api/v1/users/{alice.pk}/", {"password": "password123"})
    assert response.status_code == 400
    assert list(response.json()) == ["password"]
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_hub_staff_switch_off_a_users_account(api, hannah, alice) -> None:
    response = api(hannah).patch(f"/api/v1/users/{alice.pk}/", {"is_active": False, "email": "gone@example.org"})
    assert response.status_code == 200
    assert (response.json()["is_active"], response.json()["email"]) == (False, "gone@example.org")
    alice.refresh_from_db()
    assert (alice.is_active, alice.email) == (False, "gone@example.org")


def test_changing_a_users_role_or_organisation_is_not_offered(api, hannah, alice, employer_b) -> None:
    response = api(hannah).patch(f"/api/v1/users/{alice.pk}/", {"role": "hub", "organisation": employer_b.pk})
    assert response.status_code == 200
    assert (response.json()["role"], response.json()["organisation_name"]) == ("employer", "Employer A")
    alice.refresh_from_db()
    assert alice.membership.employer.name == "Employer A"
    assert not alice.groups.exists()
