import math
from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.utils import timezone

from apprenticeships.models import Cohort, CourseOffer, Employer, Provider, Standard, Vacancy
from apprenticeships.models.base import TimeStampedModel, one_of
from lcr_skills.text import validate_multi_line
from matching.ml import candidates
from matching.ml.explain import explanation_rows


class ScoringModelStatus(models.TextChoices):
    ACTIVE = "active", "In use"
    CANDIDATE = "candidate", "Trained, not promoted"
    RETIRED = "retired", "Used before"


class ScoringModel(TimeStampedModel):
    """A versioned scoring model (the pickled matching.ml.scoring.Matcher) and how it did."""

    Status = ScoringModelStatus

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
            models.UniqueConstraint(
                fields=["status"], condition=models.Q(status=ScoringModelStatus.ACTIVE), name="one_active_model"
            ),
            one_of("status", ScoringModelStatus.values, name="scoring_model_status_valid"),
        ]

    def __str__(self) -> str:
        return self.version


class MatchRunKind(models.TextChoices):
    FULL = "full", "Full"
    INCREMENTAL = "incremental", "Incremental"


class MatchRunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


# A run not finished yet: waiting for a worker or being computed.
RUN_IN_PROGRESS = (MatchRunStatus.QUEUED, MatchRunStatus.RUNNING)


class MatchRun(TimeStampedModel):
    """One matching run: full (every standard, fanned out over workers) or incremental (one standard)."""

    Kind = MatchRunKind
    Status = MatchRunStatus
    IN_PROGRESS = RUN_IN_PROGRESS

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
    optimality_gap = models.FloatField(
        null=True,
        blank=True,
        help_text="How far the first suggestions' total score may be below the best possible, as a share of it "
        "(0: optimal).",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(kind=MatchRunKind.FULL, status__in=list(RUN_IN_PROGRESS)),
                name="one_full_run_at_a_time",
            ),
            one_of("kind", MatchRunKind.values, name="match_run_kind_valid"),
            one_of("status", MatchRunStatus.values, name="match_run_status_valid"),
        ]
        indexes = [
            # The last full run to succeed (whose provider shares are in force), among a re-match's run each.
            models.Index(
                fields=["-id"],
                condition=models.Q(kind=MatchRunKind.FULL, status=MatchRunStatus.SUCCEEDED),
                name="match_run_full_succeeded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} run {self.pk} ({self.status})"

    @property
    def optimality(self) -> str:
        """The gap in words: "optimal", or "within 0.08% of the best possible total" ("" before it is known)."""
        if self.optimality_gap is None:
            return ""
        if self.optimality_gap <= 0:
            return "optimal"
        # Rounded up to a hundredth of a per cent, so the words never claim less than the gap.
        return f"within {math.ceil(self.optimality_gap * 1e4) / 1e4:.2%} of the best possible total"


class MatchRunChunk(TimeStampedModel):
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


class StagedSuggestion(TimeStampedModel):
    """A full run's suggestion, written by the chunk that computed it, until `run_finalize` swaps the
    run's suggestions in (matching.services.results): chunks write in parallel, the swap stays atomic."""

    # Indexed by the unique constraint below, which starts with the run.
    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="+", db_index=False)
    chunk = models.PositiveIntegerField()
    # Plain ids, not foreign keys: hundreds of thousands of rows are written once and read once, by the
    # swap, which checks them as it inserts them into Suggestion.
    vacancy_id = models.BigIntegerField()
    cohort_id = models.BigIntegerField()
    course_offer_id = models.BigIntegerField()
    score = models.FloatField()
    rank = models.PositiveSmallIntegerField()
    # Left out (null) where the chunk saw an open suggestion with this pair, score and rank already: the
    # swap leaves that one as it is (and fills them in from the chunk's result if it changed meanwhile).
    features = models.JSONField(null=True)
    contributions = models.JSONField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "vacancy_id", "cohort_id"], name="one_staged_suggestion_per_pair")
        ]

    def __str__(self) -> str:
        return f"Run {self.run_id} chunk {self.chunk}: vacancy {self.vacancy_id} ↔ cohort {self.cohort_id}"


class ProviderShare(models.Model):
    """A provider's share of the hub's approved matches, as a full run took it when it began.

    A feature of every pair (matching.ml.features), so an approval would move every score of the
    provider. Scores use the shares of the last full run that succeeded instead (the run's own, for
    its chunks): an approval moves no score until the next full run, and the slack ledgers of the
    standards it did not touch still hold (StandardSlack). Providers without approvals have no row."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="+")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="+")
    share = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "provider"], name="one_share_per_run_and_provider")]

    def __str__(self) -> str:
        return f"Run {self.run_id}, provider {self.provider_id}: {self.share:.1%}"


class CohortPrice(models.Model):
    """A cohort's capacity price from the last allocation that solved it: the dual value of its places
    (0 where nobody competed for them). A re-match of one contested vacancy builds on these to prove
    a small re-solve keeps the optimum (matching.ml.incremental.restricted_solve)."""

    cohort = models.OneToOneField(Cohort, on_delete=models.CASCADE, primary_key=True, related_name="+")
    price = models.FloatField()

    def __str__(self) -> str:
        return f"Cohort {self.cohort_id}: {self.price:.6f} a position"


class StandardSlack(models.Model):
    """How far a standard's rank 1s may be from its best possible total, by its cohorts' prices.

    `slack` bounds D(p) - total from above (matching.ml.incremental): the last whole solve of the
    standard sets it, and `recorded` with it (0 when that solve was optimal); each re-match of one
    vacancy adds what it moved. A re-match re-solved against the prices is kept only while `slack`
    stays within `recorded`, so it never leaves the standard further from its optimum than the last
    whole solve did. Forgotten (`slack` null, `forgotten_at` set) when something changed the market or
    the scores in a way the ledger can't follow (a hub decision in the standard, an offer or cohort
    change, a new model): re-matches then re-solve the component until a whole solve that started after that."""

    standard = models.OneToOneField(Standard, on_delete=models.CASCADE, primary_key=True, related_name="+")
    slack = models.FloatField(null=True)
    recorded = models.FloatField(default=0.0)
    bound = models.FloatField(default=0.0)  # D(p), kept with the slack: the best total any assignment could reach
    forgotten_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"Standard {self.standard_id}: slack {self.slack} (recorded {self.recorded:.2e})"

    @classmethod
    def forget(cls, standard_ids: Iterable[int] | None = None) -> None:
        """The market or scores of these standards (None: every one) changed in a way the slack can't
        follow. Kept as a row, with when, so that a whole solve that read the market before then does
        not bring it back (`matching.services.results.prices_write`)."""
        standards = (
            Standard.objects.all() if standard_ids is None else Standard.objects.filter(id__in=set(standard_ids))
        )
        ids = list(standards.values_list("id", flat=True))
        now = timezone.now()
        cls.objects.bulk_create(
            [cls(standard_id=i, slack=None, forgotten_at=now) for i in ids],
            update_conflicts=True,
            unique_fields=["standard"],
            update_fields=["slack", "forgotten_at"],
        )


class EndReason(models.TextChoices):
    """Why an introduction ended before both parties agreed: its vacancy left the market
    (the reasons `apprenticeships.signals.vacancy_left_market` is sent with)."""

    WITHDRAWN = "withdrawn", "Vacancy withdrawn"
    CLOSED = "closed", "Vacancy closed"
    FILLED = "filled", "Vacancy filled"
    CHANGED = "changed", "Vacancy changed, back to hub review"
    REFERRED = "referred", "Vacancy referred back to the employer"


class RejectReason(models.TextChoices):
    """Why hub staff reject a suggestion: the gap data the region needs."""

    TOO_FAR = "too_far", "Too far"
    PROVIDER_QUALITY = "provider_quality", "Provider quality"
    START_DATES = "start_dates", "Start dates don't fit"
    PRICE = "price", "Price"
    EMPLOYER_PREFERENCE = "employer_preference", "Employer preference"
    OTHER = "other", "Other"


def reject_note_missing(reason: str, note: str) -> bool:
    """The rule for a rejection's note: “other” needs one saying why (the form, the API and the service say so)."""
    return reason == RejectReason.OTHER and not note.strip()


class SuggestionStatus(models.TextChoices):
    SUGGESTED = "suggested", "Suggested"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    ACCEPTED = "accepted", "Accepted by one party"
    AGREED = "agreed", "Agreed"
    DECLINED = "declined", "Declined"
    ENDED = "ended", "Ended"  # the vacancy left the market before both parties agreed (`end_reason`)


class PartyResponse(models.TextChoices):
    """An employer's or provider's answer to an introduction."""

    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class Suggestion(TimeStampedModel):
    """A suggested pairing of a vacancy with a provider's cohort, its score and why."""

    Status = SuggestionStatus
    # The status groups, named once. Every status is either suggested, rejected or introduced.
    HOLDING_PLACES = (Status.APPROVED, Status.ACCEPTED)  # introduced, not yet answered by both: holds cohort places
    MATCHED = (*HOLDING_PLACES, Status.AGREED)  # its vacancy has its match: no other may be approved
    INTRODUCED = (*MATCHED, Status.DECLINED, Status.ENDED)  # the hub approved it: the parties see it
    DECIDED = (*INTRODUCED, Status.REJECTED)  # the hub has decided it
    CLOSED = (Status.REJECTED, Status.DECLINED, Status.ENDED)  # over, without a match
    OPEN = (Status.SUGGESTED, *MATCHED)  # still under review or matched: what a vacancy leaving the market ends

    # No index of its own: the unique (vacancy, cohort) constraint's index starts with it (as the
    # (status, vacancy) index does with the status). Each index is written again for every
    # suggestion a full run inserts; these two and the status's LIKE index cost a region's run 1.2 s.
    vacancy = models.ForeignKey(Vacancy, on_delete=models.CASCADE, related_name="suggestions", db_index=False)
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="suggestions")
    course_offer = models.ForeignKey(CourseOffer, on_delete=models.CASCADE, related_name="suggestions")
    score = models.FloatField()
    rank = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUGGESTED)
    features = models.JSONField(default=dict, help_text="Each feature's value (FEATURES order), null if unknown.")
    contributions = models.JSONField(default=dict, help_text="Each feature's contribution; they add up to the score.")
    model_version = models.CharField(max_length=40)
    version = models.PositiveIntegerField(default=1, help_text="Goes up whenever the suggestion changes.")
    run = models.ForeignKey(MatchRun, on_delete=models.SET_NULL, null=True, related_name="suggestions")
    decided_at = models.DateTimeField(null=True, blank=True)
    reject_reason = models.CharField(max_length=20, choices=RejectReason.choices, blank=True)
    employer_response = models.CharField(max_length=10, choices=PartyResponse.choices, blank=True)
    provider_response = models.CharField(max_length=10, choices=PartyResponse.choices, blank=True)
    end_reason = models.CharField(
        max_length=10, choices=EndReason.choices, blank=True, help_text="Why an introduction ended (status ended)."
    )
    # Three-way matching (issue 17, matching/services/pledges.py): the levy-transfer pledge proposed to pay.
    pledge = models.ForeignKey(
        "apprenticeships.Pledge", on_delete=models.SET_NULL, null=True, blank=True, related_name="suggestions"
    )
    transfer_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    pledge_reason = models.CharField(max_length=500, blank=True, help_text="Why this pledge, in words.")

    class Meta:
        ordering = ["vacancy_id", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["vacancy", "cohort"], name="one_suggestion_per_vacancy_and_cohort"),
            models.CheckConstraint(condition=models.Q(score__gte=0, score__lte=1), name="suggestion_score_0_to_1"),
            # An ended introduction always says why; nothing else has an end reason.
            models.CheckConstraint(
                condition=(models.Q(status=SuggestionStatus.ENDED) & ~models.Q(end_reason=""))
                | (~models.Q(status=SuggestionStatus.ENDED) & models.Q(end_reason="")),
                name="suggestion_end_reason_iff_ended",
            ),
            models.CheckConstraint(
                condition=models.Q(pledge__isnull=True, transfer_amount__isnull=True)
                | models.Q(pledge__isnull=False, transfer_amount__gt=0),
                name="suggestion_pledge_with_transfer_amount",
            ),
            one_of("status", SuggestionStatus.values, name="suggestion_status_valid"),
            one_of("end_reason", EndReason.values, blank=True, name="suggestion_end_reason_valid"),
            one_of("reject_reason", RejectReason.values, blank=True, name="suggestion_reject_reason_valid"),
            one_of("employer_response", PartyResponse.values, blank=True, name="suggestion_employer_response_valid"),
            one_of("provider_response", PartyResponse.values, blank=True, name="suggestion_provider_response_valid"),
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
        return self.explanation_for("hub")

    def explanation_for(self, reader: str) -> list[dict]:
        """The explanation in the words of one reader (employer, provider or hub)."""
        return explanation_rows(self.features, self.contributions, reader=reader)


class GapReason(models.TextChoices):
    """Why a run could not match a live vacancy (the codes matching.ml.candidates gives, in words)."""

    NO_PROVIDER = candidates.GapReason.NO_PROVIDER, "No provider offers this standard"
    OUT_OF_REACH = candidates.GapReason.OUT_OF_REACH, "No provider delivers within reach"
    NO_COHORT_IN_WINDOW = candidates.GapReason.NO_COHORT_IN_WINDOW, "No cohort starts near the vacancy's start date"
    NO_PLACES = candidates.GapReason.NO_PLACES, "No places left in the cohorts that fit"
    ALL_REJECTED = candidates.GapReason.ALL_REJECTED, "The hub rejected every provider that fits"
    OUT_OF_REACH_BY_TRANSPORT = (
        candidates.GapReason.OUT_OF_REACH_BY_TRANSPORT,
        "No venue taught in person is reachable by public transport in time",
    )


class Gap(TimeStampedModel):
    """A live vacancy the last run could not match, and why."""

    vacancy = models.OneToOneField(Vacancy, on_delete=models.CASCADE, related_name="gap")
    reason = models.CharField(max_length=32, choices=GapReason.choices)
    run = models.ForeignKey(MatchRun, on_delete=models.SET_NULL, null=True, related_name="gaps")

    class Meta:
        constraints = [one_of("reason", GapReason.values, name="gap_reason_valid")]

    def __str__(self) -> str:
        return f"{self.vacancy_id}: {self.reason}"


# The audit trail's reason: a hub rejection's, or why an introduction ended (or an agreed match's vacancy left).
EVENT_REASONS = [*RejectReason.choices, *EndReason.choices]


class SuggestionAction(models.TextChoices):
    APPROVE = "approve", "Approved"
    REJECT = "reject", "Rejected"
    ACCEPT = "accept", "Accepted"
    DECLINE = "decline", "Declined"
    AGREE = "agree", "Agreed by both"
    END = "end", "Ended: the vacancy left the market"
    KEEP = "keep", "Kept: agreed before the vacancy left the market"


# The hub's decisions on a suggestion (one each, at most); the other actions are the parties' answers and the service's.
HUB_DECISIONS = (SuggestionAction.APPROVE, SuggestionAction.REJECT)


class SuggestionEvent(models.Model):
    """One entry of a suggestion's audit trail: who did what, when, why, and the suggestion as they saw it.

    Entries are only ever added: the model refuses to update or delete one, and no page or
    endpoint offers to.
    """

    Action = SuggestionAction
    HUB_DECISIONS = HUB_DECISIONS

    suggestion = models.ForeignKey(Suggestion, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=10, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    actor_role = models.CharField(max_length=10, help_text="Kept when a person's details are erased.")
    from_status = models.CharField(max_length=10, choices=SuggestionStatus.choices)
    to_status = models.CharField(max_length=10, choices=SuggestionStatus.choices)
    reason = models.CharField(max_length=20, choices=EVENT_REASONS, blank=True)
    note = models.TextField(max_length=2000, blank=True, validators=[validate_multi_line])
    seen = models.JSONField(help_text="The suggestion as it was seen: score, rank, version, model, explanation.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # Exactly one hub decision per suggestion, whatever the concurrency.
            models.UniqueConstraint(
                fields=["suggestion"],
                condition=models.Q(action__in=list(HUB_DECISIONS)),
                name="one_decision_per_suggestion",
            ),
            one_of("action", SuggestionAction.values, name="suggestion_event_action_valid"),
            one_of("from_status", SuggestionStatus.values, name="suggestion_event_from_status_valid"),
            one_of("to_status", SuggestionStatus.values, name="suggestion_event_to_status_valid"),
            one_of(
                "reason",
                [*RejectReason.values, *EndReason.values],
                blank=True,
                name="suggestion_event_reason_valid",
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


class IntroductionRequestStatus(models.TextChoices):
    OPEN = "open", "Waiting for the hub"
    ACCEPTED = "accepted", "Introduced by the hub"
    DECLINED = "declined", "Declined by the hub"


class IntroductionRequest(TimeStampedModel):
    """An employer asking the hub to introduce it to the provider of a course offer (for one of its
    vacancies, or in general); hub staff accept it, which introduces them, or decline it with a reason."""

    Status = IntroductionRequestStatus

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="introduction_requests")
    course_offer = models.ForeignKey(CourseOffer, on_delete=models.CASCADE, related_name="introduction_requests")
    vacancy = models.ForeignKey(
        Vacancy, on_delete=models.CASCADE, null=True, blank=True, related_name="introduction_requests"
    )
    message = models.TextField(max_length=2000, blank=True, validators=[validate_multi_line])
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(max_length=2000, blank=True, validators=[validate_multi_line])

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # One open request per employer, offer and vacancy (or none): two partial indexes, as a
            # NULL vacancy would otherwise never equal another (NULLS NOT DISTINCT is PostgreSQL 15+ only).
            models.UniqueConstraint(
                fields=["employer", "course_offer", "vacancy"],
                condition=models.Q(status=IntroductionRequestStatus.OPEN, vacancy__isnull=False),
                name="one_open_request_per_employer_offer_vacancy",
            ),
            models.UniqueConstraint(
                fields=["employer", "course_offer"],
                condition=models.Q(status=IntroductionRequestStatus.OPEN, vacancy__isnull=True),
                name="one_open_request_per_employer_offer_without_vacancy",
            ),
            # A declined request always says why; nothing else has a decline reason.
            models.CheckConstraint(
                condition=(models.Q(status=IntroductionRequestStatus.DECLINED) & ~models.Q(decline_reason=""))
                | (~models.Q(status=IntroductionRequestStatus.DECLINED) & models.Q(decline_reason="")),
                name="introduction_request_decline_reason_iff_declined",
            ),
            one_of("status", IntroductionRequestStatus.values, name="introduction_request_status_valid"),
        ]

    def __str__(self) -> str:
        return f"Request {self.pk}: employer {self.employer_id} → offer {self.course_offer_id} ({self.status})"
