"""Invitations to join an organisation, and the hub's own to-do tasks."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from apprenticeships.models.base import TimeStampedModel
from apprenticeships.models.organisations import Employer, Provider, Role

# Whom an invitation makes a person: a member of an employer or of a training provider (never hub staff).
INVITATION_ROLES = [(Role.EMPLOYER, Role.EMPLOYER.label), (Role.PROVIDER, Role.PROVIDER.label)]


class Invitation(TimeStampedModel):
    """An e-mailed link that lets one person join one organisation, once, before it expires.

    Only a SHA-256 hash of the link's token is stored: someone who reads the database can't use
    a pending invitation. Accepting it is a conditional update on `accepted_at IS NULL`, so the
    link works once however many times it is clicked at once.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        EXPIRED = "expired", "Expired"
        CANCELLED = "cancelled", "Cancelled"

    email = models.EmailField()
    role = models.CharField(max_length=10, choices=INVITATION_ROLES)
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations")
    is_admin = models.BooleanField(default=False, help_text="Whether the person may invite colleagues.")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField()
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(role=Role.EMPLOYER, employer__isnull=False, provider__isnull=True)
                    | models.Q(role=Role.PROVIDER, provider__isnull=False, employer__isnull=True)
                ),
                name="invitation_one_organisation_matching_role",
            ),
            # One open invitation per address and organisation: re-send it rather than send another.
            models.UniqueConstraint(
                fields=["email", "employer"],
                condition=models.Q(accepted_at__isnull=True, cancelled_at__isnull=True, employer__isnull=False),
                name="invitation_one_open_per_employer_email",
            ),
            models.UniqueConstraint(
                fields=["email", "provider"],
                condition=models.Q(accepted_at__isnull=True, cancelled_at__isnull=True, provider__isnull=False),
                name="invitation_one_open_per_provider_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.organisation}"

    @property
    def organisation(self) -> Employer | Provider:
        return self.employer if self.role == Role.EMPLOYER else self.provider

    @property
    def status(self) -> str:
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.cancelled_at:
            return self.Status.CANCELLED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING

    def get_status_display(self) -> str:
        return self.Status(self.status).label


class HubTask(TimeStampedModel):
    """Something hub staff must do by hand, such as phoning an organisation that has no users yet."""

    class Kind(models.TextChoices):
        INTRODUCE_BY_PHONE = "introduce_by_phone", "Introduce by phone"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=300)
    details = models.TextField(blank=True)
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, null=True, blank=True, related_name="hub_tasks")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, null=True, blank=True, related_name="hub_tasks")
    # The page where the work is (a suggestion's page, say): a path, since the task may be about anything.
    link = models.CharField(max_length=300, blank=True)
    # What the task is about, so that doing the same thing twice adds no second task.
    subject = models.CharField(max_length=100)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Why the service closed it by itself (the match it was about was declined or ended); blank otherwise.
    closed_because = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["done_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "subject"], name="hub_task_one_per_subject"),
            models.CheckConstraint(condition=models.Q(kind__in=["introduce_by_phone"]), name="hub_task_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def organisation(self) -> Employer | Provider | None:
        return self.employer or self.provider
