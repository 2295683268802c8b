"""E-mails to an employer's people when the hub decides about one of their vacancies."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from apprenticeships.models import Membership, Vacancy, VacancyTransition
from lcr_skills.celery import app
from lcr_skills.links import site_url
from lcr_skills.text import one_line

VACANCY_DECISION_SEND = "apprenticeships.vacancy_decision_send"  # the task's name (apprenticeships.tasks)


def vacancy_decision_after_commit(transition: VacancyTransition) -> None:
    """Queue the e-mail about the hub's decision once it commits (robust: a broker outage leaves the decision)."""
    transaction.on_commit(
        lambda: app.signature(VACANCY_DECISION_SEND, args=(transition.pk,)).apply_async(), robust=True
    )


def employer_recipients(employer_id: int) -> list[str]:
    """The e-mail addresses of the employer's people with active accounts."""
    members = Membership.objects.filter(employer_id=employer_id, user__is_active=True).exclude(user__email="")
    return list(members.order_by("id").values_list("user__email", flat=True))


def vacancy_decision_send(transition_id: int) -> int:
    """E-mail the employer's people that the hub approved their vacancy, or referred it back with its comments."""
    step = VacancyTransition.objects.select_related("vacancy__employer").get(pk=transition_id)
    vacancy = step.vacancy
    recipients = employer_recipients(vacancy.employer_id)
    if not recipients:
        return 0
    comments = f"The hub's comments:\n{step.comment}\n\n" if step.comment else ""
    if step.to_status == Vacancy.Status.LIVE:
        subject = f"Your vacancy is live: {vacancy.title}"
        body = (
            f"The Liverpool City Region apprenticeship hub has approved your vacancy “{vacancy.title}”. "
            "It is now live: residents can find it and apply, and the hub matches it with training providers.\n\n"
            f"{comments}See the vacancy and its matches:\n{site_url('employer-vacancy', vacancy.pk)}"
        )
    else:
        subject = f"Your vacancy needs changes: {vacancy.title}"
        body = (
            f"The Liverpool City Region apprenticeship hub has referred your vacancy “{vacancy.title}” back to you. "
            "Change what the hub asks, then submit it again.\n\n"
            f"{comments}Change the vacancy:\n{site_url('employer-vacancy-edit', vacancy.pk)}"
        )
    return send_mail(one_line(subject), body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)
