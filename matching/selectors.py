"""Reads for the matching pages."""

from django.db.models import Count, F, QuerySet

from matching.ml.candidates import GapReason
from matching.models import Gap, MatchRun, Suggestion


def runs_recent(limit: int = 10) -> list[MatchRun]:
    return list(MatchRun.objects.select_related("created_by").order_by("-created_at", "-id")[:limit])


def run_active() -> MatchRun | None:
    """The full run queued or running now, if any."""
    return MatchRun.objects.filter(
        kind=MatchRun.Kind.FULL, status__in=[MatchRun.Status.QUEUED, MatchRun.Status.RUNNING]
    ).first()


def gaps_by_reason() -> list[dict]:
    """How many live vacancies have no suggestion, by reason, in the order the reasons apply."""
    counts = dict(Gap.objects.values("reason").annotate(n=Count("id")).values_list("reason", "n"))
    return [{"reason": r, "label": GapReason.LABELS[r], "count": counts.get(r, 0)} for r in GapReason.LABELS]


REVIEW_ORDER = (
    "Vacancies in the most deprived areas come first (the IMD 2019 rank of the workplace's local "
    "authority, 1 = most deprived in England), then those that have been live longest, then the "
    "highest score."
)


def in_review_order(suggestions: QuerySet[Suggestion]) -> QuerySet[Suggestion]:
    """Most deprived area first, then waiting longest, then best score (REVIEW_ORDER)."""
    return suggestions.order_by(
        F("vacancy__local_authority__imd_rank").asc(nulls_last=True),
        F("vacancy__live_at").asc(nulls_last=True),
        "-score",
        "id",
    )


def suggestions_for_review(*, status: str = Suggestion.Status.SUGGESTED) -> QuerySet[Suggestion]:
    return in_review_order(
        Suggestion.objects.filter(status=status).select_related(
            "vacancy__employer", "vacancy__local_authority", "vacancy__standard", "course_offer__provider", "cohort"
        )
    )


def gaps_list() -> QuerySet[Gap]:
    return Gap.objects.select_related("vacancy__employer", "vacancy__standard", "vacancy__local_authority").order_by(
        "reason", "vacancy_id"
    )
