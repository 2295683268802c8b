"""The dashboard page's content: per section, a chart and a table for each report, from the reports' rows."""

from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.safestring import SafeString

from apprenticeships.funding.rules import RuleSet, rules_on
from apprenticeships.models import Provider, TransitFeed
from apprenticeships.transport.cut_off import cut_off_neighbourhoods
from lcr_skills import charts, formats
from lcr_skills.charts import Series
from matching.dashboard import reports
from matching.dashboard.reach import reach_map
from matching.dashboard.reports import REPORTS, Column, Report
from matching.models import RejectReason

NUMERIC = {"int", "money", "percent", "days"}
GRADES = dict(Provider.OfstedGrade.choices)


# --- Tables ---------------------------------------------------------------------------------


def decile_label(decile: int | None) -> str:
    return {None: "Not known", 1: "1 (most deprived)", 10: "10 (least deprived)"}.get(decile, str(decile))


def cell_text(column: Column, value: object) -> str:
    if column.kind == "grade":
        return f"{value} {GRADES[value]}" if value in GRADES else "Not inspected"
    if column.kind == "decile":
        return decile_label(value)
    if value is None or value == "":
        return "–"
    if column.kind == "week":
        return formats.long_date(value)
    if column.kind == "money":
        return formats.money(value, whole=True)
    if column.kind == "percent":
        return f"{value:,.1f}%"
    if column.kind == "days":
        return f"{value:,.1f}"
    if column.kind == "int":
        return f"{value:,}"
    return str(value)


def table(report: Report, rows: list[dict], *, skip: tuple[str, ...] = ()) -> dict:
    """Headers and formatted cells of a report for the page; the first column heads each row."""
    columns = [c for c in report.columns if c.key not in skip]
    return {
        "columns": [{"label": c.label, "numeric": c.kind in NUMERIC} for c in columns],
        "rows": [
            [{"text": cell_text(c, row.get(c.key)), "numeric": c.kind in NUMERIC} for c in columns] for row in rows
        ],
    }


def panel(
    name: str,
    rows: list[dict],
    charts_: list[SafeString] | None = None,
    *,
    empty: str,
    skip: tuple[str, ...] = ("area_code",),
    has_data: bool | None = None,
) -> dict:
    """One report on the page; `empty` says why there is nothing to show when it has no data."""
    report = REPORTS[name]
    more = bool(report.page_limit) and len(rows) >= report.page_limit
    return {
        "report": report,
        "has_data": bool(rows) if has_data is None else has_data,
        "charts": charts_ or [],
        "table": table(report, rows, skip=skip),
        "empty": empty,
        "more": more,
        "caption": f"{report.title}: the first {report.page_limit}" if more else report.title,
    }


# --- Charts per section ---------------------------------------------------------------------


def _coverage_chart(name: str, labels: list[str], rows: list[dict], what: str) -> SafeString:
    series = [
        Series("With a provider", [r["with_provider"] for r in rows]),
        Series("Not matched yet", [r["not_matched"] for r in rows]),
        Series("Without a provider", [r["without_provider"] for r in rows]),
    ]
    total, without = sum(r["live"] for r in rows), sum(r["without_provider"] for r in rows)
    return charts.hbar_chart(
        chart_id=f"chart-{name}",
        title=f"Live vacancies with and without a provider, by {what}",
        desc=f"{total:,} live vacancies, {without:,} without a provider. The table below gives every figure.",
        labels=labels,
        series=series,
        stacked=True,
    )


def coverage_panels(figures: dict[str, list[dict]]) -> list[dict]:
    routes, standards = figures["coverage-by-route"], figures["coverage-by-standard"]
    areas, gaps = figures["coverage-by-authority"], figures["gaps"]
    empty, live = "There are no live vacancies.", any(r["live"] for r in areas)
    gap_chart = charts.hbar_chart(
        chart_id="chart-gaps",
        title="Live vacancies without a provider, by reason",
        desc=f"{sum(g['vacancies'] for g in gaps):,} vacancies without a provider. The table below gives the reasons.",
        labels=[g["label"] for g in gaps],
        series=[Series("Vacancies", [g["vacancies"] for g in gaps])],
    )
    return [
        panel(
            "coverage-by-route",
            routes,
            [_coverage_chart("route", [r["route"] for r in routes], routes, "route")],
            empty=empty,
        ),
        panel(
            "coverage-by-standard",
            standards,
            [
                _coverage_chart(
                    "standard", [f"{r['standard_title']} (L{r['level']})" for r in standards], standards, "standard"
                )
            ],
            empty=empty,
        ),
        panel(
            "coverage-by-authority",
            areas,
            [_coverage_chart("authority", [r["area"] for r in areas], areas, "local authority")],
            empty=empty,
            has_data=live,
        ),
        panel(
            "gaps",
            gaps,
            [gap_chart] if any(g["vacancies"] for g in gaps) else [],
            empty=empty,
            skip=("reason",),
            has_data=live,
        ),
    ]


def equity_panels(figures: dict[str, list[dict]]) -> list[dict]:
    areas, deciles = figures["equity-by-authority"], figures["equity-by-decile"]
    empty = "No vacancy has gone live yet."
    shares = charts.hbar_chart(
        chart_id="chart-equity-shares",
        title="Each local authority's share of residents, vacancies and approved matches",
        desc="Percentages of the totals for each local authority. The table below gives every figure.",
        labels=[r["area"] for r in areas],
        series=[
            Series("Share of residents", [r["resident_share"] for r in areas]),
            Series("Share of vacancies", [r["vacancy_share"] for r in areas]),
            Series("Share of approved matches", [r["approved_share"] for r in areas]),
        ],
        fmt=charts.percent,
    )
    waited = [r for r in areas if r["median_days_to_approval"] is not None]
    days = charts.hbar_chart(
        chart_id="chart-equity-days",
        title="Median days from a vacancy going live to an approved match, by local authority",
        desc="Days; only authorities with an approved match. The table below gives every figure.",
        labels=[r["area"] for r in waited],
        series=[Series("Median days", [r["median_days_to_approval"] for r in waited])],
    )
    decile_chart = charts.hbar_chart(
        chart_id="chart-equity-deciles",
        title="Share of vacancies and of approved matches, by deprivation decile of the local authority",
        desc="Percentages of the totals; decile 1 is the most deprived tenth of England's local authorities.",
        labels=[decile_label(r["decile"]) for r in deciles],
        series=[
            Series("Share of vacancies", [r["vacancy_share"] for r in deciles]),
            Series("Share of approved matches", [r["approved_share"] for r in deciles]),
        ],
        fmt=charts.percent,
    )
    return [
        panel(
            "equity-by-authority",
            areas,
            [shares] + ([days] if waited else []),
            empty=empty,
            has_data=any(r["vacancies"] for r in areas),
        ),
        panel("equity-by-decile", deciles, [decile_chart], empty=empty, skip=()),
    ]


def flow_panels(figures: dict[str, list[dict]]) -> list[dict]:
    weeks = figures["flow"]
    labels = [f"{w['week'].day} {w['week']:%B}" for w in weeks]
    made = charts.column_chart(
        chart_id="chart-flow-made",
        title="Suggestions made each week",
        desc=f"{sum(w['suggested'] for w in weeks):,} suggestions in {len(weeks)} weeks; each week is in the table.",
        labels=labels,
        values=[w["suggested"] for w in weeks],
    )
    decisions = [
        ("approved", "Approved"),
        ("rejected", "Rejected"),
        ("accepted", "Accepted by one party"),
        ("agreed", "Agreed by both"),
        ("declined", "Declined"),
    ]
    lines = charts.line_chart(
        chart_id="chart-flow-decisions",
        title="Hub decisions and introductions each week",
        desc="Approved, rejected, accepted, agreed and declined each week. The table below has each week.",
        labels=labels,
        series=[Series(label, [w[key] for w in weeks]) for key, label in decisions],
    )
    reasons = [(label, sum(w[f"rejected_{value}"] for w in weeks)) for value, label in RejectReason.choices]
    rejected = charts.hbar_chart(
        chart_id="chart-flow-reasons",
        title=f"Suggestions rejected in the last {len(weeks)} weeks, by reason",
        desc=f"{sum(n for _, n in reasons):,} rejections. The table below has each week.",
        labels=[label for label, _ in reasons],
        series=[Series("Rejected", [n for _, n in reasons])],
    )
    active = [w for w in weeks if any(v for k, v in w.items() if k != "week")]
    flow = panel(
        "flow",
        active,  # the charts carry every week; the table only the weeks something happened
        [made, lines, rejected],
        empty="Nothing has been suggested or decided in these weeks.",
        skip=tuple(f"rejected_{value}" for value, _ in RejectReason.choices),
    )
    flow["note"] = (
        f"Only the {len(active)} of the last {len(weeks)} weeks in which something was suggested or decided; "
        "the CSV has every week, and the rejections by reason week by week."
    )
    flow["extra_table"] = {
        "caption": f"Suggestions rejected in the last {len(weeks)} weeks, by reason",
        "columns": [{"label": "Reason", "numeric": False}, {"label": "Rejected", "numeric": True}],
        "rows": [[{"text": label, "numeric": False}, {"text": f"{n:,}", "numeric": True}] for label, n in reasons],
    }
    return [flow]


def levy_panels(figures: dict[str, list[dict]]) -> list[dict]:
    areas, transfers = figures["levy"], figures["levy-transfers"]
    chart = charts.hbar_chart(
        chart_id="chart-levy",
        title="Levy payers' available funds, funds at risk and use by agreed matches, by local authority",
        desc="Pounds, estimated as explained above. The table below gives every figure.",
        labels=[r["area"] for r in areas],
        series=[
            Series("Available", [r["available"] for r in areas]),
            Series("At risk of expiring in 3 months", [r["at_risk"] for r in areas]),
            Series("Used by agreed matches", [r["agreed_use"] for r in areas]),
        ],
        fmt=charts.money,
    )
    return [
        panel("levy", areas, [chart], empty="There are no levy-paying employers."),
        panel("levy-transfers", transfers, empty="No levy payer needs a transfer.", skip=("employer_id", "area_code")),
    ]


def levy_totals(rows: list[dict]) -> dict[str, Decimal | int]:
    keys = ["levy_payers", "annual_funds", "available", "agreed_use", "at_risk", "needing_transfer", "shortfall"]
    return {key: sum((row[key] or 0 for row in rows), 0) for key in keys}


def pledge_panels(figures: dict[str, list[dict]]) -> list[dict]:
    totals, areas, deciles = figures["pledges"], figures["pledges-by-authority"], figures["pledges-by-decile"]
    money_series = [
        Series("Held", [r["held"] for r in areas]),
        Series("Used", [r["used"] for r in areas]),
    ]
    by_area = charts.hbar_chart(
        chart_id="chart-pledges-area",
        title="Levy transfer money reaching each local authority",
        desc="Pounds held for approved and accepted applications and used, by the workplace's local authority. "
        "The table below gives every figure.",
        labels=[r["area"] for r in areas],
        series=money_series,
        stacked=True,
        fmt=charts.money,
    )
    by_decile = charts.hbar_chart(
        chart_id="chart-pledges-decile",
        title="Levy transfer money by deprivation decile",
        desc="Pounds held and used, by the IMD 2019 decile of the workplace's local authority (1 = most deprived). "
        "The table below gives every figure.",
        labels=[decile_label(r["decile"]) for r in deciles],
        series=[Series("Held", [r["held"] for r in deciles]), Series("Used", [r["used"] for r in deciles])],
        stacked=True,
        fmt=charts.money,
    )
    pledged, reached = any(r["amount"] for r in totals), any(r["reaching"] for r in areas)
    return [
        panel("pledges", totals, empty="No levy payer has pledged yet.", has_data=pledged),
        panel(
            "pledges-by-authority",
            areas,
            [by_area],
            empty="No pledge money has reached a vacancy yet.",
            has_data=reached,
        ),
        panel(
            "pledges-by-decile",
            deciles,
            [by_decile],
            empty="No pledge money has reached a vacancy yet.",
            has_data=reached,
        ),
    ]


def provider_panels(figures: dict[str, list[dict]]) -> list[dict]:
    rows = figures["providers"]
    shown = rows[:15]
    chart = charts.hbar_chart(
        chart_id="chart-providers",
        title="Places offered and filled, by provider and standard",
        desc="The provider–standard pairs with the most places offered. The table below gives every figure.",
        labels=[f"{r['provider_name']}: {r['standard_title']}" for r in shown],
        series=[
            Series("Places offered", [r["places_offered"] for r in shown]),
            Series("Places filled", [r["places_filled"] for r in shown]),
        ],
    )
    return [panel("providers", rows, [chart], empty="No provider has a course offer yet.", skip=("ukprn",))]


def reach_panels(figures: dict[str, list[dict]]) -> list[dict]:
    rows = figures["cut-off-neighbourhoods"]
    chart = reach_map(cut_off_neighbourhoods())
    return [panel("cut-off-neighbourhoods", rows, [chart], empty="No neighbourhoods are loaded.", skip=())]


SECTIONS: list[tuple[str, str, Callable[[dict], list[dict]]]] = [
    ("coverage", "Coverage", coverage_panels),
    ("equity", "Equity", equity_panels),
    ("flow", "Flow", flow_panels),
    ("levy", "Levy", levy_panels),
    ("pledges", "Levy transfers", pledge_panels),
    ("providers", "Providers", provider_panels),
    ("reach", "Reach by public transport", reach_panels),
]


def levy_rules_context(rules: RuleSet) -> dict:
    """The rule book's levy figures in force today, for the dashboard's explanation."""
    return {
        "rule_set": rules.name,
        "source": rules.source,
        "rate": rules.levy_rate * 100,
        "allowance": int(rules.levy_allowance),
        "top_up": int(rules.top_up_rate * 100),
        "expiry_months": rules.expiry_months,
        "transfer_share": int(rules.transfer_share * 100),
    }


def dashboard_context(figures: dict[str, list[dict]]) -> dict:
    return {
        "sections": {key: {"id": key, "title": title, "panels": build(figures)} for key, title, build in SECTIONS},
        "levy_totals": levy_totals(figures["levy"]),
        "flow_weeks": reports.FLOW_WEEKS,
        "horizon": reports.LEVY_AT_RISK_HORIZON_MONTHS,
        "levy": levy_rules_context(rules_on(timezone.localdate())),
        "reports": REPORTS.values(),
        "arrive_by": settings.TRAVEL_ARRIVE_BY,
        "travel_feed": TransitFeed.objects.defer("archive").exists(),
    }
