"""Reads for the matching pages."""

from django.db.models import Count, QuerySet

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


def suggestions_for_review(*, status: str = Suggestion.Status.SUGGESTED) -> QuerySet[Suggestion]:
    return (
        Suggestion.objects.filter(status=status)
        .select_related(
            "vacancy__employer", "vacancy__local_authority", "vacancy__standard", "course_offer__provider", "cohort"
        )
        .order_by("vacancy_id", "rank")
    )


def gaps_list() -> QuerySet[Gap]:
    return Gap.objects.select_related("vacancy__employer", "vacancy__standard", "vacancy__local_authority").order_by(
        "reason", "vacancy_id"
    )
