"""Matching's part of a person's data (apprenticeships.services.personal_data): the suggestion decisions
they made and the runs they started. Registered in MatchingConfig.ready(); the export lists them where
it always has, and erasure keeps the records but forgets the person.
"""

from typing import Any

from django.contrib.auth.models import User

from apprenticeships.services.personal_data import PersonalDataSection
from matching.models import IntroductionRequest, MatchRun, SuggestionEvent


def suggestion_decisions_export(user: User) -> list[dict[str, Any]]:
    """The person's decisions and answers on suggestions, oldest first."""
    return [
        {
            "suggestion": event.suggestion_id,
            "action": event.action,
            "role": event.actor_role,
            "from_status": event.from_status,
            "to_status": event.to_status,
            "reason": event.reason,
            "note": event.note,
            "at": event.created_at.isoformat(),
        }
        for event in SuggestionEvent.objects.filter(actor=user).order_by("created_at", "id")
    ]


def suggestion_decisions_erase(user: User) -> None:
    """Forget who decided; the decision and the role it was made in stay."""
    # The audit entries refuse save(); a queryset update is the one sanctioned change.
    SuggestionEvent.objects.filter(actor=user).update(actor=None)


def match_runs_export(user: User) -> list[dict[str, Any]]:
    """The matching runs the person started, oldest first."""
    return [
        {"run": run.pk, "kind": run.kind, "status": run.status, "at": run.created_at.isoformat()}
        for run in MatchRun.objects.filter(created_by=user).order_by("created_at", "id")
    ]


def match_runs_erase(user: User) -> None:
    """Forget who started the runs; the runs stay."""
    MatchRun.objects.filter(created_by=user).update(created_by=None)


def introduction_requests_export(user: User) -> list[dict[str, Any]]:
    """The requests for introductions the person made or decided, oldest first."""
    mine = IntroductionRequest.objects.filter(requested_by=user) | IntroductionRequest.objects.filter(decided_by=user)
    return [
        {
            "request": item.pk,
            "asked": item.requested_by_id == user.pk,
            "decided": item.decided_by_id == user.pk,
            "course_offer": item.course_offer_id,
            "vacancy": item.vacancy_id,
            "message": item.message if item.requested_by_id == user.pk else "",
            "status": item.status,
            "decline_reason": item.decline_reason if item.decided_by_id == user.pk else "",
            "at": item.created_at.isoformat(),
        }
        for item in mine.order_by("created_at", "id")
    ]


def introduction_requests_erase(user: User) -> None:
    """Forget who asked and who decided; the requests stay (they are the employer's and the hub's)."""
    IntroductionRequest.objects.filter(requested_by=user).update(requested_by=None)
    IntroductionRequest.objects.filter(decided_by=user).update(decided_by=None)


SECTIONS = (
    PersonalDataSection(
        key="suggestion_decisions",
        after="organisation",
        export=suggestion_decisions_export,
        erase=suggestion_decisions_erase,
    ),
    PersonalDataSection(
        key="match_runs_started", after="vacancy_steps", export=match_runs_export, erase=match_runs_erase
    ),
    PersonalDataSection(
        key="introduction_requests",
        after="shortlist",
        export=introduction_requests_export,
        erase=introduction_requests_erase,
    ),
)
