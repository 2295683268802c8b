"""Travel times by public transport between places, cached per feed; estimates without a feed.

A place is a 2021 LSOA code (its residents, at its population-weighted centre) or a postcode (a
full postcode's own point once `load_postcodes` has run, else its district's centre). With a
timetable, the journey is planned by the router (pynigiri) arriving by TRAVEL_ARRIVE_BY on the
feed's term-time Tuesday, walking at most TRAVEL_MAX_WALK_M at each end. Without one, the time
is an estimate and is always labelled so (see docs/reach.md for the formula).
"""

import math
import re
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from apprenticeships.models import (
    CourseOffer,
    Neighbourhood,
    OfferLocation,
    TransitFeed,
    TransitStop,
    TravelTime,
    Vacancy,
)
from apprenticeships.places import place_lookup, postcode_normalise
from apprenticeships.transport.router import Journey, Router
from lcr_skills.geo import haversine_km

# 4.8 km/h, the walking speed of the DfT's journey time statistics (JTS guidance).
WALK_METRES_PER_MINUTE = 80
# The estimate without a timetable: a wait, then a bus over a road distance a third longer than the
# straight line at an urban average speed. Rough by design, and always labelled "estimate".
ESTIMATE_WAIT_MINUTES = 10
ESTIMATE_ROAD_FACTOR = 1.3
ESTIMATE_BUS_KMH = 18
LSOA_CODE = re.compile(r"^[EW]0[0-9]{7}$")


@dataclass(frozen=True)
class Reach:
    minutes: int | None
    method: str
    changes: int | None = None
    legs: list[dict] = field(default_factory=list)


def place_key(raw: str) -> str:
    """The cache key of a place: an LSOA code as it is, a postcode normalised (raises ValidationError)."""
    text = str(raw or "").strip().upper()
    return text if LSOA_CODE.match(text) else postcode_normalise(text)[0]


def place_point(key: str) -> tuple[float, float]:
    if LSOA_CODE.match(key):
        centre = Neighbourhood.objects.filter(code=key).values_list("latitude", "longitude").first()
        if centre is None:
            raise ValidationError(f"{key} is not a neighbourhood in the city region.", code="unknown_lsoa")
        return centre
    place = place_lookup(key)
    return place.latitude, place.longitude


_routers: dict[tuple, Router] = {}
_routers_lock = threading.Lock()


def feed_router(feed: TransitFeed) -> Router:
    """The feed loaded into the router, once per process (a worker keeps it between tasks)."""
    key = (feed.pk, feed.created_at)  # a database may reuse a deleted feed's id
    with _routers_lock:
        if key not in _routers:
            _routers.clear()  # only the feed in use is kept
            archive = TransitFeed.objects.values_list("archive", flat=True).get(pk=feed.pk)
            with tempfile.NamedTemporaryFile(suffix=".zip") as handle:
                handle.write(bytes(archive))
                handle.flush()
                _routers[key] = Router(handle.name, feed.travel_date)
        return _routers[key]


def _legs(journey: Journey, zone) -> list[dict]:
    return [
        {
            "mode": leg.kind,
            "from_stop": leg.from_stop or "",
            "to_stop": leg.to_stop or "",
            "departs": leg.departs.astimezone(zone).strftime("%H:%M"),
            "arrives": leg.arrives.astimezone(zone).strftime("%H:%M"),
            "minutes": leg.minutes,
        }
        for leg in journey.legs
    ]


def _timetable(router: Router, origin: tuple[float, float], destination: tuple[float, float]) -> Reach:
    walk = settings.TRAVEL_MAX_WALK_M
    metres = float(haversine_km(*origin, *destination)) * 1000
    deadline = router.deadline(settings.TRAVEL_ARRIVE_BY)
    walking = math.ceil(metres / WALK_METRES_PER_MINUTE) if metres <= walk else None
    journey = router.arrive_by(
        router.stops_near(*origin, walk, WALK_METRES_PER_MINUTE),
        router.stops_near(*destination, walk, WALK_METRES_PER_MINUTE),
        deadline,
    )
    if walking is not None and (journey is None or walking <= journey.minutes):
        leaves = (deadline - timedelta(minutes=walking)).strftime("%H:%M")
        leg = {"mode": "walk", "from_stop": "", "to_stop": "", "departs": leaves, "arrives": settings.TRAVEL_ARRIVE_BY}
        return Reach(walking, TravelTime.Method.TIMETABLE, 0, [{**leg, "minutes": walking}])
    if journey is None:
        return Reach(None, TravelTime.Method.TIMETABLE)
    return Reach(journey.minutes, TravelTime.Method.TIMETABLE, journey.changes, _legs(journey, router.zone))


_stop_points: tuple[np.ndarray, np.ndarray] | None = None


def _nearest_stop_metres(latitude: float, longitude: float) -> float:
    global _stop_points
    if _stop_points is None:
        rows = np.array(TransitStop.objects.values_list("latitude", "longitude"), dtype=float).reshape(-1, 2)
        _stop_points = (rows[:, 0], rows[:, 1])
    if not len(_stop_points[0]):
        return math.inf
    return float(np.min(haversine_km(latitude, longitude, *_stop_points)) * 1000)


def _estimate(origin: tuple[float, float], destination: tuple[float, float], stop_metres: dict) -> Reach:
    walk = settings.TRAVEL_MAX_WALK_M
    metres = float(haversine_km(*origin, *destination)) * 1000
    if metres <= walk:
        return Reach(math.ceil(metres / WALK_METRES_PER_MINUTE), TravelTime.Method.ESTIMATE)
    for point in (origin, destination):
        if point not in stop_metres:
            stop_metres[point] = _nearest_stop_metres(*point)
    access, egress = stop_metres[origin], stop_metres[destination]
    if access > walk or egress > walk:
        return Reach(None, TravelTime.Method.ESTIMATE)
    ride = metres / 1000 * ESTIMATE_ROAD_FACTOR / ESTIMATE_BUS_KMH * 60
    minutes = (access + egress) / WALK_METRES_PER_MINUTE + ESTIMATE_WAIT_MINUTES + ride
    return Reach(math.ceil(minutes), TravelTime.Method.ESTIMATE)


def travel_times_compute(*, origins: list[str], destinations: list[str]) -> int:
    """Work out and cache every origin → destination time the current feed has not cached yet; returns how many."""
    feed = TransitFeed.objects.defer("archive").first()
    arrive_by = settings.TRAVEL_ARRIVE_BY
    done = set(
        TravelTime.objects.filter(
            feed=feed, origin__in=origins, destination__in=destinations, arrive_by=arrive_by
        ).values_list("origin", "destination")
    )
    router = feed_router(feed) if feed else None
    keys = {*origins, *destinations}
    points = {
        code: (lat, lon)
        for code, lat, lon in Neighbourhood.objects.filter(code__in=keys).values_list("code", "latitude", "longitude")
    }
    points.update({key: place_point(key) for key in keys - points.keys()})
    rows, stop_metres = [], {}
    for origin in origins:
        for destination in destinations:
            if (origin, destination) in done:
                continue
            if router is not None:
                reach = _timetable(router, points[origin], points[destination])
            else:
                reach = _estimate(points[origin], points[destination], stop_metres)
            rows.append(
                TravelTime(
                    feed=feed,
                    origin=origin,
                    destination=destination,
                    arrive_by=arrive_by,
                    minutes=reach.minutes,
                    changes=reach.changes,
                    method=reach.method,
                    legs=reach.legs,
                )
            )
    with transaction.atomic():
        # Two workers racing on the same pair compute the same answer: the first one stays.
        TravelTime.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(rows)


def travel_time(*, origin: str, destination: str) -> Reach:
    """The cached journey between two places (computing it first if needed)."""
    origin, destination = place_key(origin), place_key(destination)
    feed = TransitFeed.objects.defer("archive").first()
    lookup = {"feed": feed, "origin": origin, "destination": destination, "arrive_by": settings.TRAVEL_ARRIVE_BY}
    row = TravelTime.objects.filter(**lookup).first()
    if row is None:
        travel_times_compute(origins=[origin], destinations=[destination])
        row = TravelTime.objects.get(**lookup)
    return Reach(row.minutes, row.method, row.changes, row.legs)


ORIGINS_PER_CHUNK = 25


def travel_places() -> tuple[list[str], list[str], list[str]]:
    """Every place the region picture and the matcher need: neighbourhoods, live vacancies' workplaces, open venues."""
    neighbourhoods = list(Neighbourhood.objects.values_list("code", flat=True))
    workplaces = sorted(
        {place_key(p) for p in Vacancy.objects.filter(status=Vacancy.Status.LIVE).values_list("postcode", flat=True)}
    )
    venues = sorted(
        {
            place_key(p)
            for p in OfferLocation.objects.filter(offer__status=CourseOffer.Status.OPEN).values_list(
                "postcode", flat=True
            )
        }
    )
    return neighbourhoods, workplaces, venues


def travel_time_chunks() -> list[tuple[list[str], list[str]]]:
    """The bulk work as (origins, destinations) chunks: neighbourhoods → workplaces and venues, workplaces → venues."""
    neighbourhoods, workplaces, venues = travel_places()
    chunks = []
    for origins, destinations in ((neighbourhoods, [*workplaces, *venues]), (workplaces, venues)):
        if not destinations:
            continue
        for start in range(0, len(origins), ORIGINS_PER_CHUNK):
            chunks.append((origins[start : start + ORIGINS_PER_CHUNK], sorted(set(destinations))))
    return chunks
