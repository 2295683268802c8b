"""A user's personal data: export it (UK GDPR right of access) and erase it (right to erasure).

Erasure keeps the audit trail whole: vacancy steps (and matching's decisions and runs) stay, with
the person replaced by NULL (decisions keep the role the person acted in), so the hub can still
show what was decided, but no longer by whom.

An app above this one holds personal data of its own: it registers a `PersonalDataSection` in its
AppConfig.ready() (matching: its suggestion decisions and the runs a person started), and the
export and the erasure take it in; this module never imports it.
"""

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apprenticeships.models import Invitation, ShortlistEntry, VacancyTransition
from apprenticeships.permissions import user_organisation, user_role
from apprenticeships.services.accounts import user_tokens_revoke

logger = logging.getLogger(__name__)

ERASED_PREFIX = "erased-"


@dataclass(frozen=True)
class PersonalDataSection:
    """A part of a person's data that an app above this one holds."""

    key: str  # its name in the export
    after: str  # the section it comes after in the export
    export: Callable[[User], Any]  # what it holds about the person, JSON-ready
    erase: Callable[[User], None]  # forget the person in it (inside the erasure's transaction)


_sections: dict[str, PersonalDataSection] = {}


def personal_data_section_register(section: PersonalDataSection) -> None:
    """Add an upper app's part to every export and erasure (called from its AppConfig.ready())."""
    _sections[section.key] = section


def personal_data_export(*, user: User) -> dict[str, Any]:
    """Everything the service holds about one person, as JSON-ready data."""
    export: dict[str, Any] = {}

    def add(key: str, value: Any) -> None:
        export[key] = value
        for section in _sections.values():
            if section.after == key:
                add(section.key, section.export(user))

    for key, value in _own_data(user).items():
        add(key, value)
    for section in _sections.values():  # one whose place is gone still goes out, last
        if section.key not in export:
            export[section.key] = section.export(user)
    return export


def _own_data(user: User) -> dict[str, Any]:
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
        "shortlist": [
            {"course_offer": entry.offer_id, "at": entry.created_at.isoformat()}
            for entry in ShortlistEntry.objects.filter(user=user).order_by("created_at", "id")
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
    VacancyTransition.objects.filter(by=user).update(by=None)
    ShortlistEntry.objects.filter(user=user).delete()  # the person's own list: nobody else's record
    # An invitation holds the person's e-mail address: the one they accepted, and any still open to it.
    address = Q(email__iexact=user.email) if user.email else Q(pk__in=[])
    Invitation.objects.filter(Q(accepted_user=user) | address).delete()
    for section in _sections.values():
        section.erase(user)

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
