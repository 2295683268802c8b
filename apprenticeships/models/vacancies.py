from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import URLValidator
from django.db import models

from apprenticeships.funding.rules import AGE_GROUPS
from apprenticeships.models.base import TimeStampedModel, one_of
from apprenticeships.models.delivery import DeliveryModesMixin
from apprenticeships.models.organisations import Employer
from apprenticeships.models.places import LocalAuthority
from apprenticeships.models.standards import Standard
from lcr_skills.text import validate_multi_line, validate_single_line

# Hours a week an apprenticeship may have (GOV.UK Recruit an apprentice); the database holds vacancies to them.
MIN_HOURS_PER_WEEK, MAX_HOURS_PER_WEEK = 16, 48


def default_age_groups() -> list[str]:
    return list(AGE_GROUPS)


class VacancyStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for review"
    LIVE = "live", "Live"
    FILLED = "filled", "Filled"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Vacancy(DeliveryModesMixin, TimeStampedModel):
    """An apprenticeship vacancy posted by an employer, funded by the levy or co-investment."""

    Status = VacancyStatus
    # The status groups, named once.
    EDITABLE = (Status.DRAFT, Status.LIVE)  # its employer may change it (a live one goes back to review)
    COMMITTING = (Status.SUBMITTED, Status.LIVE, Status.FILLED)  # counts against its employer's levy funds

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="vacancies")
    title = models.CharField(max_length=150, validators=[validate_single_line])
    description = models.TextField(max_length=5000, validators=[validate_multi_line])
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="vacancies")
    positions = models.PositiveSmallIntegerField(default=1)
    age_groups = models.JSONField(
        default=default_age_groups, help_text='Apprentice age groups it is open to: "16-18", "19-21", "22-24", "25+".'
    )
    duration_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Planned duration; empty means the standard's typical duration."
    )
    weekly_wage = models.DecimalField(max_digits=7, decimal_places=2)
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=1)
    postcode = models.CharField(max_length=8, validators=[validate_single_line])
    outcode = models.CharField(max_length=4)
    latitude = models.FloatField()
    longitude = models.FloatField()
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="vacancies")
    start_date = models.DateField()
    closing_date = models.DateField()
    notes = models.TextField(
        max_length=2000,
        blank=True,
        validators=[validate_multi_line],
        help_text="For providers only; never shown publicly.",
    )
    apply_url = models.URLField(
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["https"], message="Enter a web address starting https://")],
        help_text="The employer's own application page (https); empty: applicants apply through this service.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    live_at = models.DateTimeField(null=True, blank=True)
    # The public search's words (PostgreSQL only): title, standard, employer and description, stemmed in
    # English. A database trigger writes it on every insert and every change of those, the standard's
    # title or the employer's name (migration 0009), so bulk writes and raw updates keep it true;
    # Django never writes it. Its GIN index is made by that migration too (PostgreSQL only).
    search_vector = SearchVectorField(null=True, editable=False)
    # The hub's review order (matching.selectors.REVIEW_ORDER) as stored columns, so that an index on
    # the vacancy serves it (PostgreSQL only, like `search_vector`): the IMD 2019 rank of the workplace's
    # neighbourhood (apprenticeships.transport.deprivation.place_imd_rank) and of its local authority.
    # A database trigger writes both on every insert and update of a vacancy, and re-writes the vacancies
    # concerned when a full postcode, a district's neighbourhood or an authority's rank changes
    # (migration 0018); Django never writes them. SQLite leaves them empty and orders by the expressions.
    workplace_imd_rank = models.PositiveIntegerField(null=True, editable=False)
    authority_imd_rank = models.PositiveIntegerField(null=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "vacancies"
        indexes = [
            models.Index(fields=["status", "closing_date"]),
            models.Index(fields=["standard", "status"]),
            # The public search's distance: a box around the postcode before the distance (within_box).
            models.Index(
                fields=["latitude", "longitude"], condition=models.Q(status="live"), name="vacancy_live_lat_lon"
            ),
            # The review queue walks vacancies in review order, then each one's suggestions.
            models.Index(
                fields=["workplace_imd_rank", "authority_imd_rank", "live_at", "id"], name="vacancy_review_order"
            ),
            # The triggers that keep the ranks above find a postcode's or a district's vacancies.
            models.Index(fields=["postcode"], name="vacancy_postcode"),
            models.Index(fields=["outcode"], name="vacancy_outcode"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(positions__gte=1), name="vacancy_positions_at_least_one"),
            models.CheckConstraint(
                condition=models.Q(hours_per_week__gte=MIN_HOURS_PER_WEEK, hours_per_week__lte=MAX_HOURS_PER_WEEK),
                name="vacancy_hours_16_to_48",
            ),
            models.CheckConstraint(condition=models.Q(weekly_wage__gt=0), name="vacancy_wage_positive"),
            one_of("status", VacancyStatus.values, name="vacancy_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.employer})"

    @property
    def planned_duration_months(self) -> int:
        return self.duration_months or self.standard.typical_duration_months

    @property
    def annual_wage(self):  # noqa: ANN201 - a Decimal
        return self.weekly_wage * 52


class VacancyTransition(models.Model):
    """One step of a vacancy's lifecycle: who moved it, when, from what to what, and why."""

    vacancy = models.ForeignKey(Vacancy, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=10, choices=Vacancy.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Vacancy.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    comment = models.TextField(max_length=2000, blank=True, validators=[validate_multi_line])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            one_of("from_status", VacancyStatus.values, blank=True, name="vacancy_transition_from_status_valid"),
            one_of("to_status", VacancyStatus.values, name="vacancy_transition_to_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.vacancy_id}: {self.from_status or 'new'} → {self.to_status}"


class SearchWord(models.Model):
    """A word of a vacancy's or a standard's title: the vocabulary the public search's fuzzy match compares
    typed words with (PostgreSQL only).

    A misspelt or differently ended word ("plumber", "electrican") is compared, by trigram word
    similarity through a trigram index, with these few thousand words rather than with every vacancy;
    the words found are then looked up in the vacancies' full-text index, in the title and the
    standard's title only (https://www.postgresql.org/docs/current/pgtrgm.html#PGTRGM-TEXT-SEARCH).
    Database triggers add the words of every title written (migration 0018); nothing else writes here.
    """

    word = models.CharField(max_length=150, primary_key=True)

    def __str__(self) -> str:
        return self.word
