"""Levy: levy payers' funds, what their vacancies commit, what agreed matches use, what may expire.

Every figure comes from each employer's account as apprenticeships.services.levy keeps it (the
dated rule book, the declared pay bills, the 80/20 payment profile, first-in-first-out expiry),
so the dashboard and an employer's own funds page always agree.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import F, Sum
from django.utils import timezone

from apprenticeships.funding.account import AT_RISK_MONTHS, money
from apprenticeships.models import Employer
from apprenticeships.services.levy import LevyPosition, levy_position
from matching.dashboard.reports.common import OUTSIDE, S, area_keys, city_region_authorities
from matching.models import Suggestion

__all__ = [
    "LEVY_AT_RISK_HORIZON_MONTHS",
    "levy_by_authority",
    "levy_payers",
    "levy_transfers_needed",
]

LEVY_AT_RISK_HORIZON_MONTHS = AT_RISK_MONTHS  # "funds at risk of expiring in the next 3 months" (issue 6)
MEASURES = [
    "levy_payers",
    "annual_funds",
    "committed_cost",
    "available",
    "at_risk",
    "transferable",
    "needing_transfer",
    "shortfall",
]


def _shortfall(position: LevyPosition) -> Decimal:
    """What the employer's committed vacancies need beyond what its account will pay."""
    return money(sum((c.uncovered for c in position.account.coverage.values()), Decimal(0)))


def levy_payers(*, today: date | None = None) -> list[dict]:
    """One row per levy-paying employer: its area, its account's figures and its shortfall."""
    today = today or timezone.localdate()
    employers = Employer.objects.filter(is_levy_payer=True).annotate(**area_keys("local_authority")).order_by("name")
    rows = []
    for employer in employers:
        position = levy_position(employer, today=today)
        rows.append(
            {
                "employer_id": employer.pk,
                "name": employer.name,
                "area": employer.area,
                "area_code": employer.area_code,
                "annual_funds": position.annual_funds,
                "committed_cost": position.committed,
                "available": position.available,
                "at_risk": position.account.expiring_within(AT_RISK_MONTHS),
                "transferable": min(position.transfer_allowance, position.available),
                "shortfall": _shortfall(position),
            }
        )
    return rows


def levy_by_authority(*, authorities: list[dict] | None = None, today: date | None = None) -> list[dict]:
    """Levy payers' funds per area: a year's funds, committed, available, agreed use, at risk, transfers."""
    authorities = city_region_authorities() if authorities is None else authorities
    areas = [(a["name"], a["code"]) for a in authorities] + [(OUTSIDE, "")]
    totals: dict[str, dict] = defaultdict(lambda: dict.fromkeys(MEASURES, 0))
    for row in levy_payers(today=today):
        area = totals[row["area"]]
        area["levy_payers"] += 1
        area["needing_transfer"] += 1 if row["shortfall"] else 0
        for measure in ("annual_funds", "committed_cost", "available", "at_risk", "transferable", "shortfall"):
            area[measure] += row[measure]
    used = dict(
        Suggestion.objects.filter(status=S.AGREED, vacancy__employer__is_levy_payer=True)
        .values(area=area_keys("vacancy__employer__local_authority")["area"])
        .annotate(total=Sum(F("course_offer__price") * F("vacancy__positions")))
        .order_by()
        .values_list("area", "total")
    )
    rows = []
    for name, code in areas:
        if name in totals:
            figures = {m: (money(v) if isinstance(v, Decimal) else v) for m, v in totals[name].items()}
            rows.append({"area": name, "area_code": code, **figures, "agreed_use": used.get(name) or 0})
    return rows


def levy_transfers_needed(*, limit: int | None = None, today: date | None = None) -> list[dict]:
    """Levy payers whose committed vacancies need more than their account will pay: biggest shortfall first."""
    rows = [
        {k: row[k] for k in ("employer_id", "name", "area", "area_code", "annual_funds", "committed_cost", "shortfall")}
        for row in levy_payers(today=today)
        if row["shortfall"]
    ]
    rows.sort(key=lambda row: (-row["shortfall"], row["name"]))
    return rows[:limit] if limit else rows
