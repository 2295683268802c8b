"""The public vacancy search: live vacancies only, no private field, searchable and sortable, no login."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apprenticeships.models import Vacancy
from tests.market_factories import NETWORK_ENGINEER, VacancyFactory, days_ahead, standard

pytestmark = pytest.mark.django_db

URL = "/api/v1/public/vacancies/"
PUBLIC_KEYS = {
    "id",
    "title",
    "description",
    "standard",
    "level",
    "positions",
    "weekly_wage",
    "hours_per_week",
    "postcode",
    "local_authority",
    "start_date",
    "closing_date",
    "employer_name",
    "standard_title",
    "foundation_apprenticeship",
    "annual_wage",
    "duration_months",
    "age_groups",
    "posted_on",
    "distance_miles",
    "apply_url",  # where to apply: the employer's own page, or empty to apply here
}


@pytest.fixture
def live(employer_a) -> dict[str, Vacancy]:
    """Three live vacancies with different places, wages and dates, so each sort order differs."""
    return {
        "liverpool": VacancyFactory(
            employer=employer_a,
            status="live",
            title="Junior software developer",
            postcode="L1 8JQ",
            weekly_wage=300,
            closing_date=days_ahead(14),
            start_date=days_ahead(60),
        ),
        "southport": VacancyFactory(
            employer=employer_a,
            status="live",
            title="Electrician",
            standard=standard(5),  # level 3
            postcode="PR9 0AA",
            weekly_wage=400,
            closing_date=days_ahead(10),
            start_date=days_ahead(30),
        ),
        "halton": VacancyFactory(
            employer=employer_a,
            status="live",
            title="Infrastructure technician",
            description="Look after our Runcorn offices' kit.",
            standard=standard(NETWORK_ENGINEER),
            postcode="WA7 1AA",
            weekly_wage=250,
            closing_date=days_ahead(21),
            start_date=days_ahead(25),
        ),
    }


def names(response, live: dict[str, Vacancy]) -> list[str]:
    assert response.status_code == 200, response.content
    by_id = {vacancy.id: name for name, vacancy in live.items()}
    return [by_id.get(item["id"], f"other {item['id']}") for item in response.json()["results"]]


@pytest.mark.parametrize("status", ["draft", "submitted", "closed", "filled", "withdrawn"])
def test_anyone_sees_live_vacancies_and_nothing_else(api, employer_a, live, status):
    VacancyFactory(employer=employer_a, status=status, title="Not public")

    response = api().get(URL)

    assert sorted(names(response, live)) == ["halton", "liverpool", "southport"]


def test_a_live_vacancy_is_listed_until_the_end_of_its_closing_date(api, live):
    Vacancy.objects.filter(pk=live["liverpool"].pk).update(closing_date=timezone.localdate())
    Vacancy.objects.filter(pk=live["halton"].pk).update(closing_date=timezone.localdate() - timedelta(days=1))

    response = api().get(URL)

    assert sorted(names(response, live)) == ["liverpool", "southport"]
    assert api().get(f"{URL}{live['halton'].id}/").status_code == 404


def test_each_item_shows_only_the_public_fields(api, live):
    item = next(i for i in api().get(URL).json()["results"] if i["id"] == live["liverpool"].id)

    assert set(item) == PUBLIC_KEYS
    assert item["postcode"] == "L1"  # the district only, never the full postcode
    assert item["local_authority"] == {"code": "E08000012", "name": "Liverpool"}
    assert item["employer_name"] == "Employer A"
    assert (item["standard"], item["level"], item["weekly_wage"]) == (2, 4, 300.0)
    assert item["closing_date"] == days_ahead(14).isoformat()
    assert "8JQ" not in str(item)
    assert live["liverpool"].notes not in str(item)


def test_the_detail_of_a_live_vacancy_shows_only_the_public_fields(api, live):
    response = api().get(f"{URL}{live['southport'].id}/")

    assert response.status_code == 200
    assert set(response.json()) == PUBLIC_KEYS
    assert response.json()["postcode"] == "PR9"


@pytest.mark.parametrize("status", ["draft", "submitted", "closed", "withdrawn"])
def test_the_detail_of_a_vacancy_that_is_not_live_is_not_found(api, employer_a, status):
    vacancy = VacancyFactory(employer=employer_a, status=status)

    response = api().get(f"{URL}{vacancy.id}/")

    assert response.status_code == 404
    assert "title" not in response.json()


def test_signed_in_users_see_the_same_public_list(api, alice, priya, live):
    anonymous = api().get(URL).json()

    assert api(alice).get(URL).json() == anonymous
    assert api(priya).get(URL).json() == anonymous


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("search=electric", ["southport"]),
        ("search=RUNCORN", ["halton"]),
        ("search=network+engineer", ["halton"]),  # the standard's title
        ("level=3", ["southport"]),
        ("level=4", ["liverpool", "halton"]),
        ("local_authority=E08000014", ["southport"]),
        ("local_authority=sefton", ["southport"]),
        ("local_authority=Halton", ["halton"]),
        ("local_authority=Wirral", []),
        ("postcode=L1+8JQ&within_km=10", ["liverpool"]),
        ("postcode=L1&within_km=25", ["liverpool", "halton"]),
        ("postcode=L1&within_km=40", ["liverpool", "halton", "southport"]),
        ("search=developer&level=3", []),
    ],
)
def test_the_public_can_search_by_text_level_local_authority_and_distance(api, live, query, found):
    assert sorted(names(api().get(f"{URL}?{query}"), live)) == sorted(found)


@pytest.mark.parametrize(
    ("query", "order"),
    [
        ("", ["southport", "liverpool", "halton"]),  # closing soonest first
        ("ordering=closing_date", ["southport", "liverpool", "halton"]),
        ("ordering=wage", ["southport", "liverpool", "halton"]),  # best paid first
        ("ordering=start_date", ["halton", "southport", "liverpool"]),
        ("ordering=distance&postcode=L1+8JQ&within_miles=all", ["liverpool", "halton", "southport"]),
        ("ordering=distance&postcode=PR9&within_miles=all", ["southport", "liverpool", "halton"]),
        ("ordering=distance&postcode=WA7&within_km=100", ["halton", "liverpool", "southport"]),
    ],
)
def test_the_public_can_sort_by_closing_date_wage_start_date_and_distance(api, live, query, order):
    assert names(api().get(f"{URL}?{query}"), live) == order


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("postcode=NOPE!", "postcode"),
        ("postcode=ZZ9+9ZZ", "postcode"),
        ("within_km=10", "within_km"),
        ("postcode=L1&within_km=far", "within_km"),
        ("postcode=L1&within_km=0", "within_km"),
        ("ordering=salary", "ordering"),
        ("ordering=distance", "ordering"),
        ("level=9", "level"),
        ("level=four", "level"),
        ("local_authority=Narnia", "local_authority"),
    ],
)
def test_a_bad_search_is_a_400_naming_the_parameter(api, live, query, parameter):
    response = api().get(f"{URL}?{query}")

    assert response.status_code == 400
    assert parameter in response.json()


def test_the_public_list_costs_the_same_queries_for_3_or_20_vacancies(api, employer_a, employer_b):
    VacancyFactory.create_batch(12, employer=employer_a, status="live")
    VacancyFactory.create_batch(12, employer=employer_b, status="live", postcode="CH41 1AA")
    api().get(f"{URL}?postcode=L1")  # the postcode's place is read once, then kept (apprenticeships/places.py)
    counts = []
    for size in (3, 20):
        with CaptureQueriesContext(connection) as queries:
            response = api().get(f"{URL}?page_size={size}&postcode=L1&ordering=distance")
        assert len(response.json()["results"]) == size
        counts.append(len(queries))

    assert counts[0] == counts[1]
