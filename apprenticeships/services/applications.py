"""Applications to vacancies through the service: make one, answer one, and forget them after the retention period.

A resident applies to a live vacancy without an account; they get a confirmation e-mail and the
employer's users a notification that links to where they answer it. Each status the employer
gives it is e-mailed to the applicant. Applications are deleted APPLICATION_RETENTION_MONTHS after
their vacancy closed (its closing date, or the day it left the market if that came first), as the
privacy notice says.
"""

import logging
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from apprenticeships.models import Application, Vacancy, VacancyTransition
from lcr_skills.errors import Conflict
from lcr_skills.text import one_line

logger = logging.getLogger(__name__)

# What the applicant is told when the employer gives their application a status.
STATUS_MESSAGES = {
    Application.Status.NEW: "Your application is waiting for the employer to read it.",
    Application.Status.CONTACTED: "The employer has read your application and will contact you, or has already.",
    Application.Status.INTERVIEWING: "The employer would like to interview you. They will contact you to arrange it.",
    Application.Status.OFFERED: "Congratulations: the employer is offering you the apprenticeship. "
    "They will contact you about what happens next.",
    Application.Status.UNSUCCESSFUL: "Unfortunately the employer is not taking your application further this time. "
    "Thank you for applying, and good luck with your search.",
}
LEFT_MARKET = (Vacancy.Status.FILLED, Vacancy.Status.CLOSED, Vacancy.Status.WITHDRAWN)


class VacancyClosed(Conflict):
    """The vacancy no longer takes applications."""

    def __init__(self, vacancy: Vacancy) -> None:
        super().__init__(
            f"“{vacancy.title}” is closed to applications: the employer is no longer recruiting for it. "
            "Search for other apprenticeships."
        )
        self.vacancy = vacancy

    def fields(self) -> dict[str, object]:
        return {"status": "closed"}


class AppliesElsewhere(Conflict):
    """The employer takes applications on its own website."""

    def __init__(self, vacancy: Vacancy) -> None:
        super().__init__(
            f"{vacancy.employer.name} takes applications for this vacancy on its own website: {vacancy.apply_url}"
        )
        self.vacancy = vacancy

    def fields(self) -> dict[str, object]:
        return {"status": "apply_elsewhere", "apply_url": self.vacancy.apply_url}


def site_url(path: str) -> str:
    """An address on this site for an e-mail, which has no request to build it from."""
    return settings.SITE_URL.rstrip("/") + path


def vacancy_is_open(vacancy: Vacancy, *, today: date | None = None) -> bool:
    """Live and its closing date not passed: what the public search shows."""
    today = today or timezone.localdate()
    return vacancy.status == Vacancy.Status.LIVE and vacancy.closing_date >= today


def vacancy_takes_applications(vacancy: Vacancy, *, today: date | None = None) -> bool:
    """Open, and applications made here (not on the employer's own page)."""
    return vacancy_is_open(vacancy, today=today) and not vacancy.apply_url


def application_create(
    *,
    vacancy_id: int,
    name: str,
    email: str,
    phone: str = "",
    postcode: str = "",
    age_group: str = "",
    about: str = "",
) -> Application:
    """Apply to a live vacancy; the applicant and the employer's users are e-mailed once it is saved.

    The same application sent again (every detail as before: the page sent twice, or again after
    Back) is the one already saved, and nobody is e-mailed again. It is answered exactly as the first,
    so that nobody can learn from the answer whether someone applied: only the whole application tells.
    """
    details = {
        "name": name.strip(),
        "email": email.strip(),
        "phone": phone.strip(),
        "postcode": postcode.strip().upper(),
        "age_group": age_group,
        "about": about.strip(),
    }
    with transaction.atomic():
        # The vacancy's row lock (FOR NO KEY UPDATE): it can't be closed between the check and the
        # insert, and the same application sent twice at once is saved once.
        vacancy = Vacancy.objects.select_for_update(no_key=True).select_related("employer").get(pk=vacancy_id)
        if vacancy.apply_url and vacancy_is_open(vacancy):
            raise AppliesElsewhere(vacancy)
        if not vacancy_takes_applications(vacancy):
            raise VacancyClosed(vacancy)
        sent = Application.objects.filter(vacancy=vacancy, **details).order_by("created_at", "id").first()
        if sent is not None:
            return sent
        application = Application.objects.create(vacancy=vacancy, **details, consented_at=timezone.now())
    _mail(
        f"Your application for {vacancy.title}",
        f"Dear {application.name},\n\n"
        f"Thank you for applying for “{vacancy.title}” with {vacancy.employer.name}. "
        f"We have sent your application to the employer, who will contact you at this address"
        f"{' or by phone' if application.phone else ''}.\n\n"
        f"We will e-mail you when they update your application.\n\n"
        f"Your details are kept for {settings.APPLICATION_RETENTION_MONTHS} months after the vacancy closes, "
        f"then deleted. How we use them: {site_url(reverse('privacy'))}\n",
        [application.email],
    )
    recipients = list(
        User.objects.filter(membership__employer=vacancy.employer, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if recipients:
        _mail(
            f"New application for {vacancy.title}",
            f"Someone has applied for your vacancy “{vacancy.title}” through LCR Skills Match.\n\n"
            f"Read it and tell the applicant how it is going: "
            f"{site_url(reverse('employer-application', args=[application.pk]))}\n",
            recipients,
        )
    return application


def status_change_emailed(status: str) -> bool:
    """Whether the applicant hears of a change to this status: not of one back to New, which only puts a
    mis-click right ("waiting for the employer to read it", after an invitation to interview, would confuse)."""
    return status != Application.Status.NEW


def application_status_set(*, application: Application, status: str, by: User | None) -> Application:
    """Give an application a status; the applicant is e-mailed when it changes (`status_change_emailed`)."""
    with transaction.atomic():
        locked = Application.objects.select_for_update().select_related("vacancy__employer").get(pk=application.pk)
        changed = locked.status != status
        if changed:
            locked.status = status
            locked.status_changed_at = timezone.now()
            locked.save(update_fields=["status", "status_changed_at", "updated_at"])
    if changed:
        logger.info("Application %s is now %s (user %s)", locked.pk, status, by.pk if by else None)
    if changed and status_change_emailed(status):
        vacancy = locked.vacancy
        _mail(
            f"Your application for {vacancy.title}: {locked.get_status_display().lower()}",
            f"Dear {locked.name},\n\n"
            f"{vacancy.employer.name} has updated your application for “{vacancy.title}”.\n\n"
            f"{STATUS_MESSAGES[status]}\n\n"
            f"Search for other apprenticeships: {site_url(reverse('vacancy-search'))}\n",
            [locked.email],
        )
    return locked


def applications_expired(*, now: datetime | None = None):  # noqa: ANN201 - a QuerySet
    """Applications past their retention: their vacancy closed more than APPLICATION_RETENTION_MONTHS ago."""
    now = now or timezone.now()
    cutoff = _months_before(timezone.localdate(now), settings.APPLICATION_RETENTION_MONTHS)
    left_market = VacancyTransition.objects.filter(
        vacancy=OuterRef("vacancy"), to_status__in=LEFT_MARKET, created_at__date__lt=cutoff
    )
    return Application.objects.filter(
        Q(vacancy__closing_date__lt=cutoff) | Q(Exists(left_market), vacancy__status__in=LEFT_MARKET)
    )


def applications_delete_expired(*, now: datetime | None = None) -> int:
    """Delete the applications past their retention; how many went."""
    deleted, _ = Application.objects.filter(
        pk__in=list(applications_expired(now=now).values_list("pk", flat=True))
    ).delete()
    if deleted:
        logger.info("Deleted %s applications past their retention period", deleted)
    return deleted


def _months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    for candidate in range(day.day, 0, -1):  # 31 March less a month: 28 or 29 February
        try:
            return date(year, month + 1, candidate)
        except ValueError:
            continue
    return day - timedelta(days=30 * months)  # pragma: no cover - unreachable


def _mail(subject: str, body: str, recipients: list[str]) -> None:
    """Send one e-mail; a mail server that fails is logged, never an error for the person who acted."""
    try:
        send_mail(one_line(subject), body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)
    except Exception:  # noqa: BLE001 - any mail failure: the record is saved; say so in the log
        logger.exception("Could not send the e-mail “%s”", one_line(subject))
