"""The region's travel times, computed in chunks by the workers and cached for the feed."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from apprenticeships.models import Neighbourhood, TravelTime, Vacancy
from tests.market_factories import CourseOfferFactory, VacancyFactory
from tests.transport.feeds import gtfs_zip

pytestmark = pytest.mark.django_db

STOPS = {"2800L1": (53.402036, -2.980503), "2800L36": (53.414555, -2.841770)}
TRIPS = {"out": [("2800L1", "08:00"), ("2800L36", "08:30")], "back": [("2800L36", "07:50"), ("2800L1", "08:20")]}


def test_every_neighbourhood_gets_a_time_to_each_workplace_and_venue_and_workplaces_to_venues(
    tmp_path, employer_a, provider_a, tasks_in_process
):
    call_command("import_gtfs", str(gtfs_zip(tmp_path / "feed.zip", STOPS, TRIPS)), stdout=StringIO())
    VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE, postcode="L36 9YU")
    CourseOfferFactory(provider=provider_a, locations=[{"postcode": "L1 8JQ", "radius_km": 25}])
    out = StringIO()

    call_command("compute_travel_times", stdout=out)

    neighbourhoods = Neighbourhood.objects.count()
    assert TravelTime.objects.count() == neighbourhoods * 2 + 1
    workplace_to_venue = TravelTime.objects.get(origin="L36 9YU", destination="L1 8JQ")
    assert (workplace_to_venue.minutes, workplace_to_venue.method, workplace_to_venue.changes) == (32, "timetable", 0)
    # Neighbourhoods within a walk of the L1 stop reach the L36 workplace; most have no stop of this feed near.
    reached = TravelTime.objects.filter(destination="L36 9YU", minutes__isnull=False)
    assert 0 < reached.count() < neighbourhoods
    assert out.getvalue().strip() == f"{-(-neighbourhoods // 25) + 1} chunks of journeys queued for the workers"


def test_running_it_again_plans_nothing_twice(tmp_path, employer_a, provider_a, tasks_in_process):
    call_command("import_gtfs", str(gtfs_zip(tmp_path / "feed.zip", STOPS, TRIPS)), stdout=StringIO())
    VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE, postcode="L36 9YU")
    CourseOfferFactory(provider=provider_a, locations=[{"postcode": "L1 8JQ", "radius_km": 25}])
    call_command("compute_travel_times", stdout=StringIO())
    before = set(TravelTime.objects.values_list("id", "minutes"))

    call_command("compute_travel_times", stdout=StringIO())

    assert set(TravelTime.objects.values_list("id", "minutes")) == before


def test_an_estimate_without_a_feed_is_stored_once_on_every_database():
    estimate = {"origin": "L1 8JQ", "destination": "L36 9YU", "arrive_by": "08:45", "method": "estimate"}
    TravelTime.objects.create(feed=None, minutes=40, **estimate)

    with pytest.raises(IntegrityError), transaction.atomic():
        TravelTime.objects.create(feed=None, minutes=41, **estimate)
    TravelTime.objects.bulk_create([TravelTime(feed=None, minutes=42, **estimate)], ignore_conflicts=True)
    assert list(TravelTime.objects.values_list("minutes", flat=True)) == [40]
