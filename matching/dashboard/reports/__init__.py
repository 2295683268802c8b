"""Reads for the hub dashboard: each report is a selector returning rows of figures.

Figures are aggregated in the database (values/annotate with Count, Sum, Case, Exists), at a
grain that does not grow with the market (per standard and area at most; per provider and
standard for the providers report), so the page costs the same few queries at any size. Python
only combines rows already grouped: sums them to a coarser grain, joins two grouped results on
their keys, works out shares of a total. Correlated subqueries per row are avoided: at benchmark
size they cost seconds (bench/dashboard.py).

`REPORTS` names each report with its columns, for the page, the CSV exports and the API;
`dashboard_figures()` is the page's rows, each set of facts queried once.
"""

from collections.abc import Callable
from dataclasses import dataclass

from apprenticeships.transport.cut_off import cut_off_neighbourhoods
from matching.dashboard.reports.common import city_region_authorities
from matching.dashboard.reports.coverage import (
    coverage_by_authority,
    coverage_by_route,
    coverage_by_standard,
    coverage_facts,
    gaps_by_reason,
)
from matching.dashboard.reports.equity import (
    equity_by_authority,
    equity_by_decile,
    match_facts,
    median_days_to_approval,
)
from matching.dashboard.reports.flow import FLOW_WEEKS, flow_start, flow_weekly
from matching.dashboard.reports.levy import (
    LEVY_AT_RISK_HORIZON_MONTHS,
    levy_by_authority,
    levy_payers,
    levy_transfers_needed,
)
from matching.dashboard.reports.pledges import pledge_totals, pledges_by_authority, pledges_by_decile, pledges_facts
from matching.dashboard.reports.providers import providers
from matching.models import RejectReason


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "int"  # text, int, money, percent, days, week, grade, decile


@dataclass(frozen=True)
class Report:
    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    rows: Callable[..., list[dict]]
    page_limit: int | None = None  # the page shows the first rows only; CSV and API have them all


COVERAGE_COLUMNS = (
    Column("live", "Live vacancies"),
    Column("with_provider", "With a provider"),
    Column("without_provider", "Without a provider"),
    Column("not_matched", "Not matched yet"),
)
AREA_COLUMNS = (Column("area", "Local authority", "text"), Column("area_code", "Code", "text"))
MATCH_COLUMNS = (
    Column("vacancies", "Vacancies"),
    Column("approved", "Matches approved"),
    Column("agreed", "Matches agreed"),
    Column("vacancy_share", "Share of vacancies", "percent"),
    Column("approved_share", "Share of approved matches", "percent"),
)
FLOW_COLUMNS = (
    Column("week", "Week beginning", "week"),
    Column("suggested", "Suggestions made"),
    Column("approved", "Approved"),
    Column("rejected", "Rejected"),
    *(Column(f"rejected_{value}", f"Rejected: {label.lower()}") for value, label in RejectReason.choices),
    Column("accepted", "Accepted by one party"),
    Column("agreed", "Agreed by both"),
    Column("declined", "Declined"),
)

PLEDGE_COLUMNS = (
    Column("applications", "Applications funded"),
    Column("held", "Held", "money"),
    Column("used", "Used", "money"),
    Column("expired", "Expired unused", "money"),
    Column("reaching", "Reaching the area (held and used)", "money"),
)

REPORTS: dict[str, Report] = {
    report.name: report
    for report in [
        Report(
            "coverage-by-route",
            "Coverage by route",
            "Live vacancies with and without a feasible provider, per route.",
            (Column("route", "Route", "text"), *COVERAGE_COLUMNS),
            coverage_by_route,
        ),
        Report(
            "coverage-by-standard",
            "Coverage by standard",
            "Live vacancies with and without a feasible provider, per standard, most vacancies first.",
            (
                Column("lars_code", "LARS code", "text"),
                Column("standard_title", "Standard", "text"),
                Column("level", "Level", "text"),
                Column("route", "Route", "text"),
                *COVERAGE_COLUMNS,
            ),
            coverage_by_standard,
            page_limit=15,
        ),
        Report(
            "coverage-by-authority",
            "Coverage by local authority",
            "Live vacancies with and without a feasible provider, per local authority of the workplace.",
            (*AREA_COLUMNS, *COVERAGE_COLUMNS),
            coverage_by_authority,
        ),
        Report(
            "gaps",
            "Vacancies without a provider, by reason",
            "Live vacancies no open course offer can serve, by the first rule that ruled every provider out.",
            (Column("reason", "Code", "text"), Column("label", "Reason", "text"), Column("vacancies", "Vacancies")),
            gaps_by_reason,
        ),
        Report(
            "equity-by-authority",
            "Equity by local authority",
            "Vacancies that went live and the matches for them, per local authority, against its share of residents.",
            (
                *AREA_COLUMNS,
                *MATCH_COLUMNS,
                Column("resident_share", "Share of residents", "percent"),
                Column("median_days_to_approval", "Median days from live to approved", "days"),
            ),
            equity_by_authority,
        ),
        Report(
            "equity-by-decile",
            "Equity by deprivation decile",
            "Vacancies and matches per IMD 2019 decile of the workplace's local authority (1 = most deprived).",
            (Column("decile", "IMD decile of the local authority", "decile"), *MATCH_COLUMNS),
            equity_by_decile,
        ),
        Report(
            "flow",
            "Weekly flow",
            f"Suggestions made and decisions taken each week, for the last {FLOW_WEEKS} weeks.",
            FLOW_COLUMNS,
            flow_weekly,
        ),
        Report(
            "levy",
            "Levy funds by local authority",
            "Levy-paying employers' funds for a year, what their vacancies commit, and what is at risk.",
            (
                *AREA_COLUMNS,
                Column("levy_payers", "Levy payers"),
                Column("annual_funds", "Funds a year", "money"),
                Column("committed_cost", "Committed", "money"),
                Column("available", "Available", "money"),
                Column("agreed_use", "Used by agreed matches", "money"),
                Column("at_risk", "At risk of expiring in 3 months", "money"),
                Column("transferable", "Could be transferred", "money"),
                Column("needing_transfer", "Employers needing a transfer"),
                Column("shortfall", "Shortfall", "money"),
            ),
            levy_by_authority,
        ),
        Report(
            "levy-transfers",
            "Employers needing a levy transfer",
            "Levy payers whose committed vacancies cost more than a year's funds, biggest shortfall first.",
            (
                Column("employer_id", "Employer id", "text"),
                Column("name", "Employer", "text"),
                *AREA_COLUMNS,
                Column("annual_funds", "Funds a year", "money"),
                Column("committed_cost", "Committed", "money"),
                Column("shortfall", "Shortfall", "money"),
            ),
            levy_transfers_needed,
            page_limit=10,
        ),
        Report(
            "pledges",
            "Levy transfer pledges",
            "Pounds pledged by the region's levy payers, held for approved and accepted applications, used, "
            "expired unused, and still available.",
            (Column("measure", "Measure", "text"), Column("amount", "Pounds", "money")),
            pledge_totals,
        ),
        Report(
            "pledges-by-authority",
            "Levy transfers reaching each local authority",
            "Pledge money held for or used by vacancies, per local authority of the workplace.",
            (*AREA_COLUMNS, *PLEDGE_COLUMNS),
            pledges_by_authority,
        ),
        Report(
            "pledges-by-decile",
            "Levy transfers by deprivation decile",
            "Pledge money held for or used by vacancies, per IMD 2019 decile of the workplace's local authority "
            "(1 = most deprived).",
            (Column("decile", "IMD decile of the local authority", "decile"), *PLEDGE_COLUMNS),
            pledges_by_decile,
        ),
        Report(
            "providers",
            "Providers: places offered and filled",
            "Per provider and standard: places offered and filled, hub approvals, achievement rate and Ofsted grade.",
            (
                Column("ukprn", "UKPRN", "text"),
                Column("provider_name", "Provider", "text"),
                Column("lars_code", "LARS code", "text"),
                Column("standard_title", "Standard", "text"),
                Column("places_offered", "Places offered"),
                Column("places_filled", "Places filled"),
                Column("approved", "Matches approved"),
                Column("decided", "Suggestions decided"),
                Column("approval_rate", "Approval rate", "percent"),
                Column("achievement_rate", "Achievement rate", "percent"),
                Column("ofsted_grade", "Ofsted grade", "grade"),
            ),
            providers,
            page_limit=20,
        ),
        Report(
            "cut-off-neighbourhoods",
            "Cut-off neighbourhoods",
            "Neighbourhoods (2021 LSOAs) in IMD decile 1 or 2 where at least 40% of households have no car and "
            "under a quarter of live vacancies and training venues are within 45 minutes by public transport.",
            (
                Column("lsoa_code", "LSOA code", "text"),
                Column("lsoa_name", "Neighbourhood", "text"),
                Column("local_authority", "Local authority", "text"),
                Column("imd_decile", "IMD decile", "decile"),
                Column("no_car_share", "Households without a car", "percent"),
                Column("stops_within_800m", "Stops within 800 m"),
                Column("vacancies_within_45_min", "Vacancies within 45 min"),
                Column("venues_within_45_min", "Venues within 45 min"),
                Column("cut_off", "Cut off", "text"),
            ),
            cut_off_neighbourhoods,
            page_limit=20,
        ),
    ]
}


def report_rows(report: Report, *, for_page: bool = False) -> list[dict]:
    """A report's rows: all of them, or the first `page_limit` for the dashboard page."""
    if for_page and report.page_limit:
        return report.rows(limit=report.page_limit)
    return report.rows()


def dashboard_figures() -> dict[str, list[dict]]:
    """Every report's rows for the dashboard page, each set of facts queried once."""
    coverage, matches, authorities = coverage_facts(), match_facts(), city_region_authorities()
    figures = {
        "coverage-by-route": coverage_by_route(facts=coverage),
        "coverage-by-standard": coverage_by_standard(limit=REPORTS["coverage-by-standard"].page_limit, facts=coverage),
        "coverage-by-authority": coverage_by_authority(facts=coverage, authorities=authorities),
        "equity-by-authority": equity_by_authority(facts=matches, authorities=authorities),
        "equity-by-decile": equity_by_decile(facts=matches),
        "levy": levy_by_authority(authorities=authorities),
        "pledges-by-authority": pledges_by_authority(facts=(pledge_facts := pledges_facts()), authorities=authorities),
        "pledges-by-decile": pledges_by_decile(facts=pledge_facts),
    }
    return {
        name: figures[name] if name in figures else report_rows(report, for_page=True)
        for name, report in REPORTS.items()
    }


__all__ = [
    "FLOW_WEEKS",
    "LEVY_AT_RISK_HORIZON_MONTHS",
    "REPORTS",
    "Column",
    "Report",
    "city_region_authorities",
    "coverage_by_authority",
    "coverage_by_route",
    "coverage_by_standard",
    "coverage_facts",
    "dashboard_figures",
    "equity_by_authority",
    "equity_by_decile",
    "flow_start",
    "flow_weekly",
    "gaps_by_reason",
    "levy_by_authority",
    "levy_payers",
    "levy_transfers_needed",
    "match_facts",
    "median_days_to_approval",
    "pledge_totals",
    "pledges_by_authority",
    "pledges_by_decile",
    "providers",
    "report_rows",
]
