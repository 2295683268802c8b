"""The real router (pynigiri) on a feed made here: known trips give known travel times."""

from datetime import date

from apprenticeships.transport.router import Router, StopAccess
from tests.transport.feeds import gtfs_zip

STOPS = {"A": (53.400, -2.980), "B": (53.410, -2.950), "C": (53.420, -2.900)}
TRIPS = {
    "early10": [("A", "07:30"), ("B", "07:50")],
    "late10": [("A", "08:00"), ("B", "08:20")],
    "only20": [("B", "08:25"), ("C", "08:40")],
    "direct30": [("A", "06:00"), ("C", "06:50")],
}
TUESDAY = date(2026, 1, 13)


def test_it_takes_the_latest_bus_that_still_makes_the_connection_and_counts_the_change(tmp_path):
    router = Router(gtfs_zip(tmp_path / "feed.zip", STOPS, TRIPS), TUESDAY)

    journey = router.arrive_by([StopAccess("A", 5)], [StopAccess("C", 3)], router.deadline("08:45"))

    # Leave home 07:55, walk 5 min, 08:00 bus to B, change, 08:25 bus to C at 08:40, walk 3 min: 48 min.
    assert journey.leaves.astimezone(router.zone).strftime("%H:%M") == "07:55"
    assert journey.arrives.astimezone(router.zone).strftime("%H:%M") == "08:43"
    assert journey.minutes == 48
    assert journey.changes == 1
    assert [(leg.kind, leg.from_stop, leg.to_stop) for leg in journey.legs] == [
        ("walk", None, "Stop A"),
        ("ride", "Stop A", "Stop B"),
        ("ride", "Stop B", "Stop C"),
        ("walk", "Stop C", None),
    ]


def test_a_deadline_no_trip_can_meet_leaves_the_place_unreachable(tmp_path):
    router = Router(gtfs_zip(tmp_path / "feed.zip", STOPS, TRIPS), TUESDAY)

    assert router.arrive_by([StopAccess("B", 2)], [StopAccess("C", 2)], router.deadline("08:30")) is None


def test_weekend_days_have_no_service(tmp_path):
    router = Router(gtfs_zip(tmp_path / "feed.zip", STOPS, TRIPS), date(2026, 1, 17))

    assert router.arrive_by([StopAccess("A", 5)], [StopAccess("C", 3)], router.deadline("08:45")) is None


def test_summer_clock_times_are_local_time(tmp_path):
    # In British Summer Time 08:45 local is 07:45 UTC: the 08:00 bus must not be missed by an hour.
    router = Router(gtfs_zip(tmp_path / "feed.zip", STOPS, TRIPS), date(2026, 6, 16))

    journey = router.arrive_by([StopAccess("A", 5)], [StopAccess("C", 3)], router.deadline("08:45"))

    assert journey.minutes == 48


def test_a_stop_the_feed_does_not_have_is_ignored(tmp_path):
    router = Router(gtfs_zip(tmp_path / "feed.zip", STOPS, TRIPS), TUESDAY)

    assert router.arrive_by([StopAccess("NOPE", 1)], [StopAccess("C", 3)], router.deadline("08:45")) is None
