"""Find training, for employers: open course offers by standard, words and distance; shortlists; standards' pages.

Reads only. What an employer sees of an offer never includes its price (DESIGN.md, "Roles"): the
rows here carry the offer, and the pages and the API's serializer pick the fields they show.
"""

import math
from dataclasses import dataclass
from datetime import date
from functools import reduce
from operator import or_

from django.contrib.auth.models import User
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from apprenticeships.models import Cohort, CourseOffer, OfferLocation, Provider, ShortlistEntry, Standard
from apprenticeships.places import Place
from apprenticeships.selectors import squared_km_from

# The national course search's radius choices and default (DESIGN.md, "National services' rules":
# 2–100 miles, default 10; from the public code of GOV.UK's "Find apprenticeship training").
MILES_CHOICES = (2, 5, 10, 15, 20, 30, 50, 100)
DEFAULT_MILES = 10
KM_PER_MILE = 1.609344  # the international mile

# Where the words of a search are looked for: what the page shows of an offer (never its price).
SEARCH_FIELDS = ("title", "description", "standard__title", "standard__keywords", "provider__name")


@dataclass(frozen=True)
class NextCohort:
    start_date: date
    places: int


def miles(distance_sq_km: float | None) -> float | None:
    """A squared distance in km² as miles, to one decimal place."""
    if distance_sq_km is None:
        return None
    return round(math.sqrt(max(distance_sq_km, 0.0)) / KM_PER_MILE, 1)


def training_offers(
    *,
    standard: Standard | None = None,
    text: str = "",
    near: Place | None = None,
    within_miles: float | None = None,
    today: date | None = None,
) -> QuerySet[CourseOffer]:
    """Open course offers an employer may consider, nearest venue first, then by achievement rate.

    Near a place, an offer is in reach when one of its venues is within `within_miles` of it, or it
    is delivered nationally; each row carries `distance_sq` (km², to its nearest venue, or None
    without a place or a venue), `nearest_postcode`, `next_start`, `next_places` (the next cohort
    with places) and `places_left` (places in cohorts still to start).
    """
    today = today or timezone.localdate()
    offers = CourseOffer.objects.filter(status=CourseOffer.Status.OPEN).select_related("provider", "standard")
    if standard is not None:
        offers = offers.filter(standard=standard)
    if text:
        offers = offers.filter(reduce(or_, (Q(**{f"{name}__icontains": text}) for name in SEARCH_FIELDS)))
    upcoming = Cohort.objects.filter(offer=OuterRef("pk"), start_date__gte=today, places__gt=0).order_by(
        "start_date", "id"
    )
    offers = offers.annotate(
        next_start=Subquery(upcoming.values("start_date")[:1]),
        next_places=Subquery(upcoming.values("places")[:1]),
        places_left=Sum("cohorts__places", filter=Q(cohorts__start_date__gte=today), default=0),
    )
    order = [F("provider__achievement_rate").desc(nulls_last=True), "title", "id"]
    if near is not None:
        nearest = (
            OfferLocation.objects.filter(offer=OuterRef("pk"))
            .annotate(distance_sq=squared_km_from(near.latitude, near.longitude))
            .order_by("distance_sq", "id")
        )
        offers = offers.annotate(
            distance_sq=Subquery(nearest.values("distance_sq")[:1]),
            nearest_postcode=Subquery(nearest.values("postcode")[:1]),
        )
        if within_miles is not None:
            within_km = within_miles * KM_PER_MILE
            offers = offers.filter(Q(distance_sq__lte=within_km * within_km) | Q(national=True))
        order = [F("distance_sq").asc(nulls_last=True), *order]
    return offers.order_by(*order)


def training_rows(offers: list[CourseOffer], *, user: User | None = None) -> list[CourseOffer]:
    """A page of offers from `training_offers`, with `distance_miles`, `next_cohort` and `shortlisted` set."""
    shortlisted = set(shortlist_offer_ids(user=user)) if user is not None else set()
    for offer in offers:
        offer.distance_miles = miles(getattr(offer, "distance_sq", None))
        offer.next_cohort = NextCohort(offer.next_start, offer.next_places) if offer.next_start else None
        offer.shortlisted = offer.pk in shortlisted
    return offers


def standards_with_offers() -> QuerySet[Standard]:
    """Standards that have at least one open course offer, by title: what the search's list offers."""
    return Standard.objects.filter(offers__status=CourseOffer.Status.OPEN).distinct().order_by("title", "level")


# --- Shortlists ----------------------------------------------------------------------------------


def shortlist_offer_ids(*, user: User) -> list[int]:
    """The offers on one person's shortlist (only their own)."""
    return list(ShortlistEntry.objects.filter(user=user).values_list("offer_id", flat=True))


def shortlist_offers(*, user: User, today: date | None = None) -> QuerySet[CourseOffer]:
    """One person's shortlisted offers that are still open, most recently added first."""
    entries = ShortlistEntry.objects.filter(user=user, offer=OuterRef("pk"))
    return (
        training_offers(today=today)
        .filter(pk__in=ShortlistEntry.objects.filter(user=user).values("offer_id"))
        .annotate(added_at=Subquery(entries.values("created_at")[:1]))
        .order_by("-added_at", "-id")
    )


def shortlist_closed_count(*, user: User) -> int:
    """How many of one person's shortlisted offers their providers have closed since."""
    return ShortlistEntry.objects.filter(user=user).exclude(offer__status=CourseOffer.Status.OPEN).count()


# --- Standards' pages ---------------------------------------------------------------------------


def standard_by_reference(reference: str) -> Standard | None:
    """A standard by its IfATE reference (ST0116, any case) or, where the data has none, its LARS code."""
    reference = reference.strip()
    if reference.isdigit():
        return Standard.objects.filter(lars_code=int(reference)).first()
    return Standard.objects.filter(reference__iexact=reference).first() if reference else None


def standard_providers(*, standard: Standard, today: date | None = None) -> QuerySet[Provider]:
    """Providers with an open offer of this standard delivered in the city region (a venue there, or nationally),
    by achievement rate; each with `offers_here` and `places_left` (in cohorts still to start)."""
    today = today or timezone.localdate()
    here = Q(offers__standard=standard, offers__status=CourseOffer.Status.OPEN) & (
        Q(offers__locations__local_authority__in_city_region=True) | Q(offers__national=True)
    )
    ids = Provider.objects.filter(here).values("pk")
    open_offers = CourseOffer.objects.filter(provider=OuterRef("pk"), standard=standard, status=CourseOffer.Status.OPEN)
    places = (
        Cohort.objects.filter(
            offer__provider=OuterRef("pk"),
            offer__standard=standard,
            offer__status=CourseOffer.Status.OPEN,
            start_date__gte=today,
        )
        .values("offer__provider")
        .annotate(n=Sum("places"))
        .values("n")
    )
    return (
        Provider.objects.filter(pk__in=ids)
        .annotate(
            offers_here=Subquery(open_offers.values("provider").annotate(n=Count("pk")).values("n")),
            places_left=Subquery(places),
        )
        .order_by(F("achievement_rate").desc(nulls_last=True), "name")
    )
