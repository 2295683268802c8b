"""The hub's own to-do tasks: work done by hand, such as phoning an organisation with no users."""

from django.contrib.auth.models import User
from django.utils import timezone

from apprenticeships.models import Employer, HubTask, Provider


def contact_words(organisation: Employer | Provider) -> str:
    """The organisation's contact as one line: "Ann Lee, 0151 496 0001, ann@example.org" (or that there is none)."""
    parts = [organisation.contact_name, organisation.contact_phone, organisation.contact_email]
    return ", ".join(part for part in parts if part) or "no contact recorded: add one on the organisation's page"


def hub_task_introduce_by_phone(*, organisation: Employer | Provider, subject: str, about: str, link: str) -> HubTask:
    """A task to phone an organisation that has no users about an introduction (once per subject)."""
    scope = {"employer": organisation} if isinstance(organisation, Employer) else {"provider": organisation}
    task, _ = HubTask.objects.get_or_create(
        kind=HubTask.Kind.INTRODUCE_BY_PHONE,
        subject=subject,
        defaults={
            "title": f"Introduce {organisation.name} by phone",
            "details": f"{about} {organisation.name} has no users, so nobody there was e-mailed. "
            f"Contact: {contact_words(organisation)}.",
            "link": link,
            **scope,
        },
    )
    return task


def hub_task_mark(task: HubTask, *, by: User, done: bool) -> HubTask:
    """Mark a task done, or not done again."""
    task.done_at, task.done_by = (timezone.now(), by) if done else (None, None)
    task.closed_because = ""
    task.save(update_fields=["done_at", "done_by", "closed_because", "updated_at"])
    return task


def hub_tasks_close(*, subject_prefix: str, because: str) -> int:
    """Close the open phone tasks about a match that needs no more work by hand (declined or ended), saying why;
    returns how many."""
    now = timezone.now()
    tasks = HubTask.objects.filter(kind=HubTask.Kind.INTRODUCE_BY_PHONE, subject__startswith=subject_prefix)
    return tasks.filter(done_at__isnull=True).update(
        done_at=now, done_by=None, closed_because=because[:200], updated_at=now
    )
