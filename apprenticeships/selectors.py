"""Reads for pages and the API."""

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
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
    VacancyTransition,
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
        "vacancies_to_review": Vacancy.objects.filter(status=Vacancy.Status.SUBMITTED).count(),
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


# Where the public search looks for its text: fields a public vacancy shows (tests/security/test_ordering_leaks.py).
PUBLIC_SEARCH_FIELDS = ("title", "description", "standard__title")
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
        vacancies = vacancies.filter(reduce(or_, (Q(**{f"{name}__icontains": text}) for name in PUBLIC_SEARCH_FIELDS)))
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


def review_deadline(submitted_at: datetime) -> datetime:
    """When hub QA should have reviewed a vacancy: working days after submission, weekends skipped.

    Bank holidays are not known, so they count as working days.
    """
    deadline = timezone.localtime(submitted_at)
    if deadline.weekday() >= 5:  # sent at the weekend: the clock starts on Monday morning
        deadline = (deadline + timedelta(days=7 - deadline.weekday())).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
    for _ in range(settings.VACANCY_REVIEW_WORKING_DAYS):
        deadline += timedelta(days=1)
        while deadline.weekday() >= 5:
            deadline += timedelta(days=1)
    return deadline


@dataclass(frozen=True)
class QueueItem:
    vacancy: Vacancy
    deadline: datetime
    overdue: bool


def qa_queue(*, now: datetime | None = None) -> list[QueueItem]:
    """Submitted vacancies waiting for hub QA, oldest first, each with its review deadline."""
    now = now or timezone.now()
    waiting = (
        Vacancy.objects.filter(status=Vacancy.Status.SUBMITTED)
        .select_related("employer", "standard", "local_authority")
        .order_by("submitted_at", "id")
    )
    items = []
    for vacancy in waiting:
        deadline = review_deadline(vacancy.submitted_at or vacancy.updated_at)
        items.append(QueueItem(vacancy, deadline, deadline < now))
    return items


# The order an employer's dashboard shows its vacancies in: what needs doing first.
DASHBOARD_ORDER = [
    Vacancy.Status.DRAFT,
    Vacancy.Status.SUBMITTED,
    Vacancy.Status.LIVE,
    Vacancy.Status.FILLED,
    Vacancy.Status.CLOSED,
    Vacancy.Status.WITHDRAWN,
]


REFERRED_BACK = "referred"  # a draft the hub has referred back: the employer's to-do, shown as its own group


@dataclass(frozen=True)
class StatusGroup:
    status: str
    label: str
    vacancies: list[Vacancy]


def with_referral(vacancies: QuerySet[Vacancy]) -> QuerySet[Vacancy]:
    """Annotate `referral_comment`: the hub's comment when the vacancy's latest step was being referred back, else None.

    A draft the employer is still editing after a referral is still referred back (editing a draft
    records no step); submitting it again is a step, and ends that.
    """
    latest = VacancyTransition.objects.filter(vacancy=OuterRef("pk")).order_by("-created_at", "-id")
    return vacancies.annotate(
        last_from=Subquery(latest.values("from_status")[:1]),
        last_to=Subquery(latest.values("to_status")[:1]),
        last_comment=Subquery(latest.values("comment")[:1]),
        referral_comment=Case(
            When(
                status=Vacancy.Status.DRAFT,
                last_from=Vacancy.Status.SUBMITTED,
                last_to=Vacancy.Status.DRAFT,
                then=F("last_comment"),
            ),
            default=None,
        ),
    )


def vacancies_by_status(vacancies: QuerySet[Vacancy]) -> list[StatusGroup]:
    """Vacancies grouped by status in dashboard order (empty groups left out), newest first in each.

    Drafts the hub has referred back come first, as "Referred back", each with the hub's comment."""
    rows = list(with_referral(vacancies).select_related("standard").order_by("-updated_at", "-id"))
    referred = [v for v in rows if v.referral_comment is not None]
    groups = [StatusGroup(REFERRED_BACK, "Referred back", referred)]
    groups += [
        StatusGroup(status, status.label, [v for v in rows if v.status == status and v.referral_comment is None])
        for status in DASHBOARD_ORDER
    ]
    return [group for group in groups if group.vacancies]


def provider_offers(provider: Provider, *, today: date | None = None) -> QuerySet[CourseOffer]:
    """A provider's offers by title, with the places left in cohorts that have not started."""
    today = today or timezone.localdate()
    return (
        CourseOffer.objects.filter(provider=provider)
        .select_related("standard")
        .annotate(places_left=Sum("cohorts__places", filter=Q(cohorts__start_date__gte=today), default=0))
        .order_by("title", "id")
    )


# --- Organisations and their people --------------------------------------------------------------


def _with_user_counts(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(active_users=Count("members", filter=Q(members__user__is_active=True), distinct=True))


def organisations_for_hub(*, without_users: bool = False) -> list[Employer | Provider]:
    """Every employer and provider, with `active_users` counted, by name (only those with none if asked)."""
    employers = _with_user_counts(Employer.objects.all())
    providers = _with_user_counts(Provider.objects.all())
    if without_users:
        employers, providers = employers.filter(active_users=0), providers.filter(active_users=0)
    return sorted([*employers, *providers], key=lambda organisation: (organisation.name.casefold(), organisation.pk))


def organisation_has_users(organisation: Employer | Provider) -> bool:
    """Whether anyone at the organisation has an active account (and so receives the service's e-mails)."""
    return organisation.members.filter(user__is_active=True).exists()


def organisation_people(organisation: Employer | Provider) -> QuerySet[Membership]:
    """The organisation's people with their accounts, admins first."""
    return organisation.members.select_related("user").order_by("-is_admin", "user__first_name", "user__username")


def active_users_exist(*, employer: object = None, provider: object = None) -> Exists:
    """A subquery for annotations: whether the employer (or provider) given as an OuterRef has an active user."""
    scope = {"employer": employer} if employer is not None else {"provider": provider}
    return Exists(Membership.objects.filter(user__is_active=True, **scope))
