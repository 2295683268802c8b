"""PostgreSQL goes away under a running site and comes back: 503 meanwhile, then normal service.

Requests go through Django's WSGI handler as gunicorn calls it (the test client switches off the
closing of broken connections between requests, which is what recovery depends on). The outage is
real: the site's open connection is terminated by PostgreSQL and reconnecting meets a closed port.
"""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection

from tests.market_factories import VacancyFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def get(path: str, query: str = "") -> tuple[int, dict[str, str], bytes]:
    """One GET through the WSGI handler, with the request_started/finished signals a server sends."""
    environ = {"PATH_INFO": path, "QUERY_STRING": query, "HTTP_HOST": "127.0.0.1"}
    setup_testing_defaults(environ)
    started: dict = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        started.update(status=int(status.split()[0]), headers=dict(headers))

    response = WSGIHandler()(environ, start_response)
    try:
        body = b"".join(response)
    finally:
        response.close()  # sends request_finished: Django drops a connection that failed
    return started["status"], started["headers"], body


@contextmanager
def postgresql_down() -> Iterator[None]:
    """Terminate the site's connection and send reconnects to a closed port; then put it back."""
    settings_dict = connection.settings_dict
    saved = {"PORT": settings_dict["PORT"], "OPTIONS": settings_dict["OPTIONS"]}
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (site_pid,) = cursor.fetchone()
    admin = connection.copy()
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [site_pid])
    finally:
        admin.close()
    settings_dict.update(PORT="1", OPTIONS={**settings_dict["OPTIONS"], "connect_timeout": 1})
    try:
        yield
    finally:
        settings_dict.update(saved)


# The new live vacancy's re-match runs here: on the shared worker it could still be writing while
# the test database is emptied at the end, and the two deadlock.
@pytest.mark.usefixtures("tasks_in_process")
def test_the_site_answers_503_while_postgresql_is_down_and_recovers_when_it_is_back(employer_a) -> None:
    vacancy = VacancyFactory(employer=employer_a, status="live", title="Junior software developer")
    status, _, body = get("/api/v1/public/vacancies/", "search=developer")
    assert status == 200 and [item["id"] for item in json.loads(body)["results"]] == [vacancy.id]
    assert connection.connection is not None, "the site should be holding a persistent connection"

    with postgresql_down():
        api_status, api_headers, api_body = get("/api/v1/public/vacancies/", "search=developer")
        page_status, page_headers, page_body = get("/vacancies/", "search=developer")

    assert (api_status, api_headers["Retry-After"]) == (503, "30")
    assert json.loads(api_body)["detail"].startswith("Sorry, the service is unavailable")
    assert (page_status, page_headers["Retry-After"]) == (503, "30")
    assert b"Sorry, the service is unavailable" in page_body and b"Traceback" not in page_body

    status, _, body = get("/api/v1/public/vacancies/", "search=developer")
    assert status == 200 and [item["id"] for item in json.loads(body)["results"]] == [vacancy.id]
    status, _, body = get("/vacancies/", "search=developer")
    assert status == 200 and b"Junior software developer" in body
