"""Flow: suggestions made and decisions taken, week by week."""

from datetime import date, datetime, time, timedelta

from django.db.models import Count, DateField, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from matching.models import RejectReason, Suggestion, SuggestionEvent

FLOW_WEEKS = 26
# Each week's figures, after its date and the suggestions made.
DECISION_KEYS = (
    "approved",
    "rejected",
    *(f"rejected_{reason}" for reason in RejectReason.values),
    "accepted",
    "agreed",
    "declined",
)


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
    empty = dict.fromkeys(DECISION_KEYS, 0)
    rows = []
    for n in range(weeks):
        monday = start + timedelta(weeks=n)
        rows.append({"week": monday, "suggested": made.get(monday, 0), **decided.get(monday, empty)})
    return rows
