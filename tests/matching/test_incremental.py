"""Incremental re-matching: a vacancy going live or leaving, or an open offer created or changed, re-matches
its standard once the transaction commits, without a full run.

These tests commit for real (transaction=True): the re-match is queued with `transaction.on_commit`,
and one re-match collects every change of a transaction, so inside a test-wide transaction it would
never be sent. Tasks run in this process (`tasks_in_process`); the worker tests run them for real.
"""

from decimal import Decimal

import pytest
from django.db import transaction

from apprenticeships.models import Vacancy
from apprenticeships.services.offers import offer_delete, offer_update
from apprenticeships.services.vacancies import vacancy_transition, vacancy_update
from matching.ml.candidates import GapReason
from matching.models import Gap, MatchRun, Suggestion
from tests.market_factories import CourseOfferFactory, VacancyFactory, days_ahead

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("tasks_in_process")]


def rematches() -> list[list[int]]:
    """The standards of each incremental run so far, oldest first."""
    runs = MatchRun.objects.filter(kind=MatchRun.Kind.INCREMENTAL).order_by("id")
    assert all(run.status == MatchRun.Status.SUCCEEDED for run in runs), [run.error for run in runs]
    return [run.standards for run in runs]


def open_cohorts(vacancy: Vacancy) -> set[int]:
    return set(Suggestion.objects.filter(vacancy=vacancy).values_list("cohort_id", flat=True))


def test_approving_a_vacancy_suggests_cohorts_for_it_without_a_full_run(employer_a, provider_a, hannah):
    offer = CourseOfferFactory(provider=provider_a)
    vacancy = VacancyFactory(employer=employer_a, status=Vacancy.Status.SUBMITTED)
    assert not Suggestion.objects.exists()
    runs_before = len(rematches())

    vacancy_transition(vacancy, action="approve", by=hannah)

    assert open_cohorts(vacancy) == set(offer.cohorts.values_list("id", flat=True))
    assert rematches()[runs_before:] == [[vacancy.standard_id]]
    assert not MatchRun.objects.filter(kind=MatchRun.Kind.FULL).exists()


def test_approving_a_vacancy_nobody_can_train_records_it_as_a_gap(employer_a, hannah):
    vacancy = VacancyFactory(employer=employer_a, status=Vacancy.Status.SUBMITTED)

    vacancy_transition(vacancy, action="approve", by=hannah)

    assert Gap.objects.get(vacancy=vacancy).reason == GapReason.NO_PROVIDER


def test_creating_an_open_offer_suggests_it_to_the_live_vacancies_of_its_standard(employer_a, provider_a):
    vacancy = VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE)
    assert Gap.objects.get(vacancy=vacancy).reason == GapReason.NO_PROVIDER

    offer = CourseOfferFactory(provider=provider_a)

    assert open_cohorts(vacancy) == set(offer.cohorts.values_list("id", flat=True))
    assert set(Suggestion.objects.values_list("course_offer_id", flat=True)) == {offer.pk}
    assert not Gap.objects.filter(vacancy=vacancy).exists()


def test_changing_an_offer_re_matches_its_vacancies(employer_a, provider_a):
    vacancy = VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE, start_date=days_ahead(60))
    offer = CourseOfferFactory(
        provider=provider_a, cohorts=[{"start_date": days_ahead(200), "places": 5}]
    )  # too late for the vacancy
    assert Gap.objects.get(vacancy=vacancy).reason == GapReason.NO_COHORT_IN_WINDOW
    (late,) = offer.cohorts.all()

    offer_update(offer, cohorts=[{"id": late.pk, "start_date": days_ahead(70), "places": 5}])

    assert open_cohorts(vacancy) == {late.pk}
    assert not Gap.objects.filter(vacancy=vacancy).exists()


def test_a_price_change_updates_the_suggestion_in_place_with_a_new_version(employer_a, provider_a):
    vacancy = VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE)
    offer = CourseOfferFactory(provider=provider_a, cohorts=[{"start_date": days_ahead(60), "places": 5}])
    before = Suggestion.objects.get(vacancy=vacancy)

    offer_update(offer, price=Decimal("9000.00"))

    after = Suggestion.objects.get(vacancy=vacancy)
    assert after.pk == before.pk
    assert after.score > before.score and after.version == before.version + 1


def test_withdrawing_a_live_vacancy_removes_its_open_suggestions_but_not_decided_ones(
    employer_a, employer_b, provider_a, hannah
):
    CourseOfferFactory(provider=provider_a)
    withdrawn = VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE)
    other = VacancyFactory(employer=employer_b, status=Vacancy.Status.LIVE)
    assert open_cohorts(withdrawn) and open_cohorts(other)
    others_before = list(Suggestion.objects.filter(vacancy=other).values("id", "score", "version"))

    vacancy_transition(withdrawn, action="withdraw", by=hannah)

    assert not Suggestion.objects.filter(vacancy=withdrawn).exists()
    assert not Gap.objects.filter(vacancy=withdrawn).exists()
    assert list(Suggestion.objects.filter(vacancy=other).values("id", "score", "version")) == others_before


def test_deleting_the_last_offer_turns_its_suggestions_into_gaps(employer_a, provider_a):
    vacancy = VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE)
    offer = CourseOfferFactory(provider=provider_a)
    assert open_cohorts(vacancy)

    offer_delete(offer)

    assert not Suggestion.objects.exists()
    assert Gap.objects.get(vacancy=vacancy).reason == GapReason.NO_PROVIDER


def test_one_transaction_with_several_changes_sends_one_re_match(employer_a, provider_a, hannah):
    first = VacancyFactory(employer=employer_a, status=Vacancy.Status.SUBMITTED)
    offer = CourseOfferFactory(provider=provider_a)
    runs_before = len(rematches())

    with transaction.atomic():
        vacancy_transition(first, action="approve", by=hannah)
        offer_update(offer, price=Decimal("12000.00"))
        vacancy_transition(
            VacancyFactory(employer=employer_a, status=Vacancy.Status.SUBMITTED, start_date=first.start_date),
            action="approve",
            by=hannah,
        )

    assert rematches()[runs_before:] == [[first.standard_id]]
    assert Suggestion.objects.filter(vacancy__status=Vacancy.Status.LIVE).values("vacancy").distinct().count() == 2


def test_nothing_is_re_matched_when_the_transaction_rolls_back(employer_a, provider_a, hannah):
    CourseOfferFactory(provider=provider_a)
    vacancy = VacancyFactory(employer=employer_a, status=Vacancy.Status.SUBMITTED)
    runs_before = len(rematches())

    with pytest.raises(RuntimeError), transaction.atomic():
        vacancy_transition(vacancy, action="approve", by=hannah)
        raise RuntimeError("something else failed")

    assert len(rematches()) == runs_before
    assert not Suggestion.objects.exists()


def test_a_re_match_never_touches_a_decided_suggestion(employer_a, provider_a):
    vacancy = VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE)
    offer = CourseOfferFactory(provider=provider_a)
    rejected = Suggestion.objects.filter(vacancy=vacancy).order_by("rank").first()
    Suggestion.objects.filter(pk=rejected.pk).update(status=Suggestion.Status.REJECTED)
    rejected.refresh_from_db()

    offer_update(offer, price=Decimal("11000.00"))

    again = Suggestion.objects.get(pk=rejected.pk)
    assert (again.status, again.score, again.version, again.updated_at) == (
        Suggestion.Status.REJECTED,
        rejected.score,
        rejected.version,
        rejected.updated_at,
    )
    still_suggested = Suggestion.objects.filter(vacancy=vacancy, status=Suggestion.Status.SUGGESTED)
    assert rejected.cohort_id not in set(still_suggested.values_list("cohort_id", flat=True))


def test_a_vacancy_joining_or_changing_in_place_is_re_matched_alone(employer_a, employer_b, provider_a, hannah):
    CourseOfferFactory(provider=provider_a, cohorts=[{"start_date": days_ahead(60), "places": 5}])
    other = VacancyFactory(employer=employer_b, status=Vacancy.Status.LIVE, start_date=days_ahead(60))
    others_before = list(Suggestion.objects.filter(vacancy=other).values("id", "version"))
    vacancy = VacancyFactory(employer=employer_a, status=Vacancy.Status.SUBMITTED, start_date=days_ahead(60))

    vacancy_transition(vacancy, action="approve", by=hannah)
    vacancy_update(vacancy, by=hannah, positions=2, notes="Two apprentices this year.")

    joined, changed = MatchRun.objects.filter(kind=MatchRun.Kind.INCREMENTAL).order_by("-id")[:2][::-1]
    assert (joined.counts["path"], changed.counts["path"]) == ("direct", "direct")
    assert Suggestion.objects.get(vacancy=vacancy, rank=1).cohort.places == 5  # room for its two apprentices
    assert list(Suggestion.objects.filter(vacancy=other).values("id", "version")) == others_before


def test_a_vacancy_closed_while_holding_the_only_place_gives_it_to_the_one_waiting(
    employer_a, employer_b, provider_a, hannah
):
    """Closing deletes its suggestions at once (off the review queue); the re-match is told which place
    it held, and gives that place to the vacancy that was waiting for it."""
    CourseOfferFactory(provider=provider_a, cohorts=[{"start_date": days_ahead(60), "places": 1}])
    first = VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE, start_date=days_ahead(60))
    second = VacancyFactory(employer=employer_b, status=Vacancy.Status.LIVE, start_date=days_ahead(60))
    holder = Suggestion.objects.get(rank=1).vacancy
    waiting = second if holder == first else first
    assert Gap.objects.get(vacancy=waiting).reason == GapReason.NO_PLACES

    vacancy_transition(holder, action="close", by=hannah)

    assert Suggestion.objects.get(rank=1).vacancy == waiting
    assert not Gap.objects.filter(vacancy=waiting).exists()
    closing = MatchRun.objects.filter(kind=MatchRun.Kind.INCREMENTAL).order_by("pk").last()
    assert closing.counts["path"] in ("priced", "component")
