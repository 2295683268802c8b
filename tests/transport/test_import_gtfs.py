"""import_gtfs: a feed trimmed to the city region replaces the previous one in one go."""

import io
import zipfile
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from apprenticeships.models import TransitFeed, TravelTime
from tests.transport.feeds import gtfs_zip

pytestmark = pytest.mark.django_db

# Stops at postcode district centres: L1 and L36 (Liverpool, Knowsley), WA7 (Halton), M1 (Manchester).
STOPS = {
    "L1": (53.402036, -2.980503),
    "L36": (53.414555, -2.841770),
    "WA7": (53.330659, -2.703061),
    "M1": (53.477477, -2.236222),
}
TRIPS = {
    "city": [("L1", "07:30"), ("L36", "07:55")],
    "school": [("L36", "08:00"), ("WA7", "08:30")],
    "express": [("L1", "07:00"), ("L36", "07:20"), ("M1", "08:10")],
    "manchester": [("M1", "07:00"), ("M1", "07:05")],
}
WEEKDAYS = "1,1,1,1,1,0,0"
# The feed starts in the Christmas holidays: school-day trips start on 5 January 2026.
SERVICES = {"WK": (WEEKDAYS, "20251215", "20260731"), "SCH": (WEEKDAYS, "20260105", "20260717")}


def feed(tmp_path, name="bods_nw.zip"):
    return gtfs_zip(tmp_path / name, STOPS, TRIPS, services=SERVICES, trip_service={"school": "SCH"})


def test_it_keeps_only_the_city_regions_stops_and_the_trips_that_call_at_two_of_them(tmp_path):
    out = StringIO()

    call_command("import_gtfs", str(feed(tmp_path)), stdout=out)

    imported = TransitFeed.objects.get()
    with zipfile.ZipFile(io.BytesIO(bytes(imported.archive))) as archive:
        stops = archive.read("stops.txt").decode()
        stop_times = archive.read("stop_times.txt").decode()
    assert "M1" not in stops and "M1" not in stop_times
    assert (imported.stops, imported.trips) == (3, 3)
    assert "manchester" not in stop_times
    assert (imported.starts_on, imported.ends_on) == (date(2025, 12, 15), date(2026, 7, 31))
    assert out.getvalue().strip() == (
        "bods_nw.zip: 3 stops and 3 trips in the city region, valid 15 December 2025 to 31 July 2026; "
        "journeys planned for Tuesday 6 January 2026"
    )


def test_journeys_are_planned_for_the_first_term_time_tuesday_not_a_holiday_one(tmp_path):
    call_command("import_gtfs", str(feed(tmp_path)), stdout=StringIO())

    # 16 and 23 December and 30 December run without the school trips.
    assert TransitFeed.objects.get().travel_date == date(2026, 1, 6)


def test_a_new_feed_replaces_the_previous_one_and_its_travel_times(tmp_path):
    call_command("import_gtfs", str(feed(tmp_path, "old.zip")), stdout=StringIO())
    old = TransitFeed.objects.get()
    TravelTime.objects.create(feed=old, origin="L1", destination="L36", arrive_by="08:45", method="timetable")

    call_command("import_gtfs", str(feed(tmp_path, "new.zip")), stdout=StringIO())

    assert list(TransitFeed.objects.values_list("name", flat=True)) == ["new.zip"]
    assert not TravelTime.objects.exists()


def test_a_file_that_is_not_a_feed_is_refused_and_the_feed_in_use_stays(tmp_path):
    call_command("import_gtfs", str(feed(tmp_path)), stdout=StringIO())
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")

    with pytest.raises(CommandError, match="not a GTFS zip"):
        call_command("import_gtfs", str(junk))

    assert list(TransitFeed.objects.values_list("name", flat=True)) == ["bods_nw.zip"]


def test_the_about_page_names_the_feed_and_its_dates(client, tmp_path):
    call_command("import_gtfs", str(feed(tmp_path)), stdout=StringIO())

    page = client.get(reverse("about-data")).content.decode()

    assert "bods_nw.zip (Test Buses), valid from 15 December 2025 to 31 July 2026" in page
    assert "Journeys are planned for Tuesday 6 January 2026" in page


def test_without_a_feed_the_about_page_says_travel_times_are_estimates(client):
    page = client.get(reverse("about-data")).content.decode()

    assert "No timetable has been loaded, so travel times are estimates" in page
