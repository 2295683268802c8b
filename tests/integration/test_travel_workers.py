"""The region's travel times computed by the real Celery worker started by .ci/run, through Redis.

`compute_travel_times` only queues chunks of journeys; the worker loads the feed from the database
into its own router and writes the times (this process only queues them: tasks are not eager here).
The test waits for every chunk, then checks a journey the timetable fixes.
"""

import time
from io import StringIO

import pytest
from django.core.management import call_command

from apprenticeships.models import Neighbourhood, TravelTime, Vacancy
from tests.market_factories import CourseOfferFactory, VacancyFactory
from tests.transport.feeds import gtfs_zip

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

STOPS = {"2800L1": (53.402036, -2.980503), "2800L36": (53.414555, -2.841770)}
TRIPS = {"out": [("2800L1", "08:00"), ("2800L36", "08:30")], "back": [("2800L36", "07:50"), ("2800L1", "08:20")]}
TIMEOUT = 180  # seconds: about 2,000 journeys on two worker processes


def test_the_worker_plans_every_journey_of_the_region(tmp_path, employer_a, provider_a):
    call_command("import_gtfs", str(gtfs_zip(tmp_path / "feed.zip", STOPS, TRIPS)), stdout=StringIO())
    VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE, postcode="L36 9YU")
    CourseOfferFactory(provider=provider_a, locations=[{"postcode": "L1 8JQ", "radius_km": 25}])
    expected = Neighbourhood.objects.count() * 2 + 1
    assert TravelTime.objects.count() == 0

    call_command("compute_travel_times", stdout=StringIO())

    deadline = time.monotonic() + TIMEOUT
    while (done := TravelTime.objects.count()) < expected:
        if time.monotonic() > deadline:
            pytest.fail(f"{done} of {expected} journeys planned after {TIMEOUT} s: is the Celery worker running?")
        time.sleep(0.5)
    journey = TravelTime.objects.get(origin="L36 9YU", destination="L1 8JQ")
    assert (journey.minutes, journey.method, journey.changes) == (32, "timetable", 0)
