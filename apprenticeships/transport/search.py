"""The public search's "reachable by public transport from my postcode within N minutes" filter."""

from django.conf import settings
from django.db.models import QuerySet

from apprenticeships.models import TransitFeed, TravelTime, Vacancy
from apprenticeships.transport.travel import place_key, travel_times_compute

REACH_FILTER_MINUTES = (10, 120)  # the range the filter accepts
# Workplaces one search may plan journeys to when the cache lacks them (anyone may search: a
# request must not plan the whole region); the rest wait for compute_travel_times.
PLAN_PER_SEARCH_MAX = 200


def vacancies_reachable(vacancies: QuerySet[Vacancy], *, origin: str, minutes: int) -> QuerySet[Vacancy]:
    """Those vacancies whose workplace the origin reaches by public transport within `minutes`, arriving by
    TRAVEL_ARRIVE_BY (planned now for workplaces not cached yet; an estimate without a feed)."""
    origin = place_key(origin)
    workplaces = {place_key(p): p for p in vacancies.order_by().values_list("postcode", flat=True).distinct()}
    feed = TransitFeed.objects.defer("archive").first()
    cached = set(
        TravelTime.objects.filter(
            feed=feed, origin=origin, destination__in=list(workplaces), arrive_by=settings.TRAVEL_ARRIVE_BY
        ).values_list("destination", flat=True)
    )
    missing = sorted(set(workplaces) - cached)[:PLAN_PER_SEARCH_MAX]
    if missing:
        travel_times_compute(origins=[origin], destinations=missing)
    reached = TravelTime.objects.filter(
        feed=feed,
        origin=origin,
        destination__in=list(workplaces),
        arrive_by=settings.TRAVEL_ARRIVE_BY,
        minutes__lte=minutes,
    ).values_list("destination", flat=True)
    return vacancies.filter(postcode__in=[workplaces[key] for key in reached])
