"""Hub staff can't give an account a weak password (AUTH_PASSWORD_VALIDATORS)."""

import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short1!", "too short"),
        ("password123", "too common"),
        ("83749201934", "entirely numeric"),
        ("newstarter-example", "too similar"),
    ],
)
def test_a_new_account_with_a_weak_password_is_refused(api, hannah, employer_a, password: str, reason: str) -> None:
    response = api(hannah).post(
        "/api/v1/users/",
        {
            "username": "newstarter",
            "email": "newstarter@example.org",
            "password": password,
            "role": "employer",
            "organisation": employer_a.pk,
        },
    )
    assert response.status_code == 400
    assert reason in " ".join(response.json()["password"])
    assert not User.objects.filter(username="newstarter").exists()


def test_a_strong_password_is_accepted(api, hannah, employer_a) -> None:
    response = api(hannah).post(
        "/api/v1/users/",
        {
            "username": "newstarter",
            "password": "lantern-otter-quarry-91",
            "role": "employer",
            "organisation": employer_a.pk,
        },
    )
    assert response.status_code == 201
    assert User.objects.get(username="newstarter").check_password("lantern-otter-quarry-91")
