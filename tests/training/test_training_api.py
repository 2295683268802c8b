"""GET /api/v1/training/: employers search open course offers by standard, words and miles, never seeing a price."""

import pytest

from tests.market_factories import NETWORK_ENGINEER, SOFTWARE_DEVELOPER
from tests.training.conftest import price_texts

pytestmark = pytest.mark.django_db
URL = "/api/v1/training/"


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


def test_an_employer_finds_open_offers_nearest_venue_first_with_what_it_needs_to_choose(api, alice, training_market):
    response = api(alice).get(URL, {"postcode": "L1 8JQ", "within_miles": 10})

    assert titles(response) == [
        "Software developer in Liverpool",
        "Software developer on the Wirral",
        "Network engineer anywhere",
    ]
    liverpool, wirral, national = response.json()["results"]
    assert liverpool["distance_miles"] < wirral["distance_miles"] < 10
    assert liverpool["nearest_postcode"] == "L3 5TR"
    assert liverpool["provider"] == {
        "name": "Provider A",
        "ukprn": "10000001",
        "ofsted_grade": 2,
        "ofsted": "Good",
        "achievement_rate": 62.5,
    }
    assert liverpool["delivery_modes"] == ["day_release", "online"]
    assert liverpool["next_cohort"]["places"] == 12 and liverpool["places_left"] == 20
    assert wirral["next_cohort"]["places"] == 3  # the cohort that has started is not "next"
    assert national["national"] is True and national["distance_miles"] is None


def test_no_answer_for_an_employer_holds_a_price(api, alice, training_market):
    body = api(alice).get(URL, {"postcode": "L1 8JQ", "within_miles": 100}).content.decode()

    assert '"price"' not in body
    assert [text for text in price_texts() if text in body] == []


def test_within_miles_leaves_out_offers_whose_every_venue_is_further(api, alice, training_market):
    near = titles(api(alice).get(URL, {"postcode": "L1", "within_miles": 2}))
    everywhere = titles(api(alice).get(URL))

    assert near == ["Software developer in Liverpool", "Network engineer anywhere"]
    assert "Software developer in London" in everywhere
    assert "Closed software course" not in everywhere


def test_it_searches_by_standard_and_by_words(api, alice, training_market):
    by_standard = titles(api(alice).get(URL, {"standard": NETWORK_ENGINEER}))
    by_words = titles(api(alice).get(URL, {"search": "wirral", "standard": SOFTWARE_DEVELOPER}))

    assert by_standard == ["Network engineer anywhere"]
    assert by_words == ["Software developer on the Wirral"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"within_miles": 10}, "within_miles"),
        ({"postcode": "ZZ99 9ZZ"}, "postcode"),
        ({"postcode": "not a postcode"}, "postcode"),
        ({"postcode": "L1", "within_miles": 500}, "within_miles"),
        ({"standard": 999999}, "standard"),
    ],
)
def test_bad_search_input_is_a_400_naming_the_field(api, alice, training_market, params, field):
    response = api(alice).get(URL, params)

    assert response.status_code == 400
    assert field in response.json()


def test_it_is_for_employers_and_hub_staff(api, alice, priya, hannah, training_market):
    assert api().get(URL).status_code == 401
    assert api(priya).get(URL).status_code == 403
    assert api(hannah).get(URL).status_code == 200


def test_pages_say_how_many_there_are_in_all(api, alice, training_market):
    body = api(alice).get(URL, {"page_size": 2}).json()

    assert body["count"] == 4 and len(body["results"]) == 2 and body["next"]


def test_each_person_sees_only_their_own_shortlist_marks(api, client, alice, bob, training_market):
    client.force_login(alice)
    client.post(f"/employer/shortlist/{training_market.liverpool.pk}/add/")

    alices = {row["title"]: row["shortlisted"] for row in api(alice).get(URL).json()["results"]}
    bobs = {row["title"]: row["shortlisted"] for row in api(bob).get(URL).json()["results"]}

    assert alices["Software developer in Liverpool"] is True
    assert not any(bobs.values())
