"""Equity: vacancies and matches per local authority and deprivation decile, against residents."""

from datetime import timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Window
from django.db.models.functions import RowNumber

from apprenticeships.models import Vacancy
from matching.dashboard.reports.common import (
    S,
    area_keys,
    city_region_authorities,
    decile,
    every_authority,
    share,
    summed,
)
from matching.models import Suggestion

MATCH_FIELDS = ("vacancies", "approved", "agreed")


def match_facts() -> list[dict]:
    """Vacancies that went live, and the matches the hub approved and the parties agreed, per area and decile."""
    rows = list(
        Vacancy.objects.filter(live_at__isnull=False)
        .values(**area_keys("local_authority"), decile=decile("local_authority"))
        .annotate(vacancies=Count("id"))
        .order_by()
    )
    path = "vacancy__local_authority"
    matches = {
        (row["area"], row["decile"]): row
        for row in Suggestion.objects.filter(status__in=Suggestion.INTRODUCED)
        .values(area=area_keys(path)["area"], decile=decile(path))
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
        row["vacancy_share"] = share(row["vacancies"], vacancies)
        row["approved_share"] = share(row["approved"], approved)
    return rows


def median_days_to_approval() -> dict[str, float]:
    """Per area: the median days from a vacancy going live to the hub approving a match for it."""
    area = area_keys("vacancy__local_authority")["area"]
    waited = ExpressionWrapper(F("decided_at") - F("vacancy__live_at"), output_field=DurationField())
    # The middle one or two approvals of each area, picked in the database by row number.
    middle = (
        Suggestion.objects.filter(
            status__in=Suggestion.INTRODUCED, decided_at__isnull=False, vacancy__live_at__isnull=False
        )
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
    rows = summed(match_facts() if facts is None else facts, ("area", "area_code"), MATCH_FIELDS)
    rows = _with_shares(every_authority(rows, authorities, dict.fromkeys(MATCH_FIELDS, 0)))
    # Residents: LSOAs hold about 1,500 people each, so an authority's share of the region's LSOAs
    # stands for its share of residents (city region authorities only: the only LSOAs loaded).
    lsoas = {a["name"]: a["lsoa_count"] for a in authorities}
    total_lsoas = sum(lsoas.values())
    median = median_days_to_approval()
    for row in rows:
        row["resident_share"] = share(lsoas[row["area"]], total_lsoas) if row["area"] in lsoas else None
        row["median_days_to_approval"] = median.get(row["area"])
    return rows


def equity_by_decile(*, facts: list[dict] | None = None) -> list[dict]:
    """Vacancies and matches per IMD 2019 decile of the workplace's local authority."""
    rows = _with_shares(summed(match_facts() if facts is None else facts, ("decile",), MATCH_FIELDS))
    return sorted(rows, key=lambda row: (row["decile"] is None, row["decile"] or 0))
