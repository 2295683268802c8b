from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from apprenticeships.models.base import TimeStampedModel
from apprenticeships.models.places import LocalAuthority
from lcr_skills.text import validate_single_line

phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 ()-]{5,28}$", "Enter a telephone number, like 0151 496 0000 or +44 151 496 0000."
)
ukprn_validator = RegexValidator(r"^1[0-9]{7}$", "A UKPRN is 8 digits starting with 1, for example 10001234.")
# A sane ceiling for a declared annual pay bill: the largest UK pay bills are tens of billions of pounds (the
# NHS in England, some 1.5 million staff across all its trusts, spends roughly £70bn a year on them), so
# £100bn is above any one employer's, yet keeps a typing slip, or a £1tn pay bill, off the hub's levy dashboard.
MAX_ANNUAL_PAY_BILL_GBP = 100_000_000_000


class Role(models.TextChoices):
    HUB = "hub", "Hub staff"
    EMPLOYER = "employer", "Employer"
    PROVIDER = "provider", "Training provider"


class Organisation(TimeStampedModel):
    name = models.CharField(max_length=200, validators=[validate_single_line])
    postcode = models.CharField(max_length=8, validators=[validate_single_line], help_text="Normalised, e.g. L1 8JQ.")
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, null=True, related_name="+")
    # Whom the hub phones or writes to when nobody at the organisation has an account yet.
    contact_name = models.CharField(max_length=200, blank=True, validators=[validate_single_line])
    contact_phone = models.CharField(max_length=30, blank=True, validators=[validate_single_line, phone_validator])
    contact_email = models.EmailField(blank=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Employer(Organisation):
    sector = models.CharField(max_length=100, blank=True, validators=[validate_single_line])
    is_levy_payer = models.BooleanField(default=False)
    annual_pay_bill = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_ANNUAL_PAY_BILL_GBP)],
        help_text="GBP a year.",
    )

    class Meta(Organisation.Meta):
        constraints = [
            models.CheckConstraint(condition=models.Q(annual_pay_bill__gte=0), name="employer_pay_bill_not_negative"),
            models.CheckConstraint(
                condition=models.Q(annual_pay_bill__lte=MAX_ANNUAL_PAY_BILL_GBP), name="employer_pay_bill_at_most_100bn"
            ),
        ]


class Provider(Organisation):
    class OfstedGrade(models.IntegerChoices):
        OUTSTANDING = 1, "Outstanding"
        GOOD = 2, "Good"
        REQUIRES_IMPROVEMENT = 3, "Requires improvement"
        INADEQUATE = 4, "Inadequate"

    ukprn = models.CharField(max_length=8, unique=True, validators=[ukprn_validator])
    ofsted_grade = models.PositiveSmallIntegerField(choices=OfstedGrade.choices, null=True, blank=True)
    achievement_rate = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Per cent of apprentices who achieve.",
    )

    class Meta(Organisation.Meta):
        constraints = [
            models.CheckConstraint(condition=models.Q(ukprn__regex=r"^1[0-9]{7}$"), name="provider_ukprn_format"),
            models.CheckConstraint(
                condition=models.Q(ofsted_grade__isnull=True) | models.Q(ofsted_grade__gte=1, ofsted_grade__lte=4),
                name="provider_ofsted_grade_1_to_4",
            ),
            models.CheckConstraint(
                condition=models.Q(achievement_rate__isnull=True)
                | models.Q(achievement_rate__gte=0, achievement_rate__lte=100),
                name="provider_achievement_rate_percent",
            ),
        ]


class Membership(TimeStampedModel):
    """Ties a non-hub user to exactly one organisation, which fixes the user's role."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    role = models.CharField(
        max_length=10, choices=[(Role.EMPLOYER, Role.EMPLOYER.label), (Role.PROVIDER, Role.PROVIDER.label)]
    )
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, null=True, blank=True, related_name="members")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, null=True, blank=True, related_name="members")
    # The organisation's admin may invite colleagues to it (and only to it).
    is_admin = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(role=Role.EMPLOYER, employer__isnull=False, provider__isnull=True)
                    | models.Q(role=Role.PROVIDER, provider__isnull=False, employer__isnull=True)
                ),
                name="membership_one_organisation_matching_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role} of {self.organisation})"

    @property
    def organisation(self) -> Employer | Provider:
        return self.employer if self.role == Role.EMPLOYER else self.provider
