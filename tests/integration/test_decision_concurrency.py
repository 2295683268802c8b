"""Decisions under real concurrency, through PostgreSQL: many hub staff press approve or reject at once.

Each thread has its own database connection and API client and waits at a barrier, so the
requests reach the database together. Exactly one decision may win; every other request gets 409;
no cohort ever holds more people than it has places; a vacancy gets at most one approved match.
"""

from collections import Counter
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Sum

from apprenticeships.models import Cohort, Vacancy
from matching.models import Suggestion, SuggestionEvent
from matching.services import suggestion_approve
from tests.factories import make_hub_user
from tests.integration.race import at_once
from tests.market_factories import CourseOfferFactory, VacancyFactory, days_ahead
from tests.review.conftest import suggest

pytestmark = pytest.mark.services
LIVE = Vacancy.Status.LIVE
THREADS = 24


@pytest.fixture
def hub_staff() -> list[int]:
    return [make_hub_user(f"hub{n}").pk for n in range(4)]


@pytest.fixture
def vacancies(tasks_in_process, employer_a, employer_b) -> Callable[[int], list[Vacancy]]:
    def make(n: int) -> list[Vacancy]:
        return [
            VacancyFactory(employer=employer_a if i % 2 else employer_b, status=LIVE, title=f"Developer {i}")
            for i in range(n)
        ]

    return make


@pytest.fixture
def cohort(tasks_in_process, provider_a) -> Callable[[int], Cohort]:
    def make(places: int) -> Cohort:
        offer = CourseOfferFactory(provider=provider_a, cohorts=[{"start_date": days_ahead(50), "places": places}])
        return offer.cohorts.get()

    return make


@pytest.fixture
def clean_slate(tasks_in_process: None) -> Callable[[], None]:
    """Only the suggestions a test writes: none left by the set-up's re-matches."""

    def clear() -> None:
        Suggestion.objects.all().delete()

    return clear


def decision(suggestion: Suggestion, user_id: int, n: int) -> tuple[int, str, dict]:
    """Every other request approves; the rest reject, with a reason."""
    if n % 2:
        return (
            user_id,
            f"/api/v1/suggestions/{suggestion.pk}/reject/",
            {"version": suggestion.version, "reason": "price"},
        )
    return user_id, f"/api/v1/suggestions/{suggestion.pk}/approve/", {"version": suggestion.version}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_of_many_simultaneous_decisions_on_one_suggestion_exactly_one_wins(
    hub_staff, vacancies, cohort, clean_slate, round_
):
    assert connection.vendor == "postgresql"
    [vacancy], places = vacancies(1), cohort(10)
    clean_slate()
    suggestion = suggest(vacancy, places)

    results = at_once([decision(suggestion, hub_staff[n % len(hub_staff)], n) for n in range(THREADS)])

    statuses = Counter(status for status, _ in results)
    print(f"\nround {round_}: {THREADS} requests -> {dict(statuses)}")
    assert statuses == {200: 1, 409: THREADS - 1}
    suggestion.refresh_from_db()
    [(_, winner)] = [(s, body) for s, body in results if s == 200]
    assert (suggestion.status, suggestion.version) == (winner["status"], 2)
    event = SuggestionEvent.objects.get()
    assert (event.suggestion_id, event.to_status, event.seen["version"]) == (suggestion.pk, suggestion.status, 1)
    assert SuggestionEvent.objects.count() == 1
    conflicts = [body for s, body in results if s == 409]
    assert all((body["status"], body["version"]) == (suggestion.status, 2) for body in conflicts)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(5))
def test_two_approvals_racing_for_the_last_place_one_gets_it_the_other_409(
    hub_staff, vacancies, cohort, clean_slate, round_
):
    first, second = vacancies(2)
    last_place = cohort(1)
    clean_slate()
    rivals = [suggest(first, last_place), suggest(second, last_place)]

    results = at_once(
        [(hub_staff[n], f"/api/v1/suggestions/{s.pk}/approve/", {"version": 1}) for n, s in enumerate(rivals)]
    )

    print(f"\ncapacity round {round_}: {sorted(status for status, _ in results)}")
    assert sorted(status for status, _ in results) == [200, 409]
    [refused] = [body for status, body in results if status == 409]
    assert refused["detail"] == "Approving would overfill the cohort: 0 of its places are left and the vacancy needs 1."
    assert Suggestion.objects.filter(cohort=last_place, status=Suggestion.Status.APPROVED).count() == 1
    assert SuggestionEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_ten_approvals_for_a_cohort_of_three_places_fill_it_exactly(hub_staff, vacancies, cohort, clean_slate):
    competing = vacancies(10)
    three = cohort(3)
    clean_slate()
    rivals = [suggest(v, three) for v in competing]

    results = at_once(
        [
            (hub_staff[n % len(hub_staff)], f"/api/v1/suggestions/{s.pk}/approve/", {"version": 1})
            for n, s in enumerate(rivals)
        ]
    )

    statuses = Counter(status for status, _ in results)
    print(f"\n10 approvals for 3 places -> {dict(statuses)}")
    assert statuses == {200: 3, 409: 7}
    held = Suggestion.objects.filter(cohort=three, status=Suggestion.Status.APPROVED).aggregate(
        n=Sum("vacancy__positions")
    )["n"]
    assert held == three.places == 3
    assert SuggestionEvent.objects.count() == 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_two_approvals_for_one_vacancy_with_different_cohorts_only_one_wins(
    hub_staff, vacancies, cohort, clean_slate, round_
):
    [vacancy] = vacancies(1)
    cohorts = [cohort(5), cohort(5)]
    clean_slate()
    rivals = [suggest(vacancy, c, rank=rank) for rank, c in enumerate(cohorts, start=1)]

    results = at_once(
        [(hub_staff[n], f"/api/v1/suggestions/{s.pk}/approve/", {"version": 1}) for n, s in enumerate(rivals)]
    )

    print(f"\nsame-vacancy round {round_}: {sorted(status for status, _ in results)}")
    assert sorted(status for status, _ in results) == [200, 409]
    [refused] = [body for status, body in results if status == 409]
    assert refused["detail"] == "This vacancy already has an approved match."
    assert Suggestion.objects.filter(vacancy=vacancy, status=Suggestion.Status.APPROVED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_both_parties_accepting_at_once_agree_the_match_and_take_its_places_once(
    hub_staff, cohort, clean_slate, alice, priya, employer_a
):
    vacancy = VacancyFactory(employer=employer_a, status=LIVE)  # Alice's; Priya's is the cohort's provider
    places = cohort(4)
    clean_slate()
    match = suggest(vacancy, places)
    suggestion_approve(match.pk, by=User.objects.get(pk=hub_staff[0]), version=1)

    results = at_once([(person.pk, f"/api/v1/suggestions/{match.pk}/accept/", {}) for person in (alice, priya)])

    assert sorted(body["status"] for _, body in results) == ["accepted", "agreed"]
    places.refresh_from_db()
    assert places.places == 4 - vacancy.positions == 3
    assert list(match.events.values_list("action", flat=True)) == ["approve", "accept", "agree"]
