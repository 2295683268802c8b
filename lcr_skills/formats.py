"""The service's one money format and one date format, for pages and e-mails alike.

GOV.UK style (https://www.gov.uk/guidance/style-guide/a-to-z#money, #dates): £18,000 and
£75.50, pence only when there are any; 6 December 2026, no leading zero and no abbreviation;
times as 3:04pm, midday, and 11:59pm rather than midnight. The pages use these through the
template filters in apprenticeships/templatetags/govuk.py; Python that writes messages or e-mails
calls them directly.
"""

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone


def money(value: Decimal | int | float | str | None, *, whole: bool = False) -> str:
    """£18,000 for whole pounds, £18,000.50 otherwise (`whole`: rounded to the pound, for estimates)."""
    if value is None or value == "":
        return ""
    places = Decimal("1") if whole else Decimal("0.01")
    amount = Decimal(str(value)).quantize(places, rounding=ROUND_HALF_UP)
    sign, amount = ("-" if amount < 0 else ""), abs(amount)
    if amount == amount.to_integral_value():
        return f"{sign}£{amount:,.0f}"
    return f"{sign}£{amount:,.2f}"


def long_date(value: date | datetime | None) -> str:
    """6 December 2026 (a datetime is shown on its local day)."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value.day} {value:%B %Y}"


def long_datetime(value: datetime | None) -> str:
    """6 December 2026 at 3:04pm (local time); midday; midnight as 11:59pm the day before.

    "Midnight" is ambiguous, so a time on the stroke of midnight is shown as the last minute of
    the day that is ending.
    """
    if not value:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    if (local.hour, local.minute) == (0, 0):
        local -= timedelta(minutes=1)
    if (local.hour, local.minute) == (12, 0):
        return f"{long_date(local)} at midday"
    hour = local.hour % 12 or 12
    return f"{long_date(local)} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def month(value: date | datetime | None) -> str:
    """December 2026, for figures kept by the month."""
    return f"{value:%B %Y}" if value else ""
