"""POST /api/v1/funding/estimate/ and the pages: issue 14's worked examples, as a user would see them."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apprenticeships.services.vacancies import vacancy_rules_check
from tests.factories import EmployerFactory
from tests.market_factories import SOFTWARE_DEVELOPER, VacancyFactory, standard

pytestmark = pytest.mark.django_db
URL = "/api/v1/funding/estimate/"


@pytest.fixture
def level_7():
    s = standard(SOFTWARE_DEVELOPER)
    s.pk, s.lars_code, s.level, s.title = None, 9007, 7, "Senior leader"
    s.save()
    return s


def ask(client, employer, **fields) -> dict:
    body = {"employer": employer.id, "standard": SOFTWARE_DEVELOPER, "start_date": "2026-09-01", "price": "15000"}
    response = client.post(URL, {**body, **fields}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_non_levy_employer_pays_nothing_for_19_and_750_for_30_from_september_2026(api, bob, employer_b):
    young, older = ask(api(bob), employer_b, apprentice_age=19), ask(api(bob), employer_b, apprentice_age=30)

    assert (young["band_max"], young["price"], young["employer_pays"]) == ("18000.00", "15000.00", "0.00")
    assert young["government_pays"] == "15000.00"
    assert (older["employer_pays"], older["co_investment_rate"]) == ("750.00", "0.05")
    assert older["rule_set"] == "2026 to 2027"
    assert any("co-invests 5%" in sentence for sentence in older["explanation"])


def test_a_non_levy_employer_paid_750_for_23_before_august_2026(api, bob, employer_b):
    assert ask(api(bob), employer_b, apprentice_age=23, start_date="2026-05-01")["employer_pays"] == "750.00"


def test_a_levy_payer_with_no_funds_left_pays_25_percent_from_august_2026_and_5_percent_before(api, hannah):
    no_funds = EmployerFactory(is_levy_payer=True, annual_pay_bill=3_000_000)  # the allowance covers all its levy

    after, before = (
        ask(api(hannah), no_funds, apprentice_age=30),
        ask(api(hannah), no_funds, apprentice_age=30, start_date="2026-05-01"),
    )

    assert (after["levy_funds_used"], after["employer_pays"], after["government_pays"]) == (
        "0.00",
        "3750.00",
        "11250.00",
    )
    assert before["employer_pays"] == "750.00"


def test_level_7_at_25_from_september_2026_is_not_funded_and_at_21_it_is(api, bob, employer_b, level_7):
    older = ask(api(bob), employer_b, standard=level_7.lars_code, apprentice_age=25)
    young = ask(api(bob), employer_b, standard=level_7.lars_code, apprentice_age=21)

    assert (older["eligible"], older["government_pays"]) == (False, "0.00")
    assert "level 7" in older["reason"]
    assert (young["eligible"], young["reason"]) == (True, "")


def test_a_price_above_the_band_leaves_the_employer_the_excess(api, bob, employer_b):
    answer = ask(api(bob), employer_b, apprentice_age=19, price="20000")

    assert (answer["band_max"], answer["employer_excess"], answer["employer_pays"]) == ("18000.00", "2000.00", "0.00")


def test_the_price_defaults_to_the_band_and_incentives_are_listed(api, bob, employer_b):
    body = {"employer": employer_b.id, "standard": SOFTWARE_DEVELOPER, "start_date": "2026-09-01", "apprentice_age": 17}

    answer = api(bob).post(URL, body, format="json").json()

    assert answer["price"] == "18000.00"
    assert {"name": "Payment for employing a young apprentice", "amount": "1000.00"} in answer["incentives"]
    assert {"name": "Small employer hiring incentive", "amount": "2000.00"} in answer["incentives"]
    assert (answer["minimum_hourly_wage"], answer["minimum_duration_months"]) == ("8.00", 8)


def test_twenty_hours_a_week_means_at_least_12_months(api, bob, employer_b):
    assert ask(api(bob), employer_b, apprentice_age=19, hours_per_week="20")["minimum_duration_months"] == 12


def test_another_employers_id_is_not_found_and_the_hub_may_ask_about_any(api, alice, hannah, employer_b):
    refused = api(alice).post(URL, {"employer": employer_b.id, "apprentice_age": 19}, format="json")

    assert refused.status_code == 404
    assert ask(api(hannah), employer_b, apprentice_age=19)["employer_pays"] == "0.00"


@pytest.mark.parametrize(("persona", "status"), [("priya", 403), ("anonymous", 401)])
def test_providers_and_the_public_may_not_ask(api, priya, employer_b, persona, status):
    response = api(priya if persona == "priya" else None).post(URL, {"employer": employer_b.id}, format="json")

    assert response.status_code == status


def test_bad_input_gets_field_messages(api, bob, employer_b):
    response = api(bob).post(
        URL, {"employer": employer_b.id, "standard": 999999, "start_date": "soon", "apprentice_age": -1}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) >= {"standard", "start_date", "apprentice_age"}


def test_the_wage_check_uses_the_minimum_wage_on_the_start_date():
    values = {"hours_per_week": Decimal(37), "start_date": date(2026, 5, 1)}

    with pytest.raises(ValidationError) as refused:
        vacancy_rules_check({**values, "weekly_wage": Decimal("288.60")})  # £7.80 an hour
    vacancy_rules_check({**values, "weekly_wage": Decimal("296.00")})  # £8 an hour

    assert "£8 an hour" in refused.value.message_dict["weekly_wage"][0]


def test_a_part_time_vacancy_must_last_long_enough_for_its_hours():
    values = {"hours_per_week": Decimal(20), "start_date": date(2026, 9, 1), "weekly_wage": Decimal(200)}

    with pytest.raises(ValidationError) as refused:
        vacancy_rules_check({**values, "duration_months": 10})
    vacancy_rules_check({**values, "duration_months": 12})

    assert "at least 12 months" in refused.value.message_dict["duration_months"][0]


def test_a_vacancy_is_open_to_every_age_group_unless_it_says_otherwise(api, alice, employer_a):
    vacancy = VacancyFactory(employer=employer_a)
    response = api(alice).patch(f"/api/v1/vacancies/{vacancy.id}/", {"age_groups": ["16-18", "old"]}, format="json")

    assert vacancy.age_groups == ["16-18", "19-21", "22-24", "25+"]
    assert response.status_code == 400
    ok = api(alice).patch(f"/api/v1/vacancies/{vacancy.id}/", {"age_groups": ["16-18"]}, format="json").json()
    assert [row["age_group"] for row in ok["funding"]["by_age_group"]] == ["16-18"]
    assert (ok["annual_wage"], ok["planned_duration_months"]) == (15600.0, 24)


def test_the_vacancy_page_shows_the_annual_wage_and_who_pays_for_each_age_group(client, bob, employer_b):
    vacancy = VacancyFactory(employer=employer_b)
    client.force_login(bob)

    body = client.get(reverse("employer-vacancy", args=[vacancy.pk])).content.decode()

    assert "£15,600 a year" in body
    assert 'id="funding-by-age"' in body and "25 and over" in body


def test_the_funds_page_shows_a_levy_payers_account_and_its_projection(client, alice, employer_a):
    VacancyFactory(employer=employer_a, status="submitted")
    client.force_login(alice)

    body = client.get(reverse("employer-funds")).content.decode()

    assert "Your funds" in body and "Growth and Skills Levy" in body
    assert 'id="chart-funds-title"' in body
    assert "no government top-up" in body
    assert "Junior software developer" in body


def test_hub_staff_verify_a_declared_pay_bill_in_the_admin(client, hannah, employer_a):
    from apprenticeships.models import PayBillDeclaration

    declaration = PayBillDeclaration.objects.get(employer=employer_a)
    client.force_login(hannah)

    client.post(
        "/admin/apprenticeships/paybilldeclaration/",
        {"action": "verify", "_selected_action": [declaration.pk]},
    )

    declaration.refresh_from_db()
    assert declaration.verified_by == hannah and declaration.verified_at is not None
