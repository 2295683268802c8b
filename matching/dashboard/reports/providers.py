"""Providers: places offered and filled per provider and standard, beside approvals and quality."""

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce

from apprenticeships.models import Cohort, Provider
from matching.dashboard.reports.common import S, share, standard_names
from matching.models import Suggestion


def providers(*, limit: int | None = None) -> list[dict]:
    """Per provider and standard: places offered and filled, hub approvals, achievement rate and Ofsted grade."""
    key = {"provider_id": F("offer__provider_id"), "standard_id": F("offer__standard_id")}
    places = Cohort.objects.values(**key).annotate(places_left=Sum("places")).order_by()
    decided = {
        (row.pop("provider_id"), row.pop("standard_id")): row
        for row in Suggestion.objects.filter(status__in=Suggestion.DECIDED)
        .values(provider_id=F("course_offer__provider_id"), standard_id=F("course_offer__standard_id"))
        .annotate(
            places_filled=Coalesce(Sum("vacancy__positions", filter=Q(status=S.AGREED)), 0),
            approved=Count("id", filter=Q(status__in=Suggestion.INTRODUCED)),
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
        row["approval_rate"] = share(row["approved"], row["decided"])
        rows.append(row)
    rows.sort(key=lambda row: (-row["places_offered"], row["provider_id"], row["standard_id"]))
    rows = rows[:limit]
    standards = standard_names({row["standard_id"] for row in rows})
    named = {
        row.pop("id"): row
        for row in Provider.objects.filter(id__in={row["provider_id"] for row in rows}).values(
            "id", "ukprn", "ofsted_grade", "achievement_rate", provider_name=F("name")
        )
    }
    for row in rows:
        row.update(named[row["provider_id"]], **standards[row["standard_id"]])
    return rows
