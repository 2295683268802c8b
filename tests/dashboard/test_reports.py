"""Each report's figures on the hand-built market of conftest.py, whose numbers are known."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apprenticeships.services.levy import levy_position
from matching.dashboard import reports
from matching.models import Suggestion
from tests.dashboard.conftest import Market, suggest, went_live

pytestmark = pytest.mark.django_db

COVERAGE = ("live", "with_provider", "without_provider", "not_matched")


def by(rows: list[dict], key: str) -> dict:
    return {row[key]: row for row in rows}


def figures(row: dict, keys: tuple[str, ...]) -> tuple:
    return tuple(row[key] for key in keys)


def test_coverage_counts_live_vacancies_with_and_without_a_provider_per_authority(market: Market) -> None:
    rows = reports.coverage_by_authority()

    assert [row["area"] for row in rows] == [
        "Halton",
        "Knowsley",
        "Liverpool",
        "Sefton",
        "St. Helens",
        "Wirral",
        "Outside the city region",
    ]
    areas = by(rows, "area")
    assert figures(areas["Knowsley"], COVERAGE) == (2, 1, 1, 0)  # k1 agreed; k2 has a gap
    assert figures(areas["Liverpool"], COVERAGE) == (1, 0, 1, 0)  # l1; the closed c1 is not live
    assert figures(areas["Wirral"], COVERAGE) == (2, 2, 0, 0)  # w1 still has an open suggestion
    assert figures(areas["Outside the city region"], COVERAGE) == (1, 0, 0, 1)
    assert figures(areas["Halton"], COVERAGE) == (0, 0, 0, 0)
    assert areas["Knowsley"]["area_code"] == "E08000011"


def test_coverage_by_route_and_by_standard_put_the_most_vacancies_first(market: Market) -> None:
    routes = reports.coverage_by_route()
    standards = reports.coverage_by_standard()

    assert [(r["route"], *figures(r, COVERAGE)) for r in routes] == [
        ("Business and administration", 3, 2, 0, 1),
        ("Digital", 3, 1, 2, 0),
    ]
    assert [(s["lars_code"], *figures(s, COVERAGE)) for s in standards] == [
        (36, 3, 2, 0, 1),
        (2, 2, 1, 1, 0),
        (1, 1, 0, 1, 0),
    ]
    assert standards[1]["standard_title"] == "Software developer"
    assert standards[1]["level"] == 4
    assert [s["lars_code"] for s in reports.coverage_by_standard(limit=2)] == [36, 2]


def test_a_vacancy_whose_every_suggestion_was_rejected_has_no_provider(market: Market) -> None:
    Suggestion.objects.filter(pk=market.suggestions["s3"].pk).update(status=Suggestion.Status.REJECTED)

    assert figures(by(reports.coverage_by_authority(), "area")["Wirral"], COVERAGE) == (2, 1, 0, 1)


def test_gaps_count_live_vacancies_by_reason_in_the_order_the_rules_apply(market: Market) -> None:
    rows = reports.gaps_by_reason()

    assert [(r["reason"], r["vacancies"]) for r in rows] == [
        ("no_provider", 1),
        ("out_of_reach", 1),
        ("no_cohort_in_window", 0),
        ("no_places", 0),  # the closed vacancy's old gap does not count
        ("all_rejected", 0),
        ("out_of_reach_by_transport", 0),
    ]
    assert rows[0]["label"] == "No provider offers this standard"


def test_equity_compares_each_authoritys_vacancies_and_matches(market: Market) -> None:
    areas = by(reports.equity_by_authority(), "area")
    keys = ("vacancies", "approved", "agreed", "vacancy_share", "approved_share")

    assert figures(areas["Knowsley"], keys) == (2, 1, 1, 28.6, 50.0)
    assert figures(areas["Liverpool"], keys) == (2, 0, 0, 28.6, 0.0)  # the closed one went live too
    assert figures(areas["Wirral"], keys) == (2, 1, 0, 28.6, 50.0)  # approved, not yet agreed
    assert figures(areas["Outside the city region"], keys) == (1, 0, 0, 14.3, 0.0)
    assert figures(areas["Sefton"], keys) == (0, 0, 0, 0.0, 0.0)  # Employer C's vacancy never went live


def test_equity_gives_each_authoritys_share_of_residents_by_neighbourhoods(market: Market) -> None:
    areas = by(reports.equity_by_authority(), "area")

    # IMD 2019 LSOAs: Halton 79, Knowsley 98, Liverpool 298, Sefton 189, St Helens 119, Wirral 206 (989).
    assert areas["Knowsley"]["resident_share"] == 9.9
    assert areas["Liverpool"]["resident_share"] == 30.1
    assert areas["Outside the city region"]["resident_share"] is None
    assert sum(row["resident_share"] or 0 for row in areas.values()) == pytest.approx(100, abs=0.2)


def test_equity_gives_the_median_days_from_live_to_approved(market: Market) -> None:
    areas = by(reports.equity_by_authority(), "area")

    assert areas["Knowsley"]["median_days_to_approval"] == 10.0
    assert areas["Wirral"]["median_days_to_approval"] == 4.0
    assert areas["Liverpool"]["median_days_to_approval"] is None


@pytest.mark.parametrize(("waits", "median"), [([2, 5, 30], 5.0), ([2, 5, 7, 30], 6.0), ([9], 9.0)])
def test_the_median_is_the_middle_wait_or_the_mean_of_the_middle_two(alice, priya, waits, median) -> None:
    from tests.market_factories import CourseOfferFactory, VacancyFactory

    offer = CourseOfferFactory(provider=priya.membership.provider, cohorts=[{"start_date": _in(45), "places": 20}])
    now = timezone.now()
    for days in waits:
        vacancy = VacancyFactory(employer=alice.membership.employer, status="live", postcode="L36 9UA")
        went_live(vacancy, days)
        suggestion = suggest(vacancy, offer)
        Suggestion.objects.filter(pk=suggestion.pk).update(status="approved", decided_at=now)

    assert reports.median_days_to_approval() == {"Knowsley": median}


def _in(days: int):
    return timezone.localdate() + timedelta(days=days)


def test_equity_by_decile_groups_authorities_by_their_imd_rank(market: Market) -> None:
    rows = reports.equity_by_decile()
    keys = ("decile", "vacancies", "approved", "agreed", "vacancy_share", "approved_share")

    # Knowsley (rank 2), Liverpool (3) and Manchester (6) are in decile 1; Wirral (42 of 317) in 2.
    assert [figures(row, keys) for row in rows] == [(1, 5, 1, 1, 71.4, 50.0), (2, 2, 1, 0, 28.6, 50.0)]


def test_flow_counts_this_weeks_suggestions_and_decisions(market: Market) -> None:
    rows = reports.flow_weekly()
    this_week = rows[-1]

    assert len(rows) == reports.FLOW_WEEKS
    assert this_week["week"] == timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    assert rows[0]["week"] == this_week["week"] - timedelta(weeks=reports.FLOW_WEEKS - 1)
    assert {k: v for k, v in this_week.items() if k != "week" and v} == {
        "suggested": 4,
        "approved": 2,
        "rejected": 1,
        "rejected_too_far": 1,
        "accepted": 1,
        "agreed": 1,
    }
    assert all(v == 0 for row in rows[:-1] for k, v in row.items() if k != "week")


def test_flow_puts_each_event_in_its_own_week(market: Market) -> None:
    from matching.models import SuggestionEvent

    three_weeks_ago = timezone.now() - timedelta(weeks=3)
    SuggestionEvent.objects.filter(action="reject").update(created_at=three_weeks_ago)
    Suggestion.objects.filter(pk=market.suggestions["s2"].pk).update(created_at=three_weeks_ago)

    rows = reports.flow_weekly()

    assert (rows[-4]["suggested"], rows[-4]["rejected"], rows[-4]["rejected_too_far"]) == (1, 1, 1)
    assert (rows[-1]["suggested"], rows[-1]["rejected"]) == (3, 0)


def test_levy_estimates_funds_commitments_and_risk_per_authority(market: Market) -> None:
    areas = by(reports.levy_by_authority(), "area")
    liverpool, sefton = areas["Liverpool"], areas["Sefton"]  # Alice's employer; Employer C

    assert set(areas) == {"Liverpool", "Sefton"}  # Bob's employer pays no levy
    # Employer A: £5m pay bill declared today -> £10,000 a year, no top-up from August 2026; k1, k2 (£18,000 each)
    # and l1 (£17,000) committed, paid 80% monthly and 20% on completion: more than £833.33 a month can cover.
    assert liverpool["levy_payers"] == 1
    assert liverpool["annual_funds"] == Decimal("10000.00")
    assert liverpool["agreed_use"] == Decimal("15000.00")  # k1 agreed at £15,000
    assert liverpool["available"] == 0
    assert liverpool["at_risk"] == 0
    assert liverpool["needing_transfer"] == 1 and 0 < liverpool["shortfall"] < Decimal("53000.00")
    # Employer C: £10m -> £35,000 a year; e1 (£2,500) committed, well within its funds.
    assert sefton["annual_funds"] == Decimal("35000.00")
    assert (sefton["needing_transfer"], sefton["shortfall"]) == (0, 0)


def test_levy_figures_agree_with_each_employers_levy_position(market: Market, alice) -> None:
    areas = by(reports.levy_by_authority(), "area")
    a, c = levy_position(alice.membership.employer), levy_position(market.employer_c)

    assert areas["Liverpool"]["annual_funds"] == a.annual_funds
    assert areas["Liverpool"]["committed_cost"] == a.committed
    assert areas["Sefton"]["available"] == c.available
    assert areas["Sefton"]["transferable"] == c.transfer_allowance


def test_levy_transfers_list_the_employers_short_of_funds_biggest_first(market: Market, alice) -> None:
    rows = reports.levy_transfers_needed()

    a = levy_position(alice.membership.employer)
    shortfall = sum(c.uncovered for c in a.account.coverage.values())
    assert [(r["name"], r["area"], r["annual_funds"], r["committed_cost"], r["shortfall"]) for r in rows] == [
        ("Employer A", "Liverpool", Decimal("10000.00"), a.committed, shortfall)
    ]
    assert rows[0]["employer_id"] == alice.membership.employer_id


def test_providers_report_places_offered_and_filled_with_approvals_and_quality(market: Market) -> None:
    rows = reports.providers()
    keys = ("provider_name", "lars_code", "places_offered", "places_filled", "approved", "decided", "approval_rate")

    assert [figures(r, keys) for r in rows] == [
        ("Provider A", 2, 20, 1, 1, 1, 100.0),  # 12 + 8 places, one taken by the agreed match
        ("Provider B", 36, 20, 0, 1, 2, 50.0),  # w2's 2 places are only held: not filled until agreed
    ]
    assert (rows[0]["ofsted_grade"], rows[0]["achievement_rate"]) == (2, Decimal("62.5"))
    assert rows[0]["ukprn"] == "10000001"


def test_a_provider_with_no_decisions_has_no_approval_rate(priya) -> None:
    from tests.market_factories import CourseOfferFactory

    CourseOfferFactory(provider=priya.membership.provider)

    (row,) = reports.providers()
    assert (row["places_offered"], row["places_filled"], row["approval_rate"]) == (20, 0, None)


def test_every_report_is_empty_or_zero_without_a_market() -> None:
    facts = {"decile", "resident_share", "imd_decile", "no_car_share", "stops_within_800m"}  # places, not the market
    for name, report in reports.REPORTS.items():
        rows = reports.report_rows(report)
        numbers = [v for row in rows for k, v in row.items() if isinstance(v, int | float | Decimal) and k not in facts]
        assert all(n == 0 for n in numbers), name
    assert [r["area"] for r in reports.equity_by_authority()][:2] == ["Halton", "Knowsley"]
    assert reports.equity_by_authority()[0]["vacancy_share"] is None  # no vacancies: no share of them


def test_the_page_shows_the_same_figures_as_the_csv_and_the_api(market: Market) -> None:
    page = reports.dashboard_figures()

    assert list(page) == list(reports.REPORTS)
    for name, report in reports.REPORTS.items():
        assert page[name] == reports.report_rows(report, for_page=True), name
