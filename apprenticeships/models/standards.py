from django.db import models

from apprenticeships.models.base import TimeStampedModel, one_of

# Apprenticeship levels: 2 (intermediate) to 7 (master's degree).
MIN_LEVEL, MAX_LEVEL = 2, 7


class StandardStatus(models.TextChoices):
    APPROVED = "approved", "Approved for delivery"
    RETIRED = "retired", "Retired"


class Standard(TimeStampedModel):
    """An English apprenticeship standard (IfATE), identified by its LARS code."""

    Status = StandardStatus

    lars_code = models.PositiveIntegerField(unique=True)
    reference = models.CharField(max_length=10, blank=True, help_text="IfATE reference such as ST0116, where known.")
    title = models.CharField(max_length=255)
    level = models.PositiveSmallIntegerField()
    route = models.CharField(max_length=100)
    typical_duration_months = models.PositiveSmallIntegerField()
    max_funding = models.PositiveIntegerField(help_text="Maximum funding band, GBP.")
    keywords = models.TextField(blank=True, help_text="Separated by |")
    typical_job_titles = models.TextField(blank=True, help_text="Separated by |")
    overview = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.APPROVED)
    is_foundation = models.BooleanField(
        default=False, help_text="A foundation apprenticeship (level 2, for young people, from August 2025)."
    )

    class Meta:
        ordering = ["lars_code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__gte=MIN_LEVEL, level__lte=MAX_LEVEL), name="standard_level_2_to_7"
            ),
            one_of("status", StandardStatus.values, name="standard_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (level {self.level}, LARS {self.lars_code})"

    @property
    def is_level_7(self) -> bool:
        return self.level == 7

    @property
    def page_key(self) -> str:
        """What its page's address ends with: the IfATE reference (ST0116) where known, else the LARS code."""
        return self.reference or str(self.lars_code)

    @property
    def keyword_list(self) -> list[str]:
        return [k for k in self.keywords.split("|") if k]

    @property
    def job_title_list(self) -> list[str]:
        return [t for t in self.typical_job_titles.split("|") if t]


class StandardsCatalogue(TimeStampedModel):
    """One load of the standards catalogue: which export, of what date, and what it changed."""

    source = models.CharField(max_length=255, help_text="The file loaded, or the shipped snapshot.")
    published_on = models.DateField(null=True, blank=True, help_text="The date of the catalogue export.")
    standards = models.PositiveIntegerField(default=0)
    retired = models.PositiveIntegerField(default=0)
    foundation = models.PositiveIntegerField(default=0)
    level_7 = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source} ({self.published_on or 'undated'})"
