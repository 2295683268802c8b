"""Matching's sections of each role's home to-do list (apprenticeships.todo): introductions waiting
for the employer's or provider's answer, and suggestions and employers' introduction requests waiting
for the hub."""

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.urls import reverse

from apprenticeships.models import Role
from apprenticeships.todo import ENTRIES_SHOWN, TodoEntry, TodoSection, todo_section_register
from lcr_skills.formats import long_date
from matching.models import Suggestion
from matching.permissions import visible_suggestions
from matching.selectors import introduction_requests_open


def _waiting_for(user: User, party: str) -> QuerySet[Suggestion]:
    """Introductions the party has not answered yet, newest first."""
    return (
        visible_suggestions(user)
        .filter(status__in=Suggestion.HOLDING_PLACES, **{f"{party}_response": ""})
        .select_related("vacancy__employer", "course_offer__provider", "cohort")
        .order_by("-decided_at", "-id")
    )


def _introductions(user: User, party: str) -> TodoSection:
    waiting = _waiting_for(user, party)
    page = reverse(f"{party}-matches")

    def entry(suggestion: Suggestion) -> TodoEntry:
        other = suggestion.course_offer.provider.name if party == "employer" else suggestion.vacancy.employer.name
        return TodoEntry(
            f"{suggestion.vacancy.title} with {other}",
            f"{page}#match-{suggestion.pk}",
            f"Cohort starts {long_date(suggestion.cohort.start_date)}",
        )

    return TodoSection(
        key="introductions",
        heading="Introductions waiting for your answer",
        count=waiting.count(),
        url=page,
        link_text="Accept or decline them on your matches page",
        empty="No introductions are waiting for your answer. When the hub introduces you to "
        + ("a training provider" if party == "employer" else "an employer")
        + ", you will be e-mailed and it will appear here.",
        entries=[entry(suggestion) for suggestion in waiting[:ENTRIES_SHOWN]],
        order=10,
    )


def employer_introductions(user: User) -> TodoSection:
    return _introductions(user, "employer")


def provider_introductions(user: User) -> TodoSection:
    return _introductions(user, "provider")


def hub_suggestions_waiting(user: User) -> TodoSection:
    waiting = visible_suggestions(user).filter(status=Suggestion.Status.SUGGESTED)
    return TodoSection(
        key="suggestions",
        heading="Suggestions waiting for review",
        count=waiting.count(),
        url=reverse("matching-suggestions"),
        link_text="Review suggestions",
        empty="No suggestions are waiting for review. A matching run adds new ones.",
        order=20,
    )


def hub_introduction_requests_waiting(user: User) -> TodoSection:
    waiting = introduction_requests_open()
    return TodoSection(
        key="introduction-requests",
        heading="Employers' requests for an introduction",
        count=waiting.count(),
        url=reverse("matching-suggestions") + "#requests",
        link_text="Answer them in the review queue",
        empty="No employer is waiting for an introduction. Employers ask from Find training.",
        entries=[
            TodoEntry(
                f"{request.employer.name} and {request.course_offer.provider.name}",
                reverse("matching-introduction-request", args=[request.pk]),
                f"Asked {long_date(request.created_at)}",
            )
            for request in waiting[:ENTRIES_SHOWN]
        ],
        order=25,
    )


def register() -> None:
    todo_section_register(Role.EMPLOYER, employer_introductions)
    todo_section_register(Role.PROVIDER, provider_introductions)
    todo_section_register(Role.HUB, hub_suggestions_waiting)
    todo_section_register(Role.HUB, hub_introduction_requests_waiting)
