"""Re-matching one vacancy (matching.services.rematch) leaves exactly what re-matching its whole standard would.

Each test builds a small random market in one standard with few places (so cohorts are contested),
matches it whole, changes one vacancy, re-matches just that vacancy, then re-matches the whole
standard again: the whole re-match must find nothing to change (same rows, same ids, same versions).
The services are called directly: these tests don't commit, so nothing queued on commit runs.
"""

import importlib
import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from apprenticeships.models import Cohort, CourseOffer, OfferLocation, PostcodeDistrict, Standard, Vacancy
from apprenticeships.services import pledges
from matching.ml.allocation import REPAIR_MIP_GAP
from matching.models import CohortPrice, Gap, GapReason, MatchRun, RejectReason, StandardSlack, Suggestion
from matching.services import rematch_standards, suggestion_reject, vacancy_rematch
from matching.services.rematch import _slack_allowed
from tests.market_factories import SOFTWARE_DEVELOPER, CourseOfferFactory, VacancyFactory, days_ahead
from tests.matching.test_three_way import EACH, pledger, small_firms  # noqa: F401 - fixtures
from tests.transport.test_matching_reach import SLOW, market

# `make test` runs this module in its second process, beside the fuzzing, so the two take about as long.
pytestmark = [pytest.mark.django_db, pytest.mark.second_process]
SEEDS = range(6)


def random_market(
    seed: int,
    employer,  # noqa: ANN001
    provider,  # noqa: ANN001
    *,
    vacancies: int = 24,
    offers: int = 6,
    places: tuple[int, int] = (1, 4),
) -> Standard:
    """Vacancies and offers around Merseyside, 1–3 positions each, cohorts of 1–4 places: places run short."""
    rng = random.Random(seed)  # noqa: S311 - test data
    today = timezone.localdate()
    standard = Standard.objects.get(lars_code=SOFTWARE_DEVELOPER)
    districts = list(PostcodeDistrict.objects.filter(outcode__regex=r"^(L|CH|WA|PR)[0-9]+$").order_by("outcode")[:40])
    for _ in range(vacancies):
        vacancy_new(rng, employer, standard, districts, today)
    for i in range(offers):
        d = rng.choice(districts)
        offer = CourseOffer.objects.create(
            provider=provider,
            standard=standard,
            title=f"Software developer {i}",
            description=rng.choice(["Python and the web.", "Java back ends.", "Data and testing."]),
            price=Decimal(rng.choice([12000, 15000, 18000])),
            delivery_mask=rng.randint(1, 15),
            national=rng.random() < 0.15,
            status=CourseOffer.Status.OPEN,
        )
        OfferLocation.objects.create(
            offer=offer,
            postcode=d.outcode,
            radius_km=rng.choice([15, 30, 60]),
            latitude=d.latitude,
            longitude=d.longitude,
            local_authority=d.local_authority,
        )
        for _ in range(rng.randint(1, 2)):
            Cohort.objects.create(
                offer=offer, start_date=today + timedelta(days=rng.randint(40, 120)), places=rng.randint(*places)
            )
    return standard


def vacancy_new(rng: random.Random, employer, standard, districts, today) -> Vacancy:  # noqa: ANN001
    d = rng.choice(districts)
    return Vacancy.objects.create(
        employer=employer,
        title="Apprentice software developer",
        description=rng.choice(["Web applications in Python.", "Testing and data.", "Mobile apps."]),
        notes=rng.choice(["", "Laptop provided.", "Near the station."]),
        standard=standard,
        positions=rng.choice([1, 1, 2, 3]),
        weekly_wage=Decimal("320.00"),
        hours_per_week=Decimal("37.5"),
        postcode=d.outcode,
        outcode=d.outcode,
        latitude=d.latitude,
        longitude=d.longitude,
        local_authority=d.local_authority,
        start_date=today + timedelta(days=rng.randint(40, 120)),
        closing_date=today + timedelta(days=20),
        delivery_mask=rng.randint(1, 15),
        status=Vacancy.Status.LIVE,
        live_at=timezone.now(),
    )


def rows(standard: Standard) -> tuple[set, set]:
    """Every suggestion of the standard as it stands (id, version and all), and its gaps."""
    suggestions = set(
        Suggestion.objects.filter(vacancy__standard=standard).values_list(
            "id", "vacancy_id", "cohort_id", "rank", "score", "status", "version", "pledge_id"
        )
    )
    gaps = set(Gap.objects.filter(vacancy__standard=standard).values_list("vacancy_id", "reason"))
    return suggestions, gaps


def assert_places_kept(standard: Standard) -> None:
    """No cohort's open rank 1s, with the places held by introductions, ask for more than it has."""
    taken = (
        Suggestion.objects.filter(vacancy__standard=standard, status=Suggestion.Status.SUGGESTED, rank=1)
        .values("cohort_id")
        .annotate(n=Sum("vacancy__positions"))
    )
    for row in taken:
        held = (
            Suggestion.objects.filter(cohort_id=row["cohort_id"], status__in=Suggestion.HOLDING_PLACES).aggregate(
                n=Sum("vacancy__positions")
            )["n"]
            or 0
        )
        assert row["n"] + held <= Cohort.objects.get(pk=row["cohort_id"]).places


def rank1_total(standard: Standard) -> float:
    rank1 = Suggestion.objects.filter(vacancy__standard=standard, status=Suggestion.Status.SUGGESTED, rank=1)
    return rank1.aggregate(total=Sum("score"))["total"] or 0.0


def rematched_as_whole(standard: Standard, vacancy_id: int, *, before: dict | None = None) -> str:
    """Re-match one vacancy, check a whole re-match then changes nothing; the path it took.

    A priced re-solve proves its optimum to the LP solver's tolerance (1e-7), not to the 1e-9
    tie-break, and the whole re-match's integer programme stops within 1e-4 of its own: where two
    assignments score exactly the same, the two may pick different ones. Then the total must be the same.
    """
    run = vacancy_rematch(vacancy_id, before=before)
    assert run.status == "succeeded", run.error
    after_one, total_one = rows(standard), rank1_total(standard)
    assert_places_kept(standard)
    rematch_standards([standard.pk])
    if run.counts["path"] == "priced" and rows(standard) != after_one:
        assert rank1_total(standard) == pytest.approx(total_one, abs=1e-9)
    else:
        assert rows(standard) == after_one
    return run.counts["path"]


@pytest.mark.parametrize("places", [(1, 4), (3, 10)], ids=["scarce", "roomier"])
@pytest.mark.parametrize("seed", SEEDS)
def test_a_new_vacancy_gets_what_a_whole_re_match_would_give(seed, places, employer_a, provider_a):
    standard = random_market(seed, employer_a, provider_a, places=places)
    rematch_standards([standard.pk])
    rng = random.Random(100 + seed)  # noqa: S311
    districts = list(PostcodeDistrict.objects.filter(outcode__regex=r"^(L|CH)[0-9]+$").order_by("outcode")[:20])
    new = vacancy_new(rng, employer_a, standard, districts, timezone.localdate())

    rematched_as_whole(standard, new.pk)

    assert Suggestion.objects.filter(vacancy=new).exists() or Gap.objects.filter(vacancy=new).exists()


@pytest.mark.parametrize("seed", SEEDS)
def test_a_vacancy_changed_in_place_is_re_matched_as_a_whole_re_match_would(seed, employer_a, provider_a):
    standard = random_market(seed, employer_a, provider_a)
    rematch_standards([standard.pk])
    rng = random.Random(200 + seed)  # noqa: S311
    vacancy = rng.choice(list(Vacancy.objects.filter(standard=standard).order_by("pk")))
    before = {"positions": vacancy.positions, "notes": vacancy.notes}
    vacancy.positions = max(1, vacancy.positions + rng.choice([-1, 0, 1]))
    vacancy.notes = rng.choice([vacancy.notes, "Python, Django and the web."])
    vacancy.save()

    rematched_as_whole(standard, vacancy.pk, before=before)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_closed_vacancy_leaves_what_a_whole_re_match_would(seed, employer_a, provider_a):
    standard = random_market(seed, employer_a, provider_a)
    rematch_standards([standard.pk])
    first = Suggestion.objects.filter(vacancy__standard=standard, rank=1).order_by("pk").first()
    Vacancy.objects.filter(pk=first.vacancy_id).update(status=Vacancy.Status.CLOSED)

    assert rematched_as_whole(standard, first.vacancy_id) in ("priced", "component")  # its place may go to another

    assert not Suggestion.objects.filter(vacancy_id=first.vacancy_id).exists()
    assert not Gap.objects.filter(vacancy_id=first.vacancy_id).exists()


def test_a_closed_vacancy_that_held_no_place_is_taken_off_directly(employer_a, provider_a):
    standard = random_market(1, employer_a, provider_a, vacancies=40)
    rematch_standards([standard.pk])
    loser = Gap.objects.filter(vacancy__standard=standard, reason=GapReason.NO_PLACES).first()
    assert loser is not None
    Vacancy.objects.filter(pk=loser.vacancy_id).update(status=Vacancy.Status.WITHDRAWN)

    assert rematched_as_whole(standard, loser.vacancy_id) == "direct"
    assert not Gap.objects.filter(vacancy_id=loser.vacancy_id).exists()


def test_both_paths_are_used_and_each_keeps_the_optimum(employer_a, provider_a):
    """A copy of a vacancy that holds a full cohort competes for it (the two are re-solved against the
    cohort's price); a vacancy whose best cohort has room just takes it."""
    offer = CourseOfferFactory(provider=provider_a, cohorts=[{"start_date": days_ahead(60), "places": 1}])
    standard = offer.standard
    holder = VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE, start_date=days_ahead(60))
    rematch_standards([standard.pk])
    assert Suggestion.objects.get(vacancy=holder).rank == 1
    rival = VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE, start_date=days_ahead(60))

    assert rematched_as_whole(standard, rival.pk) == "priced"
    assert Suggestion.objects.filter(rank=1).count() == 1  # one place: one of the two has it

    Cohort.objects.filter(offer=offer).update(places=3)
    rematch_standards([standard.pk])
    third = VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE, start_date=days_ahead(60))
    assert rematched_as_whole(standard, third.pk) == "direct"
    assert Suggestion.objects.filter(rank=1).count() == 3


@pytest.mark.parametrize("seed", SEEDS)
def test_contested_new_vacancies_are_re_solved_with_the_few_they_reach_against_the_prices(seed, employer_a, provider_a):
    """In a standard where places run short, a new vacancy that wants a full cohort is re-solved with
    the vacancies holding the cohorts it reaches, not with the whole standard, and keeps its optimum."""
    standard = random_market(seed, employer_a, provider_a, vacancies=40)
    rematch_standards([standard.pk])
    assert CohortPrice.objects.filter(cohort__offer__standard=standard, price__gt=0).exists()  # contested
    ledger = StandardSlack.objects.get(standard=standard)
    whole_gap = ledger.recorded / ledger.bound  # the integer programme's shortfall from the LP bound
    rng = random.Random(300 + seed)  # noqa: S311
    districts = list(PostcodeDistrict.objects.filter(outcode__regex=r"^(L|CH)[0-9]+$").order_by("outcode")[:20])
    paths = []
    for _ in range(4):
        new = vacancy_new(rng, employer_a, standard, districts, timezone.localdate())
        paths.append(rematched_as_whole(standard, new.pk))

    assert "priced" in paths, paths
    live = Vacancy.objects.filter(standard=standard, status=Vacancy.Status.LIVE).count()
    for run in MatchRun.objects.filter(counts__path="priced"):
        assert run.counts["vacancies"] < live  # those it reaches, not the whole standard
        # and it says how close to the best possible it stayed: as close as the whole solve did, or closer
        assert run.optimality_gap is not None and run.optimality_gap <= whole_gap + 1e-6


def test_without_prices_from_a_last_solve_a_contested_change_re_solves_its_component(employer_a, provider_a):
    offer = CourseOfferFactory(provider=provider_a, cohorts=[{"start_date": days_ahead(60), "places": 1}])
    VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE, start_date=days_ahead(60))
    rematch_standards([offer.standard.pk])
    CohortPrice.objects.all().delete()  # as after an upgrade, before the next run
    rival = VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE, start_date=days_ahead(60))

    assert rematched_as_whole(offer.standard, rival.pk) == "component"
    assert MatchRun.objects.get(counts__path="component").counts["not_priced"] == "unpriced"  # and it says so
    assert CohortPrice.objects.filter(cohort__offer=offer, price__gt=0).exists()  # priced for the next one


@pytest.mark.parametrize("seed", SEEDS)
def test_changes_re_matched_one_by_one_stay_as_close_to_the_optimum_as_the_last_whole_solve_recorded(
    seed, employer_a, provider_a
):
    """New, changed and closed vacancies, each re-matched alone by whichever path, with no whole re-match
    between them: the rank-1 total never falls below what a whole re-match finds, less the slack the
    last whole solve recorded (0 where it was optimal, as in these small markets: a standard it solved
    within a stated gap may stay within that gap instead), and no cohort is overfilled."""
    standard = random_market(seed, employer_a, provider_a, vacancies=40)
    rematch_standards([standard.pk])
    recorded = StandardSlack.objects.get(standard=standard).recorded
    rng = random.Random(400 + seed)  # noqa: S311
    districts = list(PostcodeDistrict.objects.filter(outcode__regex=r"^(L|CH)[0-9]+$").order_by("outcode")[:20])
    paths = set()
    for step in range(9):
        holders = sorted(
            Suggestion.objects.filter(
                vacancy__standard=standard, rank=1, status=Suggestion.Status.SUGGESTED
            ).values_list("vacancy_id", flat=True)
        )
        before = None
        if step % 3 == 0:
            vacancy_id = vacancy_new(rng, employer_a, standard, districts, timezone.localdate()).pk
        elif step % 3 == 1:
            vacancy = Vacancy.objects.get(pk=rng.choice(holders))
            before = {"positions": vacancy.positions, "notes": vacancy.notes}
            vacancy.positions += 1
            vacancy.save()
            vacancy_id = vacancy.pk
        else:
            vacancy_id = rng.choice(holders)
            Vacancy.objects.filter(pk=vacancy_id).update(status=Vacancy.Status.CLOSED)
        paths.add(vacancy_rematch(vacancy_id, before=before).counts["path"])
        assert_places_kept(standard)
    one_by_one = rank1_total(standard)

    rematch_standards([standard.pk])

    assert one_by_one >= rank1_total(standard) - recorded - 1e-6
    assert "priced" in paths, paths


def test_a_hub_decision_the_slack_cannot_follow_sends_contested_re_matches_to_the_component(
    employer_a, provider_a, hannah
):
    offer = CourseOfferFactory(provider=provider_a, cohorts=[{"start_date": days_ahead(60), "places": 1}])
    for _ in range(2):  # two vacancies for its one place
        VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE, start_date=days_ahead(60))
    rematch_standards([offer.standard.pk])
    assert StandardSlack.objects.get(standard=offer.standard).slack is not None
    first = Suggestion.objects.get(rank=1)

    suggestion_reject(first.pk, by=hannah, version=first.version, reason=RejectReason.OTHER, note="Not this one.")

    assert StandardSlack.objects.get(standard=offer.standard).slack is None  # forgotten
    rival = VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE, start_date=days_ahead(60))
    run = vacancy_rematch(rival.pk)
    assert (run.counts["path"], run.counts.get("not_priced")) in {("component", "unpriced"), ("direct", None)}


def test_a_component_that_is_the_whole_standard_starts_its_slack_again(employer_a, provider_a):
    """After a change the slack can't follow, a contested change re-solves its component; when that is
    every vacancy of the standard (as in the biggest, which national offers join into one), it was a
    whole solve, and the next contested change is priced again instead of taking the component path."""
    offer = CourseOfferFactory(provider=provider_a, cohorts=[{"start_date": days_ahead(60), "places": 2}])
    for _ in range(2):  # its two places taken
        VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE, start_date=days_ahead(60))
    rematch_standards([offer.standard.pk])
    StandardSlack.forget([offer.standard.pk])  # e.g. a hub decision in the standard

    rival = VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE, start_date=days_ahead(60))
    assert vacancy_rematch(rival.pk).counts["path"] == "component"

    assert StandardSlack.objects.get(standard=offer.standard).slack is not None  # no whole re-match between
    another = VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE, start_date=days_ahead(60))
    assert rematched_as_whole(offer.standard, another.pk) == "priced"


def test_more_positions_in_a_cohort_with_room_keep_the_vacancy_where_it_is_directly(employer_a, provider_a):
    CourseOfferFactory(provider=provider_a, cohorts=[{"start_date": days_ahead(60), "places": 5}])
    vacancy = VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE, start_date=days_ahead(60))
    rematch_standards([vacancy.standard_id])
    before = {"positions": vacancy.positions, "notes": vacancy.notes}
    Vacancy.objects.filter(pk=vacancy.pk).update(positions=3)

    assert rematched_as_whole(vacancy.standard, vacancy.pk, before=before) == "direct"


def test_decided_suggestions_are_never_touched(employer_a, provider_a):
    standard = random_market(3, employer_a, provider_a)
    rematch_standards([standard.pk])
    rejected, approved = Suggestion.objects.filter(vacancy__standard=standard, rank=1).order_by("pk")[:2]
    Suggestion.objects.filter(pk=rejected.pk).update(status=Suggestion.Status.REJECTED, reject_reason="too_far")
    Suggestion.objects.filter(pk=approved.pk).update(status=Suggestion.Status.APPROVED)
    rematch_standards([standard.pk])
    decided = list(Suggestion.objects.exclude(status=Suggestion.Status.SUGGESTED).values().order_by("pk"))
    for vacancy_id in (rejected.vacancy_id, approved.vacancy_id):
        Vacancy.objects.filter(pk=vacancy_id).update(notes="Changed")
        rematched_as_whole(standard, vacancy_id)

    assert list(Suggestion.objects.exclude(status=Suggestion.Status.SUGGESTED).values().order_by("pk")) == decided
    assert rejected.cohort_id not in set(
        Suggestion.objects.filter(vacancy_id=rejected.vacancy_id)
        .exclude(pk=rejected.pk)
        .values_list("cohort_id", flat=True)
    )


def test_pledges_follow_a_new_vacancy_as_a_whole_re_match_would(pledger, small_firms):  # noqa: F811
    pledge = pledges.pledge_create(employer=pledger, by=None, amount=Decimal(16000), levels=[4])
    first, *_ = small_firms(2)
    rematch_standards([first.standard_id])
    assert len(Suggestion.objects.filter(pledge=pledge)) == 2
    [third] = small_firms(1, postcode="CH41 1AA")  # it would pay too: the money is shared out again

    rematched_as_whole(first.standard, third.pk)

    carrying = Suggestion.objects.filter(pledge=pledge, status=Suggestion.Status.SUGGESTED)
    assert sum(s.transfer_amount for s in carrying) <= pledge.remaining
    assert len(carrying) == 2


def test_pledges_come_off_a_closed_vacancy_and_go_to_another_as_a_whole_re_match_would(
    pledger,  # noqa: F811
    small_firms,  # noqa: F811
):
    pledge = pledges.pledge_create(employer=pledger, by=None, amount=Decimal(8000), levels=[4])
    first, second = small_firms(2)
    rematch_standards([first.standard_id])
    [holder] = Suggestion.objects.filter(pledge=pledge)
    Vacancy.objects.filter(pk=holder.vacancy_id).update(status=Vacancy.Status.CLOSED)

    rematched_as_whole(first.standard, holder.vacancy_id)

    [now] = Suggestion.objects.filter(pledge=pledge)
    assert now.vacancy_id != holder.vacancy_id and now.transfer_amount == EACH


def test_the_travel_limit_holds_for_a_new_vacancy(tmp_path, employer_a, provider_a):
    vacancy = market(tmp_path, SLOW, employer_a, provider_a)

    rematched_as_whole(vacancy.standard, vacancy.pk)

    assert not Suggestion.objects.filter(vacancy=vacancy).exists()
    assert Gap.objects.get(vacancy=vacancy).reason == GapReason.OUT_OF_REACH_BY_TRANSPORT


def test_a_priced_re_match_may_leave_no_more_slack_than_the_last_whole_solve_or_its_stated_gap():
    """Where the whole solve was optimal, a priced re-solve must be too; where it stopped within the
    stated MIP gap (a large contested group), the re-solve may stay within that same gap."""
    exact = StandardSlack(slack=0.0, recorded=0.0, bound=1000.0)
    assert _slack_allowed(exact, bound_moved=5.0) == 0.0
    within_gap = StandardSlack(slack=0.02, recorded=0.02, bound=1000.0)
    assert _slack_allowed(within_gap, bound_moved=5.0) == pytest.approx(REPAIR_MIP_GAP * 1005.0)
    short_by_more = StandardSlack(slack=3.0, recorded=3.0, bound=1000.0)
    assert _slack_allowed(short_by_more, bound_moved=0.0) == 3.0


def test_ledgers_kept_before_their_bound_wait_for_the_next_whole_solve(employer_a, provider_a):
    """Migration 0015: a ledger without its bound would state no gap, so priced re-matches stop until
    a whole solve records one."""
    from django.apps import apps

    migration = importlib.import_module("matching.migrations.0015_standard_slack_bound")
    offer = CourseOfferFactory(provider=provider_a, cohorts=[{"start_date": days_ahead(60), "places": 1}])
    VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE, start_date=days_ahead(60))
    rematch_standards([offer.standard.pk])
    assert StandardSlack.objects.get(standard=offer.standard).slack is not None

    migration.forget_every_ledger(apps, None)

    assert StandardSlack.objects.get(standard=offer.standard).slack is None
    rival = VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE, start_date=days_ahead(60))
    assert vacancy_rematch(rival.pk).counts["not_priced"] == "unpriced"
    rematch_standards([offer.standard.pk])
    assert StandardSlack.objects.get(standard=offer.standard).bound > 0  # and the next whole solve brings it back
