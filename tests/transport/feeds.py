"""Tiny GTFS feeds written by the tests: a few stops at known places and weekday trips."""

import csv
import io
import zipfile
from pathlib import Path

WEEKDAYS = "1,1,1,1,1,0,0"


def _table(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def gtfs_zip(
    path: Path,
    stops: dict[str, tuple[float, float]],
    trips: dict[str, list[tuple[str, str]]],
    start: str = "20260105",
    end: str = "20260731",
    days: str = WEEKDAYS,
    extra_calendar_dates: list[dict] | None = None,
    services: dict[str, tuple[str, str, str]] | None = None,
    trip_service: dict[str, str] | None = None,
) -> Path:
    """Write a GTFS zip: stops {id: (lat, lon)}, trips {trip_id: [(stop_id, "HH:MM"), ...]} on weekdays."""
    services = services or {"WK": (days, start, end)}
    trip_service = trip_service or {}

    def calendar_row(service_id: str, service_days: str, first: str, last: str) -> dict:
        names = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        flags = dict(zip(names, service_days.split(","), strict=True))
        return {"service_id": service_id, **flags, "start_date": first, "end_date": last}

    files = {
        "agency.txt": _table(
            [
                {
                    "agency_id": "T",
                    "agency_name": "Test Buses",
                    "agency_url": "https://example.org",
                    "agency_timezone": "Europe/London",
                }
            ]
        ),
        "stops.txt": _table(
            [
                {"stop_id": sid, "stop_name": f"Stop {sid}", "stop_lat": lat, "stop_lon": lon}
                for sid, (lat, lon) in stops.items()
            ]
        ),
        "routes.txt": _table(
            [{"route_id": f"R{tid}", "agency_id": "T", "route_short_name": tid, "route_type": 3} for tid in trips]
        ),
        "calendar.txt": _table([calendar_row(sid, *spec) for sid, spec in services.items()]),
        "trips.txt": _table(
            [{"route_id": f"R{tid}", "service_id": trip_service.get(tid, "WK"), "trip_id": tid} for tid in trips]
        ),
        "stop_times.txt": _table(
            [
                {
                    "trip_id": tid,
                    "arrival_time": f"{hhmm}:00",
                    "departure_time": f"{hhmm}:00",
                    "stop_id": sid,
                    "stop_sequence": n,
                }
                for tid, calls in trips.items()
                for n, (sid, hhmm) in enumerate(calls, start=1)
            ]
        ),
    }
    if extra_calendar_dates:
        files["calendar_dates.txt"] = _table(extra_calendar_dates)
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path
