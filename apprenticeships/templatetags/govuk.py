"""Formatting for pages, in GOV.UK style: £1,234.50, 12 January 2027, 3:04pm."""

import math
from datetime import date, datetime, timedelta
from decimal import Decimal

from django import template
from django.utils import timezone

from apprenticeships.rules import KM_PER_MILE

register = template.Library()

# Colours of status tags (GOV.UK tag component); anything unlisted is grey.
TAG_COLOURS = {
    "draft": "grey",
    "submitted": "blue",
    "live": "green",
    "filled": "purple",
    "closed": "orange",
    "withdrawn": "red",
    "open": "green",
}


@register.filter
def money(value: Decimal | int | float | None) -> str:
    """£1,234.50; whole pounds keep their pence (£300.00) so a column of prices lines up."""
    if value is None or value == "":
        return ""
    return f"£{Decimal(value):,.2f}"


@register.filter
def govuk_date(value: date | datetime | None) -> str:
    if not value:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    return f"{value.day} {value:%B %Y}"


@register.filter
def govuk_datetime(value: datetime | None) -> str:
    """12 January 2027 at 3:04pm (local time); midday; midnight as 11:59pm the day before.

    GOV.UK style: "midnight" is ambiguous, so a time on the stroke of midnight is shown as the
    last minute of the day that is ending.
    """
    if not value:
        return ""
    local = timezone.localtime(value)
    if (local.hour, local.minute) == (0, 0):
        local -= timedelta(minutes=1)
    if (local.hour, local.minute) == (12, 0):
        return f"{local.day} {local:%B %Y} at midday"
    hour = local.hour % 12 or 12
    return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


@register.filter
def km_from_squared(distance_sq: float | None) -> str:
    """A squared distance in km² as a distance in km with one decimal place."""
    if distance_sq is None:
        return ""
    return f"{math.sqrt(max(distance_sq, 0.0)):.1f}"


@register.filter
def miles_from_squared(distance_sq: float | None) -> str:
    """A squared distance in km² as a distance in miles with one decimal place."""
    if distance_sq is None:
        return ""
    return f"{math.sqrt(max(distance_sq, 0.0)) / KM_PER_MILE:.1f}"


# What each apprenticeship level is equivalent to (GOV.UK, "What qualification levels mean").
LEVEL_NAMES = {2: "intermediate", 3: "advanced", 4: "higher", 5: "higher", 6: "degree", 7: "master's degree"}


@register.filter
def level_text(level: int | None) -> str:
    """3 → "3 (advanced)"."""
    name = LEVEL_NAMES.get(level or 0)
    return f"{level} ({name})" if name else str(level or "")


@register.filter
def age_groups_text(groups: list[str] | None) -> str:
    """["16-18", "19-21"] → "16 to 18 and 19 to 21"."""
    names = [group.replace("-", " to ").replace("25+", "25 and over") for group in groups or []]
    return " and ".join(filter(None, [", ".join(names[:-1]), names[-1]])) if names else ""


@register.filter
def hours(value: Decimal | None) -> str:
    """37.5 → "37.5", 30.0 → "30"."""
    if value is None:
        return ""
    return f"{Decimal(value).normalize():f}"


@register.filter
def tag_colour(status: str) -> str:
    return f"govuk-tag--{TAG_COLOURS.get(str(status), 'grey')}"


@register.filter
def startswith(value: str, prefix: str) -> bool:
    """For navigation: whether the current path is within a section's url."""
    return str(value).startswith(str(prefix))
