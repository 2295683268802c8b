"""Employers' "Find training" and "Your shortlist" pages, and every standard's own page."""

import pytest
from django.urls import reverse

from apprenticeships.models import ShortlistEntry
from tests.market_factories import SOFTWARE_DEVELOPER, CourseOfferFactory
from tests.training.conftest import price_texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def alices(client, alice):
    client.force_login(alice)
    return client


def test_an_employer_finds_training_near_its_workplace_with_what_it_needs_to_choose(alices, training_market):
    body = alices.get(reverse("employer-find-training"), {"postcode": "L1 8JQ", "within_miles": "10"}).text

    assert "3 courses found within 10 miles of L1 8JQ or delivered anywhere in England" in body
    assert "Showing 1 to 3 of 3" in body
    assert body.index("Software developer in Liverpool") < body.index("Software developer on the Wirral")
    assert "from L1 8JQ to the nearest venue (L3 5TR)" in body
    assert "Provider A" in body and "Good" in body and "62.5% of apprentices achieve" in body
    assert "Day release, Online" in body
    assert "12 places left" in body and "20 places left in all its cohorts still to start" in body
    assert "Delivered anywhere in England" in body
    assert "Software developer in London" not in body and "Closed software course" not in body


def test_a_search_without_a_distance_says_and_shows_the_default_it_used(alices, training_market):
    body = alices.get(reverse("employer-find-training"), {"postcode": "L1 8JQ"}).text

    assert "within 10 miles of L1 8JQ" in body
    assert '<option value="10" selected>Within 10 miles</option>' in body


def test_no_page_for_an_employer_shows_a_price(alices, alice, training_market):
    alices.post(reverse("employer-shortlist-add", args=[training_market.liverpool.pk]))
    pages = [
        alices.get(reverse("employer-find-training")).text,
        alices.get(reverse("employer-find-training"), {"postcode": "L1", "within_miles": "100"}).text,
        alices.get(reverse("employer-shortlist")).text,
        alices.get(reverse("employer-introduction-request-new", args=[training_market.liverpool.pk])).text,
        alices.get(reverse("standard-detail", args=[SOFTWARE_DEVELOPER])).text,
    ]

    assert [text for body in pages for text in price_texts() if text in body] == []


def test_a_search_that_finds_nothing_says_how_to_find_more(alices, training_market):
    body = alices.get(reverse("employer-find-training"), {"q": "zzz underwater basket", "postcode": "L1"}).text

    assert "No courses match your search" in body
    assert "choosing a longer distance than 10 miles" in body
    assert "using fewer or different words" in body
    assert "See every open course" in body


def test_a_bad_postcode_is_explained_and_nothing_is_listed(alices, training_market):
    body = alices.get(reverse("employer-find-training"), {"postcode": "ZZ99 9ZZ"}).text

    assert "There is a problem" in body and "We could not find the postcode district ZZ99" in body
    assert "Software developer in Liverpool" not in body
    assert "<title>Error: Find training" in body


def test_the_search_is_for_employers(client, priya, training_market):
    assert client.get(reverse("employer-find-training")).status_code == 302  # to sign in
    client.force_login(priya)
    assert client.get(reverse("employer-find-training")).status_code == 403


def test_an_employer_keeps_a_shortlist_of_its_own(client, alice, bob, training_market):
    client.force_login(alice)
    add = reverse("employer-shortlist-add", args=[training_market.wirral.pk])
    client.post(add)
    client.post(add)  # twice: still once on the list
    alices_list = client.get(reverse("employer-shortlist")).text
    client.force_login(bob)
    bobs_list = client.get(reverse("employer-shortlist")).text

    assert ShortlistEntry.objects.filter(user=alice).count() == 1
    assert "1 course on your shortlist" in alices_list and "Software developer on the Wirral" in alices_list
    assert "Your shortlist is empty" in bobs_list and "Software developer on the Wirral" not in bobs_list


def test_removing_from_the_shortlist_takes_it_off_and_goes_back_to_the_search(client, alice, bob, training_market):
    offer = training_market.liverpool
    client.force_login(alice)
    client.post(reverse("employer-shortlist-add", args=[offer.pk]))
    client.force_login(bob)
    client.post(reverse("employer-shortlist-remove", args=[offer.pk]))  # Bob can't touch Alice's list
    assert ShortlistEntry.objects.filter(user=alice, offer=offer).exists()

    client.force_login(alice)
    back = reverse("employer-find-training") + "?q=liverpool"
    response = client.post(reverse("employer-shortlist-remove", args=[offer.pk]), {"next": back})

    assert response.status_code == 302 and response["Location"] == back
    assert not ShortlistEntry.objects.filter(user=alice).exists()


def test_a_closed_offer_cant_be_shortlisted(alices, alice, training_market):
    response = alices.post(reverse("employer-shortlist-add", args=[training_market.closed.pk]))

    assert response.status_code == 404
    assert not ShortlistEntry.objects.exists()


def test_a_shortlisted_offer_that_closes_is_counted_not_shown(alices, alice, training_market):
    offer = training_market.wirral
    alices.post(reverse("employer-shortlist-add", args=[offer.pk]), follow=True)
    offer.status = offer.Status.CLOSED
    offer.save()

    body = alices.get(reverse("employer-shortlist")).text

    assert "1 course you shortlisted is no longer open to new apprentices" in body
    assert "Software developer on the Wirral" not in body


# --- Standards' own pages --------------------------------------------------------------------------------


def test_a_standard_has_its_own_page_with_who_offers_it_here(client, training_market, provider_a):
    body = client.get(reverse("standard-detail", args=[SOFTWARE_DEVELOPER])).text

    assert '<h1 class="govuk-heading-xl">Software developer</h1>' in body
    for fact in ("Level", "Digital", "24 months", "£18,000"):
        assert fact in body
    assert "Provider A" in body and "Provider B" in body  # Liverpool and Wirral venues
    assert "62.5%" in body


def test_who_offers_it_here_leaves_out_closed_offers_and_venues_outside_the_city_region(client, provider_b):
    CourseOfferFactory(provider=provider_b, locations=[{"postcode": "EC1A 1BB", "radius_km": 10}])

    body = client.get(reverse("standard-detail", args=[SOFTWARE_DEVELOPER])).text

    assert "No training provider offers this standard in the city region at the moment" in body


def test_a_standard_is_found_by_its_reference_too(client, software_developer_with_reference):
    assert client.get("/standards/st0116/").status_code == 200
    assert client.get("/standards/ST9999/").status_code == 404
    assert client.get("/standards/0/").status_code == 404


def test_the_standards_list_links_to_each_standards_page(client):
    body = client.get(reverse("standard-list"), {"q": "software developer"}).text

    assert f'href="/standards/{SOFTWARE_DEVELOPER}/"' in body


@pytest.fixture
def software_developer_with_reference():
    from apprenticeships.models import Standard

    standard = Standard.objects.get(lars_code=SOFTWARE_DEVELOPER)
    standard.reference = "ST0116"
    standard.save(update_fields=["reference"])
    return standard
