"""Who sees what of matching: querysets scoped to the user, so another organisation's suggestions and
gaps are simply not found (404). Who may call which endpoint is apprenticeships.permissions.ACCESS.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from apprenticeships.models import Role
from apprenticeships.permissions import user_role
from matching.models import Gap, Suggestion


def visible_suggestions(user: User | AnonymousUser) -> QuerySet[Suggestion]:
    """Hub staff see every suggestion; an employer or a provider only those the hub has introduced
    to it, and what became of them: never one still under review or rejected."""
    role = user_role(user)
    if role == Role.HUB:
        return Suggestion.objects.all()
    if role == Role.EMPLOYER:
        return Suggestion.objects.filter(status__in=Suggestion.INTRODUCED, vacancy__employer__members__user=user)
    if role == Role.PROVIDER:
        return Suggestion.objects.filter(status__in=Suggestion.INTRODUCED, course_offer__provider__members__user=user)
    return Suggestion.objects.none()


def visible_gaps(user: User | AnonymousUser) -> QuerySet[Gap]:
    """Hub staff see every gap; an employer those of its own vacancies."""
    role = user_role(user)
    if role == Role.HUB:
        return Gap.objects.all()
    if role == Role.EMPLOYER:
        return Gap.objects.filter(vacancy__employer__members__user=user)
    return Gap.objects.none()
