"""GET /api/v1/places/<postcode>/reach/?to=<postcode>: minutes by public transport, and how they were found."""

from io import StringIO

import pytest
from django.core.management import call_command

from apprenticeships.models import TravelTime
from tests.transport.feeds import gtfs_zip

pytestmark = pytest.mark.django_db

# Stops exactly at the L1 and L36 district centres, where postcodes in them are placed.
STOPS = {"2800L1": (53.402036, -2.980503), "2800L36": (53.414555, -2.841770)}
TRIPS = {
    "early": [("2800L1", "07:30"), ("2800L36", "08:00")],
    "last": [("2800L1", "08:00"), ("2800L36", "08:30")],
    "too_late": [("2800L1", "08:30"), ("2800L36", "09:00")],
}


@pytest.fixture
def feed(tmp_path):
    call_command("import_gtfs", str(gtfs_zip(tmp_path / "feed.zip", STOPS, TRIPS)), stdout=StringIO())


def reach(api, origin, to):
    return api().get(f"/api/v1/places/{origin}/reach/", {"to": to})


def test_it_plans_the_journey_on_the_timetable_arriving_by_a_quarter_to_nine(api, feed):
    response = reach(api, "L1 8JQ", "L36 9YU")

    assert response.status_code == 200
    body = response.json()
    # Walk a minute to the stop, the 08:00 bus, 30 minutes, a minute's walk: 32 minutes, no change.
    assert (body["minutes"], body["method"], body["changes"]) == (32, "timetable", 0)
    assert [(leg["mode"], leg["departs"], leg["arrives"]) for leg in body["legs"]] == [
        ("walk", "07:59", "08:00"),
        ("ride", "08:00", "08:30"),
        ("walk", "08:30", "08:31"),
    ]
    assert body["arrive_by"] == "08:45"


def test_a_place_no_trip_reaches_in_time_answers_null_minutes(api, feed):
    body = reach(api, "L36 9YU", "L1 8JQ").json()

    assert (body["minutes"], body["method"], body["legs"]) == (None, "timetable", [])


def test_an_answer_is_cached_for_the_feed_and_dropped_with_it(api, feed, tmp_path):
    reach(api, "L1 8JQ", "L36 9YU")
    reach(api, "L1 8JQ", "L36 9YU")
    assert TravelTime.objects.filter(origin="L1 8JQ", destination="L36 9YU").count() == 1

    call_command("import_gtfs", str(gtfs_zip(tmp_path / "new.zip", STOPS, TRIPS)), stdout=StringIO())

    assert not TravelTime.objects.exists()


def test_the_arrival_time_is_a_setting(api, feed, settings):
    settings.TRAVEL_ARRIVE_BY = "08:15"

    body = reach(api, "L1 8JQ", "L36 9YU").json()

    assert (body["minutes"], body["arrive_by"]) == (32, "08:15")
    assert body["legs"][1]["departs"] == "07:30"


def test_without_a_feed_the_answer_is_an_estimate_and_says_so(api):
    body = reach(api, "L1 8JQ", "L36 9YU").json()

    assert body["method"] == "estimate"
    assert body["changes"] is None
    assert 20 <= body["minutes"] <= 60


def test_bad_postcodes_are_named_field_by_field(api):
    response = reach(api, "NOTAPOSTCODE", "ZZ99 9ZZ")

    assert response.status_code == 400
    assert set(response.json()) == {"postcode", "to"}


def test_a_missing_destination_is_a_field_error(api):
    response = api().get("/api/v1/places/L1 8JQ/reach/")

    assert response.status_code == 400
    assert "to" in response.json()
