"""GTFS feeds: trimmed to the city region and stored, replacing the previous feed in one transaction.

A feed (Bus Open Data Service's North West file, Merseyrail, national rail) uses NaPTAN ATCO codes
as stop ids. Trimming keeps the stops inside the six authorities' bounding area (padded by a
walk), the trips that call at two or more of them (only those calls), and the routes, services,
transfers and agencies those use. Shapes are dropped: the router does not need them.
"""

import csv
import io
import zipfile
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.db import transaction
from django.db.models import Max, Min

from apprenticeships.models import Neighbourhood, TransitFeed, TransitStop

# About 1 km of latitude: a resident walking 800 m to a stop just over the boundary is still served.
REGION_PADDING_DEGREES = 0.012
TUESDAY = 1
# School-day services run in term time only, so a term-time Tuesday carries (nearly) the most trips.
TERM_TIME_SHARE_OF_BUSIEST_TUESDAY = 0.9


class FeedError(ValueError):
    pass


@dataclass(frozen=True)
class Box:
    south: float
    west: float
    north: float
    east: float

    def holds(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east


def region_box() -> Box:
    """The bounding area of the city region's stops and neighbourhood centres, padded by a walk."""
    boxes = [
        model.objects.aggregate(s=Min("latitude"), n=Max("latitude"), w=Min("longitude"), e=Max("longitude"))
        for model in (TransitStop, Neighbourhood)
    ]
    boxes = [b for b in boxes if b["s"] is not None]
    if not boxes:
        raise FeedError("Load the reference data first (python manage.py load_reference_data).")
    pad = REGION_PADDING_DEGREES
    return Box(
        south=min(b["s"] for b in boxes) - pad,
        west=min(b["w"] for b in boxes) - pad * 1.7,  # a degree of longitude is ~0.6 of one of latitude here
        north=max(b["n"] for b in boxes) + pad,
        east=max(b["e"] for b in boxes) + pad * 1.7,
    )


def _read(archive: zipfile.ZipFile, name: str):
    if name not in archive.namelist():
        return None
    return csv.DictReader(io.TextIOWrapper(archive.open(name), encoding="utf-8-sig", newline=""))


def _write(out: zipfile.ZipFile, name: str, fieldnames, rows) -> int:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fieldnames, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    out.writestr(name, buffer.getvalue())
    return count


def _day(text: str) -> date:
    return date(int(text[:4]), int(text[4:6]), int(text[6:8]))


@dataclass
class TrimmedFeed:
    archive: bytes
    stops: int
    trips: int
    starts_on: date
    ends_on: date
    travel_date: date
    publisher: str


def _travel_date(
    calendar: list[dict], calendar_dates: list[dict], trips_per_service: Counter
) -> tuple[date, date, date]:
    days = [_day(r["start_date"]) for r in calendar] + [_day(r["date"]) for r in calendar_dates]
    ends = [_day(r["end_date"]) for r in calendar] + [_day(r["date"]) for r in calendar_dates]
    if not days:
        raise FeedError("The feed has no calendar: it says no day on which its trips run.")
    starts_on, ends_on = min(days), max(ends)
    added, removed = {}, set()
    for row in calendar_dates:
        if row["exception_type"].strip() == "1":
            added.setdefault(_day(row["date"]), set()).add(row["service_id"])
        else:
            removed.add((_day(row["date"]), row["service_id"]))

    def trips_on(day: date) -> int:
        running = {
            r["service_id"]
            for r in calendar
            if r["tuesday"].strip() == "1" and _day(r["start_date"]) <= day <= _day(r["end_date"])
        } | added.get(day, set())
        return sum(trips_per_service[s] for s in running if (day, s) not in removed)

    first = starts_on + timedelta(days=(TUESDAY - starts_on.weekday()) % 7)
    tuesdays = {}
    day = first
    while day <= ends_on and len(tuesdays) < 60:
        tuesdays[day] = trips_on(day)
        day += timedelta(days=7)
    busiest = max(tuesdays.values(), default=0)
    if not busiest:
        raise FeedError("No trip in the city region runs on a Tuesday in the feed's calendar.")
    travel = next(d for d, n in tuesdays.items() if n >= TERM_TIME_SHARE_OF_BUSIEST_TUESDAY * busiest)
    return starts_on, ends_on, travel


def feed_trim(source: Path, box: Box) -> TrimmedFeed:
    """Cut a GTFS zip down to the city region; raise FeedError when it is not a usable feed."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as error:
        raise FeedError(f"{source} is not a GTFS zip file.") from error
    with archive:
        missing = [n for n in ("stops.txt", "trips.txt", "stop_times.txt", "routes.txt") if n not in archive.namelist()]
        if missing:
            raise FeedError(f"The feed has no {', '.join(missing)}.")
        stop_rows = list(_read(archive, "stops.txt"))
        kept_stops = {
            r["stop_id"]
            for r in stop_rows
            if r.get("stop_lat") and box.holds(float(r["stop_lat"]), float(r["stop_lon"]))
        }
        parents = {r.get("parent_station") for r in stop_rows if r["stop_id"] in kept_stops} - {None, ""}
        kept_stops |= parents
        calls = Counter(r["trip_id"] for r in _read(archive, "stop_times.txt") if r["stop_id"] in kept_stops)
        kept_trips = {trip for trip, n in calls.items() if n >= 2}
        trip_rows = [r for r in _read(archive, "trips.txt") if r["trip_id"] in kept_trips]
        services = Counter(r["service_id"] for r in trip_rows)
        routes = {r["route_id"] for r in trip_rows}
        calendar = [r for r in (_read(archive, "calendar.txt") or []) if r["service_id"] in services]
        calendar_dates = [r for r in (_read(archive, "calendar_dates.txt") or []) if r["service_id"] in services]
        starts_on, ends_on, travel_date = _travel_date(calendar, calendar_dates, services)
        agencies = list(_read(archive, "agency.txt") or [])

        out_bytes = io.BytesIO()
        with zipfile.ZipFile(out_bytes, "w", zipfile.ZIP_DEFLATED) as out:

            def copy(name: str, keep) -> int:
                reader = _read(archive, name)
                if reader is None:
                    return 0
                return _write(out, name, reader.fieldnames, (r for r in reader if keep(r)))

            stops = copy("stops.txt", lambda r: r["stop_id"] in kept_stops)
            copy("stop_times.txt", lambda r: r["trip_id"] in kept_trips and r["stop_id"] in kept_stops)
            trips = copy("trips.txt", lambda r: r["trip_id"] in kept_trips)
            copy("routes.txt", lambda r: r["route_id"] in routes)
            copy("calendar.txt", lambda r: r["service_id"] in services)
            copy("calendar_dates.txt", lambda r: r["service_id"] in services)
            copy("agency.txt", lambda r: True)
            copy("feed_info.txt", lambda r: True)
            copy("frequencies.txt", lambda r: r["trip_id"] in kept_trips)
            copy("transfers.txt", lambda r: r.get("from_stop_id") in kept_stops and r.get("to_stop_id") in kept_stops)
    publisher = ", ".join(sorted({a.get("agency_name", "").strip() for a in agencies} - {""}))[:500]
    return TrimmedFeed(out_bytes.getvalue(), stops, trips, starts_on, ends_on, travel_date, publisher)


def feed_import(*, source: Path) -> TransitFeed:
    """Trim a GTFS zip to the region and make it the feed in use, replacing the previous one and its travel times."""
    trimmed = feed_trim(source, region_box())
    if not trimmed.trips:
        raise FeedError("No trip in the feed calls at two or more stops in the city region.")
    with transaction.atomic():
        TransitFeed.objects.all().delete()  # cascades to the previous feed's travel times
        return TransitFeed.objects.create(
            name=Path(source).name[:200],
            publisher=trimmed.publisher,
            starts_on=trimmed.starts_on,
            ends_on=trimmed.ends_on,
            travel_date=trimmed.travel_date,
            stops=trimmed.stops,
            trips=trimmed.trips,
            archive=trimmed.archive,
        )
