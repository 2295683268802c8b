"""The review queue: most deprived areas first, then waiting longest, then best score; with filters,
and only what each person may see."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from rest_framework.test import APIClient

from apprenticeships.models import DistrictNeighbourhood, FullPostcode, Neighbourhood, Standard, Vacancy
from matching.models import Suggestion
from matching.selectors import REVIEW_ORDER
from tests.market_factories import CourseOfferFactory, VacancyFactory, standard
from tests.review.conftest import LIVE, suggest

ELECTRICIAN = 5  # LARS code: Construction route, level 3

pytestmark = pytest.mark.django_db
KNOWSLEY, LIVERPOOL, WIRRAL = "E08000011", "E08000012", "E08000015"  # IMD 2019 ranks 2, 3 and 42


def queue(client: APIClient, **filters: object) -> list[int]:
    response = client.get("/api/v1/suggestions/", {"page_size": 100, **filters})
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def live_for(vacancy: Vacancy, days: int) -> Vacancy:
    """Make the vacancy look as if it went live `days` ago (how long it has waited)."""
    Vacancy.objects.filter(pk=vacancy.pk).update(live_at=timezone.now() - timedelta(days=days))
    return vacancy


@pytest.fixture
def queue_market(employer_a, employer_b, provider_a, provider_b) -> dict[str, Suggestion]:
    """Suggestions for vacancies in Knowsley, Liverpool (two, one waiting longer) and Wirral."""
    liverpool_offer = CourseOfferFactory(provider=provider_a)
    cohort, later_cohort = liverpool_offer.cohorts.order_by("start_date")
    electrician = CourseOfferFactory(provider=provider_b, standard=standard(ELECTRICIAN), title="Electrician")
    knowsley = live_for(VacancyFactory(employer=employer_a, status=LIVE, postcode="L36 9GD"), 1)
    liverpool_old = live_for(VacancyFactory(employer=employer_a, status=LIVE, postcode="L1 8JQ"), 20)
    liverpool_new = live_for(VacancyFactory(employer=employer_b, status=LIVE, postcode="L3 5TR"), 2)
    wirral = live_for(
        VacancyFactory(employer=employer_b, status=LIVE, postcode="CH41 1AA", standard=standard(ELECTRICIAN)), 30
    )
    return {
        # Created in an order unlike the queue's, so the order can't come from the ids.
        "wirral": suggest(wirral, electrician.cohorts.first(), distance_km=1.0),
        "liverpool_new_far": suggest(liverpool_new, later_cohort, rank=2, distance_km=40.0),
        "liverpool_new_near": suggest(liverpool_new, cohort, distance_km=2.0),
        "liverpool_old": suggest(liverpool_old, cohort, distance_km=45.0),
        "knowsley": suggest(knowsley, cohort, distance_km=30.0),
    }


def test_vacancies_in_more_deprived_neighbourhoods_come_first_then_the_longest_waiting_then_the_best_score(
    api, hannah, queue_market
):
    s = queue_market
    assert s["knowsley"].vacancy.local_authority.code == KNOWSLEY
    assert s["wirral"].vacancy.local_authority.code == WIRRAL
    assert s["liverpool_new_near"].score > s["liverpool_new_far"].score > s["liverpool_old"].score
    # Known by district only, each workplace is in the neighbourhood nearest its district's centre.
    ranks = dict(DistrictNeighbourhood.objects.values_list("outcode", "imd_rank"))
    assert ranks["CH41"] < ranks["L36"] < ranks["L1"] < ranks["L3"]  # 26, 141, 13,373 and 14,802

    order = queue(api(hannah), status="suggested")

    assert order == [
        s["wirral"].pk,  # Birkenhead (Wirral 016B), rank 26 of 32,844, though Wirral ranks 42 of 317
        s["knowsley"].pk,  # Knowsley 010C, rank 141: lowest score, still second
        s["liverpool_old"].pk,  # Liverpool city centre, rank 13,373
        s["liverpool_new_near"].pk,  # rank 14,802, better score
        s["liverpool_new_far"].pk,
    ]


def test_a_loaded_full_postcode_places_the_workplace_in_its_own_neighbourhood(api, hannah, queue_market):
    most_deprived = Neighbourhood.objects.order_by("imd_rank").first()
    FullPostcode.objects.create(
        postcode="L3 5TR",
        latitude=53.41,
        longitude=-2.98,
        local_authority_code=LIVERPOOL,
        lsoa21=most_deprived.code,
        imd_rank=most_deprived.imd_rank,
    )

    order = queue(api(hannah), status="suggested")

    assert order[:2] == [queue_market["liverpool_new_near"].pk, queue_market["liverpool_new_far"].pk]


def test_the_rule_is_written_down_for_the_page():
    assert "most deprived" in REVIEW_ORDER and "live longest" in REVIEW_ORDER and "highest score" in REVIEW_ORDER


def test_each_row_carries_its_explanation(api, hannah, queue_market):
    row = api(hannah).get("/api/v1/suggestions/", {"status": "suggested"}).json()["results"][0]

    assert row["summary"].startswith("1 km away")  # Wirral's, first in the queue
    contributions = [r["contribution"] for r in row["explanation"]]
    assert contributions == sorted(contributions, reverse=True)
    assert sum(contributions) == pytest.approx(row["score"])


def filtered(api: Callable, hannah: User, queue_market: dict[str, Suggestion], **filters: object) -> set[str]:
    names = {s.pk: name for name, s in queue_market.items()}
    return {names[pk] for pk in queue(api(hannah), **filters)}


def test_the_queue_filters_by_status(api, hannah, queue_market):
    Suggestion.objects.filter(pk=queue_market["wirral"].pk).update(status=Suggestion.Status.APPROVED)

    assert filtered(api, hannah, queue_market, status="approved") == {"wirral"}
    assert "wirral" not in filtered(api, hannah, queue_market, status="suggested")
    assert len(filtered(api, hannah, queue_market)) == 5


def test_the_queue_filters_by_local_authority(api, hannah, queue_market):
    assert filtered(api, hannah, queue_market, local_authority=KNOWSLEY) == {"knowsley"}
    assert filtered(api, hannah, queue_market, local_authority=LIVERPOOL) == {
        "liverpool_old",
        "liverpool_new_near",
        "liverpool_new_far",
    }


def test_the_queue_filters_by_standard_route_and_level(api, hannah, queue_market):
    electrician = Standard.objects.get(lars_code=ELECTRICIAN)
    software = queue_market["knowsley"].vacancy.standard

    assert filtered(api, hannah, queue_market, standard=ELECTRICIAN) == {"wirral"}
    assert filtered(api, hannah, queue_market, route=electrician.route.upper()) == {"wirral"}
    assert "wirral" not in filtered(api, hannah, queue_market, route=software.route)
    assert filtered(api, hannah, queue_market, level=electrician.level) == {"wirral"}
    assert len(filtered(api, hannah, queue_market, level=software.level)) == 4
    assert filtered(api, hannah, queue_market, level=7) == set()


def test_the_queue_filters_by_provider_and_score(api, hannah, queue_market, provider_b):
    s = queue_market
    assert filtered(api, hannah, s, provider=provider_b.pk) == {"wirral"}
    low, high = s["liverpool_old"].score, s["liverpool_new_near"].score

    assert filtered(api, hannah, s, score_min=high) == {"liverpool_new_near", "wirral"}
    assert filtered(api, hannah, s, score_max=low) == {"liverpool_old"}
    assert filtered(api, hannah, s, score_min=low, score_max=high) == {
        "liverpool_old",
        "liverpool_new_near",
        "liverpool_new_far",
        "knowsley",
    }


@pytest.mark.parametrize("persona", ["alice", "bob", "priya", "quentin"])
def test_employers_and_providers_never_see_the_queue(api, request, queue_market, persona):
    client = api(request.getfixturevalue(persona))

    assert queue(client) == []
    assert queue(client, status="suggested") == []
    assert client.get(f"/api/v1/suggestions/{queue_market['knowsley'].pk}/").status_code == 404


def test_parties_see_only_their_own_organisations_approved_matches(api, alice, bob, priya, quentin, queue_market):
    s = queue_market
    ids = [s["knowsley"].pk, s["liverpool_new_near"].pk]  # Employer A with Provider A; Employer B with Provider A
    Suggestion.objects.filter(pk__in=ids).update(status=Suggestion.Status.APPROVED)

    assert queue(api(alice)) == [s["knowsley"].pk]
    assert queue(api(bob)) == [s["liverpool_new_near"].pk]
    assert queue(api(priya)) == ids
    assert queue(api(quentin)) == []
    assert api(alice).get(f"/api/v1/suggestions/{s['liverpool_new_near'].pk}/").status_code == 404
    assert api(quentin).get(f"/api/v1/suggestions/{s['knowsley'].pk}/").status_code == 404
