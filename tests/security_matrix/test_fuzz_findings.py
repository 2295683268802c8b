"""What the fuzzer and the matrix found, pinned down one by one so they stay fixed."""

from django.urls import reverse

from matching.models import Suggestion
from tests.security_matrix.market import Market


def test_an_id_filter_too_big_for_the_database_is_a_bad_request(market: Market, api, db) -> None:
    response = api(market.hannah).get("/api/v1/suggestions/", {"vacancy": "-1.7976931348623157e+308"})

    assert response.status_code == 400
    assert "vacancy" in response.json()


def test_ids_are_64_bit_so_a_large_one_finds_nothing_and_a_larger_one_is_a_bad_request(market: Market, api, db):
    hub = api(market.hannah)

    found = hub.get("/api/v1/suggestions/", {"vacancy": 2**40})
    too_big = hub.get("/api/v1/suggestions/", {"vacancy": 2**63})

    assert found.status_code == 200 and found.json()["results"] == []
    assert too_big.status_code == 400 and "vacancy" in too_big.json()


def test_an_offer_with_decided_matches_is_not_deleted_but_explained(market: Market, api, db) -> None:
    priya = market.sides["priya"]
    offer = priya.offers["open"]  # its cohort is in the approved match with Alice

    response = api(priya.user).delete(f"/api/v1/course-offers/{offer.pk}/")

    assert response.status_code == 409
    assert "close it" in response.json()["detail"]
    assert Suggestion.objects.filter(course_offer=offer).exists()


def test_the_offer_page_deletes_nothing_and_says_why(market: Market, client, db) -> None:
    priya = market.sides["priya"]
    client.force_login(priya.user)

    response = client.post(reverse("provider-offer-delete", args=[priya.offers["open"].pk]), follow=True)

    assert response.status_code == 200
    assert "close it" in response.content.decode()


def test_an_offer_form_posted_without_its_rows_shows_errors(market: Market, client, db) -> None:
    client.force_login(market.sides["priya"].user)

    response = client.post(reverse("provider-offer-new"), {"title": "No rows"})

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_a_run_nobody_started_has_no_creator(market: Market, api, db) -> None:
    body = api(market.hannah).get("/api/v1/match-runs/").json()

    assert [run["created_by"] for run in body["results"]] == [None]


def test_a_cohort_with_decided_matches_is_not_removed_but_explained(market: Market, api, db) -> None:
    priya = market.sides["priya"]
    offer = priya.offers["open"]  # its cohort is in the approved match with Alice
    cohorts = list(offer.cohorts.values_list("id", flat=True))

    response = api(priya.user).patch(f"/api/v1/course-offers/{offer.pk}/", {"cohorts": []}, format="json")

    assert response.status_code == 400
    assert "has matches the hub has decided on" in response.json()["cohorts"][0]
    assert list(offer.cohorts.values_list("id", flat=True)) == cohorts
