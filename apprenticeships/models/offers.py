from django.db import models

from apprenticeships.models.base import TimeStampedModel, one_of
from apprenticeships.models.delivery import DeliveryModesMixin
from apprenticeships.models.organisations import Provider
from apprenticeships.models.places import LocalAuthority
from apprenticeships.models.standards import Standard
from lcr_skills.formats import long_date
from lcr_skills.text import validate_multi_line, validate_single_line

# The furthest a provider may say it travels from a delivery location; the database holds locations to it.
MAX_RADIUS_KM = 200


class CourseOfferStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class CourseOffer(DeliveryModesMixin, TimeStampedModel):
    """A provider's offer to deliver one standard: where, how, when (cohorts) and at what price."""

    Status = CourseOfferStatus

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="offers")
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="offers")
    title = models.CharField(max_length=150, validators=[validate_single_line])
    description = models.TextField(max_length=5000, blank=True, validators=[validate_multi_line])
    price = models.DecimalField(max_digits=8, decimal_places=2, help_text="GBP per apprentice.")
    national = models.BooleanField(default=False, help_text="Delivers anywhere in England.")
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.OPEN, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["standard", "status"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(price__gte=0), name="offer_price_not_negative"),
            one_of("status", CourseOfferStatus.values, name="offer_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.provider})"


class OfferLocation(models.Model):
    """A place an offer is delivered from, and how far from it the provider will go."""

    offer = models.ForeignKey(CourseOffer, on_delete=models.CASCADE, related_name="locations")
    postcode = models.CharField(max_length=8, validators=[validate_single_line])
    radius_km = models.PositiveSmallIntegerField()
    latitude = models.FloatField()
    longitude = models.FloatField()
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(radius_km__gte=1, radius_km__lte=MAX_RADIUS_KM), name="location_radius_1_to_200"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.postcode} + {self.radius_km} km"


class Cohort(TimeStampedModel):
    """A group of apprentices starting an offer on one date, with a number of places."""

    offer = models.ForeignKey(CourseOffer, on_delete=models.CASCADE, related_name="cohorts")
    start_date = models.DateField()
    places = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["start_date", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(places__gte=0), name="cohort_places_not_negative")]

    def __str__(self) -> str:
        return f"{long_date(self.start_date)}, {self.places} places"
