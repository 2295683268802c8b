"""Benchmark: public transport travel times from every neighbourhood to every training venue.

No real GTFS feed is shipped (docs/reach.md), so this builds a synthetic but region-sized one over
the real NaPTAN stops: BUS_ROUTES routes, each a chain of ~STOPS_PER_ROUTE stops picked by
walking to the nearest unused stop in a steady heading, a bus every HEADWAY minutes each way from
06:00 to 09:30 at BUS_KMH. Origins are the 1,003 2021 neighbourhood centres (the issue's 989 are
the 2011 LSOAs they replace); venues are VENUES postcode-district centres in the region. The
journeys run through the same code the service uses (apprenticeships.transport.router), in
WORKERS processes, each loading the feed once as a Celery worker does.

    .venv/bin/python bench/travel.py [--venues 60] [--workers 2]

Prints the feed size, the load time, journeys per second and the total wall time. No database.
"""

import argparse
import csv
import math
import multiprocessing
import random
import sys
import tempfile
import time
import zipfile
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from apprenticeships.transport.router import Router  # noqa: E402
from lcr_skills.geo import haversine_km  # noqa: E402

DATA = ROOT / "apprenticeships" / "data"
BUS_ROUTES, STOPS_PER_ROUTE, HEADWAY, BUS_KMH = 160, 45, 12, 18
WALK_M, WALK_PER_MIN = 800, 80
TRAVEL_DATE = date(2026, 1, 13)  # a Tuesday inside the synthetic calendar
LCR = {"E06000006", "E08000011", "E08000012", "E08000013", "E08000014", "E08000015"}


def read(name: str) -> list[dict]:
    with (DATA / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def synthetic_feed(path: Path, seed: int = 18) -> tuple[int, int]:
    rng = random.Random(seed)
    stops = [s for s in read("transport/naptan_stops_lcr.csv") if s["stop_type"] == "BCT"]
    lat = np.array([float(s["latitude"]) for s in stops])
    lon = np.array([float(s["longitude"]) for s in stops])
    routes = []
    for _ in range(BUS_ROUTES):
        current = rng.randrange(len(stops))
        heading = rng.uniform(0, 2 * math.pi)
        chain, used = [current], {current}
        for _ in range(STOPS_PER_ROUTE - 1):
            dist = haversine_km(lat[current], lon[current], lat, lon)
            dlat, dlon = lat - lat[current], (lon - lon[current]) * 0.6
            ahead = (dlat * math.sin(heading) + dlon * math.cos(heading)) > 0
            ok = ahead & (dist > 0.25) & (dist < 1.2)
            ok[list(used)] = False
            if not ok.any():
                break
            current = int(np.flatnonzero(ok)[np.argmin(dist[ok])])
            chain.append(current)
            used.add(current)
        if len(chain) >= 5:
            routes.append(chain)
    trips = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "agency.txt",
            "agency_id,agency_name,agency_url,agency_timezone\nB,Bench,https://example.org,Europe/London\n",
        )
        z.writestr(
            "calendar.txt",
            "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nWK,1,1,1,1,1,0,0,20260105,20260731\n",
        )
        z.writestr(
            "stops.txt",
            "stop_id,stop_name,stop_lat,stop_lon\n"
            + "".join(
                f"{s['atco_code']},{s['common_name'].replace(',', ' ')},{s['latitude']},{s['longitude']}\n"
                for s in stops
            ),
        )
        z.writestr(
            "routes.txt",
            "route_id,agency_id,route_short_name,route_type\n" + "".join(f"R{i},B,{i},3\n" for i in range(len(routes))),
        )
        trip_rows, time_rows = (
            ["route_id,service_id,trip_id\n"],
            ["trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"],
        )
        for r, chain in enumerate(routes):
            for direction in (chain, chain[::-1]):
                hops = [0.0] + [
                    haversine_km(lat[a], lon[a], lat[b], lon[b]) * 1.3 / BUS_KMH * 60
                    for a, b in zip(direction, direction[1:], strict=False)
                ]
                offsets = np.cumsum(hops)
                for start in range(6 * 60, 9 * 60 + 30, HEADWAY):
                    trip = f"T{trips}"
                    trips += 1
                    trip_rows.append(f"R{r},WK,{trip}\n")
                    for seq, (stop, offset) in enumerate(zip(direction, offsets, strict=True), start=1):
                        minute = start + int(round(offset))
                        clock = f"{minute // 60:02d}:{minute % 60:02d}:00"
                        time_rows.append(f"{trip},{clock},{clock},{stops[stop]['atco_code']},{seq}\n")
        z.writestr("trips.txt", "".join(trip_rows))
        z.writestr("stop_times.txt", "".join(time_rows))
    return len(stops), trips


_router: Router | None = None


def _init(feed: str) -> None:
    global _router
    _router = Router(feed, TRAVEL_DATE)


def _origin_row(args: tuple[tuple[float, float], list[tuple[float, float]]]) -> list[int | None]:
    origin, venues = args
    deadline = _router.deadline("08:45")
    start = _router.stops_near(*origin, WALK_M, WALK_PER_MIN)
    out = []
    for venue in venues:
        journey = _router.arrive_by(start, _router.stops_near(*venue, WALK_M, WALK_PER_MIN), deadline)
        out.append(journey.minutes if journey else None)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--venues", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--origins", type=int, default=0, help="only the first N neighbourhoods (0: all)")
    options = parser.parse_args()
    origins = [(float(r["latitude"]), float(r["longitude"])) for r in read("transport/lsoa21_pop_centroids_lcr.csv")]
    if options.origins:
        origins = origins[: options.origins]
    districts = [r for r in read("outcodes.csv") if r["admin_district_code"] in LCR]
    random.Random(7).shuffle(districts)
    venues = [(float(r["latitude"]), float(r["longitude"])) for r in districts[: options.venues]]
    with tempfile.TemporaryDirectory() as folder:
        feed = Path(folder) / "bench_feed.zip"
        began = time.perf_counter()
        n_stops, n_trips = synthetic_feed(feed)
        print(
            f"synthetic feed: {n_stops:,} stops, {BUS_ROUTES} routes, {n_trips:,} trips "
            f"({time.perf_counter() - began:.1f} s to build)"
        )
        began = time.perf_counter()
        _init(str(feed))
        print(f"feed loaded into nigiri in {time.perf_counter() - began:.2f} s")
        began = time.perf_counter()
        with multiprocessing.get_context("fork").Pool(
            options.workers, initializer=_init, initargs=(str(feed),)
        ) as pool:
            rows = pool.map(_origin_row, [(o, venues) for o in origins], chunksize=8)
        wall = time.perf_counter() - began
    journeys = len(origins) * len(venues)
    answered = [m for row in rows for m in row if m is not None]
    print(
        f"{len(origins):,} neighbourhoods × {len(venues)} venues = {journeys:,} journeys on {options.workers} workers"
    )
    print(f"wall time {wall:.1f} s ({wall / 60:.1f} min), {journeys / wall:,.0f} journeys/s")
    if answered:
        print(
            f"reachable by 08:45: {len(answered):,} ({len(answered) / journeys:.0%}); "
            f"median {int(np.median(answered))} min"
        )


if __name__ == "__main__":
    main()
