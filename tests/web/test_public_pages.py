"""Residents' pages: searching live vacancies and reading one, with no account and no private fields."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from apprenticeships.models import LocalAuthority, Vacancy
from tests.web.conftest import NOTES

pytestmark = pytest.mark.django_db


@pytest.fixture
def market(employer_a, employer_b, make_vacancy):
    return {
        "live": make_vacancy(employer_a, Vacancy.Status.LIVE, title="Live in Liverpool"),
        "wirral": make_vacancy(
            employer_b, Vacancy.Status.LIVE, title="Live in Wirral", postcode="CH47 2AA", weekly_wage=Decimal("400")
        ),
        "draft": make_vacancy(employer_a, title="Draft only"),
        "submitted": make_vacancy(employer_a, Vacancy.Status.SUBMITTED, title="Waiting for QA"),
        "closed": make_vacancy(employer_a, Vacancy.Status.CLOSED, title="Closed already"),
    }


def test_the_search_lists_only_live_vacancies(client, market):
    body = client.get(reverse("vacancy-search")).text

    assert "2 apprenticeships open for applications" in body
    assert "Live in Liverpool" in body and "Live in Wirral" in body
    for hidden in ("Draft only", "Waiting for QA", "Closed already"):
        assert hidden not in body
    assert "Employer A" in body
    assert "£300 a week for 30 hours" in body
    assert "L1, Liverpool" in body and "CH47, Wirral" in body
    assert "L1 8JQ" not in body  # the district only, never the full postcode
    assert NOTES not in body


def test_the_search_filters_by_text_and_area(client, market):
    wirral = LocalAuthority.objects.get(name="Wirral").code

    by_area = client.get(reverse("vacancy-search"), {"local_authority": wirral}).text
    by_text = client.get(reverse("vacancy-search"), {"q": "LIVE IN WIRRAL"}).text

    assert "1 apprenticeship found" in by_area and "Live in Wirral" in by_area and "Live in Liverpool" not in by_area
    assert "Live in Wirral" in by_text and "Live in Liverpool" not in by_text


def test_a_postcode_shows_distances_and_sorts_nearest_first(client, market):
    response = client.get(reverse("vacancy-search"), {"postcode": "ch47 2aa", "sort": "distance"})

    body = response.text
    assert body.index("Live in Wirral") < body.index("Live in Liverpool")
    assert "(0.0 miles from CH47)" in body
    assert "(7.8 miles from CH47)" in body.split("Live in Liverpool")[1]  # 12.5 km: within the 10 miles default


def test_a_distance_limit_leaves_out_far_vacancies(client, market):
    body = client.get(reverse("vacancy-search"), {"postcode": "CH47", "within_miles": "5"}).text

    assert "1 apprenticeship found" in body
    assert "Live in Wirral" in body and "Live in Liverpool" not in body


def test_an_unknown_postcode_is_named_in_the_error(client, market):
    response = client.get(reverse("vacancy-search"), {"postcode": "ZZ99 9ZZ"})

    assert "There is a problem" in response.text
    assert '<a href="#id_postcode">We could not find the postcode district ZZ99 of “ZZ99 9ZZ”' in response.text
    assert response.context["page"] is None


def test_sorting_by_distance_needs_a_postcode(client, market):
    response = client.get(reverse("vacancy-search"), {"sort": "distance"})

    assert "Enter your postcode to sort by distance" in response.text


def test_no_results_says_how_to_improve_the_search(client, market):
    body = client.get(reverse("vacancy-search"), {"q": "astronaut"}).text

    assert "No apprenticeships match your search" in body
    assert "checking your spelling" in body


def test_results_are_paginated_keeping_the_query(client, employer_a, make_vacancy):
    for number in range(22):
        make_vacancy(employer_a, Vacancy.Status.LIVE, title=f"Developer {number}")

    first = client.get(reverse("vacancy-search"), {"q": "developer"})
    second = client.get(reverse("vacancy-search"), {"q": "developer", "page": 2})

    assert "22 apprenticeships found" in first.text
    assert "Showing 1 to 20 of 22" in first.text
    assert "?q=developer&amp;page=2" in first.text
    assert "Showing 21 to 22 of 22" in second.text


def test_the_detail_page_shows_public_fields_only(client, market):
    live = market["live"]

    body = client.get(reverse("vacancy-public", args=[live.pk])).text

    assert "Live in Liverpool" in body and "Employer A" in body
    assert "£300 a week" in body and "30 hours a week" in body
    assert "L1, Liverpool" in body
    assert "Build and test web applications" in body
    assert NOTES not in body
    assert "L1 8JQ" not in body
    assert "levy" not in body.lower() and "£18,000" not in body


@pytest.mark.parametrize("which", ["draft", "submitted", "closed"])
def test_the_detail_page_is_not_found_unless_live(client, market, which):
    assert client.get(reverse("vacancy-public", args=[market[which].pk])).status_code == 404


def test_a_live_vacancy_past_its_closing_date_is_not_found(client, market):
    live = market["live"]
    Vacancy.objects.filter(pk=live.pk).update(closing_date=timezone.localdate() - timedelta(days=1))

    assert client.get(reverse("vacancy-public", args=[live.pk])).status_code == 404
    assert "Live in Liverpool" not in client.get(reverse("vacancy-search")).text


@pytest.mark.parametrize("page", ["0", "-1"])
def test_the_standards_list_below_page_1_shows_the_first_page_not_the_last(client, page):
    # The shipped catalogue fills several pages of 25 (FirstPagePaginator; Django's own shows the last page).
    body = client.get(reverse("standard-list"), {"page": page}).text

    assert "Showing 1 to 25 of" in body
