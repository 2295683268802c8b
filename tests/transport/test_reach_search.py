"""The public search: "reachable by public transport from my postcode within N minutes"."""

from io import StringIO

import pytest
from django.core.management import call_command

from apprenticeships.models import Vacancy
from tests.market_factories import VacancyFactory
from tests.transport.feeds import gtfs_zip

pytestmark = pytest.mark.django_db

STOPS = {"2800L1": (53.402036, -2.980503), "2800L36": (53.414555, -2.841770)}
TRIPS = {"out": [("2800L1", "08:00"), ("2800L36", "08:30")]}  # 32 minutes door to door


@pytest.fixture
def vacancies(tmp_path, employer_a):
    call_command("import_gtfs", str(gtfs_zip(tmp_path / "feed.zip", STOPS, TRIPS)), stdout=StringIO())
    return {
        "knowsley": VacancyFactory(
            employer=employer_a, status=Vacancy.Status.LIVE, postcode="L36 9YU", title="Knowsley"
        ),
        "runcorn": VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE, postcode="WA7 1AB", title="Runcorn"),
    }


def titles(api, **params) -> list[str]:
    response = api().get("/api/v1/public/vacancies/", params)
    assert response.status_code == 200, response.content
    return sorted(row["title"] for row in response.json()["results"])


def test_only_workplaces_reached_in_time_are_listed(api, vacancies):
    assert titles(api, postcode="L1 8JQ", reachable_within_minutes=45) == ["Knowsley"]
    assert titles(api, postcode="L1 8JQ", reachable_within_minutes=30) == []
    assert titles(api, postcode="L1 8JQ", within_miles="all") == ["Knowsley", "Runcorn"]


def test_a_journey_time_search_has_no_default_radius_but_keeps_one_asked_for(api, vacancies):
    # Runcorn is 12 miles from L1: past the 10 miles a postcode search defaults to.
    assert titles(api, postcode="L1 8JQ") == ["Knowsley"]
    assert titles(api, postcode="L1 8JQ", reachable_within_minutes=120) == ["Knowsley"]  # no bus to Runcorn
    Vacancy.objects.filter(title="Runcorn").update(postcode="L36 1AA")  # now on the route, more than 5 miles away
    assert titles(api, postcode="L1 8JQ", reachable_within_minutes=45) == ["Knowsley", "Runcorn"]
    assert titles(api, postcode="L1 8JQ", reachable_within_minutes=45, within_miles=5) == []


def test_the_search_page_filters_by_journey_time_from_the_postcode(client, vacancies):
    page = client.get("/vacancies/", {"postcode": "L1 8JQ", "reachable_within_minutes": "45"}).content.decode()
    assert "Knowsley</a>" in page and "Runcorn</a>" not in page
    assert "found 45 minutes or less by public transport from L1 8JQ<" in page  # the heading says how it looked
    both = client.get("/vacancies/", {"postcode": "L1 8JQ", "reachable_within_minutes": "45", "within_miles": "15"})
    assert "found within 15 miles of L1 8JQ, 45 minutes or less by public transport<" in both.content.decode()
    assert '<option value="45" selected>45 minutes</option>' in page

    short = client.get("/vacancies/", {"postcode": "L1 8JQ", "reachable_within_minutes": "30"}).content.decode()
    assert "Knowsley</a>" not in short
    # Nothing within 30 minutes: the tips say a longer journey may find some.
    assert "choosing a journey time longer than 30 minutes, or “Any journey time”" in short
    assert "journey time longer than" not in page  # not while some are found


def test_the_search_page_asks_for_a_postcode_to_search_by_journey_time(client, vacancies):
    page = client.get("/vacancies/", {"reachable_within_minutes": "45"}).content.decode()
    assert "Enter your postcode to search by journey time from it" in page
    assert "Knowsley</a>" not in page  # nothing searched until it is right


def test_the_filter_needs_a_postcode_and_a_sensible_number(api, vacancies):
    no_postcode = api().get("/api/v1/public/vacancies/", {"reachable_within_minutes": 45})
    too_short = api().get("/api/v1/public/vacancies/", {"postcode": "L1 8JQ", "reachable_within_minutes": 5})

    assert no_postcode.status_code == 400 and "reachable_within_minutes" in no_postcode.json()
    assert too_short.status_code == 400 and "reachable_within_minutes" in too_short.json()
