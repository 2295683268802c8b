"""Travel times from workplaces to venues, put on a market for matching.ml.travel.

For each vacancy and each offer of its standard delivered from a location within reach (its
nearest location's radius), the time by public transport from the workplace to that nearest
location, from the cache of the feed in use (apprenticeships.transport.travel), planning the
pairs not cached yet. A run's chunk is a Celery task, so this happens on the workers.
"""

import logging
from collections import defaultdict

import numpy as np
from django.conf import settings

from apprenticeships.models import TransitFeed, TravelTime, Vacancy
from apprenticeships.transport.travel import place_key, travel_times_compute
from lcr_skills.geo import haversine_km
from matching.ml.market import Market
from matching.ml.travel import in_person

logger = logging.getLogger(__name__)
# Journeys a run plans itself when the cache lacks them; beyond this the run uses what is cached
# and asks for compute_travel_times (the bulk job on the workers) to fill the rest.
PLAN_IN_RUN_MAX = 2000


def _group(keys: np.ndarray) -> dict[int, np.ndarray]:
    groups: dict[int, list[int]] = defaultdict(list)
    for index, key in enumerate(keys.tolist()):
        groups[key].append(index)
    return {key: np.array(indices, dtype=np.int64) for key, indices in groups.items()}


def _nearest_venues(market: Market) -> dict[tuple[int, int], int]:
    """(vacancy index, offer index) -> index of the offer's location nearest the workplace, where it reaches.

    One distance matrix per standard (in blocks of vacancies), its locations grouped by offer: each
    offer's nearest location is the first of its group at the group's least distance, as np.argmin
    over that offer's locations would pick."""
    vac, off, loc = market.vacancies, market.offers, market.locations
    nearest: dict[tuple[int, int], int] = {}
    by_offer = np.argsort(loc.offer, kind="stable")  # locations grouped by offer, in their order within it
    offers_by_standard = _group(off.standard)
    for standard, vacancy_idx in _group(vac.standard).items():
        offers = offers_by_standard.get(standard)
        if offers is None:
            continue
        mine = by_offer[np.isin(loc.offer[by_offer], offers)]
        if not len(mine):
            continue
        offer_of = loc.offer[mine]
        starts = np.flatnonzero(np.r_[True, offer_of[1:] != offer_of[:-1]])
        group = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(mine)]))
        column = np.arange(len(mine))
        for block in range(0, len(vacancy_idx), NEAREST_BLOCK):
            rows = vacancy_idx[block : block + NEAREST_BLOCK]
            dist = haversine_km(
                vac.latitude[rows, None], vac.longitude[rows, None], loc.latitude[None, mine], loc.longitude[None, mine]
            ).reshape(len(rows), len(mine))
            least = np.minimum.reduceat(dist, starts, axis=1)
            best = np.minimum.reduceat(np.where(dist == least[:, group], column, len(mine)), starts, axis=1)
            within = least <= loc.radius_km[mine[best]]
            # Only pairs taught in person are held to the limit; the others need no journey planned.
            r, g = np.nonzero(within)
            taught = in_person(market, rows[r], offer_of[starts[g]])
            for v, o, at in zip(
                rows[r[taught]].tolist(),
                offer_of[starts[g[taught]]].tolist(),
                mine[best[r, g][taught]].tolist(),
                strict=True,
            ):
                nearest[(v, o)] = at
    return nearest


# Vacancies per distance matrix: a block of the biggest standard's (thousands of venues) stays a few MB.
NEAREST_BLOCK = 256


def market_travel_attach(market: Market) -> Market:
    """Put workplace → venue travel times and the in-person limit on the market (planning any not cached)."""
    market.max_travel_minutes = settings.MAX_TRAVEL_MINUTES
    if not len(market.vacancies) or not len(market.locations):
        return market
    pairs = _nearest_venues(market)
    if not pairs:
        return market
    reaching = sorted({v for v, _ in pairs})  # the workplaces with a venue in reach: each keyed once
    vacancy_ids = market.vacancies.id[reaching].tolist()
    workplaces = dict(Vacancy.objects.filter(id__in=vacancy_ids).values_list("id", "postcode"))
    origins = {v: place_key(workplaces[vacancy_id]) for v, vacancy_id in zip(reaching, vacancy_ids, strict=True)}
    venue_keys = {location: place_key(market.locations.postcode[location]) for location in set(pairs.values())}
    wanted: dict[str, set[str]] = defaultdict(set)
    keys = {}
    for (v, o), location in pairs.items():
        origin, destination = origins[v], venue_keys[location]
        keys[(v, o)] = (origin, destination)
        wanted[origin].add(destination)
    feed = TransitFeed.objects.defer("archive").first()
    arrive_by = settings.TRAVEL_ARRIVE_BY
    cached = {
        (o, d): (minutes, changes)
        for o, d, minutes, changes in TravelTime.objects.filter(
            feed=feed, origin__in=list(wanted), arrive_by=arrive_by
        ).values_list("origin", "destination", "minutes", "changes")
    }
    missing = {origin: sorted(d for d in dests if (origin, d) not in cached) for origin, dests in wanted.items()}
    count = sum(len(d) for d in missing.values())
    if count > PLAN_IN_RUN_MAX:
        logger.warning("%s workplace-venue journeys not cached: run compute_travel_times", count)
        missing = {}
    for origin, destinations in missing.items():
        if destinations:
            travel_times_compute(origins=[origin], destinations=destinations)
    if any(missing.values()):
        cached = {
            (o, d): (minutes, changes)
            for o, d, minutes, changes in TravelTime.objects.filter(
                feed=feed, origin__in=list(wanted), arrive_by=arrive_by
            ).values_list("origin", "destination", "minutes", "changes")
        }
    for (v, o), key in keys.items():
        if key in cached:
            market.travel[(int(market.vacancies.id[v]), int(market.offers.id[o]))] = cached[key]
    return market
