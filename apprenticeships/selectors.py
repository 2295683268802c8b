"""Reads for pages and the API."""

import math
from datetime import date

from django.db.models import Count, ExpressionWrapper, F, FloatField, Q, QuerySet, Value
from django.db.models.expressions import CombinedExpression
from django.utils import timezone

from apprenticeships.models import (
    CourseOffer,
    Employer,
    LocalAuthority,
    Membership,
    OfferLocation,
    Provider,
    Standard,
    Vacancy,
)
from apprenticeships.places import Place


def hub_overview() -> dict:
    """Headline counts for the hub's home page."""
    return {
        "employers": Employer.objects.count(),
        "levy_payers": Employer.objects.filter(is_levy_payer=True).count(),
        "providers": Provider.objects.count(),
        "users": Membership.objects.count(),
        "standards": Standard.objects.filter(status=Standard.Status.APPROVED).count(),
    }


def city_region_authorities() -> list[LocalAuthority]:
    """The six authorities, most deprived first, with how many of our organisations are in each."""
    return list(
        LocalAuthority.objects.filter(in_city_region=True)
        .annotate(lsoas_in_decile_1=Count("lsoas", filter=Q(lsoas__imd_decile=1)), lsoa_count=Count("lsoas"))
        .order_by("imd_rank")
    )


# Distances in the database: an equirectangular approximation in plain arithmetic, so it runs
# (and orders, and filters) on SQLite and PostgreSQL alike; within 0.5% of the great-circle
# distance at the scale of a region.
KM_PER_DEGREE = 111.195


def squared_km_from(latitude: float, longitude: float, *, prefix: str = "") -> CombinedExpression:
    """An expression for the squared distance in km from a point to each row's latitude/longitude."""
    x = (F(f"{prefix}longitude") - Value(longitude)) * Value(KM_PER_DEGREE * math.cos(math.radians(latitude)))
    y = (F(f"{prefix}latitude") - Value(latitude)) * Value(KM_PER_DEGREE)
    return ExpressionWrapper(x * x + y * y, output_field=FloatField())


PUBLIC_SORTS = {
    "closing_date": ["closing_date", "id"],
    "distance": ["distance_sq", "closing_date", "id"],
    "wage": ["-weekly_wage", "closing_date", "id"],
    "start_date": ["start_date", "id"],
}


def public_vacancies(
    *,
    text: str = "",
    level: int | None = None,
    local_authority: str = "",
    near: Place | None = None,
    within_km: float | None = None,
    sort: str = "closing_date",
    today: date | None = None,
) -> QuerySet[Vacancy]:
    """Live vacancies still open for applications, as anyone may search them."""
    today = today or timezone.localdate()
    vacancies = Vacancy.objects.filter(status=Vacancy.Status.LIVE, closing_date__gte=today).select_related(
        "employer", "standard", "local_authority"
    )
    if text:
        vacancies = vacancies.filter(
            Q(title__icontains=text) | Q(description__icontains=text) | Q(standard__title__icontains=text)
        )
    if level:
        vacancies = vacancies.filter(standard__level=level)
    if local_authority:
        vacancies = vacancies.filter(
            Q(local_authority__code=local_authority) | Q(local_authority__name__iexact=local_authority)
        )
    if near is not None:
        vacancies = vacancies.annotate(distance_sq=squared_km_from(near.latitude, near.longitude))
        if within_km is not None:
            vacancies = vacancies.filter(distance_sq__lte=within_km * within_km)
    elif sort == "distance":
        sort = "closing_date"
    return vacancies.order_by(*PUBLIC_SORTS[sort])


def offers_within(queryset: QuerySet[CourseOffer], *, near: Place, within_km: float) -> QuerySet[CourseOffer]:
    """Offers with a delivery location within `within_km` of a place."""
    nearby = OfferLocation.objects.alias(distance_sq=squared_km_from(near.latitude, near.longitude)).filter(
        distance_sq__lte=within_km * within_km
    )
    return queryset.filter(id__in=nearby.values("offer_id"))
