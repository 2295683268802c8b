"""What residents leave with us without an account: applications to vacancies, and e-mail alerts for a search."""

from django.db import models

from apprenticeships.funding.rules import AGE_GROUPS
from apprenticeships.models.base import TimeStampedModel, one_of
from apprenticeships.models.vacancies import Vacancy
from lcr_skills.text import validate_multi_line, validate_single_line

ABOUT_MAX_LENGTH = 2000


class ApplicationStatus(models.TextChoices):
    NEW = "new", "New"
    CONTACTED = "contacted", "Contacted"
    INTERVIEWING = "interviewing", "Interviewing"
    OFFERED = "offered", "Offered the job"
    UNSUCCESSFUL = "unsuccessful", "Unsuccessful"


class Application(TimeStampedModel):
    """A resident's application to a live vacancy, made through the service. Deleted after the retention period."""

    Status = ApplicationStatus

    vacancy = models.ForeignKey(Vacancy, on_delete=models.CASCADE, related_name="applications")
    name = models.CharField(max_length=100, validators=[validate_single_line])
    email = models.EmailField(max_length=254, db_index=True)
    phone = models.CharField(max_length=20, blank=True, validators=[validate_single_line])
    postcode = models.CharField(max_length=8, blank=True, validators=[validate_single_line])
    age_group = models.CharField(max_length=5, blank=True, choices=[(group, group) for group in AGE_GROUPS])
    about = models.TextField(max_length=ABOUT_MAX_LENGTH, blank=True, validators=[validate_multi_line])
    consented_at = models.DateTimeField(help_text="When the applicant agreed to their details being shared.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["vacancy", "status"])]
        constraints = [
            one_of("status", ApplicationStatus.values, name="application_status_valid"),
            one_of("age_group", list(AGE_GROUPS), blank=True, name="application_age_group_valid"),
        ]

    def __str__(self) -> str:
        return f"Application {self.pk} to vacancy {self.vacancy_id}"


class VacancyAlert(TimeStampedModel):
    """A daily e-mail of new live vacancies matching a public search; active once the address confirms it."""

    email = models.EmailField(max_length=254, db_index=True)
    search = models.JSONField(default=dict, help_text="The public search's query parameters, as given.")
    search_key = models.CharField(max_length=64, help_text="A digest of the search, so one address has one alert each.")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_sent_at = models.DateTimeField(
        null=True, blank=True, help_text="Vacancies live since then go in the next e-mail."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["email", "search_key"], name="alert_one_per_address_and_search")]

    def __str__(self) -> str:
        return f"Alert {self.pk}"
