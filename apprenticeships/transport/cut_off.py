"""Cut-off neighbourhoods: deprived, mostly without a car, and with little work or training in reach.

A 2021 LSOA is cut off when all three hold (docs/reach.md):

* IMD 2019 decile 1 or 2 (the most deprived fifth of England's neighbourhoods);
* at least CUT_OFF_NO_CAR_SHARE of its households have no car or van (Census 2021) — 40%, about
  the city region's upper quartile (41.7%) and Liverpool's own average (40.1%);
* by public transport within REACH_MINUTES (45) of leaving home, arriving by TRAVEL_ARRIVE_BY, it
  reaches fewer than CUT_OFF_REACH_SHARE (a quarter) of the region's live vacancies and fewer than a
  quarter of its training venues.

Reach comes from the cached travel times (compute_travel_times); a neighbourhood with none
computed yet has null reach figures and a null `cut_off`.
"""

from collections import Counter

from django.conf import settings
from django.db.models import F

from apprenticeships.models import CourseOffer, Neighbourhood, OfferLocation, TransitFeed, TravelTime, Vacancy
from apprenticeships.transport.travel import place_key

CUT_OFF_DECILES = (1, 2)
CUT_OFF_NO_CAR_SHARE = 40.0  # per cent
CUT_OFF_REACH_SHARE = 0.25


def _destinations() -> tuple[Counter, set[str]]:
    """Live vacancies counted by workplace postcode, and the open offers' venue postcodes."""
    vacancies = Counter(
        place_key(p) for p in Vacancy.objects.filter(status=Vacancy.Status.LIVE).values_list("postcode", flat=True)
    )
    venues = {
        place_key(p)
        for p in OfferLocation.objects.filter(offer__status=CourseOffer.Status.OPEN).values_list("postcode", flat=True)
    }
    return vacancies, venues


def cut_off_neighbourhoods(*, limit: int | None = None) -> list[dict]:
    """Every neighbourhood's figures and whether it is cut off; cut-off ones first, most deprived first."""
    vacancies, venues = _destinations()
    feed = TransitFeed.objects.defer("archive").first()
    reached: dict[str, Counter] = {}
    computed: set[str] = set()
    rows = TravelTime.objects.filter(
        feed=feed, arrive_by=settings.TRAVEL_ARRIVE_BY, origin__startswith="E0", destination__in=[*vacancies, *venues]
    ).values_list("origin", "destination", "minutes")
    for origin, destination, minutes in rows:
        computed.add(origin)
        if minutes is not None and minutes <= settings.REACH_MINUTES:
            counts = reached.setdefault(origin, Counter())
            counts["vacancies"] += vacancies.get(destination, 0)
            counts["venues"] += destination in venues
    live, venue_count = sum(vacancies.values()), len(venues)
    out = []
    neighbourhoods = Neighbourhood.objects.annotate(authority=F("local_authority__name")).order_by("imd_rank", "code")
    for n in neighbourhoods:
        no_car = round(100 * n.households_no_car / n.households, 1) if n.households else 0.0
        counts = reached.get(n.code, Counter())
        known = n.code in computed or not (live or venue_count)
        few = (
            counts["vacancies"] < CUT_OFF_REACH_SHARE * live and counts["venues"] < CUT_OFF_REACH_SHARE * venue_count
            if live and venue_count
            else counts["vacancies"] < CUT_OFF_REACH_SHARE * live
            or counts["venues"] < CUT_OFF_REACH_SHARE * venue_count
        )
        cut_off = n.imd_decile in CUT_OFF_DECILES and no_car >= CUT_OFF_NO_CAR_SHARE and few if known else None
        out.append(
            {
                "lsoa_code": n.code,
                "lsoa_name": n.name,
                "local_authority": n.authority,
                "imd_decile": n.imd_decile,
                "no_car_share": no_car,
                "stops_within_800m": n.stops_nearby,
                "vacancies_within_45_min": counts["vacancies"] if known else None,
                "venues_within_45_min": counts["venues"] if known else None,
                "cut_off": cut_off,
            }
        )
    out.sort(key=lambda row: (row["cut_off"] is not True,))
    return out[:limit] if limit else out
