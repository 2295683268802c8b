"""Sorting, filtering and searching never by a field the caller may not read (issue 12).

The attack: Quentin's offer price is hidden from Priya, another provider, yet sorting the offers by
price with her own offer in the list told her which side of her price his lay; moving her price
and asking again found his exactly in 21 requests. Employers, who see no prices, saw their ranking.

The walk below keeps every list closed to that kind of oracle: for every API list in the URLconf
and every role that may use it, each field it sorts, filters or searches by must be one that role
reads in the list's own answer, on every row of a sample market. Hub staff may see everything
(DESIGN.md, "Roles"), so the walk checks the other roles.
"""

from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.test import APIClient

from apprenticeships import selectors, training
from apprenticeships.api.ordering import RoleOrderingFilter
from apprenticeships.models import CourseOffer, Membership, Role
from apprenticeships.permissions import ACCESS, ANONYMOUS, user_organisation
from matching.models import Gap
from tests.security_matrix.market import LIVE, Market, market_build

OFFERS = "/api/v1/course-offers/"
PRICE_REFUSED = "You can only sort by price as hub staff: a course's price is shown only to its provider and the hub."
# One persona for each role the walk checks.
PERSONA = {ANONYMOUS: None, Role.EMPLOYER: "alice", Role.PROVIDER: "priya"}


@pytest.fixture(scope="module")
def market(django_db_setup, django_db_blocker) -> Iterator[Market]:
    """The access matrix's market (both employers, both providers, hub staff), built once for the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = market_build()
        # A live vacancy the run could not match, so the gaps list has a row to read.
        unmatched = built.sides["alice"].vacancies[LIVE]
        Gap.objects.update_or_create(vacancy=unmatched, defaults={"reason": "no_provider"})
        # Alice and Priya administer their organisations, so the invitations list has rows for them.
        Membership.objects.filter(user__username__in=["alice", "priya"]).update(is_admin=True)
        for name in ("alice", "priya"):
            built.sides[name].user.membership.refresh_from_db()
        yield built
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _fresh_throttles() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def client_for(market: Market, name: str | None) -> APIClient:
    client = APIClient()
    if name == "hannah":
        client.force_authenticate(market.hannah)
    elif name is not None:
        client.force_authenticate(market.sides[name].user)
    return client


def offer_ids(response) -> list[int]:
    return [item["id"] for item in response.json()["results"]]


def bisect_hidden_price(client: APIClient, own: CourseOffer, other: CourseOffer) -> Decimal | None:
    """The attack as it was run: move one's own price, sort by price, see which side the other lies."""
    low, high = Decimal("0.00"), Decimal("30000.00")
    for _ in range(21):
        middle = ((low + high) / 2).quantize(Decimal("0.01"))
        CourseOffer.objects.filter(pk=own.pk).update(price=middle)
        response = client.get(OFFERS, {"ordering": "price", "page_size": 100})
        if response.status_code != 200:
            return None
        ids = offer_ids(response)
        if ids.index(own.pk) < ids.index(other.pk):
            low = middle
        else:
            high = middle
    return high


# --- the attack ------------------------------------------------------------------------------------


def test_another_provider_cannot_bisect_a_hidden_price_by_sorting(market: Market, db: None) -> None:
    priya, quentin = market.sides["priya"], market.sides["quentin"]
    secret = CourseOffer.objects.get(pk=quentin.offers["open"].pk)
    CourseOffer.objects.filter(pk=secret.pk).update(price=Decimal("12345.67"))

    assert bisect_hidden_price(client_for(market, "priya"), priya.offers["open"], secret) is None
    response = client_for(market, "priya").get(OFFERS, {"ordering": "-price"})
    assert response.status_code == 400
    assert response.json() == {"ordering": [PRICE_REFUSED]}


def test_an_employer_is_told_it_cannot_sort_offers_by_price(market: Market, db: None) -> None:
    response = client_for(market, "alice").get(OFFERS, {"ordering": "title,price"})

    assert response.status_code == 400
    assert response.json() == {"ordering": [PRICE_REFUSED]}


def test_hub_staff_still_sort_offers_by_price(market: Market, db: None) -> None:
    priya, quentin = market.sides["priya"], market.sides["quentin"]
    CourseOffer.objects.filter(pk=priya.offers["open"].pk).update(price=Decimal("9000.00"))
    CourseOffer.objects.filter(pk=quentin.offers["open"].pk).update(price=Decimal("11000.00"))

    response = client_for(market, "hannah").get(OFFERS, {"ordering": "-price"})

    assert response.status_code == 200
    prices = [item["price"] for item in response.json()["results"]]
    assert prices == sorted(prices, reverse=True)
    assert offer_ids(response).index(quentin.offers["open"].pk) < offer_ids(response).index(priya.offers["open"].pk)


def test_providers_and_employers_still_sort_offers_by_what_they_see(market: Market, db: None) -> None:
    for name in ("priya", "alice"):
        response = client_for(market, name).get(OFFERS, {"ordering": "title"})

        assert response.status_code == 200
        titles = [item["title"] for item in response.json()["results"]]
        assert titles == sorted(titles)


# --- the walk: every list, every role, every field it sorts, filters or searches by -----------------

# Fields a list queries that its answer shows under another shape, each reviewed: (list, model path) ->
# the key of the answer that shows the same information.
SHOWN_AS: dict[tuple[str, str], str] = {
    # The standard's own keyword and job-title lists, as the answer lists them.
    ("standards", "keywords"): "keywords",
    ("standards", "typical_job_titles"): "typical_job_titles",
    # Delivery modes are stored as a bit mask and shown as a list.
    ("course-offers", "delivery_mode"): "delivery_modes",
    ("course-offers", "has_places"): "cohorts",  # each cohort's start date and places
    ("course-offers", "postcode"): "locations",  # distance from the offer's locations
    ("course-offers", "within_km"): "locations",
    # Standards and their titles are public (/api/v1/standards/<lars_code>/).
    ("public-vacancies", "standard__title"): "standard",
    # A vacancy is placed at its postcode district's centre, and the district is shown: distance tells no more.
    ("public-vacancies", "latitude"): "postcode",
    ("public-vacancies", "longitude"): "postcode",
    ("public-vacancies", "distance_sq"): "postcode",
    # A standard's keywords are public (/api/v1/standards/<lars_code>/), and the answer names the standard.
    ("training", "standard__keywords"): "standard",
    # Distance from the postcode to an offer's nearest venue: shown as that distance and that venue's postcode.
    ("training", "locations__latitude"): "distance_miles",
    ("training", "locations__longitude"): "nearest_postcode",
    # Relevance is worked out from the searched words in the title, description, standard and employer name.
    ("public-vacancies", "relevance"): "title",
}

# Lists whose view reads its own query parameters (not DRF's filter backends): parameter -> model paths.
OWN_PARAMETERS: dict[str, dict[str, list[str]]] = {
    "public-vacancies": {
        "search": list(selectors.PUBLIC_SEARCH_FIELDS),
        "level": ["standard__level"],
        "foundation": ["standard__is_foundation"],
        "age_group": ["age_groups"],
        "local_authority": ["local_authority__code", "local_authority__name"],
        "postcode": ["latitude", "longitude"],
        "within_km": ["latitude", "longitude"],
        "within_miles": ["latitude", "longitude"],
        # Journey time to the workplace: its place, which the answer shows as its postcode district.
        "reachable_within_minutes": ["latitude", "longitude"],
        "ordering": sorted({name.removeprefix("-") for sort in selectors.PUBLIC_SORTS.values() for name in sort}),
    },
    "training": {
        "search": list(training.SEARCH_FIELDS),
        "standard": ["standard__lars_code"],
        "postcode": ["locations__latitude", "locations__longitude"],
        "within_miles": ["locations__latitude", "locations__longitude"],
    },
}

# Lists that hold only the caller's own organisation, for these roles (checked below): sorting or
# filtering them ranks nothing of anyone else's.
ONLY_THEIR_OWN = {("employers", Role.EMPLOYER), ("providers", Role.PROVIDER)}

PAGINATION = {"page", "page_size"}


def list_views() -> Iterator[tuple[str, type]]:
    """Every API list in the URLconf: its URL and its viewset class."""

    def walk(patterns: list, prefix: str) -> Iterator[tuple[str, type]]:
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if "(?P<format>" in route:
                continue
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern):
                actions = getattr(entry.callback, "actions", None) or {}
                if actions.get("get") == "list" and route.startswith("api/"):
                    yield "/" + route.replace("^", "").replace("$", ""), entry.callback.cls

    return walk(get_resolver().url_patterns, "")


def view_for(cls: type) -> object:
    return cls(action="list", request=None, format_kwarg=None, args=(), kwargs={})


def exposed(serializer: serializers.Serializer, prefix: str = "", key_prefix: str = "") -> dict[str, str]:
    """Model path -> the key of the answer that shows it, for every field the serializer writes out."""
    found: dict[str, str] = {}
    for key, field in serializer.fields.items():
        if field.write_only or field.source == "*":
            continue
        path, shown = prefix + field.source.replace(".", "__"), key_prefix + key
        found[path] = shown
        if isinstance(field, serializers.RelatedField):
            found |= {f"{path}_id": shown, f"{path}__id": shown, f"{path}__pk": shown}
            if isinstance(field, serializers.SlugRelatedField):
                found[f"{path}__{field.slug_field}"] = shown
        nested = field.child if isinstance(field, serializers.ListSerializer) else field
        if isinstance(nested, serializers.Serializer):
            found |= exposed(nested, f"{path}__", f"{shown}__")
    if "id" in found:
        found["pk"] = found["id"]
    return found


def row_keys(row: dict, prefix: str = "") -> set[str]:
    keys = set()
    for key, value in row.items():
        keys.add(prefix + key)
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, dict):
                keys |= row_keys(item, f"{prefix}{key}__")
    return keys


def queried_paths(cls: type, view: object) -> dict[str, list[str]]:
    """What the list sorts, filters and searches by: 'ordering', 'filter <name>', 'search' -> model paths."""
    backends = cls.filter_backends
    if not backends:
        return {}
    queryset = view.get_serializer_class().Meta.model._default_manager.all()
    found: dict[str, list[str]] = {}
    if any(issubclass(backend, OrderingFilter) for backend in backends):
        assert RoleOrderingFilter in backends, f"{cls.__name__} sorts with a filter that ignores who asks"
        found["ordering"] = [name for name, _ in RoleOrderingFilter().get_valid_fields(queryset, view, {})]
    if any(issubclass(backend, DjangoFilterBackend) for backend in backends):
        filterset = DjangoFilterBackend().get_filterset_class(view, queryset)
        for name, declared in (filterset.base_filters if filterset else {}).items():
            found[f"filter {name}"] = [declared.field_name]
    if any(issubclass(backend, SearchFilter) for backend in backends):
        found["search"] = [name.lstrip("^=@$") for name in getattr(cls, "search_fields", None) or []]
    return found


def schema_parameters() -> dict[str, set[str]]:
    """Each list's query parameters as the OpenAPI schema documents them, pagination aside."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        path: {p["name"] for p in operations["get"].get("parameters", []) if p["in"] == "query"} - PAGINATION
        for path, operations in schema["paths"].items()
        if "get" in operations
    }


def unreadable(market: Market, url: str, cls: type, role: str, paths: dict[str, list[str]]) -> list[str]:
    """What the list, as `role` uses it, sorts, filters or searches by that `role` can't read in it."""
    name, persona = cls.access_name, PERSONA[role]
    shows = exposed(view_for(cls).get_serializer_class()(context={"request": None}))
    client = client_for(market, persona)
    response = client.get(url, {"page_size": 100})
    assert response.status_code == 200, f"{role} GET {url}: {response.status_code}"
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    assert rows, f"{role} GET {url}: no rows in the sample market, so nothing to check"
    if (name, role) in ONLY_THEIR_OWN:
        assert [row["id"] for row in rows] == [user_organisation(market.sides[persona].user).pk]
        return []
    readable = set.intersection(*(row_keys(row) for row in rows))  # shown on every row
    wrong = []
    for query, fields in paths.items():
        for field in fields:
            key = SHOWN_AS.get((name, field)) or shows.get(field)
            if key is None:
                wrong.append(f"{url} {query} {field}: no field of the answer shows it (say so in SHOWN_AS)")
            elif key not in readable and not (query == "ordering" and refused_ordering(client, url, field)):
                wrong.append(f"{role} {url} {query} {field}: uses {key!r}, which {role} can't read")
    return wrong


def refused_ordering(client: APIClient, url: str, field: str) -> bool:
    """Whether sorting by this field is refused outright (so nothing is learnt from the order)."""
    response = client.get(url, {"ordering": field})
    return response.status_code == 400 and "ordering" in response.json()


def test_every_list_sorts_filters_and_searches_only_by_what_each_role_reads(market: Market, db: None) -> None:
    documented = schema_parameters()
    walked, wrong = set(), []
    for url, cls in list_views():
        name = cls.access_name
        paths = queried_paths(cls, view_for(cls))
        # A parameter the view reads itself must be listed above with what it queries.
        own = documented[url] - {key.removeprefix("filter ") for key in paths}
        assert own == set(OWN_PARAMETERS.get(name, {})), f"{url}: say in OWN_PARAMETERS what {sorted(own)} query"
        paths |= {f"own {parameter}": fields for parameter, fields in OWN_PARAMETERS.get(name, {}).items()}
        for role in sorted(ACCESS[name]["list"] - {Role.HUB}) if paths else []:
            walked.add((name, role))
            wrong += unreadable(market, url, cls, role, paths)
    assert walked >= {
        ("course-offers", Role.EMPLOYER),
        ("course-offers", Role.PROVIDER),
        ("vacancies", Role.EMPLOYER),
        ("public-vacancies", ANONYMOUS),
        ("suggestions", Role.EMPLOYER),
        ("suggestions", Role.PROVIDER),
        ("gaps", Role.EMPLOYER),
        ("training", Role.EMPLOYER),
    }
    assert wrong == [], "\n".join(wrong)


def test_the_walk_fails_a_public_search_over_a_vacancys_private_notes(market: Market, db: None) -> None:
    from apprenticeships.api.vacancies import PublicVacancyViewSet

    wrong = unreadable(market, "/api/v1/public/vacancies/", PublicVacancyViewSet, ANONYMOUS, {"search": ["notes"]})

    assert wrong == ["/api/v1/public/vacancies/ search notes: no field of the answer shows it (say so in SHOWN_AS)"]


def test_the_walk_fails_a_provider_sorting_offers_by_price_when_it_is_not_refused(market: Market, db: None) -> None:
    from apprenticeships.api.offers import CourseOfferViewSet

    wrong = unreadable(market, OFFERS, CourseOfferViewSet, Role.PROVIDER, {"search": ["price"]})

    assert wrong == [f"provider {OFFERS} search price: uses 'price', which provider can't read"]
