"""How a vacancy's training is paid for and an employer's levy account, from the dated rule book."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from apprenticeships.models import PayBillDeclaration
from apprenticeships.services.levy import annual_levy, levy_position
from tests.factories import EmployerFactory
from tests.market_factories import CHEAP_STANDARD, VacancyFactory, standard

pytestmark = pytest.mark.django_db


def months_ago(months: int) -> date:
    """The first day of the month `months` before this one (always after August 2026 for months ≤ 3 from now on)."""
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def test_a_five_million_pay_bill_pays_ten_thousand_levy_a_year_with_no_top_up_from_august_2026():
    employer = EmployerFactory(is_levy_payer=True, annual_pay_bill=5_000_000, declared_on=months_ago(3))

    position = levy_position(employer)

    assert annual_levy(5_000_000) == Decimal("10000.00")
    assert (position.annual_levy, position.top_up, position.annual_funds) == (
        Decimal("10000.00"),
        0,
        Decimal("10000.00"),
    )
    assert position.expiry_months == 12
    assert position.account.balance == Decimal("3333.32")  # four months of £833.33, none spent or expired


@pytest.mark.parametrize(
    ("pay_bill", "levy"), [(0, 0), (2_999_999, 0), (3_000_000, 0), (3_000_200, 1), (6_000_000, 15_000)]
)
def test_the_allowance_means_a_pay_bill_up_to_three_million_pays_no_levy(pay_bill, levy):
    assert annual_levy(Decimal(pay_bill)) == Decimal(levy)


def test_a_changed_pay_bill_is_a_new_declaration_and_the_past_stands(api, hannah, employer_a):
    response = api(hannah).patch(
        f"/api/v1/employers/{employer_a.id}/", {"annual_pay_bill": "6200000.00"}, format="json"
    )

    assert response.status_code == 200
    declared = list(PayBillDeclaration.objects.filter(employer=employer_a).values_list("annual_pay_bill", flat=True))
    assert declared == [Decimal("5000000.00"), Decimal("6200000.00")]


def vacancy_funding(api, user, vacancy) -> dict:
    response = api(user).get(f"/api/v1/vacancies/{vacancy.id}/")
    assert response.status_code == 200
    return response.json()["funding"]


def test_a_non_levy_employer_co_invests_five_percent_for_apprentices_of_25_and_over(api, bob):
    vacancy = VacancyFactory(employer=bob.membership.employer, positions=2)  # 2 × £18,000 band

    funding = vacancy_funding(api, bob, vacancy)

    assert funding["method"] == "co_investment"
    assert funding["estimated_cost"] == 36000
    assert funding["employer_pays"] == 1800
    assert funding["government_pays"] == 34200
    by_age = {row["age_group"]: row["employer_pays"] for row in funding["by_age_group"]}
    assert by_age == {"16-18": "0.00", "19-21": "0.00", "22-24": "0.00", "25+": "1800.00"}
    assert "£1,800" in funding["summary"]


def test_a_levy_payer_with_enough_funds_pays_from_its_levy(api, alice, employer_a):
    PayBillDeclaration.objects.filter(employer=employer_a).update(declared_on=months_ago(3))
    vacancy = VacancyFactory(employer=employer_a, standard=standard(CHEAP_STANDARD))  # £2,500 band

    funding = vacancy_funding(api, alice, vacancy)

    assert funding["method"] == "levy"
    assert (funding["estimated_cost"], funding["levy_used"], funding["shortfall"]) == (2500, 2500, 0)
    assert funding["employer_pays"] == 0


def test_a_levy_payer_short_of_funds_needs_a_transfer_or_co_invests_25_percent_of_the_rest(api, alice, employer_a):
    # 3 × £18,000 paid as £1,800 a month for 24 months; only £833.33 a month comes in.
    vacancy = VacancyFactory(employer=employer_a, positions=3)

    funding = vacancy_funding(api, alice, vacancy)

    assert funding["method"] == "levy_transfer"
    assert 0 < funding["levy_used"] < 54000
    assert funding["shortfall"] == pytest.approx(54000 - funding["levy_used"])
    assert funding["employer_pays"] == pytest.approx(round(funding["shortfall"] * 0.25, 2))
    assert "levy transfer" in funding["summary"]
    assert funding["summary"].startswith("Needs a levy transfer: your levy funds cover")  # to the employer
    assert "or you co-invest 25% of it" in funding["summary"]


def test_vacancies_already_submitted_use_up_the_levy_for_the_next_one(api, alice, employer_a):
    first = VacancyFactory(employer=employer_a, status="live", positions=3)
    draft = VacancyFactory(employer=employer_a, positions=3)

    assert vacancy_funding(api, alice, first)["levy_used"] > vacancy_funding(api, alice, draft)["levy_used"]
    # The list agrees with the detail.
    listed = {item["id"]: item["funding"] for item in api(alice).get("/api/v1/vacancies/").json()["results"]}
    assert listed[first.id] == vacancy_funding(api, alice, first)
    assert listed[draft.id] == vacancy_funding(api, alice, draft)


def test_the_public_never_sees_funding(api, alice):
    VacancyFactory(employer=alice.membership.employer, status="live")

    item = api().get("/api/v1/public/vacancies/").json()["results"][0]

    assert "funding" not in item


# --- GET /api/v1/employers/<id>/levy/ ------------------------------------------------------


def test_an_employer_sees_its_own_levy_account(api, alice, employer_a):
    PayBillDeclaration.objects.filter(employer=employer_a).update(declared_on=months_ago(3))
    vacancy = VacancyFactory(employer=employer_a, status="submitted")  # £18,000 over 24 months

    response = api(alice).get(f"/api/v1/employers/{employer_a.id}/levy/")

    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("annual_pay_bill", "annual_levy", "top_up", "annual_funds")} == {
        "annual_pay_bill": 5000000.0,
        "annual_levy": 10000.0,
        "top_up": 0.0,
        "annual_funds": 10000.0,
    }
    assert body["funds_expire_after_months"] == 12
    assert [m["top_up"] for m in body["funds_in"]] == [0.0] * 4
    assert {m["funds_in"] for m in body["funds_in"]} == {833.33}
    assert len(body["projection"]) == 24
    [committed] = body["committed_by_vacancy"]
    assert (committed["vacancy"], committed["cost"]) == (vacancy.id, 18000.0)
    assert body["committed"] == committed["still_to_pay"]


def test_the_hub_sees_any_employers_levy_position(api, hannah, employer_a, employer_b):
    levy_payer = api(hannah).get(f"/api/v1/employers/{employer_a.id}/levy/")
    small = api(hannah).get(f"/api/v1/employers/{employer_b.id}/levy/")

    assert (levy_payer.status_code, levy_payer.json()["annual_funds"]) == (200, 10000.0)
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


def test_each_age_groups_levy_funds_agree_with_the_vacancys_own_when_others_are_committed(api, alice, employer_a):
    # Three live vacancies starting the same month share the account: the first committed comes first.
    vacancies = [VacancyFactory(employer=employer_a, status="live", positions=2) for _ in range(3)]

    for vacancy in vacancies:
        funding = vacancy_funding(api, alice, vacancy)
        by_age = {row["age_group"]: Decimal(row["levy_funds_used"]) for row in funding["by_age_group"]}
        assert set(by_age.values()) == {Decimal(str(funding["levy_used"]))}, (vacancy.pk, funding)
    firsts = [vacancy_funding(api, alice, vacancy)["levy_used"] for vacancy in vacancies]
    assert firsts == sorted(firsts, reverse=True) and firsts[0] > firsts[-1]
