"""Rules more than one door checks (forms, API serializers, services, the CSV import): each written once.

A rule says what is wrong, or nothing; each caller puts its own words around it where a page and
the API speak differently.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from apprenticeships.models import DeliveryMode, Standard

# A broken rule: the field it belongs to, and what to say.
Problem = tuple[str, str]


def problems_raise(problems: Iterable[Problem]) -> None:
    """Raise one ValidationError with every problem under its field (in the order found), if there are any."""
    errors: dict[str, list[str]] = {}
    for field, message in problems:
        errors.setdefault(field, []).append(message)
    if errors:
        raise ValidationError(errors)


def standards_choosable(current: Standard | None = None) -> QuerySet[Standard]:
    """Standards that may be chosen: the approved ones, and the one already chosen even if it has retired since."""
    return Standard.objects.filter(Q(status=Standard.Status.APPROVED) | (Q(pk=current.pk) if current else Q()))


def retired_standard_problem(standard: Standard | None, *, current: Standard | None) -> str | None:
    """A retired standard can't be chosen anew; one chosen before it retired may stay."""
    if standard is not None and standard.status == Standard.Status.RETIRED and standard != current:
        return f"{standard.title} (LARS {standard.lars_code}) is retired; choose a current standard."
    return None


def unknown_delivery_modes(modes: Iterable[str]) -> list[str]:
    """The modes given that are not delivery modes, in the order given."""
    return [mode for mode in modes if mode not in DeliveryMode.values]


def delivery_modes_problem(modes: list[str] | None, *, none_chosen: str) -> str | None:
    """At least one delivery mode, each a known one (`none_chosen` says the first, as a vacancy or an offer puts it)."""
    if modes is not None and not modes:
        return none_chosen
    if modes and unknown_delivery_modes(modes):
        return f"Choose from {', '.join(DeliveryMode.values)}."
    return None


# A search by distance from a postcode: at most this far, and this far when an offer search gives no distance.
SEARCH_MAX_KM = 500
OFFER_SEARCH_DEFAULT_KM = 25

# The vacancy search's distances, in miles, as the national Find an apprenticeship service offers them
# (2, 5, 10, 15, 20, 30 and 40 miles or "Across England": SkillsFundingAgency/das-findapprenticeship-web,
# Views/SearchApprenticeships/SearchResults.cshtml), to 100 miles as its course search goes (DESIGN.md),
# 10 miles when a postcode is given with no distance. "all": no limit.
SEARCH_MILES = (2, 5, 10, 15, 20, 30, 40, 50, 100)
SEARCH_DEFAULT_MILES = 10
SEARCH_ANY_DISTANCE = "all"
KM_PER_MILE = 1.609344


def search_within_km(
    *, postcode: object, within_miles: object, within_km: float | None = None, journey_minutes: int | None = None
) -> float | None:
    """How far a vacancy search reaches, in km: `within_km` if given (API clients), else the miles asked
    for, else the default miles when there is a postcode, unless the search is by journey time (then the
    journey decides); None for no limit."""
    if within_km is not None:
        return within_km
    if within_miles == SEARCH_ANY_DISTANCE or not postcode or (journey_minutes and not within_miles):
        return None
    return float(within_miles or SEARCH_DEFAULT_MILES) * KM_PER_MILE


def distance_without_postcode(*, postcode: object, within_km: object, sort: str | None = None) -> str | None:
    """A distance needs a postcode to measure from: "within_km" or "sort" when one is asked for without it."""
    if postcode:
        return None
    if within_km not in (None, ""):
        return "within_km"
    if sort == "distance":
        return "sort"
    return None
