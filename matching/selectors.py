"""Reads for the matching pages."""

from collections.abc import Sequence

from django.db import connections, transaction
from django.db.models import Case, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value, When

from apprenticeships.models import Employer, Provider
from apprenticeships.selectors import active_users_exist
from apprenticeships.transport.deprivation import place_imd_rank
from matching.models import Gap, GapReason, IntroductionRequest, MatchRun, ScoringModel, Suggestion, SuggestionEvent


def runs_recent(limit: int = 10) -> list[MatchRun]:
    return list(MatchRun.objects.select_related("created_by").order_by("-created_at", "-id")[:limit])


def run_active() -> MatchRun | None:
    """The full run queued or running now, if any."""
    return MatchRun.objects.filter(kind=MatchRun.Kind.FULL, status__in=MatchRun.IN_PROGRESS).first()


def gaps_by_reason() -> list[dict]:
    """How many live vacancies have no suggestion, by reason, in the order the reasons apply."""
    counts = dict(Gap.objects.values("reason").annotate(n=Count("id")).values_list("reason", "n"))
    return [{"reason": r.value, "label": r.label, "count": counts.get(r.value, 0)} for r in GapReason]


REVIEW_ORDER = (
    "Vacancies in the most deprived areas come first (the IMD 2019 rank of the workplace's "
    "neighbourhood, 1 = most deprived in England: its LSOA when the full postcode is known, else the "
    "neighbourhood nearest its postcode district's centre), then those that have been live longest, "
    "then the highest score."
)


def in_review_order(suggestions: QuerySet[Suggestion]) -> QuerySet[Suggestion]:
    """Most deprived area first, then waiting longest, then best score (REVIEW_ORDER).

    PostgreSQL reads both ranks from the vacancy's stored columns (kept by triggers: migration 0018 of
    apprenticeships), whose index in this order lets the queue's first page be read without sorting
    every suggestion; SQLite works them out.
    """
    if connections[suggestions.db].vendor == "postgresql":
        workplace, authority = F("vacancy__workplace_imd_rank"), F("vacancy__authority_imd_rank")
    else:
        suggestions = suggestions.annotate(workplace_imd_rank=place_imd_rank("vacancy__"))
        workplace, authority = F("workplace_imd_rank"), F("vacancy__local_authority__imd_rank")
    return suggestions.order_by(
        workplace.asc(nulls_last=True),
        authority.asc(nulls_last=True),
        F("vacancy__live_at").asc(nulls_last=True),
        "-score",
        "id",
    )


# What a suggestion's card and the API show beside it. Read by a query each (ids of the page only), not
# joined into the queue's own query: joining eight tables costs PostgreSQL more to plan than the page to read.
SUGGESTION_PARTS = (
    "vacancy__employer",
    "vacancy__local_authority",
    "vacancy__standard",
    "course_offer__provider",
    "cohort",
)


def with_parts(suggestions: QuerySet[Suggestion]) -> QuerySet[Suggestion]:
    """The suggestions with their vacancy (joined: the review order is its columns) and SUGGESTION_PARTS."""
    return suggestions.select_related("vacancy").prefetch_related(*SUGGESTION_PARTS)


def suggestion_rows_by_id(ids: list[int], columns: Sequence[str]) -> dict[int, dict]:
    """A page of suggestions' `columns` (their vacancy's, offer's and others' joined in), by id.

    Each join is many-to-one by primary key from a page of ids, so the order Django writes them in is a good
    plan: PostgreSQL is told to keep it (`join_collapse_limit = 1`, for this query only), which cuts its
    planning of the review queue's eight tables from about 5 ms to 1 ms (docs/performance.md); same rows.
    """
    rows = Suggestion.objects.filter(id__in=ids).values(*columns)
    if connections[rows.db].vendor != "postgresql":
        return {row["id"]: row for row in rows}
    with transaction.atomic(using=rows.db), connections[rows.db].cursor() as cursor:
        cursor.execute("SET LOCAL join_collapse_limit = 1")
        found = {row["id"]: row for row in rows}
        # Inside a caller's transaction the setting would last until that ends: back to the default now.
        cursor.execute("SET LOCAL join_collapse_limit TO DEFAULT")
        return found


def suggestions_for_review(*, status: str = Suggestion.Status.SUGGESTED) -> QuerySet[Suggestion]:
    return in_review_order(with_parts(Suggestion.objects.filter(status=status)))


def gaps_list() -> QuerySet[Gap]:
    return Gap.objects.select_related("vacancy__employer", "vacancy__standard", "vacancy__local_authority").order_by(
        "reason", "vacancy_id"
    )


def review_queue(
    *,
    local_authority: str = "",
    standard: str = "",
    route: str = "",
    level: int | None = None,
    provider: str = "",
    min_score: float | None = None,
) -> QuerySet[Suggestion]:
    """Suggestions waiting for a decision, in REVIEW_ORDER, narrowed by the review page's filters.

    Each says whether its vacancy already has an introduction under way (`vacancy_introduced`),
    which approving would be refused for.
    """
    suggestions = suggestions_for_review().annotate(
        vacancy_introduced=_vacancy_introduced(),
        # An organisation nobody has an account at hears of an introduction only by phone: the card says so.
        employer_has_users=active_users_exist(employer=OuterRef("vacancy__employer")),
        provider_has_users=active_users_exist(provider=OuterRef("course_offer__provider")),
    )
    if local_authority:
        suggestions = suggestions.filter(vacancy__local_authority__code=local_authority)
    if standard:
        matches = Q(vacancy__standard__title__icontains=standard) | Q(vacancy__standard__reference__iexact=standard)
        if standard.isdigit():
            matches |= Q(vacancy__standard__lars_code=int(standard))
        suggestions = suggestions.filter(matches)
    if route:
        suggestions = suggestions.filter(vacancy__standard__route__iexact=route)
    if level is not None:
        suggestions = suggestions.filter(vacancy__standard__level=level)
    if provider:
        suggestions = suggestions.filter(course_offer__provider__name__icontains=provider)
    if min_score is not None:
        suggestions = suggestions.filter(score__gte=min_score)
    return suggestions


def _vacancy_introduced() -> Exists:
    """Whether the suggestion's vacancy already has an introduction under way (approving another is refused)."""
    return Exists(Suggestion.objects.filter(vacancy=OuterRef("vacancy"), status__in=Suggestion.MATCHED))


def suggestion_with_history(pk: int) -> Suggestion:
    """One suggestion with everything its page shows (`vacancy_introduced` as the review queue has it), and its
    audit trail oldest first (raises DoesNotExist)."""
    return (
        Suggestion.objects.select_related(
            "vacancy__employer", "vacancy__local_authority", "vacancy__standard", "course_offer__provider", "cohort"
        )
        .annotate(vacancy_introduced=_vacancy_introduced())
        .prefetch_related(Prefetch("events", queryset=SuggestionEvent.objects.select_related("actor")))
        .get(pk=pk)
    )


# The states of an introduction as an employer or provider sees it, in the order their page lists them.
MATCH_GROUPS = {
    "waiting_for_you": "Introduced and waiting for your answer",
    "waiting_for_them": "Waiting for the other organisation",
    "agreed": "Agreed",
    "declined": "Declined",
    "ended": "Ended: the vacancy was withdrawn, closed, filled or changed",
}


def matches_by_state(suggestions: QuerySet[Suggestion], *, party: str) -> dict[str, list[Suggestion]]:
    """An employer's or provider's introductions (`party` is which they are) grouped as MATCH_GROUPS."""
    groups: dict[str, list[Suggestion]] = {name: [] for name in MATCH_GROUPS}
    rows = suggestions.select_related(
        "vacancy__employer", "vacancy__local_authority", "vacancy__standard", "course_offer__provider", "cohort"
    ).prefetch_related(
        Prefetch("events", queryset=SuggestionEvent.objects.filter(action=SuggestionEvent.Action.DECLINE))
    )
    for suggestion in rows.order_by("-decided_at", "-id"):
        if suggestion.status == Suggestion.Status.AGREED:
            groups["agreed"].append(suggestion)
        elif suggestion.status == Suggestion.Status.DECLINED:
            groups["declined"].append(suggestion)
        elif suggestion.status == Suggestion.Status.ENDED:
            groups["ended"].append(suggestion)
        elif getattr(suggestion, f"{party}_response"):
            groups["waiting_for_them"].append(suggestion)
        else:
            groups["waiting_for_you"].append(suggestion)
    return groups


def decision_counts() -> dict[str, int]:
    """How many suggestions the hub has approved and rejected so far (what a new model learns from)."""
    counts = dict(
        SuggestionEvent.objects.filter(action__in=SuggestionEvent.HUB_DECISIONS)
        .values("action")
        .annotate(n=Count("id"))
        .values_list("action", "n")
    )
    return {"approved": counts.get("approve", 0), "rejected": counts.get("reject", 0)}


def scoring_models() -> QuerySet[ScoringModel]:
    """Every version of the scoring model, newest first, without the stored artefacts."""
    return ScoringModel.objects.defer("artefact").order_by("-created_at", "-id")


# --- Employers' requests for introductions ---------------------------------------------------------


def introduction_requests_open() -> QuerySet[IntroductionRequest]:
    """Requests waiting for the hub, longest waiting first."""
    return (
        IntroductionRequest.objects.filter(status=IntroductionRequest.Status.OPEN)
        .select_related("employer", "course_offer__provider", "course_offer__standard", "vacancy")
        .order_by("created_at", "id")
    )


def introductions_from_requests(
    organisation: Employer | Provider | None, *, party: str
) -> QuerySet[IntroductionRequest]:
    """The requests the hub accepted that introduced this employer (its own) or provider (to its
    offers), `party` being which it is; most recently introduced first."""
    accepted = IntroductionRequest.objects.filter(status=IntroductionRequest.Status.ACCEPTED)
    if organisation is None:
        return accepted.none()
    mine = (
        accepted.filter(employer=organisation)
        if party == "employer"
        else accepted.filter(course_offer__provider=organisation)
    )
    return mine.select_related("employer", "course_offer__provider", "course_offer__standard", "vacancy").order_by(
        "-decided_at", "-id"
    )


def introduction_requests_of(employer: Employer) -> QuerySet[IntroductionRequest]:
    """One employer's requests (only its own), waiting ones first, then newest first."""
    return (
        IntroductionRequest.objects.filter(employer=employer)
        .select_related("course_offer__provider", "course_offer__standard", "vacancy")
        .order_by(
            Case(When(status=IntroductionRequest.Status.OPEN, then=Value(0)), default=Value(1)), "-created_at", "-id"
        )
    )
