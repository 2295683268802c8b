"""The rule book, row by row of issue 14's table, on both sides of each row's date."""

from datetime import date
from decimal import Decimal

import pytest

from apprenticeships.funding.account import Commitment, Declaration, annual_levy, levy_account, month_index
from apprenticeships.funding.estimate import Programme, estimate
from apprenticeships.funding.rules import (
    AGE_GROUP_AGES,
    age_group_of,
    minimum_duration_months,
    minimum_hourly_wage,
    minimum_weekly_wage,
    rule_book,
    rules_on,
)

D = Decimal
TODAY = date(2026, 12, 6)
BAND = Programme(band_max=D(18000), level=4, is_foundation=False, typical_duration_months=24)
LEVEL_7 = Programme(band_max=D(18000), level=7, is_foundation=False, typical_duration_months=24)
FOUNDATION = Programme(band_max=D(4000), level=2, is_foundation=True, typical_duration_months=8)
DAY_BEFORE_AUGUST_2026, AUGUST_2026 = date(2026, 7, 31), date(2026, 8, 1)


def cost(programme: Programme = BAND, **kwargs: object):
    kwargs.setdefault("price", D(15000))
    kwargs.setdefault("is_levy_payer", False)
    return estimate(programme, today=TODAY, **kwargs)


def test_the_rule_sets_follow_on_from_each_other_and_each_names_its_source():
    sets = rule_book()

    assert sets[-1].effective_to is None
    assert all(s.source.startswith("https://www.gov.uk/") for s in sets)
    assert all(set(s.sources) >= {"levy", "co_investment", "minimum_hourly_wage", "minimum_duration"} for s in sets)


@pytest.mark.parametrize("day", [DAY_BEFORE_AUGUST_2026, AUGUST_2026])
def test_the_levy_is_half_a_percent_of_the_pay_bill_over_a_15000_allowance_either_side_of_august_2026(day):
    rules = rules_on(day)

    assert annual_levy(D(5_000_000), rules) == D("10000.00")
    assert annual_levy(D(3_000_000), rules) == 0
    assert annual_levy(D(2_000_000), rules) == 0


def test_the_government_top_up_stops_for_funds_entering_from_august_2026():
    assert rules_on(DAY_BEFORE_AUGUST_2026).top_up_rate == D("0.10")
    assert rules_on(AUGUST_2026).top_up_rate == 0


def test_funds_entering_from_august_2026_expire_after_12_months_and_older_funds_keep_24():
    assert rules_on(DAY_BEFORE_AUGUST_2026).expiry_months == 24
    assert rules_on(AUGUST_2026).expiry_months == 12
    account = levy_account(today=TODAY, is_levy_payer=True, declarations=[Declaration(date(2026, 7, 1), D(5_000_000))])
    july, august = account.months[0], account.months[1]

    assert (july.levy, july.top_up, july.expires) == (D("833.33"), D("83.33"), date(2028, 7, 1))
    assert (august.levy, august.top_up, august.expires) == (D("833.33"), D("0.00"), date(2027, 8, 1))


@pytest.mark.parametrize(("day", "pays"), [(DAY_BEFORE_AUGUST_2026, "750.00"), (AUGUST_2026, "3750.00")])
def test_a_levy_payer_past_its_funds_co_invests_5_percent_then_25_percent_from_august_2026(day, pays):
    assert cost(start_date=day, apprentice_age=30, is_levy_payer=True).employer_pays == D(pays)


@pytest.mark.parametrize(
    ("age", "ehc", "before", "after"),
    [(16, False, "0.00", "0.00"), (21, False, "0.00", "0.00"), (22, False, "750.00", "0.00"),
     (24, False, "750.00", "0.00"), (23, True, "0.00", "0.00"), (25, False, "750.00", "750.00")],
)  # fmt: skip
def test_a_non_levy_employer_pays_nothing_for_16_to_24_from_august_2026_and_5_percent_from_25(age, ehc, before, after):
    def pays(day: date) -> Decimal:
        return cost(start_date=day, apprentice_age=age, ehc_plan_or_care_leaver=ehc).employer_pays

    assert (pays(DAY_BEFORE_AUGUST_2026), pays(AUGUST_2026)) == (D(before), D(after))


def test_level_7_is_funded_at_any_age_before_2026_and_only_to_21_from_1_january_2026():
    before, after = date(2025, 12, 31), date(2026, 1, 1)

    assert cost(LEVEL_7, start_date=before, apprentice_age=40).eligible
    assert not cost(LEVEL_7, start_date=after, apprentice_age=22).eligible
    assert cost(LEVEL_7, start_date=after, apprentice_age=21).eligible
    assert cost(LEVEL_7, start_date=after, apprentice_age=24, ehc_plan_or_care_leaver=True).eligible
    assert not cost(LEVEL_7, start_date=after, apprentice_age=25, ehc_plan_or_care_leaver=True).eligible


@pytest.mark.parametrize("day", [DAY_BEFORE_AUGUST_2026, AUGUST_2026])
def test_a_price_above_the_band_is_allowed_and_the_employer_pays_the_excess(day):
    result = cost(start_date=day, apprentice_age=19, price=D(20000))

    assert result.rule_set.price_above_band_allowed
    assert result.employer_excess == D("2000.00")
    assert result.government_pays + result.employer_pays + result.levy_funds_used == D("18000.00")


def test_the_apprentice_minimum_wage_is_the_rate_in_force_on_the_start_date():
    assert minimum_hourly_wage(date(2025, 4, 1)) == D("7.55")
    assert minimum_hourly_wage(date(2026, 3, 31)) == D("7.55")
    assert minimum_hourly_wage(date(2026, 4, 1)) == D("8.00")
    assert minimum_weekly_wage(date(2026, 5, 1), D(37)) == D("296.00")


def test_the_minimum_duration_is_12_months_before_august_2025_then_8_longer_under_30_hours():
    before, after = date(2025, 7, 31), date(2025, 8, 1)

    assert minimum_duration_months(before, D(37)) == 12
    assert minimum_duration_months(after, D(37)) == 8
    assert minimum_duration_months(after, D(30)) == 8
    assert minimum_duration_months(after, D(20)) == 12
    assert minimum_duration_months(after, D(16)) == 15  # 8 × 30 ÷ 16 = 15, exactly
    assert minimum_duration_months(before, D(20)) == 18


def test_foundation_apprenticeships_are_funded_from_august_2025_for_young_people():
    before, after = date(2025, 7, 31), date(2025, 8, 1)

    assert not cost(FOUNDATION, start_date=before, apprentice_age=17, price=None).eligible
    assert cost(FOUNDATION, start_date=after, apprentice_age=17, price=None).eligible
    assert not cost(FOUNDATION, start_date=after, apprentice_age=23, price=None).eligible
    assert cost(FOUNDATION, start_date=after, apprentice_age=23, price=None, ehc_plan_or_care_leaver=True).eligible


def incentive_names(**kwargs: object) -> dict[str, Decimal]:
    return {i.name: i.amount for i in cost(**kwargs).incentives}


def test_employers_of_16_to_18_year_olds_get_1000_either_side_of_august_2026():
    for day in (DAY_BEFORE_AUGUST_2026, AUGUST_2026):
        assert incentive_names(start_date=day, apprentice_age=17)["Payment for employing a young apprentice"] == 1000
        assert "Payment for employing a young apprentice" not in incentive_names(start_date=day, apprentice_age=19)


def test_small_employers_get_2000_for_young_starts_from_august_2026():
    name = "Small employer hiring incentive"

    assert name not in incentive_names(start_date=DAY_BEFORE_AUGUST_2026, apprentice_age=20)
    assert incentive_names(start_date=AUGUST_2026, apprentice_age=20)[name] == 2000
    assert name not in incentive_names(start_date=AUGUST_2026, apprentice_age=20, is_levy_payer=True)
    assert name not in incentive_names(start_date=AUGUST_2026, apprentice_age=25)


def test_the_foundation_incentive_is_paid_from_august_2025():
    name = "Foundation apprenticeship employer incentive"

    assert name in incentive_names(programme=FOUNDATION, start_date=date(2025, 8, 1), apprentice_age=17, price=None)
    assert not cost(FOUNDATION, start_date=date(2025, 7, 31), apprentice_age=17, price=None).incentives


@pytest.mark.parametrize("day", [DAY_BEFORE_AUGUST_2026, AUGUST_2026])
def test_a_levy_payer_may_transfer_up_to_half_its_funds(day):
    assert rules_on(day).transfer_share == D("0.50")


def test_each_age_group_is_represented_by_an_age_inside_it():
    assert {group: age_group_of(age) for group, age in AGE_GROUP_AGES.items()} == {g: g for g in AGE_GROUP_AGES}


def test_payments_follow_the_profile_and_take_the_oldest_funds_first():
    # £1,000 a month from January 2026 (10% top-up until July); one £12,000 apprenticeship over 12 months from May.
    account = levy_account(
        today=date(2026, 6, 15),
        is_levy_payer=True,
        declarations=[Declaration(date(2026, 1, 10), D(5_400_000))],
        commitments=[Commitment("v1", "Developer", date(2026, 5, 1), 12, D(12000))],
    )
    by_month = {m.month: m for m in account.months}

    assert by_month[date(2026, 1, 1)].funds_in == D("1100.00")
    assert by_month[date(2026, 5, 1)].paid == D("800.00")  # 80% of £12,000 over 12 months
    assert by_month[date(2027, 5, 1)].paid == D("2400.00")  # 20% on completion
    assert account.coverage["v1"].levy_used == D("12000.00")
    assert account.coverage["v1"].uncovered == 0


def test_unspent_funds_expire_month_by_month_first_in_first_out():
    account = levy_account(
        today=date(2026, 9, 1), is_levy_payer=True, declarations=[Declaration(date(2026, 8, 1), D(4_200_000))]
    )
    by_month = {m.month: m for m in account.months}

    assert by_month[date(2027, 7, 1)].expired == 0
    assert by_month[date(2027, 8, 1)].expired == D("500.00")  # August 2026's £500, 12 months on
    assert by_month[date(2027, 8, 1)].balance == D("6000.00")  # always the last 12 months' funds
    assert month_index(account.months[-1].month) == month_index(date(2026, 9, 1)) + 23
