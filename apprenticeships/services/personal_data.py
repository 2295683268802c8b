"""A user's personal data: export it (UK GDPR right of access) and erase it (right to erasure).

Erasure keeps the audit trail whole: suggestion decisions, vacancy steps and match runs stay,
with the person replaced by NULL (decisions keep the role the person acted in), so the hub can
still show what was decided, but no longer by whom.
"""

import logging
import secrets
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apprenticeships.models import VacancyTransition
from apprenticeships.permissions import user_organisation, user_role
from apprenticeships.services.accounts import user_tokens_revoke
from matching.models import MatchRun, SuggestionEvent

logger = logging.getLogger(__name__)

ERASED_PREFIX = "erased-"


def personal_data_export(*, user: User) -> dict[str, Any]:
    """Everything the service holds about one person, as JSON-ready data."""
    organisation = user_organisation(user)
    return {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "id": user.pk,
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "role": user_role(user),
            "is_active": user.is_active,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "organisation": (
            {
                "type": user.membership.role,
                "id": organisation.pk,
                "name": organisation.name,
                "member_since": user.membership.created_at.isoformat(),
            }
            if organisation
            else None
        ),
        "suggestion_decisions": [
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
        ],
        "vacancy_steps": [
            {
                "vacancy": step.vacancy_id,
                "from_status": step.from_status,
                "to_status": step.to_status,
                "comment": step.comment,
                "at": step.created_at.isoformat(),
            }
            for step in VacancyTransition.objects.filter(by=user).order_by("created_at", "id")
        ],
        "match_runs_started": [
            {"run": run.pk, "kind": run.kind, "status": run.status, "at": run.created_at.isoformat()}
            for run in MatchRun.objects.filter(created_by=user).order_by("created_at", "id")
        ],
        "sign_ins": [
            {"at": entry.attempt_time.isoformat(), "ip_address": entry.ip_address, "user_agent": entry.user_agent}
            for entry in AccessLog.objects.filter(username=user.username).order_by("attempt_time")
        ],
        "failed_sign_ins": [
            {"at": entry.attempt_time.isoformat(), "ip_address": entry.ip_address, "user_agent": entry.user_agent}
            for entry in AccessFailureLog.objects.filter(username=user.username).order_by("attempt_time")
        ],
    }


@transaction.atomic
def personal_data_erase(*, user: User, by: User) -> User:
    """Anonymise an account for good: no name, e-mail, username, password, token or session; audit kept."""
    if user.pk == by.pk:
        raise ValidationError("You can't erase your own account: ask another member of hub staff.")
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_superuser and not by.is_superuser:
        raise ValidationError("Only a superuser can erase a superuser's account.")
    old_username = user.username

    # The audit entries refuse save(); a queryset update is the one sanctioned change: forget the person.
    SuggestionEvent.objects.filter(actor=user).update(actor=None)
    VacancyTransition.objects.filter(by=user).update(by=None)
    MatchRun.objects.filter(created_by=user).update(created_by=None)

    user_tokens_revoke(user=user)
    _sessions_delete(user)
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username=old_username).delete()

    user.username = _erased_username(user)
    user.first_name = user.last_name = user.email = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    logger.info("Erased the personal data of user %s at the request of user %s", user.pk, by.pk)
    return user


def _erased_username(user: User) -> str:
    # New accounts can't take an erased-… name (accounts.username_check), but one made before that
    # rule could hold this one already: then add a random part rather than fail on the unique name.
    username = f"{ERASED_PREFIX}{user.pk}"
    while User.objects.filter(username=username).exclude(pk=user.pk).exists():
        username = f"{ERASED_PREFIX}{user.pk}-{secrets.token_hex(4)}"
    return username


def _sessions_delete(user: User) -> None:
    # An unusable password already voids every session (its auth hash no longer matches); deleting
    # them as well leaves nothing behind in the session store.
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
