"""The public search's filters, on the page and in the API alike: distance in miles (or km), age group,
level, foundation apprenticeships; bad values refused; the total shown."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from tests.search.conftest import BUILDING_SERVICES, make_foundation

pytestmark = pytest.mark.django_db

URL = "/api/v1/public/vacancies/"


def api_titles(api, **params) -> list[str]:
    response = api().get(f"{URL}?{urlencode(params, doseq=True)}")
    assert response.status_code == 200, response.content
    return sorted(item["title"] for item in response.json()["results"])


def test_within_5_miles_of_l36_keeps_4_5_miles_and_leaves_out_5_8(api, search_market):
    found = api_titles(api, postcode="L36 9XY", within_miles=5)

    assert found == ["Maintenance apprentice", "Plumbing and heating technician"]  # WA10 4.5 mi, L35 2.4 mi


def test_a_postcode_alone_searches_within_10_miles(api, search_market):
    found = api_titles(api, postcode="L36")

    # L1 is 5.8 miles away; PR9 17.7 miles.
    assert found == ["Junior software developer", "Maintenance apprentice", "Plumbing and heating technician"]
    assert "Electrician" in api_titles(api, postcode="L36", within_miles="all")
    assert "Electrician" in api_titles(api, postcode="L36", within_miles=20)


def test_each_result_says_how_many_miles_away_it_is(api, search_market):
    results = api().get(URL, {"postcode": "L36", "ordering": "distance"}).json()["results"]

    distances = [(item["postcode"], item["distance_miles"]) for item in results]
    assert distances == [("L35", 2.4), ("WA10", 4.5), ("L1", 5.8)]
    assert all(item["distance_miles"] is None for item in api().get(URL).json()["results"])


def test_within_km_still_works_for_api_clients(api, search_market):
    assert api_titles(api, postcode="L36", within_km=9) == ["Maintenance apprentice", "Plumbing and heating technician"]
    assert len(api_titles(api, postcode="L36", within_km=30)) == 4


def test_open_to_16_to_18_leaves_out_vacancies_for_older_apprentices(api, search_market):
    found = api_titles(api, age_group="16-18")

    # The maintenance vacancy is for 19 and over; the others are open to every age or to 16 to 21.
    assert found == ["Electrician", "Junior software developer", "Plumbing and heating technician"]


def test_levels_2_and_3_together(api, search_market):
    assert api_titles(api, level=[2, 3]) == ["Electrician", "Maintenance apprentice", "Plumbing and heating technician"]
    assert api_titles(api, level=4) == ["Junior software developer"]


def test_foundation_apprenticeships_only(api, search_market):
    assert api_titles(api, foundation="true") == []

    make_foundation(BUILDING_SERVICES)

    assert api_titles(api, foundation="true") == ["Electrician", "Plumbing and heating technician"]
    item = next(i for i in api().get(URL, {"foundation": "true"}).json()["results"])
    assert item["foundation_apprenticeship"] is True


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"postcode": "L36", "within_miles": "7"}, "within_miles"),
        ({"postcode": "L36", "within_miles": "far"}, "within_miles"),
        ({"postcode": "L36", "within_miles": "1"}, "within_miles"),
        ({"postcode": "L36", "within_miles": "101"}, "within_miles"),
        ({"within_miles": "5"}, "within_miles"),
        ({"postcode": "L36", "within_miles": "5", "within_km": "8"}, "within_miles"),
        ({"age_group": "12-15"}, "age_group"),
        ({"level": "8"}, "level"),
        ({"level": "two"}, "level"),
        ({"foundation": "maybe"}, "foundation"),
        ({"ordering": "relevance", "search": "", "postcode": "NOPE"}, "postcode"),
    ],
)
def test_a_bad_value_is_a_400_naming_the_parameter(api, search_market, query, parameter):
    response = api().get(f"{URL}?{urlencode(query)}")

    assert response.status_code == 400
    assert parameter in response.json()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"postcode": "L36", "within_miles": "7"}, "Choose a distance from the list"),
        ({"within_miles": "5"}, "Enter your postcode to search within a distance of it"),
        ({"age_group": "12-15"}, "Choose an age group from the list"),
        ({"level": "9"}, "Choose levels from the list"),
        ({"local_authority": "Halton"}, "Choose an area from the list"),  # was "Choose a area"
        ({"sort": "banana"}, "Choose how to sort the results from the list"),
        ({"postcode": "L36", "reachable_within_minutes": "7"}, "Choose a journey time from the list"),
    ],
)
def test_a_bad_value_on_the_page_is_a_form_error_and_no_results(client, search_market, query, message):
    body = client.get(reverse("vacancy-search"), query).text

    assert "govuk-error-summary" in body
    assert message in body
    assert "Plumbing and heating technician" not in body


def test_the_page_filters_as_the_api_does_and_shows_the_total(client, search_market):
    body = client.get(
        reverse("vacancy-search"), {"postcode": "L36", "within_miles": "5", "age_group": "16-18", "level": ["2", "3"]}
    ).text

    assert "1 apprenticeship found within 5 miles of L36" in body
    assert "Plumbing and heating technician" in body and "Maintenance apprentice" not in body
    assert "(2.4 miles from L36)" in body


def test_the_page_shows_how_many_vacancies_match(client, search_market):
    # With a postcode the search reaches 10 miles unless told otherwise: the heading says so.
    assert (
        "3 apprenticeships found within 10 miles of L36<"
        in client.get(reverse("vacancy-search"), {"postcode": "L36"}).text
    )
    anywhere = client.get(reverse("vacancy-search"), {"postcode": "L36", "within_miles": "all"}).text
    assert "4 apprenticeships found<" in anywhere
    assert "4 apprenticeships open for applications" in client.get(reverse("vacancy-search")).text


def test_plumber_finds_the_plumbing_vacancy_on_either_database(api, search_market):
    # PostgreSQL by trigram word similarity (tests/search/test_postgres_search.py); SQLite by the word's root.
    assert api_titles(api, search="plumber") == ["Plumbing and heating technician"]
    assert api_titles(api, search="Plumbers near Huyton") == []  # every word must be found


def test_the_page_also_takes_the_apis_names_for_the_words_and_the_order(client, search_market):
    body = client.get(reverse("vacancy-search"), {"search": "plumber", "ordering": "closing_date"}).text

    assert "1 apprenticeship found" in body
    assert 'value="plumber"' in body
