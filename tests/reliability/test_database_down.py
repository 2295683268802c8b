"""While the database is unreachable the site answers 503 with a short page, never a stack trace.

Nothing is mocked: "unreachable" is a real driver failing to reach an address where nothing
listens (tests/test_healthz.py's `database_unreachable`), for the length of one request.
"""

import pytest
from django.db import connection, transaction
from django.db.utils import OperationalError
from django.test import Client, RequestFactory
from knox.models import AuthToken

from lcr_skills.middleware import DatabaseUnavailableMiddleware
from tests.market_factories import VacancyFactory
from tests.test_healthz import database_unreachable

pytestmark = pytest.mark.django_db

SORRY = "Sorry, the service is unavailable"


def assert_unavailable_page(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert f'<h1 class="govuk-heading-l">{SORRY}</h1>' in body
    assert "Traceback" not in body and "OperationalError" not in body


def assert_unavailable_api(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {"detail": f"{SORRY}. Try again in a few minutes."}


def test_a_resident_searching_vacancies_is_told_the_service_is_unavailable() -> None:
    with database_unreachable():
        response = Client().get("/vacancies/?search=developer")
    assert_unavailable_page(response)


def test_a_signed_in_hub_user_gets_the_same_page_although_their_session_cannot_be_read(hannah) -> None:
    client = Client()
    client.force_login(hannah)
    with database_unreachable():
        response = client.get("/hub/qa/")
    assert_unavailable_page(response)


def test_the_public_vacancy_api_answers_503_json() -> None:
    with database_unreachable():
        response = Client().get("/api/v1/public/vacancies/?search=developer&postcode=L1&ordering=distance")
    assert_unavailable_api(response)


def test_a_token_holder_is_told_503_not_401_when_the_token_cannot_be_checked(hannah) -> None:
    _, token = AuthToken.objects.create(user=hannah)
    with database_unreachable():
        response = Client().get("/api/v1/suggestions/?status=suggested", HTTP_AUTHORIZATION=f"Token {token}")
    assert_unavailable_api(response)


def test_the_unavailable_page_still_carries_the_security_headers() -> None:
    with database_unreachable():
        response = Client().get("/vacancies/")
    assert response.status_code == 503
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_the_site_answers_normally_on_the_next_request_once_the_database_is_back(employer_a) -> None:
    vacancy = VacancyFactory(employer=employer_a, status="live", title="Junior software developer")
    client = Client()
    with database_unreachable():
        assert client.get("/api/v1/public/vacancies/").status_code == 503
        assert client.get("/vacancies/").status_code == 503

    api = client.get("/api/v1/public/vacancies/?search=developer")
    page = client.get("/vacancies/?search=developer")

    assert [item["id"] for item in api.json()["results"]] == [vacancy.id]
    assert page.status_code == 200 and "Junior software developer" in page.content.decode()


def test_other_errors_are_left_to_the_usual_handling() -> None:
    assert Client().get("/api/v1/public/vacancies/999999999/").status_code == 404


def an_operational_error_on_a_working_connection() -> OperationalError:
    """A real error from the database that leaves the connection usable (a timeout, a missing table)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL statement_timeout = 1")
                cursor.execute("SELECT pg_sleep(1)")
            else:
                cursor.execute("SELECT * FROM no_such_table")
    except OperationalError as error:
        return error
    raise AssertionError("the database raised no error")


def test_an_error_on_a_working_connection_is_not_passed_off_as_an_outage() -> None:
    error = an_operational_error_on_a_working_connection()
    middleware = DatabaseUnavailableMiddleware(lambda request: None)

    assert middleware.process_exception(RequestFactory().get("/vacancies/"), error) is None
