"""Providers' course offers through the API: the rules, cohorts kept by id, filters and who sees what."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apprenticeships.models import Cohort, CourseOffer, OfferLocation, Standard
from tests.factories import ProviderFactory, make_user
from tests.market_factories import (
    NETWORK_ENGINEER,
    SOFTWARE_DEVELOPER,
    CourseOfferFactory,
    days_ahead,
    db_snapshot,
    offer_payload,
    standard,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/course-offers/"


@pytest.fixture
def personas(alice, priya, quentin, hannah) -> dict:
    return {"anonymous": None, "alice": alice, "priya": priya, "quentin": quentin, "hannah": hannah}


def detail(offer: CourseOffer) -> str:
    return f"{URL}{offer.id}/"


def snapshot() -> tuple:
    return db_snapshot(CourseOffer), db_snapshot(OfferLocation), db_snapshot(Cohort)


def post_refused(client, field: str, **overrides: object) -> str:
    before = snapshot()
    response = client.post(URL, offer_payload(**overrides), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert snapshot() == before
    return str(response.json()[field])


def post_accepted(client, **overrides: object) -> CourseOffer:
    response = client.post(URL, offer_payload(**overrides), format="json")
    assert response.status_code == 201, response.content
    return CourseOffer.objects.get(pk=response.json()["id"])


def test_a_provider_creates_an_offer_with_locations_and_cohorts(api, priya, provider_a):
    response = api(priya).post(URL, offer_payload(locations=[{"postcode": "l35tr", "radius_km": 25}]), format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["provider"] == provider_a.id
    assert (body["standard"], body["level"], body["price"], body["status"]) == (SOFTWARE_DEVELOPER, 4, 15000.0, "open")
    assert body["locations"] == [{"postcode": "L3 5TR", "radius_km": 25}]
    assert [(c["start_date"], c["places"]) for c in body["cohorts"]] == [
        (days_ahead(45).isoformat(), 12),
        (days_ahead(135).isoformat(), 8),
    ]
    assert all(isinstance(c["id"], int) for c in body["cohorts"])
    offer = CourseOffer.objects.get(pk=body["id"])
    assert offer.provider == provider_a
    assert offer.locations.get().local_authority.name == "Liverpool"


def test_it_accepts_a_price_exactly_at_the_funding_band(api, priya):
    band = standard(SOFTWARE_DEVELOPER).max_funding

    assert post_accepted(api(priya), price=f"{band}.00").price == band


def test_it_refuses_a_price_a_penny_above_the_funding_band(api, priya):
    band = standard(SOFTWARE_DEVELOPER).max_funding

    message = post_refused(api(priya), "price", price=f"{band}.01")

    assert f"£{band:,}" in message


def test_it_refuses_a_retired_standard(api, priya):
    Standard.objects.filter(lars_code=NETWORK_ENGINEER).update(status=Standard.Status.RETIRED)

    assert "retired" in post_refused(api(priya), "standard", standard=NETWORK_ENGINEER, price="10000")


@pytest.mark.parametrize(
    ("locations", "rule"),
    [
        ([{"postcode": "NOPE!", "radius_km": 10}], "not a valid UK postcode"),
        ([{"postcode": "ZZ9 9ZZ", "radius_km": 10}], "could not find"),
        ([{"postcode": "EH1 1AA", "radius_km": 10}], "outside England"),
        ([{"postcode": "L1 8JQ", "radius_km": 10}, {"postcode": "CF10 1AA", "radius_km": 10}], "Location 2"),
        ([{"postcode": "L1 8JQ", "radius_km": 0}], "radius_km"),
        ([{"postcode": "L1 8JQ", "radius_km": 201}], "radius_km"),
        ([{"postcode": "L1 8JQ"}], "radius_km"),
        ([], "at least one delivery location"),
    ],
)
def test_it_refuses_delivery_locations_it_cannot_place(api, priya, locations, rule):
    assert rule in post_refused(api(priya), "locations", locations=locations)


def test_it_refuses_an_offer_with_no_locations_that_is_not_national(api, priya):
    payload = offer_payload()
    del payload["locations"]
    before = snapshot()

    response = api(priya).post(URL, payload, format="json")

    assert response.status_code == 400
    assert "at least one delivery location" in str(response.json()["locations"])
    assert snapshot() == before


@pytest.mark.parametrize("radius", [1, 200])
def test_it_accepts_radii_from_1_to_200_km(api, priya, radius):
    offer = post_accepted(api(priya), locations=[{"postcode": "L1 8JQ", "radius_km": radius}])

    assert offer.locations.get().radius_km == radius


def test_a_national_offer_needs_no_location(api, priya):
    offer = post_accepted(api(priya), national=True, locations=[])

    assert offer.national and not offer.locations.exists()


@pytest.mark.parametrize(
    ("cohorts", "rule"),
    [
        ([{"start_date": days_ahead(30).isoformat(), "places": 0}], "places"),
        ([{"start_date": days_ahead(-1).isoformat(), "places": 5}], "in the past"),
        (
            [
                {"start_date": days_ahead(30).isoformat(), "places": 5},
                {"start_date": days_ahead(30).isoformat(), "places": 3},
            ],
            "already starts",
        ),
        ([{"start_date": "soon", "places": 5}], "start_date"),
    ],
)
def test_it_refuses_cohorts_without_places_in_the_past_or_on_the_same_day(api, priya, cohorts, rule):
    assert rule in post_refused(api(priya), "cohorts", cohorts=cohorts)


def test_it_accepts_a_cohort_starting_today_with_one_place(api, priya):
    offer = post_accepted(api(priya), cohorts=[{"start_date": days_ahead(0).isoformat(), "places": 1}])

    assert list(offer.cohorts.values_list("start_date", "places")) == [(days_ahead(0), 1)]


@pytest.mark.parametrize(("price", "delivery_modes"), [("-1", ["online"]), ("15000", []), ("15000", ["by_post"])])
def test_it_refuses_a_negative_price_and_missing_or_unknown_delivery_modes(api, priya, price, delivery_modes):
    field = "price" if price.startswith("-") else "delivery_modes"

    post_refused(api(priya), field, price=price, delivery_modes=delivery_modes)


# --- Editing ---------------------------------------------------------------------------------


def test_patching_cohorts_keeps_those_given_by_id_and_drops_those_left_out(api, priya, provider_a):
    offer = CourseOfferFactory(provider=provider_a)
    kept, dropped = offer.cohorts.order_by("start_date")

    response = api(priya).patch(
        detail(offer),
        {
            "cohorts": [
                {"id": kept.id, "start_date": kept.start_date.isoformat(), "places": 20},
                {"start_date": days_ahead(200).isoformat(), "places": 6},
            ]
        },
        format="json",
    )

    assert response.status_code == 200
    cohorts = response.json()["cohorts"]
    assert cohorts[0] == {"id": kept.id, "start_date": kept.start_date.isoformat(), "places": 20}
    assert cohorts[1]["places"] == 6 and cohorts[1]["id"] not in (kept.id, dropped.id)
    assert not Cohort.objects.filter(pk=dropped.pk).exists()
    assert Cohort.objects.get(pk=kept.pk).places == 20


def test_a_cohort_that_has_started_may_be_kept_unchanged(api, priya, provider_a):
    offer = CourseOfferFactory(provider=provider_a)
    started = offer.cohorts.order_by("start_date").first()
    Cohort.objects.filter(pk=started.pk).update(start_date=days_ahead(-10))

    response = api(priya).patch(
        detail(offer),
        {"cohorts": [{"id": started.id, "start_date": days_ahead(-10).isoformat(), "places": 3}]},
        format="json",
    )

    assert response.status_code == 200
    assert Cohort.objects.get(pk=started.pk).places == 3


def test_a_patch_cannot_take_over_another_offers_cohort(api, priya, provider_a, provider_b):
    mine = CourseOfferFactory(provider=provider_a)
    theirs = CourseOfferFactory(provider=provider_b).cohorts.first()
    before = snapshot()

    response = api(priya).patch(
        detail(mine),
        {"cohorts": [{"id": theirs.id, "start_date": days_ahead(50).isoformat(), "places": 1}]},
        format="json",
    )

    assert response.status_code == 400
    assert f"no cohort {theirs.id}" in str(response.json()["cohorts"])
    assert snapshot() == before


def test_changing_the_standard_checks_the_existing_price_against_the_new_band(api, priya, provider_a):
    offer = CourseOfferFactory(provider=provider_a)  # £15,000
    before = snapshot()

    response = api(priya).patch(detail(offer), {"standard": 36}, format="json")  # £2,500 band

    assert response.status_code == 400
    assert "price" in response.json()
    assert snapshot() == before


def test_the_owner_closes_and_deletes_an_offer(api, priya, provider_a):
    offer = CourseOfferFactory(provider=provider_a)

    closed = api(priya).patch(detail(offer), {"status": "closed"}, format="json")
    deleted = api(priya).delete(detail(offer))

    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert deleted.status_code == 204
    assert not CourseOffer.objects.exists()
    assert not Cohort.objects.exists() and not OfferLocation.objects.exists()


# --- Filters ---------------------------------------------------------------------------------


@pytest.fixture
def market(provider_a, provider_b) -> dict[str, CourseOffer]:
    """Three open offers: in Liverpool (L3), in Southport (PR9) and a national one."""
    return {
        "liverpool": CourseOfferFactory(provider=provider_a, locations=[{"postcode": "L3 5TR", "radius_km": 5}]),
        "southport": CourseOfferFactory(
            provider=provider_b,
            standard=standard(5),  # level 3
            locations=[{"postcode": "PR9 0AA", "radius_km": 5}],
            delivery_modes=["block_release"],
            cohorts=[],
        ),
        "national": CourseOfferFactory(
            provider=provider_b,
            standard=standard(NETWORK_ENGINEER),
            national=True,
            locations=[],
            delivery_modes=["online", "workplace"],
        ),
    }


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("", {"liverpool", "southport", "national"}),
        ("standard=2", {"liverpool"}),
        ("level=3", {"southport"}),
        ("level=4", {"liverpool", "national"}),
        ("postcode=L1+8JQ&within_km=10", {"liverpool"}),
        ("postcode=L1&within_km=1", {"liverpool"}),
        ("postcode=L1", {"liverpool"}),  # within 25 km by default
        ("postcode=L1+8JQ&within_km=40", {"liverpool", "southport"}),
        ("delivery_mode=block_release", {"southport"}),
        ("delivery_mode=online", {"liverpool", "national"}),
        ("has_places=true", {"liverpool", "national"}),
        ("has_places=false", {"southport"}),
        ("status=open&level=4&delivery_mode=workplace", {"national"}),
    ],
)
def test_the_offer_list_filters(api, alice, market, query, found):
    response = api(alice).get(f"{URL}?{query}")

    assert response.status_code == 200
    names = {offer.id: name for name, offer in market.items()}
    assert {names[item["id"]] for item in response.json()["results"]} == found


def test_the_offer_list_filters_by_provider(api, alice, market, provider_b):
    response = api(alice).get(f"{URL}?provider={provider_b.id}")

    assert {item["id"] for item in response.json()["results"]} == {market["southport"].id, market["national"].id}


def test_an_offer_whose_cohorts_have_all_started_has_no_places(api, alice, market):
    Cohort.objects.filter(offer=market["liverpool"]).update(start_date=days_ahead(-1))

    response = api(alice).get(f"{URL}?has_places=true")

    assert {item["id"] for item in response.json()["results"]} == {market["national"].id}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("postcode=NOPE!", "postcode"),
        ("postcode=ZZ9", "postcode"),
        ("within_km=far&postcode=L1", "within_km"),
        ("within_km=0&postcode=L1", "within_km"),  # was quietly read as the 25 km default
        ("within_km=-5&postcode=L1", "within_km"),
        ("within_km=501&postcode=L1", "within_km"),
        ("within_km=10", "within_km"),  # a distance from nowhere was ignored
        ("delivery_mode=by_post", "delivery_mode"),
    ],
)
def test_a_bad_place_filter_is_a_400_naming_it(api, alice, market, query, field):
    response = api(alice).get(f"{URL}?{query}")

    assert response.status_code == 400
    assert field in response.json()


# --- Who sees and changes what ---------------------------------------------------------------


@pytest.fixture
def offers(provider_a, provider_b) -> dict[str, CourseOffer]:
    return {
        "a_open": CourseOfferFactory(provider=provider_a),
        "a_closed": CourseOfferFactory(provider=provider_a, status="closed"),
        "b_open": CourseOfferFactory(provider=provider_b),
        "b_closed": CourseOfferFactory(provider=provider_b, status="closed"),
    }


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("priya", {"a_open", "a_closed", "b_open"}),
        ("quentin", {"a_open", "b_open", "b_closed"}),
        ("alice", {"a_open", "b_open"}),
        ("hannah", {"a_open", "a_closed", "b_open", "b_closed"}),
    ],
)
def test_each_persona_sees_its_own_offers_and_others_open_ones(api, personas, offers, persona, visible):
    client = api(personas[persona])

    listed = {item["id"] for item in client.get(URL).json()["results"]}

    assert listed == {offers[name].id for name in visible}
    for name, offer in offers.items():
        assert client.get(detail(offer)).status_code == (200 if name in visible else 404)


@pytest.mark.parametrize(
    ("persona", "sees_price_of"),
    [
        ("priya", {"a_open", "a_closed"}),
        ("quentin", {"b_open", "b_closed"}),
        ("alice", set()),
        ("hannah", {"a_open", "a_closed", "b_open", "b_closed"}),
    ],
)
def test_only_the_owner_and_the_hub_see_an_offers_price(api, personas, offers, persona, sees_price_of):
    items = {item["id"]: item for item in api(personas[persona]).get(URL).json()["results"]}

    for name, offer in offers.items():
        if offer.id in items:
            assert ("price" in items[offer.id]) == (name in sees_price_of), name
            assert items[offer.id]["title"] == offer.title


@pytest.mark.parametrize(("method", "body"), [("patch", {"title": "Mine now", "price": "1"}), ("delete", None)])
def test_a_provider_cannot_change_anothers_open_offer(api, priya, offers, method, body):
    before = snapshot()

    response = getattr(api(priya), method)(detail(offers["b_open"]), body, format="json")

    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize(("method", "body"), [("patch", {"title": "Mine now"}), ("delete", None)])
def test_a_provider_cannot_find_anothers_closed_offer_to_change_it(api, priya, offers, method, body):
    before = snapshot()

    response = getattr(api(priya), method)(detail(offers["b_closed"]), body, format="json")

    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize(("persona", "status"), [("alice", 403), ("hannah", 403), ("anonymous", 401)])
def test_only_providers_create_offers(api, personas, persona, status):
    response = api(personas[persona]).post(URL, offer_payload(), format="json")

    assert response.status_code == status
    assert not CourseOffer.objects.exists()


@pytest.mark.parametrize(("method", "body"), [("patch", {"title": "Edited"}), ("delete", None)])
@pytest.mark.parametrize("persona", ["alice", "hannah"])
def test_employers_and_the_hub_cannot_change_offers(api, personas, offers, persona, method, body):
    before = snapshot()

    response = getattr(api(personas[persona]), method)(detail(offers["a_open"]), body, format="json")

    assert response.status_code == 403
    assert snapshot() == before


def test_anonymous_visitors_cannot_list_or_read_offers(api, offers):
    assert api().get(URL).status_code == 401
    assert api().get(detail(offers["a_open"])).status_code == 401


def test_an_offer_is_created_for_the_uploaders_provider_whatever_the_body_says(api, priya, provider_a, provider_b):
    offer = post_accepted(api(priya), provider=provider_b.id)

    assert offer.provider == provider_a


# --- Query counts ----------------------------------------------------------------------------


def test_the_offer_list_costs_the_same_queries_for_3_or_20_offers(api, personas, provider_a, provider_b):
    CourseOfferFactory.create_batch(12, provider=provider_a)
    CourseOfferFactory.create_batch(12, provider=provider_b)
    extra = make_user("priya2", "provider", provider_a)  # two members: no duplicate rows either
    assert extra.membership.provider == provider_a
    ProviderFactory()
    for persona in ("priya", "alice", "hannah"):
        client = api(personas[persona])
        client.get(URL)  # warm the user's cached role and organisation
        counts = []
        for size in (3, 20):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(f"{URL}?page_size={size}")
            assert len(response.json()["results"]) == size
            counts.append(len(queries))

        assert counts[0] == counts[1], persona
