"""Levy-transfer pledges, applications to them, and the audit trail of every step (issue 17)."""

from django.conf import settings
from django.db import models

from apprenticeships.models.base import TimeStampedModel, one_of
from apprenticeships.models.offers import Cohort
from apprenticeships.models.organisations import Employer
from apprenticeships.models.vacancies import Vacancy
from lcr_skills.text import validate_multi_line


class PledgeStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class AutoApprove(models.TextChoices):
    NEVER = "never", "Never: the pledger decides each application"
    IMMEDIATE = "immediate", "At once, for applications that fully meet the criteria"
    AFTER_42_DAYS = "after_42_days", "After 42 days, for applications that fully meet the criteria"


class Pledge(TimeStampedModel):
    """Money a levy payer offers other employers from its levy funds; `remaining` is what is not yet held."""

    Status = PledgeStatus
    AutoApprove = AutoApprove

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="pledges")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    remaining = models.DecimalField(max_digits=12, decimal_places=2)
    levels = models.JSONField(default=list, help_text="Apprenticeship levels 2–7 it funds.")
    routes = models.JSONField(default=list, blank=True, help_text="Occupational routes; empty: any.")
    local_authorities = models.JSONField(default=list, blank=True, help_text="LA codes; empty: the whole region.")
    age_groups = models.JSONField(default=list, blank=True, help_text="Apprentice age groups; empty: any.")
    auto_approve = models.CharField(max_length=15, choices=AutoApprove.choices, default=AutoApprove.NEVER)
    closes_on = models.DateField(null=True, blank=True)
    anonymous = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=PledgeStatus.choices, default=PledgeStatus.OPEN, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="pledge_amount_positive"),
            # Never over-committed: what applications hold never exceeds what was pledged.
            models.CheckConstraint(
                condition=models.Q(remaining__gte=0, remaining__lte=models.F("amount")),
                name="pledge_remaining_within_amount",
            ),
            one_of("status", PledgeStatus.values, name="pledge_status_valid"),
            one_of("auto_approve", AutoApprove.values, name="pledge_auto_approve_valid"),
        ]

    def __str__(self) -> str:
        return f"£{self.amount:,.0f} pledge by {self.employer}"


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the pledger"
    APPROVED = "approved", "Approved: waiting for the applicant to accept"
    REJECTED = "rejected", "Rejected"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    EXPIRED = "expired", "Expired"
    FUNDS_USED = "funds_used", "Funds used"


class PledgeApplication(TimeStampedModel):
    """An employer asks a pledge to fund one of its vacancies; approval holds `amount` of the pledge."""

    Status = ApplicationStatus
    # Applications whose amount the pledge holds (taken from `remaining`).
    HOLDING = (ApplicationStatus.APPROVED, ApplicationStatus.ACCEPTED, ApplicationStatus.FUNDS_USED)
    # Applications still in play: their amount is spoken for (the matcher counts them too).
    OPEN = (ApplicationStatus.PENDING, ApplicationStatus.APPROVED, ApplicationStatus.ACCEPTED)

    pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="pledge_applications")
    vacancy = models.ForeignKey(Vacancy, on_delete=models.PROTECT, related_name="pledge_applications")
    cohort = models.ForeignKey(Cohort, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    apprentices = models.PositiveSmallIntegerField(default=1)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    meets_criteria = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING, db_index=True
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="pledge_application_amount_positive"),
            models.CheckConstraint(condition=models.Q(apprentices__gte=1), name="pledge_application_apprentices"),
            one_of("status", ApplicationStatus.values, name="pledge_application_status_valid"),
            # One application in play per vacancy and pledge.
            models.UniqueConstraint(
                fields=["pledge", "vacancy"],
                condition=models.Q(status__in=["pending", "approved", "accepted"]),
                name="pledge_application_one_open_per_vacancy",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.applicant} → pledge {self.pledge_id}: £{self.amount:,.0f} ({self.status})"


class PledgeEventAction(models.TextChoices):
    CREATED = "created", "Pledge created"
    WITHDRAWN = "withdrawn", "Pledge withdrawn"
    CLOSED = "closed", "Pledge closed"
    APPLIED = "applied", "Application made"
    APPROVED = "approved", "Application approved"
    AUTO_APPROVED = "auto_approved", "Application approved automatically"
    REJECTED = "rejected", "Application rejected"
    ACCEPTED = "accepted", "Funding accepted"
    DECLINED = "declined", "Funding declined"
    AUTO_DECLINED = "auto_declined", "Not accepted within 42 days: declined"
    APPLICATION_WITHDRAWN = "application_withdrawn", "Application withdrawn"
    EXPIRED = "expired", "Accepted funds unused: expired"
    FUNDS_USED = "funds_used", "Funds used"


class PledgeEvent(models.Model):
    """One step in a pledge's life: who did what, the money it moved, and what was left after."""

    Action = PledgeEventAction

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="events")
    application = models.ForeignKey(
        PledgeApplication, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    action = models.CharField(max_length=25, choices=Action.choices)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    amount = models.DecimalField(
        max_digits=12, decimal_places=2, default=0, help_text="Pounds taken from (−) or given back to (+) remaining."
    )
    remaining_after = models.DecimalField(max_digits=12, decimal_places=2)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    note = models.TextField(max_length=2000, blank=True, validators=[validate_multi_line])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [one_of("action", [a.value for a in PledgeEventAction], name="pledge_event_action_valid")]

    def __str__(self) -> str:
        return f"pledge {self.pledge_id}: {self.action}"
