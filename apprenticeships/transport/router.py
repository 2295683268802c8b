"""Journey planning through pynigiri, the Python binding of the nigiri router (motis-project).

No Django here: the router takes a GTFS feed on disk and answers "leave as late as possible and
still arrive by T" between sets of stops reached on foot. nigiri does the routing (RAPTOR); this
module only turns places into stop offsets and picks the journey.

The binding (0.1.5) exposes a forward search from one start time only (no arrive-by search, no
departure interval), so an arrive-by journey is found by asking for the earliest arrival from
several start times, bisecting for the latest start that still arrives by the deadline: that
journey is the latest-leaving one that arrives in time, which is also the shortest.
"""

from __future__ import annotations

import contextlib
import math
import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pynigiri as ng

from lcr_skills.geo import haversine_km

__all__ = ["Journey", "Leg", "Router", "StopAccess"]

# nigiri's location indices 0 and 1 are the query's START and END, used by intermodal offsets;
# 2 to 8 are its VIA placeholders; the feed's stops follow.
_START, _END = 0, 1
_FIRST_STOP = 9
# How far back from the deadline to look for a first departure, and how many refinements at most.
SEARCH_WINDOW_MINUTES = 150
MAX_REFINEMENTS = 12


@dataclass(frozen=True)
class StopAccess:
    """A stop reached on foot from a place (or the place reached on foot from it): a GTFS stop_id or
    the router's own location index."""

    stop_id: str | int
    walk_minutes: int


@dataclass(frozen=True)
class Leg:
    kind: str  # "walk" (to the first stop, from the last, or between stops) or "ride"
    from_stop: str | None  # the stop's name in the feed; None for the place itself
    to_stop: str | None
    departs: datetime
    arrives: datetime

    @property
    def minutes(self) -> int:
        return int((self.arrives - self.departs).total_seconds() // 60)


@dataclass(frozen=True)
class Journey:
    leaves: datetime
    arrives: datetime
    changes: int
    legs: list[Leg] = field(default_factory=list)

    @property
    def minutes(self) -> int:
        return int((self.arrives - self.leaves).total_seconds() // 60)


def _minutes(moment: datetime) -> int:
    return int(moment.astimezone(UTC).timestamp()) // 60


def _moment(minutes: int) -> datetime:
    return datetime.fromtimestamp(minutes * 60, tz=UTC)


@contextlib.contextmanager
def _quiet_stderr():
    """nigiri logs every loader step to the process's stderr (fd 2); keep a worker's log readable."""
    saved = os.dup(2)
    with open(os.devnull, "wb") as devnull:
        os.dup2(devnull.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


class Router:
    """A GTFS feed loaded into nigiri for the days around one travel date."""

    def __init__(self, feed_path: str, travel_date: date, timezone: str = "Europe/London") -> None:
        self.travel_date = travel_date
        self.zone = ZoneInfo(timezone)
        start = (travel_date - timedelta(days=1)).isoformat()
        end = (travel_date + timedelta(days=1)).isoformat()
        with _quiet_stderr():
            self.timetable = ng.load_timetable([ng.TimetableSource("gtfs", str(feed_path))], start, end)
        self._names: dict[int, str] = {}
        self._points: tuple | None = None

    def stops_near(self, latitude: float, longitude: float, max_metres: float, metres_per_minute: float) -> list:
        """The feed's stops within a straight-line walk of a point, with the walk in whole minutes."""
        if self._points is None:
            first = _FIRST_STOP
            coords = [
                self.timetable.get_location_coords(ng.LocationIdx(i))
                for i in range(first, self.timetable.n_locations())
            ]
            self._points = (np.array([c.lat for c in coords]), np.array([c.lng for c in coords]))
        lats, lons = self._points
        if not len(lats):
            return []
        metres = haversine_km(latitude, longitude, lats, lons) * 1000
        near = np.flatnonzero(metres <= max_metres)
        return [StopAccess(int(i) + _FIRST_STOP, max(1, math.ceil(metres[i] / metres_per_minute))) for i in near]

    def has_stop(self, stop_id: str) -> bool:
        return self.timetable.find_location(stop_id) is not None

    def _stop_name(self, index: int) -> str | None:
        if index in (_START, _END):
            return None
        if index not in self._names:
            self._names[index] = self.timetable.get_location_name(ng.LocationIdx(index))
        return self._names[index]

    def _offsets(self, access: list[StopAccess]) -> list:
        offsets = []
        for item in access:
            if isinstance(item.stop_id, int):
                location = ng.LocationIdx(item.stop_id)
            else:
                location = self.timetable.find_location(item.stop_id)
            if location is not None:
                offsets.append(ng.Offset(location, int(item.walk_minutes), 0))
        return offsets

    def _earliest(self, starts: list, destinations: list, leave_from: int) -> Journey | None:
        query = ng.Query()
        query.start_time = leave_from
        query.start = starts
        query.destination = destinations
        query.start_match_mode = ng.LocationMatchMode.INTERMODAL
        query.dest_match_mode = ng.LocationMatchMode.INTERMODAL
        found = ng.route(self.timetable, query)
        if not found:
            return None
        best = min(found, key=lambda j: (j.dest_time, j.transfers))
        return self._journey(best)

    def _journey(self, raw) -> Journey | None:
        legs = []
        for raw_leg in raw.legs:
            start, end = int(getattr(raw_leg, "from")), int(raw_leg.to)
            walking = start in (_START, end) or end == _END
            legs.append(
                Leg(
                    kind="walk" if walking else "ride",
                    from_stop=self._stop_name(start),
                    to_stop=self._stop_name(end),
                    departs=_moment(raw_leg.dep_time),
                    arrives=_moment(raw_leg.arr_time),
                )
            )
        rides = [leg for leg in legs if leg.kind == "ride"]
        if not rides:
            return None
        # The search starts walking at the query time and may then wait at the stop: the real
        # leaving time is the first ride's departure less the walk to its stop.
        first_walk = legs[0].minutes if legs and legs[0].from_stop is None else 0
        leaves = rides[0].departs - timedelta(minutes=first_walk)
        if legs and legs[0].from_stop is None:
            legs[0] = Leg("walk", None, legs[0].to_stop, leaves, rides[0].departs)
        legs = [leg for leg in legs if not (leg.kind == "walk" and leg.from_stop and leg.from_stop == leg.to_stop)]
        return Journey(leaves=leaves, arrives=_moment(raw.dest_time), changes=int(raw.transfers), legs=legs)

    def arrive_by(self, origin: list[StopAccess], destination: list[StopAccess], deadline: datetime) -> Journey | None:
        """The latest-leaving journey from the origin's stops that reaches the destination by the deadline."""
        starts, destinations = self._offsets(origin), self._offsets(destination)
        if not starts or not destinations:
            return None
        limit = _minutes(deadline)

        def in_time(leave_from: int) -> Journey | None:
            journey = self._earliest(starts, destinations, leave_from)
            return journey if journey is not None and _minutes(journey.arrives) <= limit else None

        best = in_time(limit - SEARCH_WINDOW_MINUTES)
        if best is None:
            return None
        # The earliest arrival only gets later as the start does, so the latest start that still
        # arrives in time is found by bisection: first a guess (leave the journey's length before
        # the deadline), then halving the minutes between the latest start known to work and the
        # earliest known not to.
        low, high = _minutes(best.leaves) + 1, limit - best.minutes
        guess = in_time(high) if high >= low else None
        if guess is not None:
            best, low, high = guess, _minutes(guess.leaves) + 1, limit
        else:
            high -= 1
        for _ in range(MAX_REFINEMENTS):
            if low > high:
                break
            middle = (low + high) // 2
            journey = in_time(middle)
            if journey is None:
                high = middle - 1
            else:
                best, low = journey, max(middle, _minutes(journey.leaves)) + 1
        return best

    def deadline(self, arrive_by: str) -> datetime:
        """The travel date at a local clock time ("08:45") as an aware datetime."""
        hours, minutes = (int(part) for part in arrive_by.split(":"))
        return datetime(
            self.travel_date.year, self.travel_date.month, self.travel_date.day, hours, minutes, tzinfo=self.zone
        )
