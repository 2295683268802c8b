"""Reads for the hub dashboard: each report is a selector returning rows of figures.

Every figure is aggregated in the database (values/annotate with Count, Sum, Case and
subqueries), so the number of queries and the rows sent back do not grow with the market; the
only Python over rows is arithmetic on a handful of already grouped rows (shares of a total).
`REPORTS` names each report with its columns, for the page, the CSV exports and the API.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DateField,
    DecimalField,
    DurationField,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Greatest, Least, Round, RowNumber, TruncWeek
from django.utils import timezone

from apprenticeships.models import Cohort, Employer, LocalAuthority, Vacancy
from apprenticeships.services.levy import COMMITTING_STATUSES
from matching.ml.candidates import GapReason
from matching.models import Gap, RejectReason, Suggestion, SuggestionEvent

S = Suggestion.Status
# Suggestions the hub approved, whatever the parties did next.
HUB_APPROVED = [S.APPROVED, S.ACCEPTED, S.AGREED, S.DECLINED]
# Suggestions that no longer offer the vacancy a provider.
CLOSED_SUGGESTIONS = [S.REJECTED, S.DECLINED]
OUTSIDE = "Outside the city region"
# IMD 2019 ranks England's 317 local authority districts; 1 = most deprived.
IMD_AUTHORITIES = 317
FLOW_WEEKS = 26
LEVY_AT_RISK_HORIZON_MONTHS = 3  # "funds at risk of expiring in the next 3 months" (issue 6)
MONEY = DecimalField(max_digits=16, decimal_places=2)


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


# --- Areas: the city region's six authorities one by one, everywhere else together -----------


def _area(path: str) -> dict[str, Expression]:
    """Group keys for the local authority at `path`: its name and code, or OUTSIDE."""
    inside = Q(**{f"{path}__in_city_region": True})
    return {
        "area": Case(When(inside, then=F(f"{path}__name")), default=Value(OUTSIDE)),
        "area_code": Case(When(inside, then=F(f"{path}__code")), default=Value("")),
    }


def _area_order(row: dict) -> tuple:
    return (row["area"] == OUTSIDE, row["area"])


def city_region_authorities() -> list[dict]:
    """The city region's authorities, with how many neighbourhoods (LSOAs) each has."""
    return list(
        LocalAuthority.objects.filter(in_city_region=True)
        .annotate(lsoa_count=Count("lsoas"))
        .values("name", "code", "lsoa_count")
        .order_by("name")
    )


def _every_authority(rows: list[dict], authorities: list[dict], zero: dict) -> list[dict]:
    """The grouped rows, plus a row of zeros for each city region authority that had none, in area order."""
    present = {row["area"] for row in rows}
    missing = [{"area": a["name"], "area_code": a["code"], **zero} for a in authorities if a["name"] not in present]
    return sorted(rows + missing, key=_area_order)


def _decile(path: str) -> Expression:
    """The IMD 2019 decile of the local authority at `path` among England's 317 (1 = most deprived)."""
    rank = F(f"{path}__imd_rank")
    return Case(When(**{f"{path}__imd_rank__isnull": True}, then=None), default=(rank - 1) * 10 / IMD_AUTHORITIES + 1)


def _share(part: int | None, whole: int) -> float | None:
    return round(100 * (part or 0) / whole, 1) if whole else None


def _total(rows: list[dict], by: tuple[str, ...], fields: tuple[str, ...]) -> list[dict]:
    """Sum `fields` of already aggregated rows for each value of `by` (rows per standard and area at most)."""
    totals: dict[tuple, dict] = {}
    for row in rows:
        total = totals.setdefault(tuple(row[k] for k in by), {**{k: row[k] for k in by}, **dict.fromkeys(fields, 0)})
        for field in fields:
            total[field] += row[field] or 0
    return list(totals.values())


# --- Coverage -------------------------------------------------------------------------------

COVERAGE_FIELDS = ("live", "with_provider", "without_provider", "not_matched")


def coverage_facts() -> list[dict]:
    """Live vacancies per standard and area: how many, how many have a gap, how many no run has matched yet."""
    live = Vacancy.objects.filter(status=Vacancy.Status.LIVE)
    area = _area("local_authority")
    rows = list(
        live.values(
            "standard_id",
            lars_code=F("standard__lars_code"),
            standard_title=F("standard__title"),
            level=F("standard__level"),
            route=F("standard__route"),
            **area,
        )
        .annotate(live=Count("id"), without_provider=Count("id", filter=Q(gap__isnull=False)))
        .order_by()
    )
    # No gap and no suggestion still open: NOT EXISTS in WHERE is one anti-join over the suggestions.
    open_suggestions = Suggestion.objects.filter(vacancy=OuterRef("pk")).exclude(status__in=CLOSED_SUGGESTIONS)
    unmatched = {
        (row["standard_id"], row["area"]): row["n"]
        for row in live.filter(gap__isnull=True)
        .exclude(Exists(open_suggestions))
        .values("standard_id", area=area["area"])
        .annotate(n=Count("id"))
        .order_by()
    }
    for row in rows:
        row["not_matched"] = unmatched.get((row["standard_id"], row["area"]), 0)
        row["with_provider"] = row["live"] - row["without_provider"] - row["not_matched"]
    return rows


def coverage_by_route(*, facts: list[dict] | None = None) -> list[dict]:
    """Live vacancies with and without a feasible provider, per route."""
    rows = _total(coverage_facts() if facts is None else facts, ("route",), COVERAGE_FIELDS)
    return sorted(rows, key=lambda row: (-row["live"], row["route"]))


def coverage_by_standard(*, limit: int | None = None, facts: list[dict] | None = None) -> list[dict]:
    """Live vacancies with and without a feasible provider, per standard, most vacancies first."""
    keys = ("lars_code", "standard_title", "level", "route")
    rows = _total(coverage_facts() if facts is None else facts, keys, COVERAGE_FIELDS)
    return sorted(rows, key=lambda row: (-row["live"], row["lars_code"]))[:limit]


def coverage_by_authority(*, facts: list[dict] | None = None, authorities: list[dict] | None = None) -> list[dict]:
    """Live vacancies with and without a feasible provider, per local authority of the workplace."""
    rows = _total(coverage_facts() if facts is None else facts, ("area", "area_code"), COVERAGE_FIELDS)
    authorities = city_region_authorities() if authorities is None else authorities
    return _every_authority(rows, authorities, dict.fromkeys(COVERAGE_FIELDS, 0))


def gaps_by_reason() -> list[dict]:
    """Live vacancies without a feasible provider, by the first rule that ruled every provider out."""
    counts = dict(
        Gap.objects.filter(vacancy__status=Vacancy.Status.LIVE)
        .values("reason")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("reason", "n")
    )
    return [
        {"reason": code, "label": label, "vacancies": counts.get(code, 0)} for code, label in GapReason.LABELS.items()
    ]


# --- Equity ---------------------------------------------------------------------------------

MATCH_FIELDS = ("vacancies", "approved", "agreed")


def match_facts() -> list[dict]:
    """Vacancies that went live, and the matches the hub approved and the parties agreed, per area and decile."""
    rows = list(
        Vacancy.objects.filter(live_at__isnull=False)
        .values(**_area("local_authority"), decile=_decile("local_authority"))
        .annotate(vacancies=Count("id"))
        .order_by()
    )
    path = "vacancy__local_authority"
    matches = {
        (row["area"], row["decile"]): row
        for row in Suggestion.objects.filter(status__in=HUB_APPROVED)
        .values(area=_area(path)["area"], decile=_decile(path))
        .annotate(approved=Count("id"), agreed=Count("id", filter=Q(status=S.AGREED)))
        .order_by()
    }
    for row in rows:
        found = matches.get((row["area"], row["decile"]), {})
        row["approved"], row["agreed"] = found.get("approved", 0), found.get("agreed", 0)
    return rows


def _with_shares(rows: list[dict]) -> list[dict]:
    vacancies, approved = sum(r["vacancies"] for r in rows), sum(r["approved"] for r in rows)
    for row in rows:
        row["vacancy_share"] = _share(row["vacancies"], vacancies)
        row["approved_share"] = _share(row["approved"], approved)
    return rows


def median_days_to_approval() -> dict[str, float]:
    """Per area: the median days from a vacancy going live to the hub approving a match for it."""
    area = _area("vacancy__local_authority")["area"]
    waited = ExpressionWrapper(F("decided_at") - F("vacancy__live_at"), output_field=DurationField())
    # The middle one or two approvals of each area, picked in the database by row number.
    middle = (
        Suggestion.objects.filter(status__in=HUB_APPROVED, decided_at__isnull=False, vacancy__live_at__isnull=False)
        .annotate(
            group=area,
            waited=waited,
            n=Window(Count("id"), partition_by=[area]),
            position=Window(RowNumber(), partition_by=[area], order_by=[waited.asc(), F("id").asc()]),
        )
        .filter(position__gte=(F("n") + 1) / 2, position__lte=(F("n") + 2) / 2)
        .order_by()
        .values_list("group", "waited")
    )
    found: dict[str, list[timedelta]] = {}
    for group, waited_for in middle:
        found.setdefault(group, []).append(waited_for)
    return {group: round(sum(w, timedelta()) / len(w) / timedelta(days=1), 1) for group, w in found.items()}


def equity_by_authority(*, facts: list[dict] | None = None, authorities: list[dict] | None = None) -> list[dict]:
    """Per local authority: residents, vacancies and matches, each as a share, and days to approval."""
    authorities = city_region_authorities() if authorities is None else authorities
    rows = _total(match_facts() if facts is None else facts, ("area", "area_code"), MATCH_FIELDS)
    rows = _with_shares(_every_authority(rows, authorities, dict.fromkeys(MATCH_FIELDS, 0)))
    # Residents: LSOAs hold about 1,500 people each, so an authority's share of the region's LSOAs
    # stands for its share of residents (city region authorities only: the only LSOAs loaded).
    lsoas = {a["name"]: a["lsoa_count"] for a in authorities}
    total_lsoas = sum(lsoas.values())
    median = median_days_to_approval()
    for row in rows:
        row["resident_share"] = _share(lsoas[row["area"]], total_lsoas) if row["area"] in lsoas else None
        row["median_days_to_approval"] = median.get(row["area"])
    return rows


def equity_by_decile(*, facts: list[dict] | None = None) -> list[dict]:
    """Vacancies and matches per IMD 2019 decile of the workplace's local authority."""
    rows = _with_shares(_total(match_facts() if facts is None else facts, ("decile",), MATCH_FIELDS))
    return sorted(rows, key=lambda row: (row["decile"] is None, row["decile"] or 0))


# --- Flow -----------------------------------------------------------------------------------


def flow_start(*, weeks: int = FLOW_WEEKS, today: date | None = None) -> date:
    """The Monday `weeks - 1` weeks before this week's: the first week the flow report covers."""
    today = today or timezone.localdate()
    return today - timedelta(days=today.weekday() + 7 * (weeks - 1))


def flow_weekly(*, weeks: int = FLOW_WEEKS, today: date | None = None) -> list[dict]:
    """Per week (Monday first): suggestions made, approved, rejected (by reason), accepted, agreed, declined."""
    start = flow_start(weeks=weeks, today=today)
    since = timezone.make_aware(datetime.combine(start, time.min))
    week = TruncWeek("created_at", output_field=DateField())
    made = dict(
        Suggestion.objects.filter(created_at__gte=since)
        .annotate(week=week)
        .values("week")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("week", "n")
    )
    A = SuggestionEvent.Action
    decided = {
        row.pop("week"): row
        for row in SuggestionEvent.objects.filter(created_at__gte=since)
        .annotate(week=week)
        .values("week")
        .annotate(
            approved=Count("id", filter=Q(action=A.APPROVE)),
            rejected=Count("id", filter=Q(action=A.REJECT)),
            **{f"rejected_{r}": Count("id", filter=Q(action=A.REJECT, reason=r)) for r in RejectReason.values},
            accepted=Count("id", filter=Q(action=A.ACCEPT)),
            agreed=Count("id", filter=Q(action=A.AGREE)),
            declined=Count("id", filter=Q(action=A.DECLINE)),
        )
        .order_by()
    }
    empty = dict.fromkeys([c.key for c in FLOW_COLUMNS[2:]], 0)
    rows = []
    for n in range(weeks):
        monday = start + timedelta(weeks=n)
        rows.append({"week": monday, "suggested": made.get(monday, 0), **decided.get(monday, empty)})
    return rows


# --- Levy -----------------------------------------------------------------------------------


def _money(expression: Expression) -> Expression:
    return ExpressionWrapper(expression, output_field=MONEY)


def annual_funds() -> Expression:
    """An employer's levy plus the government top-up for a year, as levy.levy_position rounds them."""
    levy = _money(Greatest(F("annual_pay_bill") * settings.LEVY_RATE - settings.LEVY_ALLOWANCE_GBP, Value(0)))
    return _money(Round(levy, 2) + Round(levy * settings.LEVY_TOP_UP_RATE, 2))


def funds_at_risk(funds: Expression, committed: Expression) -> Expression:
    """Levy funds likely to expire in the next LEVY_AT_RISK_HORIZON_MONTHS months: max(0, H·m − committed).

    An estimate: the employer has paid in steadily for the last LEVY_FUNDS_EXPIRY_MONTHS (E)
    months, m = annual funds / 12 a month, so its account holds E·m; spending takes the oldest
    funds first (as the levy does), and the cost of its committed vacancies is that spending.
    What is left of the oldest H months' inflow, the part older than E − H months, expires within
    H months: max(0, E·m − committed − (E − H)·m) = max(0, H·m − committed), whatever E is.
    """
    horizon = Value(Decimal(LEVY_AT_RISK_HORIZON_MONTHS) / 12, output_field=MONEY)
    return _money(Greatest(funds * horizon - committed, Value(0)))


def levy_payers(*fields: str) -> QuerySet:
    """One row per levy-paying employer (and `fields`): its area, a year's funds and its committed cost."""
    committed = Sum(
        F("vacancies__standard__max_funding") * F("vacancies__positions"),
        filter=Q(vacancies__status__in=COMMITTING_STATUSES),
    )
    return (
        Employer.objects.filter(is_levy_payer=True)
        .values("id", *fields)
        .annotate(**_area("local_authority"), funds=annual_funds(), committed=_money(Coalesce(committed, Value(0))))
        .order_by()
    )


def _levy_measures(where: Q) -> dict[str, Expression]:
    funds, committed = F("funds"), F("committed")
    unused = _money(Greatest(funds - committed, Value(0)))
    return {
        "levy_payers": Count("id", filter=where),
        "annual_funds": Sum(funds, filter=where),
        "committed_cost": Sum(committed, filter=where),
        "available": Sum(unused, filter=where),
        "at_risk": Sum(funds_at_risk(funds, committed), filter=where),
        "transferable": Sum(_money(Least(funds * settings.LEVY_TRANSFER_MAX_SHARE, unused)), filter=where),
        "needing_transfer": Count("id", filter=where & Q(committed__gt=funds)),
        "shortfall": Sum(_money(Greatest(committed - funds, Value(0))), filter=where),
    }


def levy_by_authority(*, authorities: list[dict] | None = None) -> list[dict]:
    """Levy payers' funds per area: a year's funds, committed, available, agreed use, at risk, transfers."""
    authorities = city_region_authorities() if authorities is None else authorities
    areas = [(a["name"], a["code"]) for a in authorities] + [(OUTSIDE, "")]
    # Two levels in one query: per employer (a year's funds less its commitments, floored at nothing),
    # then per area; the sums of the floors can't come from one GROUP BY.
    totals = levy_payers().aggregate(
        **{
            f"{measure}__{i}": aggregate
            for i, (name, _) in enumerate(areas)
            for measure, aggregate in _levy_measures(Q(area=name)).items()
        }
    )
    used = dict(
        Suggestion.objects.filter(status=S.AGREED, vacancy__employer__is_levy_payer=True)
        .values(area=_area("vacancy__employer__local_authority")["area"])
        .annotate(total=Sum(F("course_offer__price") * F("vacancy__positions")))
        .order_by()
        .values_list("area", "total")
    )
    rows = []
    for i, (name, code) in enumerate(areas):
        row = {"area": name, "area_code": code, **{m: totals[f"{m}__{i}"] or 0 for m in _levy_measures(Q())}}
        if row["levy_payers"]:
            rows.append({**row, "agreed_use": used.get(name) or 0})  # one apprentice per position at its price
    return rows


def levy_transfers_needed(*, limit: int | None = None) -> list[dict]:
    """Levy payers whose committed vacancies cost more than a year's funds: biggest shortfall first."""
    rows = (
        levy_payers("name")
        .filter(committed__gt=F("funds"))
        .annotate(employer_id=F("id"), annual_funds=F("funds"), committed_cost=F("committed"))
        .annotate(shortfall=_money(F("committed") - F("funds")))
        .order_by("-shortfall", "name")
    )
    return list(rows[:limit] if limit else rows)


# --- Providers ------------------------------------------------------------------------------


def providers(*, limit: int | None = None) -> list[dict]:
    """Per provider and standard: places offered and filled, hub approvals, achievement rate and Ofsted grade."""
    places = (
        Cohort.objects.values(
            provider_id=F("offer__provider_id"),
            standard_id=F("offer__standard_id"),
            provider_name=F("offer__provider__name"),
            ukprn=F("offer__provider__ukprn"),
            lars_code=F("offer__standard__lars_code"),
            standard_title=F("offer__standard__title"),
            ofsted_grade=F("offer__provider__ofsted_grade"),
            achievement_rate=F("offer__provider__achievement_rate"),
        )
        .annotate(places_left=Sum("places"))
        .order_by()
    )
    decided = {
        (row.pop("provider_id"), row.pop("standard_id")): row
        for row in Suggestion.objects.filter(status__in=[*HUB_APPROVED, S.REJECTED])
        .values(provider_id=F("course_offer__provider_id"), standard_id=F("course_offer__standard_id"))
        .annotate(
            places_filled=Coalesce(Sum("vacancy__positions", filter=Q(status=S.AGREED)), 0),
            approved=Count("id", filter=Q(status__in=HUB_APPROVED)),
            decided=Count("id"),
        )
        .order_by()
    }
    nothing = {"places_filled": 0, "approved": 0, "decided": 0}
    rows = []
    for row in places:  # one row per provider and standard, joined to its decisions
        row.update(decided.get((row["provider_id"], row["standard_id"]), nothing))
        # An agreed match takes its places out of the cohort: offered = left + filled.
        row["places_offered"] = row["places_left"] + row["places_filled"]
        row["approval_rate"] = _share(row["approved"], row["decided"])
        rows.append(row)
    rows.sort(key=lambda row: (-row["places_offered"], row["provider_name"], row["lars_code"]))
    return rows[:limit]


# --- The catalogue --------------------------------------------------------------------------

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
    }
    return {
        name: figures[name] if name in figures else report_rows(report, for_page=True)
        for name, report in REPORTS.items()
    }
