"""Formatting for pages, in GOV.UK style: £18,000, £1,234.50, 12 January 2027, 3:04pm (lcr_skills.formats)."""

import math
from datetime import date, datetime
from decimal import Decimal

from django import template

from apprenticeships.funding.rules import AGE_GROUP_WORDS
from apprenticeships.rules import KM_PER_MILE
from lcr_skills import formats

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
def money(value: Decimal | int | float | None, rounding: str = "") -> str:
    """£18,000, or £18,000.50 when there are pence; `|money:"whole"` rounds to the pound (lcr_skills.formats)."""
    return formats.money(value, whole=rounding == "whole")


@register.filter
def govuk_date(value: date | datetime | None) -> str:
    """6 December 2026."""
    return formats.long_date(value)


@register.filter
def govuk_datetime(value: datetime | None) -> str:
    """6 December 2026 at 3:04pm (local time); midday; midnight as 11:59pm the day before."""
    return formats.long_datetime(value)


@register.filter
def govuk_month(value: date | datetime | None) -> str:
    """December 2026."""
    return formats.month(value)


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
def age_group_text(group: str) -> str:
    """ "16-18" → "16 to 18"."""
    return AGE_GROUP_WORDS.get(group, group)


@register.filter
def age_groups_text(groups: list[str] | None) -> str:
    """["16-18", "19-21"] → "16 to 18 and 19 to 21"."""
    names = [AGE_GROUP_WORDS.get(group, group) for group in groups or []]
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
