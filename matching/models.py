from django.conf import settings
from django.db import models

from apprenticeships.models import Cohort, CourseOffer, Vacancy
from lcr_skills.text import validate_multi_line
from matching.ml.explain import explanation_rows


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ScoringModel(TimeStamped):
    """A versioned scoring model (the pickled matching.ml.scoring.Matcher) and how it did."""

    class Status(models.TextChoices):
        ACTIVE = "active", "In use"
        CANDIDATE = "candidate", "Trained, not promoted"
        RETIRED = "retired", "Used before"

    version = models.CharField(max_length=40, unique=True)
    artefact = models.BinaryField()
    sklearn_version = models.CharField(max_length=20)
    params = models.JSONField(default=dict)
    metrics = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CANDIDATE)
    promoted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["status"], condition=models.Q(status="active"), name="one_active_model"),
        ]

    def __str__(self) -> str:
        return self.version


class MatchRun(TimeStamped):
    """One matching run: full (every standard, fanned out over workers) or incremental (one standard)."""

    class Kind(models.TextChoices):
        FULL = "full", "Full"
        INCREMENTAL = "incremental", "Incremental"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.FULL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    progress = models.FloatField(default=0.0)
    standards = models.JSONField(default=list, blank=True, help_text="Standard ids of an incremental run.")
    counts = models.JSONField(default=dict, blank=True)
    timings = models.JSONField(default=dict, blank=True)
    model = models.ForeignKey(ScoringModel, on_delete=models.PROTECT, null=True, related_name="runs")
    model_version = models.CharField(max_length=40, blank=True)
    error = models.TextField(blank=True)
    chunks_total = models.PositiveIntegerField(default=0)
    resumes = models.PositiveSmallIntegerField(default=0, help_text="Times it was picked up again after stalling.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(kind="full", status__in=["queued", "running"]),
                name="one_full_run_at_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} run {self.pk} ({self.status})"


class MatchRunChunk(TimeStamped):
    """One worker's share of a full run: a group of standards, and its results once computed."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    standards = models.JSONField(default=list)
    result = models.BinaryField(null=True)
    done = models.BooleanField(default=False)
    computed_by = models.CharField(max_length=100, blank=True, help_text="host:pid of the process that computed it.")
    # A lease: the process computing it now, and when it last said so (every fifth of
    # MATCH_CHUNK_LEASE_SECONDS). A chunk whose heartbeat stops was lost with its worker.
    claimed_by = models.CharField(max_length=100, blank=True, help_text="host:pid of the process computing it now.")
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="When that process last said so.")

    class Meta:
        ordering = ["index"]
        constraints = [models.UniqueConstraint(fields=["run", "index"], name="one_chunk_per_index")]

    def __str__(self) -> str:
        return f"Run {self.run_id} chunk {self.index}"


class EndReason(models.TextChoices):
    """Why an introduction ended before both parties agreed: its vacancy left the market
    (the reasons `apprenticeships.signals.vacancy_left_market` is sent with)."""

    WITHDRAWN = "withdrawn", "Vacancy withdrawn"
    CLOSED = "closed", "Vacancy closed"
    FILLED = "filled", "Vacancy filled"
    CHANGED = "changed", "Vacancy changed, back to hub review"
    REFERRED = "referred", "Vacancy referred back to the employer"


class Suggestion(TimeStamped):
    """A suggested pairing of a vacancy with a provider's cohort, its score and why."""

    class Status(models.TextChoices):
        SUGGESTED = "suggested", "Suggested"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        ACCEPTED = "accepted", "Accepted by one party"
        AGREED = "agreed", "Agreed"
        DECLINED = "declined", "Declined"
        ENDED = "ended", "Ended"  # the vacancy left the market before both parties agreed (`end_reason`)

    vacancy = models.ForeignKey(Vacancy, on_delete=models.CASCADE, related_name="suggestions")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="suggestions")
    course_offer = models.ForeignKey(CourseOffer, on_delete=models.CASCADE, related_name="suggestions")
    score = models.FloatField()
    rank = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUGGESTED, db_index=True)
    features = models.JSONField(default=dict, help_text="Each feature's value (FEATURES order), null if unknown.")
    contributions = models.JSONField(default=dict, help_text="Each feature's contribution; they add up to the score.")
    model_version = models.CharField(max_length=40)
    version = models.PositiveIntegerField(default=1, help_text="Goes up whenever the suggestion changes.")
    run = models.ForeignKey(MatchRun, on_delete=models.SET_NULL, null=True, related_name="suggestions")
    decided_at = models.DateTimeField(null=True, blank=True)
    reject_reason = models.CharField(max_length=20, blank=True)
    employer_response = models.CharField(max_length=10, blank=True, help_text="accepted or declined")
    provider_response = models.CharField(max_length=10, blank=True, help_text="accepted or declined")
    end_reason = models.CharField(
        max_length=10, choices=EndReason.choices, blank=True, help_text="Why an introduction ended (status ended)."
    )

    class Meta:
        ordering = ["vacancy_id", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["vacancy", "cohort"], name="one_suggestion_per_vacancy_and_cohort"),
            models.CheckConstraint(condition=models.Q(score__gte=0, score__lte=1), name="suggestion_score_0_to_1"),
            # An ended introduction always says why; nothing else has an end reason.
            models.CheckConstraint(
                condition=(models.Q(status="ended") & ~models.Q(end_reason=""))
                | (~models.Q(status="ended") & models.Q(end_reason="")),
                name="suggestion_end_reason_iff_ended",
            ),
        ]
        indexes = [models.Index(fields=["status", "vacancy"])]

    def __str__(self) -> str:
        return f"Suggestion {self.pk}: vacancy {self.vacancy_id} ↔ cohort {self.cohort_id} ({self.score:.2f})"

    @property
    def status_text(self) -> str:
        """The status in words, with why it ended (“Ended: vacancy withdrawn”)."""
        if self.status == self.Status.ENDED and self.end_reason:
            label = EndReason(self.end_reason).label
            return f"Ended: {label[:1].lower()}{label[1:]}"
        return self.get_status_display()

    @property
    def explanation(self) -> list[dict]:
        """Every feature's value, contribution and the words for it, biggest contribution first."""
        return explanation_rows(self.features, self.contributions)


class Gap(TimeStamped):
    """A live vacancy the last run could not match, and why."""

    vacancy = models.OneToOneField(Vacancy, on_delete=models.CASCADE, related_name="gap")
    reason = models.CharField(max_length=24)
    run = models.ForeignKey(MatchRun, on_delete=models.SET_NULL, null=True, related_name="gaps")

    def __str__(self) -> str:
        return f"{self.vacancy_id}: {self.reason}"


class RejectReason(models.TextChoices):
    """Why hub staff reject a suggestion: the gap data the region needs."""

    TOO_FAR = "too_far", "Too far"
    PROVIDER_QUALITY = "provider_quality", "Provider quality"
    START_DATES = "start_dates", "Start dates don't fit"
    PRICE = "price", "Price"
    EMPLOYER_PREFERENCE = "employer_preference", "Employer preference"
    OTHER = "other", "Other"


class SuggestionEvent(models.Model):
    """One entry of a suggestion's audit trail: who did what, when, why, and the suggestion as they saw it.

    Entries are only ever added: the model refuses to update or delete one, and no page or
    endpoint offers to.
    """

    class Action(models.TextChoices):
        APPROVE = "approve", "Approved"
        REJECT = "reject", "Rejected"
        ACCEPT = "accept", "Accepted"
        DECLINE = "decline", "Declined"
        AGREE = "agree", "Agreed by both"
        END = "end", "Ended: the vacancy left the market"
        KEEP = "keep", "Kept: agreed before the vacancy left the market"

    suggestion = models.ForeignKey(Suggestion, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=10, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    actor_role = models.CharField(max_length=10, help_text="Kept when a person's details are erased.")
    from_status = models.CharField(max_length=10)
    to_status = models.CharField(max_length=10)
    reason = models.CharField(max_length=20, blank=True)
    note = models.TextField(max_length=2000, blank=True, validators=[validate_multi_line])
    seen = models.JSONField(help_text="The suggestion as it was seen: score, rank, version, model, explanation.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # Exactly one hub decision per suggestion, whatever the concurrency.
            models.UniqueConstraint(
                fields=["suggestion"],
                condition=models.Q(action__in=["approve", "reject"]),
                name="one_decision_per_suggestion",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.suggestion_id}: {self.action} by {self.actor_role}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError("Audit entries can't be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs) -> None:
        raise PermissionError("Audit entries can't be deleted")
