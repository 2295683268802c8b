"""Every list endpoint of the API asks the database the same number of questions whatever the number of
rows it lists (no query per row): no more for a page of many rows than for a page of one, as a role
allowed to list it (a page that is not full may ask one fewer: its rows give the total, not a count)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from matching.models import Suggestion
from matching.services import run_full_now
from tests.factories import ApplicationFactory

# `make test` runs this module in its second process, beside the fuzzing, so the two take about as long.
pytestmark = [pytest.mark.django_db, pytest.mark.second_process]

# (list URL, the persona that lists it, extra query parameters)
LISTS = [
    ("/api/v1/standards/", "hannah", {}),
    ("/api/v1/standards/", None, {}),
    ("/api/v1/employers/", "hannah", {}),
    ("/api/v1/providers/", "hannah", {}),
    ("/api/v1/users/", "hannah", {}),
    ("/api/v1/vacancies/", "hannah", {}),
    ("/api/v1/vacancies/", "alice", {}),
    ("/api/v1/public/vacancies/", None, {}),
    ("/api/v1/public/vacancies/", None, {"search": "developer", "postcode": "L1", "ordering": "distance"}),
    ("/api/v1/public/vacancies/", None, {"search": "developer", "ordering": "relevance"}),
    ("/api/v1/applications/", "hannah", {}),
    ("/api/v1/course-offers/", "hannah", {}),
    ("/api/v1/course-offers/", "alice", {}),
    ("/api/v1/training/", "alice", {}),
    ("/api/v1/suggestions/", "hannah", {}),
    ("/api/v1/suggestions/", "hannah", {"status": "suggested"}),
    ("/api/v1/suggestions/", "alice", {}),
    ("/api/v1/gaps/", "hannah", {}),
    ("/api/v1/match-runs/", "hannah", {}),
]


@pytest.fixture
def listed(small_market, alice, bob, priya, quentin, hannah):
    """Two full runs over the small market, some introductions and applications: two or more rows in each list."""
    run_full_now()
    run_full_now()
    Suggestion.objects.filter(vacancy=small_market.alices).update(status=Suggestion.Status.APPROVED)
    for vacancy in (small_market.alices, small_market.bobs):
        ApplicationFactory(vacancy=vacancy)
        ApplicationFactory(vacancy=vacancy)
    return small_market


@pytest.mark.parametrize(("url", "persona", "params"), LISTS)
def test_a_list_asks_as_many_queries_for_many_rows_as_for_one(api, request, listed, url, persona, params):
    client = api(request.getfixturevalue(persona) if persona else None)

    def queries(page_size: int) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, {**params, "page_size": page_size})
        assert response.status_code == 200, response.content
        return len(response.json()["results"]), len(captured)

    queries(1)  # the first request also looks up the user's role, once
    (one_row, few), (many_rows, more) = queries(1), queries(100)

    assert one_row == 1 and many_rows >= 2
    assert more in (few, few - 1)  # the page of 100 is not full: its rows are the total, not counted
