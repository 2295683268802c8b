from django.conf import settings
from django.db import models

from apprenticeships.models.base import TimeStampedModel
from apprenticeships.models.offers import CourseOffer


class ShortlistEntry(TimeStampedModel):
    """A course offer an employer's user has kept to look at again: each person has their own shortlist."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shortlist")
    offer = models.ForeignKey(CourseOffer, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "shortlist entries"
        constraints = [models.UniqueConstraint(fields=["user", "offer"], name="one_shortlist_entry_per_user_and_offer")]

    def __str__(self) -> str:
        return f"{self.user} shortlisted offer {self.offer_id}"
