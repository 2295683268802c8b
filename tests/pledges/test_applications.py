"""Applications to pledges: the computed amount, who decides, the money held and given back, the audit trail."""

from datetime import date
from decimal import Decimal

import pytest

from apprenticeships.funding.transfers import transfer_amount
from apprenticeships.models import Pledge, PledgeApplication, PledgeEvent
from apprenticeships.services import pledges
from tests.market_factories import CHEAP_STANDARD, CourseOfferFactory, days_ahead, standard

pytestmark = pytest.mark.django_db
APPS = "/api/v1/pledge-applications/"


def apply(client, user, pledge: Pledge, vacancy, **extra: object):  # noqa: ANN001, ANN201
    return client(user).post(
        f"/api/v1/pledges/{pledge.pk}/applications/", {"vacancy": vacancy.pk, **extra}, format="json"
    )


def remaining(pledge: Pledge) -> Decimal:
    return Pledge.objects.get(pk=pledge.pk).remaining


def actions(pledge: Pledge) -> list[str]:
    return list(PledgeEvent.objects.filter(pledge=pledge).values_list("action", flat=True))


class TestTheNationalFormula:
    def test_a_year_or_less_costs_the_whole_band_completion_payment_included(self):
        assert transfer_amount(band_max=9000, apprentices=2, duration_months=12, on=date(2026, 9, 1)) == 18000

    def test_longer_apprenticeships_cost_a_years_share_of_the_80_percent_instalments(self):
        # £18,000 × 1 × 0.8 ÷ 24 months × 12 = £7,200 (das-levy-transfer-matching-api Application.GetCost)
        assert transfer_amount(band_max=18000, apprentices=1, duration_months=24, on=date(2026, 9, 1)) == 7200

    def test_a_transfer_never_pays_a_price_above_the_band(self):
        above = transfer_amount(
            band_max=9000, apprentices=1, duration_months=12, price=Decimal(12000), on=date(2026, 9, 1)
        )
        below = transfer_amount(
            band_max=9000, apprentices=1, duration_months=12, price=Decimal(6000), on=date(2026, 9, 1)
        )
        assert (above, below) == (9000, 6000)


def test_an_employer_applies_and_the_amount_is_computed_not_typed(api, make_pledge, live_vacancy, alice):
    pledge, vacancy = make_pledge("10000"), live_vacancy()  # software developer: £18,000 band over 24 months

    response = apply(api, alice, pledge, vacancy, amount="1")

    assert response.status_code == 201, response.json()
    got = response.json()
    assert got["amount"] == 7200 and got["status"] == "pending" and got["meets_criteria"] is True
    assert remaining(pledge) == 10000  # pending holds nothing yet
    assert [step["action"] for step in got["history"]] == ["applied"]


def test_a_cohort_priced_below_the_band_costs_less(api, make_pledge, live_vacancy, alice, provider_a):
    pledge, vacancy = make_pledge("10000"), live_vacancy()
    offer = CourseOfferFactory(
        provider=provider_a, price=Decimal(12000), cohorts=[{"start_date": days_ahead(60), "places": 5}]
    )

    response = apply(api, alice, pledge, vacancy, cohort=offer.cohorts.get().pk)

    assert response.json()["amount"] == 4800  # £12,000 × 0.8 ÷ 24 × 12


def test_an_application_needing_more_than_the_pledge_holds_is_refused(api, make_pledge, live_vacancy, alice):
    pledge, vacancy = make_pledge("5000"), live_vacancy()

    response = apply(api, alice, pledge, vacancy)

    assert response.status_code == 400
    assert "needs £7,200" in response.json()["vacancy"][0]
    assert not PledgeApplication.objects.exists()


def test_only_the_pledger_or_hub_approve_and_approval_holds_the_money(api, make_pledge, live_vacancy, alice, bob, lena):
    pledge = make_pledge("10000")
    application = apply(api, alice, pledge, live_vacancy()).json()

    assert api(alice).post(f"{APPS}{application['id']}/approve/").status_code == 403
    assert api(bob).post(f"{APPS}{application['id']}/approve/").status_code == 404
    response = api(lena).post(f"{APPS}{application['id']}/approve/")

    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert remaining(pledge) == 2800
    assert actions(pledge) == ["created", "applied", "approved"]
    assert PledgeEvent.objects.get(action="approved").amount == -7200


def test_a_second_approval_the_money_cannot_cover_gets_409_and_changes_nothing(make_pledge, live_vacancy, lena):
    pledge = make_pledge("10000")
    first = pledges.application_create(
        pledge=pledge, applicant=live_vacancy().employer, vacancy=live_vacancy(), by=None
    )
    second = pledges.application_create(pledge=pledge, applicant=first.applicant, vacancy=live_vacancy(), by=None)
    pledges.application_approve(first.pk, by=lena)

    with pytest.raises(pledges.PledgeConflict, match="£2,800 left"):
        pledges.application_approve(second.pk, by=lena)

    assert remaining(pledge) == 2800
    assert PledgeApplication.objects.get(pk=second.pk).status == "pending"


def test_the_api_answers_a_lost_race_with_409_and_a_message(api, make_pledge, live_vacancy, alice, lena):
    pledge = make_pledge("10000")
    one, two = (apply(api, alice, pledge, live_vacancy()).json()["id"] for _ in range(2))
    api(lena).post(f"{APPS}{one}/approve/")

    response = api(lena).post(f"{APPS}{two}/approve/")

    assert response.status_code == 409
    assert "another approval took the money first" in response.json()["detail"]


def test_the_applicant_accepts_or_declines_and_declining_gives_the_money_back(
    api, make_pledge, live_vacancy, alice, lena
):
    pledge = make_pledge("16000")
    kept, given_back = (apply(api, alice, pledge, live_vacancy()).json()["id"] for _ in range(2))
    for pk in (kept, given_back):
        api(lena).post(f"{APPS}{pk}/approve/")
    assert remaining(pledge) == 1600

    assert api(lena).post(f"{APPS}{kept}/accept/").status_code == 403  # only the applicant answers
    assert api(alice).post(f"{APPS}{kept}/accept/").json()["status"] == "accepted"
    assert api(alice).post(f"{APPS}{given_back}/decline/").json()["status"] == "declined"

    assert remaining(pledge) == 8800
    assert api(alice).post(f"{APPS}{given_back}/accept/").status_code == 409


def test_withdrawing_an_approved_application_gives_the_money_back(api, make_pledge, live_vacancy, alice, lena):
    pledge = make_pledge("10000")
    pk = apply(api, alice, pledge, live_vacancy()).json()["id"]
    api(lena).post(f"{APPS}{pk}/approve/")

    response = api(alice).post(f"{APPS}{pk}/withdraw/")

    assert response.json()["status"] == "withdrawn"
    assert remaining(pledge) == 10000
    assert actions(pledge)[-1] == "application_withdrawn"


def test_rejecting_holds_nothing_and_keeps_the_reason(api, make_pledge, live_vacancy, alice, lena):
    pledge = make_pledge("10000")
    pk = apply(api, alice, pledge, live_vacancy()).json()["id"]

    response = api(lena).post(f"{APPS}{pk}/reject/", {"note": "We fund construction only this year."}, format="json")

    assert response.json()["status"] == "rejected"
    assert response.json()["history"][-1]["note"] == "We fund construction only this year."
    assert remaining(pledge) == 10000


def test_a_pledge_closes_when_less_than_2000_is_left_and_pending_applications_are_rejected(
    make_pledge, live_vacancy, lena
):
    pledge = make_pledge("9000")
    vacancy = live_vacancy()
    cheap = live_vacancy(standard=standard(CHEAP_STANDARD))
    first = pledges.application_create(pledge=pledge, applicant=vacancy.employer, vacancy=vacancy, by=None)
    waiting = pledges.application_create(pledge=pledge, applicant=cheap.employer, vacancy=cheap, by=None)

    pledges.application_approve(first.pk, by=lena)

    pledge.refresh_from_db()
    assert (pledge.status, pledge.remaining) == ("closed", 1800)
    assert PledgeApplication.objects.get(pk=waiting.pk).status == "rejected"
    assert actions(pledge)[-2:] == ["closed", "rejected"]


def test_an_immediate_auto_approve_pledge_approves_an_application_that_meets_its_criteria(make_pledge, live_vacancy):
    pledge = make_pledge("10000", auto_approve="immediate", levels=[4])
    outside = make_pledge("8000", auto_approve="immediate", levels=[3])
    vacancy = live_vacancy()

    fits = pledges.application_create(pledge=pledge, applicant=vacancy.employer, vacancy=vacancy, by=None)
    misses = pledges.application_create(pledge=outside, applicant=vacancy.employer, vacancy=vacancy, by=None)

    assert (fits.status, misses.status) == ("approved", "pending")
    assert misses.meets_criteria is False
    assert actions(pledge)[-1] == "auto_approved"


def test_an_employer_cannot_apply_with_another_employers_vacancy(api, make_pledge, live_vacancy, bob):
    pledge, vacancy = make_pledge(), live_vacancy()

    response = apply(api, bob, pledge, vacancy)

    assert response.status_code == 400 and "vacancy" in response.json()


def test_each_party_lists_only_its_applications(api, make_pledge, live_vacancy, alice, bob, lena, hannah):
    pledge = make_pledge()
    pk = apply(api, alice, pledge, live_vacancy()).json()["id"]

    assert [a["id"] for a in api(alice).get(APPS).json()["results"]] == [pk]
    assert [a["id"] for a in api(lena).get(APPS).json()["results"]] == [pk]
    assert [a["id"] for a in api(hannah).get(APPS).json()["results"]] == [pk]
    assert api(bob).get(APPS).json()["results"] == []
