"""Levy transfers (issue 17): pounds pledged, held, used and expired, and where the money reaches.

An application's amount reaches the area (and IMD decile) of its vacancy's workplace once it is
approved: "held" while approved or accepted, "used" once the apprenticeship started on it,
"expired" if accepted funds went unused for 3 months. Grouped in the database, so the page costs
the same few queries at any size.
"""

from decimal import Decimal

from django.db.models import Case, Count, F, Q, Sum, Value, When

from apprenticeships.models import LocalAuthority, Pledge, PledgeApplication
from matching.dashboard.reports.common import (
    IMD_AUTHORITIES,
    MONEY,
    area_keys,
    city_region_authorities,
    decile,
    every_authority,
    summed,
)

A = PledgeApplication.Status
HELD = (A.APPROVED, A.ACCEPTED)
FIELDS = ("applications", "held", "used", "expired", "reaching")
ZERO = Decimal("0.00")


def _money_when(*statuses: str) -> Sum:
    return Sum(Case(When(status__in=statuses, then=F("amount")), default=Value(ZERO), output_field=MONEY))


def pledges_facts() -> list[dict]:
    """Per local authority area and IMD decile of the vacancy: applications that reached money, and the pounds."""
    rows = (
        PledgeApplication.objects.annotate(
            **area_keys("vacancy__local_authority"), decile=decile("vacancy__local_authority")
        )
        .values("area", "area_code", "decile")
        .annotate(
            applications=Count("id", filter=Q(status__in=[*HELD, A.FUNDS_USED])),
            held=_money_when(*HELD),
            used=_money_when(A.FUNDS_USED),
            expired=_money_when(A.EXPIRED),
        )
        .order_by()
    )
    return [{**row, "reaching": (row["held"] or ZERO) + (row["used"] or ZERO)} for row in rows]


def pledge_totals() -> list[dict]:
    """The region's pledges in pounds: pledged, held for applications, used, expired, still available."""
    pledges = Pledge.objects.aggregate(
        pledged=Sum("amount", default=ZERO),
        available=Sum("remaining", filter=Q(status=Pledge.Status.OPEN), default=ZERO),
    )
    money = PledgeApplication.objects.aggregate(
        held=_money_when(*HELD), used=_money_when(A.FUNDS_USED), expired=_money_when(A.EXPIRED)
    )
    return [
        {"measure": "Pledged", "amount": pledges["pledged"]},
        {"measure": "Held for approved and accepted applications", "amount": money["held"] or ZERO},
        {"measure": "Used", "amount": money["used"] or ZERO},
        {"measure": "Expired unused", "amount": money["expired"] or ZERO},
        {"measure": "Still available in open pledges", "amount": pledges["available"]},
    ]


def pledges_by_authority(*, facts: list[dict] | None = None, authorities: list[dict] | None = None) -> list[dict]:
    rows = summed(pledges_facts() if facts is None else facts, ("area", "area_code"), FIELDS)
    zero = dict.fromkeys(FIELDS, 0)
    return every_authority(rows, city_region_authorities() if authorities is None else authorities, zero)


def pledges_by_decile(*, facts: list[dict] | None = None) -> list[dict]:
    """Per IMD decile: every decile one of the city region's authorities is in, with or without money."""
    rows = summed(pledges_facts() if facts is None else facts, ("decile",), FIELDS)
    present = {row["decile"] for row in rows}
    region = LocalAuthority.objects.filter(in_city_region=True, imd_rank__isnull=False).values_list(
        "imd_rank", flat=True
    )
    for rank in region:
        found = (rank - 1) * 10 // IMD_AUTHORITIES + 1
        if found not in present:
            rows.append({"decile": found, **dict.fromkeys(FIELDS, 0)})
            present.add(found)
    return sorted(rows, key=lambda row: (row["decile"] is None, row["decile"] or 0))
