"""Nothing personal or exported is kept by a browser's or a proxy's cache (issue 12).

The finding: personal-data exports, the CSVs and the hub's pages came without `Cache-Control:
no-store`, so a shared computer's browser cache or a proxy could keep them. Now every answer to a
signed-in user or an API call with credentials says no-store; public pages asked for anonymously
stay cacheable.
"""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def token_client(user) -> APIClient:
    """An API client signed with a token, got as a client gets one."""
    response = APIClient().post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def never_stored(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_a_personal_data_export_from_the_api_is_never_stored(hannah, alice) -> None:
    response = token_client(hannah).get(f"/api/v1/users/{alice.pk}/export/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_a_personal_data_export_from_the_admin_is_never_stored(hannah, alice) -> None:
    response = browser(hannah).post(
        "/admin/auth/user/", {"action": "export_personal_data", "_selected_action": [alice.pk]}
    )

    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert never_stored(response)


def test_the_dashboards_csv_exports_are_never_stored(hannah) -> None:
    response = browser(hannah).get(reverse("dashboard-export", args=["coverage-by-standard"]))

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "no-store"


def test_the_offer_template_csv_is_never_stored_from_the_page_or_the_api(priya) -> None:
    page = browser(priya).get(reverse("provider-offer-template"))
    api = token_client(priya).get("/api/v1/course-offers/import/template/")

    assert (page.status_code, api.status_code) == (200, 200)
    assert page["Cache-Control"] == api["Cache-Control"] == "no-store"


HUB_PAGES = ["hub-qa-queue", "dashboard", "matching-suggestions", "matching-gaps", "matching-runs"]


@pytest.mark.parametrize("page", HUB_PAGES)
def test_hub_pages_are_never_stored(hannah, page: str) -> None:
    response = browser(hannah).get(reverse(page))

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Pragma"] == "no-cache"


def test_every_page_for_a_signed_in_user_is_never_stored_even_a_public_one(alice) -> None:
    for url in (reverse("employer-vacancies"), reverse("home"), reverse("vacancy-search")):
        assert never_stored(browser(alice).get(url)), url


def test_api_answers_to_a_signed_in_caller_are_never_stored(alice) -> None:
    session = APIClient()
    session.force_login(alice)

    assert token_client(alice).get("/api/v1/me/")["Cache-Control"] == "no-store"
    assert session.get("/api/v1/vacancies/")["Cache-Control"] == "no-store"
    # Even the public list: the caller sent credentials.
    assert token_client(alice).get("/api/v1/public/vacancies/")["Cache-Control"] == "no-store"


def test_the_answer_holding_a_new_token_is_never_stored(alice) -> None:
    response = APIClient().post("/api/v1/auth/token/", {"username": "alice", "password": PASSWORD})

    assert response.status_code == 200 and "token" in response.json()
    assert never_stored(response)


@pytest.mark.parametrize(
    "url", ["/", "/vacancies/", "/standards/", "/about/data/", "/api/v1/public/vacancies/", "/api/v1/standards/"]
)
def test_public_pages_asked_for_anonymously_stay_cacheable(url: str) -> None:
    client = APIClient() if url.startswith("/api/") else Client()
    response = client.get(url)

    assert response.status_code == 200
    assert not response.has_header("Cache-Control")


def test_an_answer_that_already_says_how_to_cache_it_is_left_alone(hannah) -> None:
    response = browser(hannah).get("/healthz")

    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert not response.has_header("Pragma")
