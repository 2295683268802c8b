"""Matching with travel by public transport: the workplace → venue time is a feature, and a cohort
taught in person beyond MAX_TRAVEL_MINUTES is out of reach."""

from io import StringIO

import pytest
from django.core.management import call_command

from apprenticeships.models import Vacancy
from matching.models import Gap, GapReason, Suggestion
from matching.services import run_full_now
from tests.market_factories import CourseOfferFactory, VacancyFactory
from tests.transport.feeds import gtfs_zip

pytestmark = pytest.mark.django_db

# Stops at the Knowsley (L36) workplace's and the Wirral (CH41) venue's district centres, 13 km apart.
STOPS = {"2800L36": (53.414555, -2.841770), "2800CH41": (53.394407, -3.032927)}
SLOW = {"slow": [("2800L36", "07:20"), ("2800CH41", "08:30")]}  # 70 minutes on the bus
QUICK = {"quick": [("2800L36", "07:50"), ("2800CH41", "08:26")]}  # 36 minutes


def market(tmp_path, trips, employer, provider, vacancy_modes=("day_release",), offer_modes=("day_release",)):
    call_command("import_gtfs", str(gtfs_zip(tmp_path / "feed.zip", STOPS, trips)), stdout=StringIO())
    CourseOfferFactory(
        provider=provider,
        delivery_modes=list(offer_modes),
        locations=[{"postcode": "CH41 1AA", "radius_km": 25}],
    )
    return VacancyFactory(
        employer=employer, status=Vacancy.Status.LIVE, postcode="L36 9YU", delivery_modes=list(vacancy_modes)
    )


def test_a_vacancy_whose_only_in_person_provider_is_beyond_the_limit_gets_the_transport_gap(
    tmp_path, employer_a, provider_a
):
    vacancy = market(tmp_path, SLOW, employer_a, provider_a)

    run_full_now()

    assert not Suggestion.objects.filter(vacancy=vacancy).exists()
    assert Gap.objects.get(vacancy=vacancy).reason == GapReason.OUT_OF_REACH_BY_TRANSPORT


def test_the_limit_is_a_setting(tmp_path, employer_a, provider_a, settings):
    settings.MAX_TRAVEL_MINUTES = 80
    vacancy = market(tmp_path, SLOW, employer_a, provider_a)

    run_full_now()

    assert Suggestion.objects.filter(vacancy=vacancy).exists()


def test_a_venue_within_the_limit_is_suggested_with_its_journey_in_words(tmp_path, employer_a, provider_a):
    vacancy = market(tmp_path, QUICK, employer_a, provider_a)

    run_full_now()

    suggestion = Suggestion.objects.filter(vacancy=vacancy).first()
    # A minute's walk each end of the 36-minute bus.
    assert (suggestion.features["travel_minutes"], suggestion.features["travel_changes"]) == (38, 0)
    texts = {row["feature"]: row["text"] for row in suggestion.explanation}
    assert texts["travel_minutes"] == "38 min by public transport, no change"


def test_training_online_is_not_held_to_the_travel_limit(tmp_path, employer_a, provider_a):
    vacancy = market(
        tmp_path, SLOW, employer_a, provider_a, vacancy_modes=("online",), offer_modes=("day_release", "online")
    )

    run_full_now()

    assert Suggestion.objects.filter(vacancy=vacancy).exists()
    assert not Gap.objects.filter(vacancy=vacancy).exists()


def test_a_radius_gap_keeps_its_own_reason(tmp_path, employer_a, provider_a):
    call_command("import_gtfs", str(gtfs_zip(tmp_path / "feed.zip", STOPS, SLOW)), stdout=StringIO())
    CourseOfferFactory(
        provider=provider_a, delivery_modes=["day_release"], locations=[{"postcode": "CH41 1AA", "radius_km": 5}]
    )
    vacancy = VacancyFactory(
        employer=employer_a, status=Vacancy.Status.LIVE, postcode="L36 9YU", delivery_modes=["day_release"]
    )

    run_full_now()

    assert Gap.objects.get(vacancy=vacancy).reason == GapReason.OUT_OF_REACH


def test_the_journey_is_planned_to_the_offers_venue_nearest_the_workplace(tmp_path, employer_a, provider_a):
    call_command("import_gtfs", str(gtfs_zip(tmp_path / "feed.zip", STOPS, QUICK)), stdout=StringIO())
    CourseOfferFactory(
        provider=provider_a,
        delivery_modes=["day_release"],
        # Southport first, about 30 km from the Knowsley workplace, with no stop near it; Birkenhead 13 km.
        locations=[{"postcode": "PR8 1AA", "radius_km": 50}, {"postcode": "CH41 1AA", "radius_km": 25}],
    )
    vacancy = VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE, postcode="L36 9YU")

    run_full_now()

    minutes = {s.features["travel_minutes"] for s in Suggestion.objects.filter(vacancy=vacancy)}
    assert minutes == {38}  # to Birkenhead, by the quick bus, for each of its cohorts
