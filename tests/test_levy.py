"""How a vacancy's training is paid for, against the worked examples of the funding rules."""

from decimal import Decimal

import pytest
from django.test import override_settings

from apprenticeships.services.levy import annual_levy, levy_position
from tests.factories import EmployerFactory
from tests.market_factories import CHEAP_STANDARD, VacancyFactory, standard

pytestmark = pytest.mark.django_db


def test_a_five_million_pay_bill_pays_ten_thousand_levy_and_gets_eleven_thousand_with_the_top_up():
    employer = EmployerFactory(is_levy_payer=True, annual_pay_bill=5_000_000)

    position = levy_position(employer)

    assert annual_levy(5_000_000) == Decimal("10000.00")
    assert position.annual_levy == Decimal("10000.00")
    assert position.top_up == Decimal("1000.00")
    assert position.annual_funds == Decimal("11000.00")


@pytest.mark.parametrize(
    ("pay_bill", "levy"), [(0, 0), (2_999_999, 0), (3_000_000, 0), (3_000_200, 1), (6_000_000, 15_000)]
)
def test_the_allowance_means_a_pay_bill_up_to_three_million_pays_no_levy(pay_bill, levy):
    assert annual_levy(Decimal(pay_bill)) == Decimal(levy)


@override_settings(LEVY_RATE=Decimal("0.01"), LEVY_ALLOWANCE_GBP=Decimal("0"), LEVY_TOP_UP_RATE=Decimal("0"))
def test_the_rates_come_from_settings():
    employer = EmployerFactory(is_levy_payer=True, annual_pay_bill=1_000_000)

    assert levy_position(employer).annual_funds == Decimal("10000.00")


def vacancy_funding(api, user, vacancy) -> dict:
    response = api(user).get(f"/api/v1/vacancies/{vacancy.id}/")
    assert response.status_code == 200
    return response.json()["funding"]


def test_a_non_levy_employer_co_invests_five_percent_of_the_estimated_cost(api, bob):
    vacancy = VacancyFactory(employer=bob.membership.employer, positions=2)  # 2 × £18,000 band

    funding = vacancy_funding(api, bob, vacancy)

    assert funding["method"] == "co_investment"
    assert funding["estimated_cost"] == 36000
    assert funding["employer_pays"] == 1800
    assert funding["government_pays"] == 34200
    assert funding["shortfall"] == 0
    assert "£1,800.00" in funding["summary"]


def test_a_levy_payer_with_enough_funds_pays_from_its_levy(api, alice):
    cheap = standard(CHEAP_STANDARD)  # £2,500 band; employer A has £11,000 a year
    vacancy = VacancyFactory(employer=alice.membership.employer, standard=cheap, positions=4)

    funding = vacancy_funding(api, alice, vacancy)

    assert funding["method"] == "levy"
    assert (funding["estimated_cost"], funding["levy_used"], funding["shortfall"]) == (10000, 10000, 0)
    assert funding["employer_pays"] == 0


def test_a_levy_payer_short_of_funds_needs_a_transfer_for_the_shortfall(api, alice):
    vacancy = VacancyFactory(employer=alice.membership.employer)  # £18,000 band; £11,000 of funds

    funding = vacancy_funding(api, alice, vacancy)

    assert funding["method"] == "levy_transfer"
    assert (funding["estimated_cost"], funding["levy_used"], funding["shortfall"]) == (18000, 11000, 7000)
    assert "levy transfer" in funding["summary"]


def test_vacancies_already_submitted_use_up_the_levy_for_the_next_one(api, alice):
    cheap = standard(CHEAP_STANDARD)
    employer = alice.membership.employer
    VacancyFactory(employer=employer, standard=cheap, positions=4, status="live")  # commits £10,000
    live = VacancyFactory(employer=employer, standard=cheap, positions=4, status="live")
    draft = VacancyFactory(employer=employer, standard=cheap, positions=1)

    # The live one's own cost isn't counted against itself: £11,000 − £10,000 of the other leaves £1,000.
    assert vacancy_funding(api, alice, live)["shortfall"] == 9000
    assert vacancy_funding(api, alice, draft)["method"] == "levy_transfer"
    # The list (annotated in one query) agrees with the detail.
    listed = {item["id"]: item["funding"] for item in api(alice).get("/api/v1/vacancies/").json()["results"]}
    assert listed[live.id] == vacancy_funding(api, alice, live)
    assert listed[draft.id] == vacancy_funding(api, alice, draft)


def test_the_public_never_sees_funding(api, alice):
    VacancyFactory(employer=alice.membership.employer, status="live")

    item = api().get("/api/v1/public/vacancies/").json()["results"][0]

    assert "funding" not in item


# --- GET /api/v1/employers/<id>/levy/ ------------------------------------------------------


def test_an_employer_sees_its_own_levy_position(api, alice, employer_a):
    VacancyFactory(employer=employer_a, status="submitted")  # commits £18,000

    response = api(alice).get(f"/api/v1/employers/{employer_a.id}/levy/")

    assert response.status_code == 200
    assert response.json() == {
        "employer": employer_a.id,
        "is_levy_payer": True,
        "annual_pay_bill": 5000000.0,
        "annual_levy": 10000.0,
        "top_up": 1000.0,
        "annual_funds": 11000.0,
        "monthly_funds": 916.67,
        "committed": 18000.0,
        "available": 0.0,
        "funds_expire_after_months": 24,
        "transfer_allowance": 5500.0,
    }


def test_the_hub_sees_any_employers_levy_position(api, hannah, employer_a, employer_b):
    levy_payer = api(hannah).get(f"/api/v1/employers/{employer_a.id}/levy/")
    small = api(hannah).get(f"/api/v1/employers/{employer_b.id}/levy/")

    assert (levy_payer.status_code, levy_payer.json()["annual_funds"]) == (200, 11000.0)
    assert (small.status_code, small.json()["is_levy_payer"], small.json()["annual_funds"]) == (200, False, 0.0)


def test_another_employer_is_told_employer_a_levy_position_does_not_exist(api, bob, employer_a):
    response = api(bob).get(f"/api/v1/employers/{employer_a.id}/levy/")

    assert response.status_code == 404
    assert "annual_funds" not in response.json()


@pytest.mark.parametrize(("persona", "status"), [("priya", 403), ("anonymous", 401)])
def test_providers_and_the_public_cannot_see_a_levy_position(api, priya, employer_a, persona, status):
    response = api(priya if persona == "priya" else None).get(f"/api/v1/employers/{employer_a.id}/levy/")

    assert response.status_code == status
    assert "annual_funds" not in response.json()
