from django.conf import settings
from django.db import models

from apprenticeships.models.base import TimeStampedModel


class FormSubmission(TimeStampedModel):
    """A one-time form token, used: where its first submission's result is, so a second creates nothing more."""

    token = models.CharField(max_length=64, unique=True)  # unique: two simultaneous submissions can't both claim it
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    form = models.CharField(max_length=40)
    done_url = models.CharField(max_length=200, blank=True, help_text="Where the first submission's result is.")

    def __str__(self) -> str:
        return f"{self.form} by user {self.user_id}"
