"""The personal data of people without an account (applicants, alert subscribers), keyed by e-mail address.

Hub staff export it (UK GDPR right of access) and erase it (right to erasure). A user account's
export and erasure (services.personal_data) take in the applications and alerts under the
account's e-mail address too, through the section registered below.
"""

import logging
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from apprenticeships.models import Application, VacancyAlert
from apprenticeships.services.personal_data import PersonalDataSection, personal_data_section_register

logger = logging.getLogger(__name__)


def _applications(email: str) -> list[dict[str, Any]]:
    return [
        {
            "id": a.pk,
            "vacancy": a.vacancy_id,
            "vacancy_title": a.vacancy.title,
            "employer": a.vacancy.employer.name,
            "name": a.name,
            "email": a.email,
            "phone": a.phone,
            "postcode": a.postcode,
            "age_group": a.age_group,
            "about": a.about,
            "status": a.status,
            "consented_at": a.consented_at.isoformat(),
            "created_at": a.created_at.isoformat(),
        }
        for a in Application.objects.filter(email__iexact=email.strip())
        .select_related("vacancy__employer")
        .order_by("created_at", "id")
    ]


def _alerts(email: str) -> list[dict[str, Any]]:
    return [
        {
            "id": alert.pk,
            "email": alert.email,
            "search": alert.search,
            "confirmed_at": alert.confirmed_at.isoformat() if alert.confirmed_at else None,
            "last_sent_at": alert.last_sent_at.isoformat() if alert.last_sent_at else None,
            "created_at": alert.created_at.isoformat(),
        }
        for alert in VacancyAlert.objects.filter(email__iexact=email.strip()).order_by("created_at", "id")
    ]


def applicant_data_export(*, email: str) -> dict[str, Any]:
    """Everything held under an e-mail address: applications and alerts."""
    return {
        "exported_at": timezone.now().isoformat(),
        "email": email.strip(),
        "applications": _applications(email),
        "alerts": _alerts(email),
    }


@transaction.atomic
def applicant_data_erase(*, email: str, by: User | None) -> dict[str, int]:
    """Delete everything held under an e-mail address; how many of each went."""
    applications, _ = Application.objects.filter(email__iexact=email.strip()).delete()
    alerts, _ = VacancyAlert.objects.filter(email__iexact=email.strip()).delete()
    logger.info(
        "Erased %s applications and %s alerts of one address at the request of user %s",
        applications,
        alerts,
        by.pk if by else None,
    )
    return {"applications": applications, "alerts": alerts}


def _export_for_user(user: User) -> dict[str, Any]:
    return {"applications": _applications(user.email), "alerts": _alerts(user.email)} if user.email else {}


def _erase_for_user(user: User) -> None:
    if user.email:
        applicant_data_erase(email=user.email, by=None)


SECTION = PersonalDataSection(
    key="applications_and_alerts", after="vacancy_steps", export=_export_for_user, erase=_erase_for_user
)


def register() -> None:
    """Called from ApprenticeshipsConfig.ready()."""
    personal_data_section_register(SECTION)
