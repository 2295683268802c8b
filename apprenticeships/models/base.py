"""What every model shares: created/updated timestamps, and a database check that a field holds one of its choices."""

from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


def one_of(field: str, values: list[str], *, name: str, blank: bool = False) -> models.CheckConstraint:
    """A check constraint: `field` holds one of `values` (a TextChoices' values), or is empty where `blank`."""
    allowed = [*values, ""] if blank else list(values)
    return models.CheckConstraint(condition=models.Q(**{f"{field}__in": allowed}), name=name)
