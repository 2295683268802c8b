"""Lists say how many rows they have: exactly up to EXACT_COUNT_LIMIT (10,000), above it the database's
estimate, labelled as one (the API's `count_is_estimate`, "about" on the pages). A low limit stands in
for 10,000 rows here."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lcr_skills import counting
from lcr_skills.counting import Total, total_of
from matching.models import Suggestion
from matching.services import run_full_now

pytestmark = pytest.mark.django_db


def test_a_total_within_the_limit_is_exact(api, search_market):
    body = api().get("/api/v1/public/vacancies/").json()

    assert body["count"] == 4
    assert body["count_is_estimate"] is False
    assert list(body)[:2] == ["count", "count_is_estimate"]  # beside `count`, which keeps its name and place


def test_a_total_above_the_limit_is_labelled_an_estimate(api, search_market, settings):
    settings.EXACT_COUNT_LIMIT = 2

    body = api().get("/api/v1/public/vacancies/").json()

    assert body["count_is_estimate"] is True
    assert body["count"] > 2  # never below the rows known to be there
    assert len(body["results"]) == 4  # the rows themselves are all there


def test_the_search_page_says_about_when_its_total_is_an_estimate(search_market, settings):
    settings.EXACT_COUNT_LIMIT = 2

    every = Client().get("/vacancies/").content.decode()
    one = Client().get("/vacancies/", {"q": "electrician"}).content.decode()

    assert re.search(r"about \d+ apprenticeships open for applications", " ".join(every.split()))
    assert "1 apprenticeship found" in one and "about " not in one


def test_the_review_queue_says_about_when_its_total_is_an_estimate(small_market, hannah, settings):
    run_full_now()
    waiting = Suggestion.objects.filter(status=Suggestion.Status.SUGGESTED).count()
    client = Client()
    client.force_login(hannah)

    exact = client.get("/hub/suggestions/").content.decode()
    settings.EXACT_COUNT_LIMIT = waiting - 1
    estimated = client.get("/hub/suggestions/").content.decode()

    assert f"{waiting} suggestions waiting for review" in exact
    assert "about " in estimated and "suggestions waiting for review" in estimated


@pytest.mark.parametrize(
    ("total", "shown"),
    [
        (Total(9_876, estimated=False), "9,876"),
        (Total(12_345, estimated=True), "about 12,000"),
        (Total(143_764, estimated=True), "about 140,000"),
        (Total(10_001, estimated=True), "about 10,000"),
    ],
)
def test_an_estimate_is_shown_to_two_significant_figures(total, shown):
    assert total.shown == shown


def test_counting_stops_past_the_limit(search_market, settings):
    from apprenticeships.models import Vacancy

    assert total_of(Vacancy.objects.all(), exact_up_to=10) == Total(4, estimated=False)
    assert total_of(Vacancy.objects.all(), exact_up_to=3).estimated


def count_queries(captured: CaptureQueriesContext) -> int:
    return sum("COUNT(" in query["sql"].upper() for query in captured.captured_queries)


@pytest.mark.parametrize(
    ("page_size", "page", "shown", "counted"),
    [
        (25, 1, 4, False),  # one page holds every match: its rows are the total
        (3, 2, 1, False),  # the last page, not full: three rows before it and one on it
        (3, 1, 3, True),  # a full page: more may follow, so they are counted
    ],
)
def test_a_page_that_is_not_full_gives_the_total_without_counting(api, search_market, page_size, page, shown, counted):
    client = api()
    with CaptureQueriesContext(connection) as captured:
        body = client.get("/api/v1/public/vacancies/", {"page_size": page_size, "page": page}).json()

    assert (body["count"], body["count_is_estimate"], len(body["results"])) == (4, False, shown)
    assert (count_queries(captured) == 1) is counted


def test_a_page_past_the_end_is_still_not_found_and_the_pages_still_fall_back(search_market):
    for page in ("3", "99999999999999999999", "0", "1.5", "x"):  # past the end, past any count, not a page
        assert Client().get("/api/v1/public/vacancies/", {"page_size": 3, "page": page}).status_code == 404, page
    last = Client().get("/vacancies/", {"page": 99}).content.decode()  # the page falls back to the last one
    first = Client().get("/vacancies/", {"page": "x"}).content.decode()  # and to the first for a non-number
    assert "4 apprenticeships open for applications" in " ".join(last.split())
    assert "4 apprenticeships open for applications" in " ".join(first.split())


@pytest.mark.parametrize("page", ["0", "-1"])
def test_the_search_page_below_1_falls_back_to_the_first_not_the_last(search_market, monkeypatch, page):
    monkeypatch.setattr("apprenticeships.views.public.PAGE_SIZE", 1)  # four pages of one

    shown = " ".join(Client().get("/vacancies/", {"sort": "closing_date", "page": page}).content.decode().split())

    assert "Showing 1 to 1 of 4" in shown  # Django's get_page would show the last: "Showing 4 to 4"


def test_the_search_page_with_a_few_matches_is_not_counted_either(search_market):
    with CaptureQueriesContext(connection) as captured:
        page = Client().get("/vacancies/").content.decode()  # no ?page=: the first

    assert "4 apprenticeships open for applications" in " ".join(page.split())
    assert count_queries(captured) == 0


@pytest.mark.parametrize(("ordering", "search", "found"), [("distance", "", 4), ("relevance", "technician", 2)])
def test_a_search_sorted_by_a_worked_out_key_counts_its_matches_with_the_page(
    api, search_market, settings, ordering, search, found
):
    # Sorting by distance or relevance reads every match anyway: the total comes with the page, exact however many.
    settings.EXACT_COUNT_LIMIT = 1
    params = {"search": search, "postcode": "L36", "within_miles": "all", "ordering": ordering, "page_size": 1}
    client = api()

    with CaptureQueriesContext(connection) as captured:
        first = client.get("/api/v1/public/vacancies/", params).json()
    assert (first["count"], first["count_is_estimate"]) == (found, False)
    counted = [query["sql"] for query in captured.captured_queries if "COUNT(" in query["sql"].upper()]
    assert len(counted) == 1 and "OVER ()" in counted[0]  # with the page's ids: no second search to count them

    pages = [client.get("/api/v1/public/vacancies/", {**params, "page": n}).json() for n in range(2, found + 1)]
    assert all((page["count"], page["count_is_estimate"]) == (found, False) for page in pages)
    assert len({row["id"] for page in [first, *pages] for row in page["results"]}) == found
    assert pages[-1]["next"] is None
    # Past the end: not found, as for any list; the page falls back to the last one with the same exact total.
    assert client.get("/api/v1/public/vacancies/", {**params, "page": found + 1}).status_code == 404
    page_params = {"q": search, "postcode": "L36", "within_miles": "all", "sort": ordering, "page": 999}
    past = " ".join(Client().get("/vacancies/", page_params).content.decode().split())
    assert re.search(r"(about )?[\d,]+ apprenticeships? found", past).group() == f"{found} apprenticeships found"


def test_a_search_in_date_order_is_still_counted_on_its_own(api, search_market, settings):
    # In date order the page may come from an index walk that stops after it, so the count is a query of its own,
    # which stops at the limit.
    settings.EXACT_COUNT_LIMIT = 2

    with CaptureQueriesContext(connection) as captured:
        body = api().get("/api/v1/public/vacancies/", {"page_size": 2, "ordering": "closing_date"}).json()

    assert body["count_is_estimate"] is True
    assert "OVER ()" not in " ".join(query["sql"] for query in captured.captured_queries)


def test_under_an_estimate_too_low_every_row_can_still_be_reached(api, search_market, settings, monkeypatch):
    # PostgreSQL's estimate can fall short of the rows there are: a full page still leads to the next one.
    settings.EXACT_COUNT_LIMIT = 1
    monkeypatch.setattr(counting, "total_of", lambda queryset: Total(2, estimated=True))
    client, params = api(), {"ordering": "closing_date", "page_size": 1}

    pages, link = [], "/api/v1/public/vacancies/?" + "&".join(f"{k}={v}" for k, v in params.items())
    while link:
        body = client.get(link).json()
        pages.append(body)
        link = body["next"]

    assert all((page["count"], page["count_is_estimate"]) == (2, True) for page in pages)
    assert len({row["id"] for page in pages for row in page["results"]}) == 4  # all four, past the estimate


def test_the_search_page_under_an_estimate_too_low_leads_on_and_ends_where_its_rows_do(
    search_market, settings, monkeypatch
):
    settings.EXACT_COUNT_LIMIT = 1
    monkeypatch.setattr(counting, "total_of", lambda queryset: Total(2, estimated=True))
    monkeypatch.setattr("apprenticeships.views.public.PAGE_SIZE", 1)

    page = " ".join(Client().get("/vacancies/", {"sort": "closing_date", "page": 3}).content.decode().split())

    assert "Showing 3 to 3 of about 2" in page  # its own row, past the estimate
    assert re.search(r'href="\?[^"]*page=4[^"]*" rel="next"', page)  # and on to the next
    assert "(page 3 of" not in page  # no "page 3 of 2" in its title
