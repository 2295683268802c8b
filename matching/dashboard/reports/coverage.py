"""Coverage: live vacancies with and without a feasible provider, and why not."""

from django.db.models import Count, Exists, OuterRef, Q

from apprenticeships.models import Vacancy
from matching.dashboard.reports.common import (
    area_keys,
    city_region_authorities,
    every_authority,
    standard_names,
    summed,
)
from matching.models import Gap, GapReason, Suggestion

COVERAGE_FIELDS = ("live", "with_provider", "without_provider", "not_matched")


def coverage_facts() -> list[dict]:
    """Live vacancies per standard and area: how many, how many have a gap, how many no run has matched yet."""
    open_suggestion = Exists(Suggestion.objects.filter(vacancy=OuterRef("pk")).exclude(status__in=Suggestion.CLOSED))
    rows = list(
        Vacancy.objects.filter(status=Vacancy.Status.LIVE)
        .values("standard_id", **area_keys("local_authority"))
        .annotate(
            live=Count("id"),
            without_provider=Count("id", filter=Q(gap__isnull=False)),
            with_provider=Count("id", filter=Q(open_suggestion) & Q(gap__isnull=True)),
        )
        .order_by()
    )
    standards = standard_names({row["standard_id"] for row in rows})
    for row in rows:
        row.update(standards[row["standard_id"]])
        row["not_matched"] = row["live"] - row["with_provider"] - row["without_provider"]
    return rows


def coverage_by_route(*, facts: list[dict] | None = None) -> list[dict]:
    """Live vacancies with and without a feasible provider, per route."""
    rows = summed(coverage_facts() if facts is None else facts, ("route",), COVERAGE_FIELDS)
    return sorted(rows, key=lambda row: (-row["live"], row["route"]))


def coverage_by_standard(*, limit: int | None = None, facts: list[dict] | None = None) -> list[dict]:
    """Live vacancies with and without a feasible provider, per standard, most vacancies first."""
    keys = ("lars_code", "standard_title", "level", "route")
    rows = summed(coverage_facts() if facts is None else facts, keys, COVERAGE_FIELDS)
    return sorted(rows, key=lambda row: (-row["live"], row["lars_code"]))[:limit]


def coverage_by_authority(*, facts: list[dict] | None = None, authorities: list[dict] | None = None) -> list[dict]:
    """Live vacancies with and without a feasible provider, per local authority of the workplace."""
    rows = summed(coverage_facts() if facts is None else facts, ("area", "area_code"), COVERAGE_FIELDS)
    authorities = city_region_authorities() if authorities is None else authorities
    return every_authority(rows, authorities, dict.fromkeys(COVERAGE_FIELDS, 0))


def gaps_by_reason() -> list[dict]:
    """Live vacancies without a feasible provider, by the first rule that ruled every provider out."""
    counts = dict(
        Gap.objects.filter(vacancy__status=Vacancy.Status.LIVE)
        .values("reason")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("reason", "n")
    )
    return [{"reason": code, "label": label, "vacancies": counts.get(code, 0)} for code, label in GapReason.choices]
