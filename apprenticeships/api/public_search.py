"""The public search as a function of its query parameters, run by the API's own code.

An alert keeps its search as the public search's query parameters; running them through
PublicVacancyViewSet itself means an alert finds exactly what the API (and the page) would.
"""

from django.db.models import QuerySet
from django.http import QueryDict
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from apprenticeships.api.reach import ReachableFilterSerializer
from apprenticeships.api.vacancies import PublicSearchSerializer, PublicVacancyViewSet
from apprenticeships.models import Vacancy
from apprenticeships.rules import SEARCH_ANY_DISTANCE

KM_PER_MILE = 1.609344
MILES_MIN, MILES_MAX = 2, 100  # the national service's search radius choices (DESIGN.md)


def _knows(name: str) -> bool:
    return name in PublicSearchSerializer().fields


def search_parameter_names() -> set[str]:
    """The query parameters the public search takes (its sort aside: an alert lists by date), and both distances."""
    searched = set(PublicSearchSerializer().fields) | set(ReachableFilterSerializer().fields)
    return (searched | {"within_miles", "within_km"}) - {"ordering"}


def search_parameters(params: dict[str, str | list[str]]) -> dict[str, str | list[str]]:
    """The parameters as the search takes them: miles become kilometres where it knows only kilometres."""
    params = dict(params)
    if "within_miles" in params and not _knows("within_miles"):
        miles = params.pop("within_miles")
        try:
            params.setdefault("within_km", f"{float(miles) * KM_PER_MILE:.3f}")
        except ValueError:
            params["within_km"] = miles  # the search says what is wrong with it
    return params


def search_errors(params: dict[str, str | list[str]]) -> dict[str, list[str]]:
    """What the public search would refuse in these parameters (empty when it would run)."""
    errors: dict[str, list[str]] = {}
    miles = params.get("within_miles")
    if miles not in (None, "", SEARCH_ANY_DISTANCE):
        try:
            if not MILES_MIN <= float(miles) <= MILES_MAX:
                raise ValueError(miles)
        except ValueError:
            errors["within_miles"] = [f"Give a distance from {MILES_MIN} to {MILES_MAX} miles."]
    query = _query(search_parameters(params))
    for serializer in (PublicSearchSerializer(data=query), ReachableFilterSerializer(data=query)):
        if not serializer.is_valid():
            errors.update({name: [str(m) for m in messages] for name, messages in serializer.errors.items()})
    return errors


def _query(params: dict[str, str | list[str]]) -> QueryDict:
    """The parameters as a query string has them: a list (the page's levels) as the parameter repeated."""
    query = QueryDict(mutable=True)
    for name, value in params.items():
        query.setlist(name, value if isinstance(value, list) else [value])
    return query


def public_search(params: dict[str, str | list[str]]) -> QuerySet[Vacancy]:
    """Live vacancies the public search finds for these query parameters (ValidationError if it can't read them)."""
    request = Request(APIRequestFactory().get("/api/v1/public/vacancies/", search_parameters(params)))
    view = PublicVacancyViewSet(request=request, action="list", args=(), kwargs={}, format_kwarg=None)
    return view.get_queryset()
