"""Three-way matching through the real matcher: a pledge proposed only inside its criteria and its money."""

from datetime import date
from decimal import Decimal

import pytest

from apprenticeships.models import PledgeApplication, Vacancy
from apprenticeships.services import pledges
from matching.models import Suggestion
from matching.services import run_full_now, suggestion_approve
from matching.services.pledges import pledge_suggestions_allocate
from tests.factories import EmployerFactory
from tests.market_factories import CourseOfferFactory, VacancyFactory, days_ahead

pytestmark = pytest.mark.django_db
LIVE = Vacancy.Status.LIVE
EACH = Decimal(7200)  # software developer over 24 months at the £18,000 band (the offer is priced at the band)


@pytest.fixture
def pledger(db):
    return EmployerFactory(
        name="Mersey Docks Ltd", is_levy_payer=True, annual_pay_bill=20_000_000, declared_on=date(2024, 1, 1)
    )


@pytest.fixture
def small_firms(tasks_in_process, employer_b, bob, provider_a):
    """Bob's firm pays no levy: open to apprentices aged 25+, it would co-invest 5%. Three vacancies, one offer."""
    CourseOfferFactory(
        provider=provider_a,
        price=Decimal("18000.00"),
        locations=[{"postcode": "L3 5TR", "radius_km": 60}],
        cohorts=[{"start_date": days_ahead(60), "places": 20}],
    )

    def make(n: int, **fields: object) -> list[Vacancy]:
        return [
            VacancyFactory(employer=employer_b, by=bob, status=LIVE, title=f"Developer {i}", **fields) for i in range(n)
        ]

    return make


def carrying(pledge) -> list[Suggestion]:  # noqa: ANN001
    return list(Suggestion.objects.filter(pledge=pledge, status="suggested"))


def test_the_matcher_proposes_a_fitting_pledge_with_its_amount_in_words(pledger, small_firms):
    pledge = pledges.pledge_create(employer=pledger, by=None, amount=Decimal(10000), levels=[4], routes=["Digital"])
    [vacancy] = small_firms(1, postcode="CH41 1AA")

    run_full_now()

    [suggestion] = carrying(pledge)
    assert suggestion.vacancy == vacancy and suggestion.transfer_amount == EACH
    assert "A levy transfer of £7,200 from a pledge by Mersey Docks Ltd" in suggestion.pledge_reason


def test_the_matcher_never_proposes_more_than_a_pledge_holds(pledger, small_firms):
    pledge = pledges.pledge_create(employer=pledger, by=None, amount=Decimal(16000), levels=[4])
    small_firms(4)

    run_full_now()

    proposed = carrying(pledge)
    assert len(proposed) == 2  # 2 × £7,200 ≤ £16,000 < 3 × £7,200
    assert len({s.vacancy_id for s in proposed}) == 2
    assert sum(s.transfer_amount for s in proposed) <= pledge.remaining


def test_pending_applications_hold_their_money_from_the_matcher(pledger, small_firms, employer_b):
    pledge = pledges.pledge_create(employer=pledger, by=None, amount=Decimal(16000), levels=[4])
    first, *_ = small_firms(3)
    pledges.application_create(pledge=pledge, applicant=employer_b, vacancy=first, by=None)  # pending: £7,200

    run_full_now()

    proposed = carrying(pledge)
    assert len(proposed) == 1 and proposed[0].vacancy_id != first.pk


def test_a_pledge_is_proposed_only_for_vacancies_inside_its_criteria(pledger, small_firms):
    wirral_only = pledges.pledge_create(
        employer=pledger, by=None, amount=Decimal(9000), levels=[4], local_authorities=["E08000015"]
    )
    level_3 = pledges.pledge_create(employer=pledger, by=None, amount=Decimal(9000), levels=[3])
    older_only = pledges.pledge_create(employer=pledger, by=None, amount=Decimal(9000), levels=[4], age_groups=["25+"])
    [in_liverpool] = small_firms(1, postcode="L1 8JQ")
    [in_wirral] = small_firms(1, postcode="CH41 1AA")

    run_full_now()

    assert {s.vacancy_id for s in carrying(wirral_only)} == {in_wirral.pk}
    assert carrying(level_3) == []
    assert carrying(older_only) == []  # the vacancies are open to every age group, not only 25+
    assert in_liverpool.pk not in {s.vacancy_id for s in Suggestion.objects.exclude(pledge=None)}


def test_no_pledge_for_a_vacancy_whose_employer_would_pay_nothing(pledger, small_firms):
    pledge = pledges.pledge_create(employer=pledger, by=None, amount=Decimal(9000), levels=[4])
    small_firms(1, age_groups=["16-18", "19-21"])  # a non-levy employer pays nothing for them from August 2026

    run_full_now()

    assert carrying(pledge) == []


def test_when_money_is_short_the_more_deprived_area_gets_the_pledge(pledger, small_firms):
    pledge = pledges.pledge_create(employer=pledger, by=None, amount=Decimal(8000), levels=[4])
    # Knowsley (L36) is among the most deprived areas in England; Wirral (CH41) less so.
    [wirral] = small_firms(1, postcode="CH41 1AA")
    [knowsley] = small_firms(1, postcode="L36 9YU")
    run_full_now()
    assert len({s.vacancy_id for s in Suggestion.objects.all()}) == 2
    Suggestion.objects.update(score=0.7)  # equal matches
    pledge_suggestions_allocate()

    [chosen] = carrying(pledge)
    assert chosen.vacancy_id == knowsley.pk != wirral.pk


def test_approving_a_three_way_suggestion_opens_the_application_approved_at_once_if_the_pledger_auto_approves(
    pledger, small_firms, hannah
):
    pledge = pledges.pledge_create(
        employer=pledger, by=None, amount=Decimal(10000), levels=[4], auto_approve="immediate"
    )
    small_firms(1)
    run_full_now()
    [suggestion] = carrying(pledge)

    suggestion_approve(suggestion.pk, by=hannah, version=suggestion.version)

    application = PledgeApplication.objects.get(pledge=pledge)
    assert (application.status, application.amount, application.vacancy_id) == ("approved", EACH, suggestion.vacancy_id)
    pledge.refresh_from_db()
    assert pledge.remaining == Decimal(10000) - EACH


def test_approving_opens_a_pending_application_when_the_pledger_decides(pledger, small_firms, hannah):
    pledge = pledges.pledge_create(employer=pledger, by=None, amount=Decimal(10000), levels=[4])
    small_firms(1)
    run_full_now()
    [suggestion] = carrying(pledge)

    suggestion_approve(suggestion.pk, by=hannah, version=suggestion.version)

    assert PledgeApplication.objects.get(pledge=pledge).status == "pending"


def test_the_suggestions_api_shows_the_pledge(pledger, small_firms, api, hannah):
    pledge = pledges.pledge_create(employer=pledger, by=None, amount=Decimal(10000), levels=[4])
    small_firms(1)
    run_full_now()

    [row] = [s for s in api(hannah).get("/api/v1/suggestions/").json()["results"] if s["pledge"]]

    assert row["pledge"] == pledge.pk and row["transfer_amount"] == 7200 and row["pledge_reason"]


def test_the_hub_reads_the_transfer_on_the_suggestion_page(pledger, small_firms, hannah):
    from django.test import Client

    pledges.pledge_create(employer=pledger, by=None, amount=Decimal(10000), levels=[4])
    small_firms(1)
    run_full_now()
    suggestion = Suggestion.objects.exclude(pledge=None).get()
    client = Client()
    client.force_login(hannah)

    page = client.get(f"/hub/suggestions/{suggestion.pk}/").content.decode()

    assert "Levy transfer" in page and "£7,200" in page and "Mersey Docks Ltd" in page


def test_the_beat_task_takes_the_pledge_off_suggestions_when_the_money_has_gone(pledger, small_firms, employer_b):
    from matching.tasks import pledges_allocate_task

    pledge = pledges.pledge_create(employer=pledger, by=None, amount=Decimal(10000), levels=[4])
    first, second = small_firms(2)
    run_full_now()
    assert len(carrying(pledge)) == 1
    # An application outside the matcher takes the money: the proposal must go.
    pledges.application_create(pledge=pledge, applicant=employer_b, vacancy=first, by=None)

    pledges_allocate_task.delay().get()

    assert carrying(pledge) == []


def test_once_no_pledge_is_open_the_suggestions_that_carried_one_lose_it_and_the_others_stay_as_they_were(
    pledger, small_firms
):
    pledge = pledges.pledge_create(employer=pledger, by=None, amount=Decimal(10000), levels=[4], routes=["Digital"])
    small_firms(2, postcode="CH41 1AA")
    run_full_now()
    [carried] = carrying(pledge)
    untouched = Suggestion.objects.exclude(pk=carried.pk).values_list("pk", "version")
    before = list(untouched)
    pledges.pledge_withdraw(pledge, by=None)

    assert pledge_suggestions_allocate() == 0

    carried.refresh_from_db()
    assert (carried.pledge_id, carried.transfer_amount, carried.pledge_reason) == (None, None, "")
    assert list(untouched) == before
